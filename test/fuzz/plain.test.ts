/**
 * Fuzz suite for the plain format (edge list, feature CSV/.npy, label file/.npy; `loadPlain`;
 * issue "Hardening"): special files in place of each file, numNodes out of range, empty and
 * truncated gzip, a compression bomb, bad ids, weights and labels, malformed .npy arrays, byte
 * flips. Each variant runs in a child process with a timeout (test/fuzz/harness.ts);
 * `WERANK_FUZZ=full` runs all of them (`npm run fuzz`), the default a seeded subset.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { afterAll } from "vitest";
import { createRng } from "../../src/data/rng.js";
import { npy } from "../helpers/npz.js";
import { fuzzFull, fuzzSuite, type Variant } from "./harness.js";
import { flipBits, gzipBomb, overwriteBytes, put, specialFiles, truncationOffsets } from "./inputs.js";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "werank-fuzz-plain-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const N = 30;
interface PlainArgs {
  edges: string;
  features?: string;
  labels?: string;
  numNodes?: unknown;
}
const load = (o: PlainArgs): Variant["job"] => ({ module: "dist/data/loadPlain.js", fn: "loadPlain", args: [o] });

function buildVariants(): { fixed: Variant[]; random: Variant[] } {
  const fixed: Variant[] = [];
  const random: Variant[] = [];
  const rng = createRng(23);
  const edgeLines: string[] = [];
  for (let k = 0; k < 70; k++) edgeLines.push(`${rng.int(N)},${rng.int(N)}`);
  edgeLines.push(`${N - 1},0`);
  const edgeText = `${edgeLines.join("\n")}\n`;
  const labels = Array.from({ length: N }, (_, i) => i % 3);
  const feats = Array.from({ length: N }, () => Array.from({ length: 5 }, () => Math.round(rng.normal() * 100) / 100));
  let k = 0;
  const file = (ext: string, bytes: Uint8Array | string): string => put(tmp, `f${k++}${ext}`, bytes);
  const edges = file(".csv", edgeText);
  const edgesGz = file(".csv.gz", zlib.gzipSync(edgeText));
  const featCsv = file(".csv", `${feats.map((r) => r.join(",")).join("\n")}\n`);
  const featNpyBytes = npy("<f4", [N, 5], feats.flat());
  const featNpy = file(".npy", featNpyBytes);
  const labelTxt = file(".txt", `${labels.join("\n")}\n`);
  const labelNpyBytes = npy("<i8", [N], labels.map(BigInt));
  const labelNpy = file(".npy", labelNpyBytes);
  const full = { edges, features: featCsv, labels: labelTxt };
  const bad = (name: string, o: PlainArgs): void => void fixed.push({ name, expect: "bad", job: load(o) });
  fixed.push(
    { name: "valid csv files", expect: "good", job: load(full) },
    { name: "valid gzip edges, .npy features and labels", expect: "good", job: load({ edges: edgesGz, features: featNpy, labels: labelNpy }) },
    { name: "valid node,label pairs", expect: "good", job: load({ edges, labels: file(".csv", labels.map((_l, i) => `${N - 1 - i},${labels[N - 1 - i]}`).join("\n")) }) },
    { name: "valid edges only, numNodes 40", expect: "good", job: load({ edges, numNodes: 40 }) },
  );
  for (const [role, base] of [
    ["edges", ".csv"],
    ["edges", ".csv.gz"],
    ["features", ".csv"],
    ["features", ".npy"],
    ["labels", ".txt"],
    ["labels", ".npy"],
  ] as const) {
    for (const s of specialFiles(tmp, `x${base}`)) bad(`${role} ${base} is ${s.name}`, { ...full, [role]: s.path });
  }
  for (const n of [1e12, 2 ** 31, 2 ** 31 - 1, -1, 0, 1.5, NaN, "30", null]) bad(`numNodes ${JSON.stringify(n)}${Number.isNaN(n) ? " (NaN)" : ""}`, { ...full, numNodes: n });
  bad("numNodes 10 with ids up to 29", { edges, numNodes: 10 });
  bad("numNodes 31 with 30 feature rows", { ...full, numNodes: 31 });
  bad("an edge file with no lines", { ...full, edges: file(".csv", "") });
  bad("an edge file with only a header", { ...full, edges: file(".csv", "src,dst\n") });
  bad("an empty edges.csv.gz (0 bytes)", { ...full, edges: file(".csv.gz", "") });
  bad("an edges.csv.gz that is not gzip", { ...full, edges: file(".csv.gz", edgeText) });
  bad("a negative node id", { ...full, edges: file(".csv", "0,1\n-1,2\n") });
  bad("a node id of 1.5", { ...full, edges: file(".csv", "0,1\n1.5,2\n") });
  bad("a node id of 1e12", { ...full, edges: file(".csv", "0,1\n1e12,2\n") });
  bad("four values per edge line", { ...full, edges: file(".csv", "0,1,1,1\n") });
  bad("ragged edge lines", { ...full, edges: file(".csv", "0,1\n1,2,3\n") });
  for (const w of ["-1", "0", "3e38", "nan", "inf"]) bad(`an edge weight of ${w}`, { ...full, edges: file(".csv", `0,1,1\n1,2,${w}\n`) });
  const lab = (vals: (number | string)[]): string => file(".txt", `${vals.join("\n")}\n`);
  bad("labels all 3", { ...full, labels: lab(labels.map(() => 3)) });
  bad("labels all 0 (one class)", { ...full, labels: lab(labels.map(() => 0)) });
  bad("one label of 1,000,000", { ...full, labels: lab(labels.map((v, i) => (i === 5 ? 1_000_000 : v))) });
  bad("labels with a gap", { ...full, labels: lab(labels.map((v) => (v === 2 ? 7 : v))) });
  bad("a negative label", { ...full, labels: lab(labels.map((v, i) => (i === 5 ? -2 : v))) });
  bad("a label of 0.5", { ...full, labels: lab(labels.map((v, i) => (i === 5 ? 0.5 : v))) });
  bad("a label of nan", { ...full, labels: lab(labels.map((v, i) => (i === 5 ? "nan" : v))) });
  bad("one label too few", { ...full, labels: lab(labels.slice(1)) });
  bad("a node labelled twice", { ...full, labels: file(".csv", "0,1\n0,0\n") });
  bad("a labelled node id of 1e12", { edges, labels: file(".csv", labels.map((l, i) => `${i === 3 ? "1e12" : i},${l}`).join("\n")) });
  bad("bool labels (.npy)", {
    ...full,
    labels: file(
      ".npy",
      npy(
        "|b1",
        [N],
        labels.map((v) => v % 2),
      ),
    ),
  });
  bad("object labels (.npy)", { ...full, labels: file(".npy", npy("|O", [N], labels)) });
  bad("2-D labels (.npy)", { ...full, labels: file(".npy", npy("<i4", [N, 1], labels)) });
  bad("float labels with a fraction (.npy)", {
    ...full,
    labels: file(
      ".npy",
      npy(
        "<f8",
        [N],
        labels.map((v, i) => (i === 2 ? 0.5 : v)),
      ),
    ),
  });
  bad("a NaN feature", { ...full, features: file(".csv", feats.map((r, i) => (i === 3 ? ["nan", ...r.slice(1)] : r).join(",")).join("\n")) });
  bad("ragged feature lines", { ...full, features: file(".csv", feats.map((r, i) => (i === 3 ? r.slice(1) : r).join(",")).join("\n")) });
  bad("3-D features (.npy)", { ...full, features: file(".npy", npy("<f4", [N, 5, 1], feats.flat())) });
  bad("features claiming shape (10^12, 5) (.npy)", {
    ...full,
    features: file(".npy", npy("<f4", [N, 5], feats.flat(), { headerText: "{'descr': '<f4', 'fortran_order': False, 'shape': (1000000000000, 5), }" })),
  });
  bad("an infinite feature (.npy)", {
    ...full,
    features: file(
      ".npy",
      npy(
        "<f8",
        [N, 5],
        feats.flat().map((v, i) => (i === 7 ? Infinity : v)),
      ),
    ),
  });
  // Compression bombs (gzip members repeated): the edge list has no known row count, so the ratio cap applies.
  bad("edges.csv.gz: 512 KB inflating to 512 MiB", { ...full, edges: file(".csv.gz", gzipBomb("0,1\n", 16 << 20, 32)) });
  bad("labels .txt.gz with numNodes: 2 MB inflating to 2 GiB", { ...full, numNodes: N, labels: file(".txt.gz", gzipBomb("0\n", 16 << 20, 128)) });
  if (fuzzFull) bad("edges.csv.gz: 2 MB inflating to 2 GiB", { ...full, edges: file(".csv.gz", gzipBomb("0,1\n", 16 << 20, 128)) });
  // Random damage.
  const gzBytes = fs.readFileSync(edgesGz);
  for (const off of truncationOffsets(gzBytes.length, 30))
    random.push({ name: `edges.csv.gz truncated at byte ${off} of ${gzBytes.length}`, expect: "bad", job: load({ ...full, edges: file(".csv.gz", gzBytes.subarray(0, off)) }) });
  for (const [what, bytes] of [
    ["features", featNpyBytes],
    ["labels", labelNpyBytes],
  ] as const) {
    for (const off of truncationOffsets(bytes.length, 25))
      random.push({ name: `${what} .npy truncated at byte ${off} of ${bytes.length}`, expect: "bad", job: load({ ...full, [what]: file(".npy", bytes.subarray(0, off)) }) });
    for (let i = 0; i < 15; i++) random.push({ name: `${what} .npy bit flips #${i}`, expect: "either", job: load({ ...full, [what]: file(".npy", flipBits(bytes, rng)) }) });
  }
  for (let i = 0; i < 15; i++) random.push({ name: `edges.csv.gz bit flips #${i}`, expect: "either", job: load({ ...full, edges: file(".csv.gz", flipBits(gzBytes, rng)) }) });
  const text = Buffer.from(edgeText);
  for (let i = 0; i < 15; i++) random.push({ name: `edges.csv byte overwrite #${i}`, expect: "either", job: load({ ...full, edges: file(".csv", overwriteBytes(text, rng)) }) });
  const labText = Buffer.from(`${labels.join("\n")}\n`);
  for (let i = 0; i < 15; i++) random.push({ name: `labels.txt byte overwrite #${i}`, expect: "either", job: load({ ...full, labels: file(".txt", overwriteBytes(labText, rng)) }) });
  return { fixed, random };
}

fuzzSuite("plain-format", buildVariants, { sample: 10, seed: 3 });
