/**
 * Fuzz suite for OGB node-property dataset folders (raw/*.csv.gz, split/<scheme>/*.csv.gz; issue
 * "Hardening"): special files in place of each file, empty and truncated gzip, byte flips, a 2 MB
 * node-feat.csv.gz inflating to 2 GiB, out-of-range and degenerate labels, empty splits, bad
 * counts. Each variant runs in a child process with a timeout (test/fuzz/harness.ts);
 * `WERANK_FUZZ=full` runs all of them (`npm run fuzz`), the default a seeded subset.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { afterAll } from "vitest";
import { createRng } from "../../src/data/rng.js";
import { writeOgb, type OgbFixture } from "../helpers/ogb.js";
import { flipBits, gzipBomb, overwriteBytes, put, specialFiles, truncationOffsets } from "./inputs.js";
import { fuzzFull, fuzzSuite, trainOn, type Variant } from "./harness.js";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "werank-fuzz-ogb-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const N = 30;
function fixture(plain = false): OgbFixture {
  const rng = createRng(11);
  const edges: [number, number][] = [];
  for (let k = 0; k < 70; k++) edges.push([rng.int(N), rng.int(N)]);
  const ids = Array.from({ length: N }, (_, i) => i);
  return {
    numNodes: N,
    edges,
    features: ids.map(() => Array.from({ length: 8 }, () => Math.round(rng.normal() * 1000) / 1000)),
    labels: ids.map((i) => i % 4),
    split: { scheme: "time", train: ids.slice(0, 15), valid: ids.slice(15, 22), test: ids.slice(22) },
    plain,
  };
}

const load = (dir: string): Variant["job"] => ({ module: "dist/data/loadOgb.js", fn: "loadOgb", args: [dir] });
const gz = (lines: string[]): Buffer => zlib.gzipSync(`${lines.join("\n")}\n`);

const FILES = ["raw/edge", "raw/node-feat", "raw/node-label", "raw/num-node-list", "raw/num-edge-list", "split/time/train", "split/time/valid", "split/time/test"];

function buildVariants(): { fixed: Variant[]; random: Variant[] } {
  const fixed: Variant[] = [];
  const random: Variant[] = [];
  const base = writeOgb(path.join(tmp, "base"), fixture());
  const basePlain = writeOgb(path.join(tmp, "base-plain"), fixture(true));
  let k = 0;
  /** A copy of the base folder with `files` (relative path with extension → bytes, or null to delete) replaced. */
  const variant = (files: Record<string, Uint8Array | string | null>, from = base): string => {
    const dir = path.join(tmp, `v${k++}`);
    fs.cpSync(from, dir, { recursive: true });
    for (const [rel, bytes] of Object.entries(files)) {
      fs.rmSync(path.join(dir, rel), { force: true, recursive: true });
      if (bytes !== null) put(dir, rel, bytes);
    }
    return dir;
  };
  const bad = (name: string, dir: string): void => void fixed.push({ name, expect: "bad", job: load(dir) });
  fixed.push({ name: "valid folder (.csv.gz)", expect: "good", job: load(base) }, { name: "valid folder (.csv)", expect: "good", job: load(basePlain) });
  // Special files in place of each data file.
  for (const rel of ["raw/edge.csv.gz", "raw/node-feat.csv.gz", "raw/node-label.csv.gz", "split/time/test.csv.gz"]) {
    for (const s of specialFiles(tmp, path.basename(rel)).filter((x) => x.name !== "a missing file" && x.name !== "an empty file")) {
      const dir = variant({ [rel]: null });
      if (s.name === "a directory") fs.mkdirSync(path.join(dir, rel));
      else fs.symlinkSync(s.path, path.join(dir, rel));
      bad(`${rel} is ${s.name}`, dir);
    }
  }
  const fifoDir = variant({ "raw/edge.csv.gz": null });
  fs.renameSync(specialFiles(tmp, "edge.csv.gz")[0]!.path, path.join(fifoDir, "raw/edge.csv.gz"));
  bad("raw/edge.csv.gz is a FIFO inside the folder", fifoDir);
  bad("the folder is /dev/zero", "/dev/zero");
  bad(
    "raw/edge.csv is /dev/zero (uncompressed)",
    (() => {
      const d = variant({ "raw/edge.csv": null }, basePlain);
      fs.symlinkSync("/dev/zero", path.join(d, "raw/edge.csv"));
      return d;
    })(),
  );
  bad("an empty edge.csv.gz (0 bytes)", variant({ "raw/edge.csv.gz": "" }));
  bad("an edge.csv.gz holding no lines", variant({ "raw/edge.csv.gz": gz([]), "raw/num-edge-list.csv.gz": null }));
  bad("an empty node-label.csv.gz", variant({ "raw/node-label.csv.gz": "" }));
  bad("an empty test split", variant({ "split/time/test.csv.gz": zlib.gzipSync("") }));
  bad("an empty train split", variant({ "split/time/train.csv.gz": zlib.gzipSync("") }));
  bad("an empty valid split", variant({ "split/time/valid.csv.gz": zlib.gzipSync("") }));
  const labels = Array.from({ length: N }, (_, i) => i % 4);
  const labelFile = (vals: (number | string)[]): Record<string, Buffer> => ({ "raw/node-label.csv.gz": gz(vals.map(String)) });
  bad("labels all 3", variant(labelFile(labels.map(() => 3))));
  bad("labels all 0 (one class)", variant(labelFile(labels.map(() => 0))));
  bad("one label of 1,000,000", variant(labelFile(labels.map((v, i) => (i === 7 ? 1_000_000 : v)))));
  bad("labels with a gap (class 3 missing)", variant(labelFile(labels.map((v) => (v === 3 ? 5 : v)))));
  bad("a negative label", variant(labelFile(labels.map((v, i) => (i === 2 ? -1 : v)))));
  bad("a label of 1.5", variant(labelFile(labels.map((v, i) => (i === 2 ? 1.5 : v)))));
  bad("a label of 1e12", variant(labelFile(labels.map((v, i) => (i === 2 ? "1e12" : v)))));
  bad("two labels per line (multi-label)", variant(labelFile(labels.map((v) => `${v},${v}`))));
  bad("one label too few", variant(labelFile(labels.slice(1))));
  bad("one label too many", variant(labelFile([...labels, 0])));
  bad("num-node-list 0", variant({ "raw/num-node-list.csv.gz": gz(["0"]) }));
  bad("num-node-list 1e12", variant({ "raw/num-node-list.csv.gz": gz(["1000000000000"]) }));
  bad("num-node-list 2^31 - 2 (files for 30 nodes)", variant({ "raw/num-node-list.csv.gz": gz(["2147483646"]) }));
  bad("num-edge-list disagrees with edge.csv.gz", variant({ "raw/num-edge-list.csv.gz": gz(["69"]) }));
  bad("an edge to node 30 of 30", variant({ "raw/edge.csv.gz": gz(["0,1", "2,30"]), "raw/num-edge-list.csv.gz": gz(["2"]) }));
  bad("three values on an edge line", variant({ "raw/edge.csv.gz": gz(["0,1,2", "2,3,4"]), "raw/num-edge-list.csv.gz": gz(["2"]) }));
  bad("a NaN feature", variant({ "raw/node-feat.csv.gz": gz(Array.from({ length: N }, (_, i) => (i === 4 ? "1,nan,0,0,0,0,0,0" : "1,0,0,0,0,0,0,0"))) }));
  bad("ragged feature lines", variant({ "raw/node-feat.csv.gz": gz(Array.from({ length: N }, (_, i) => (i === 4 ? "1,0" : "1,0,0"))) }));
  bad("a split id out of range", variant({ "split/time/test.csv.gz": gz(["22", "30"]) }));
  bad("a node in both train and test", variant({ "split/time/test.csv.gz": gz(["0", "23"]) }));
  bad("split/ is a file", variant({ split: "x" }));
  // Compression bombs: 128 identical gzip members of 16 MiB each (about 2 MB on disk, 2 GiB inflated).
  const bomb = (row: string): Buffer => gzipBomb(row, 16 << 20, 128);
  bad("node-feat.csv.gz: 2 MB inflating to 2 GiB of feature rows", variant({ "raw/node-feat.csv.gz": bomb("0,0,0,0,0,0,0,0\n") }));
  bad("node-label.csv.gz: 2 MB inflating to 2 GiB of labels", variant({ "raw/node-label.csv.gz": bomb("0\n") }));
  bad("edge.csv.gz: 2 MB inflating to 2 GiB of edges", variant({ "raw/edge.csv.gz": bomb("0,1\n") }));
  bad("node-feat.csv.gz: 2 GiB of blank lines", variant({ "raw/node-feat.csv.gz": bomb("\n") }));
  bad("node-feat.csv.gz: one 2 GiB line", variant({ "raw/node-feat.csv.gz": bomb("0,") }));
  // Random damage to each file: truncated gzip (always bad), bit flips and overwrites (either).
  const rng = createRng(31);
  for (const rel of FILES) {
    const p = `${rel}.csv.gz`;
    const bytes = fs.readFileSync(path.join(base, p));
    for (const off of truncationOffsets(bytes.length, 12))
      random.push({ name: `${p} truncated at byte ${off} of ${bytes.length}`, expect: "bad", job: load(variant({ [p]: bytes.subarray(0, off) })) });
    for (let i = 0; i < 6; i++) random.push({ name: `${p} bit flips #${i}`, expect: "either", job: load(variant({ [p]: flipBits(bytes, rng) })) });
    const text = fs.readFileSync(path.join(basePlain, `${rel}.csv`));
    for (let i = 0; i < 6; i++) random.push({ name: `${rel}.csv byte overwrite #${i}`, expect: "either", job: load(variant({ [`${rel}.csv`]: overwriteBytes(text, rng) }, basePlain)) });
  }
  const cli = (name: string, dir: string): Variant => trainOn(name, dir, path.join(tmp, `run-${k++}`));
  fixed.push(cli("a FIFO edge file", fifoDir), cli("an empty test split", variant({ "split/time/test.csv.gz": zlib.gzipSync("") })));
  if (fuzzFull) fixed.push(cli("an empty edge.csv.gz", variant({ "raw/edge.csv.gz": "" })), cli("labels all 3", variant(labelFile(labels.map(() => 3)))));
  return { fixed, random };
}

fuzzSuite("OGB folder", buildVariants, { sample: 10, seed: 2 });
