/**
 * Fuzz suite for gnn-benchmark `.npz` files (issue "Hardening"): special files, truncations at many
 * offsets, bit flips, npy header and data edits re-zipped with valid CRCs, zip field overwrites,
 * wrong dtypes, duplicate members, out-of-range labels and weights, a compression bomb. Each
 * variant runs in a child process with a timeout (test/fuzz/harness.ts); `WERANK_FUZZ=full` runs
 * all of them (`npm run fuzz`), the default a seeded subset.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll } from "vitest";
import { createRng, type Rng } from "../../src/data/rng.js";
import { benchmarkArrays, npy, zip, type ArraySpec, type ZipMember } from "../helpers/npz.js";
import { fuzzFull, fuzzSuite, trainOn, type Variant } from "./harness.js";
import { flipBits, overwriteBytes, put, specialFiles, truncationOffsets } from "./inputs.js";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "werank-fuzz-npz-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const N = 30;
function baseArrays(): Record<string, ArraySpec> {
  const rng = createRng(7);
  const edges: [number, number][] = [];
  for (let k = 0; k < 70; k++) edges.push([rng.int(N), rng.int(N)]);
  const features = Array.from({ length: N }, () => Array.from({ length: 12 }, () => (rng.next() < 0.3 ? 1 + rng.int(3) : 0)));
  const labels = Array.from({ length: N }, (_, i) => i % 4);
  return benchmarkArrays({ n: N, edges, features, labels });
}

function members(arrays: Record<string, ArraySpec>): ZipMember[] {
  return Object.entries(arrays).map(([k, a]) => ({ name: `${k}.npy`, data: npy(a.dtype, a.shape, a.values, a.npy) }));
}

const load = (file: string): Variant["job"] => ({ module: "dist/data/loadNpz.js", fn: "loadNpz", args: [file] });

function headerEnd(d: Uint8Array): number {
  return Math.min(d.length, 10 + (d[8]! | (d[9]! << 8)));
}

/** Every variant; `fixed` ones always run, a seeded sample of the rest by default. */
function buildVariants(): { fixed: Variant[]; random: Variant[] } {
  const fixed: Variant[] = [];
  const random: Variant[] = [];
  const base = baseArrays();
  const m = members(base);
  let k = 0;
  const file = (bytes: Uint8Array): string => put(tmp, `v${k++}.npz`, bytes);
  const patched = (patch: Record<string, ArraySpec | undefined>, extra: ZipMember[] = [], compress = false): string => {
    const a: Record<string, ArraySpec> = { ...base };
    for (const [key, v] of Object.entries(patch)) {
      if (v) a[key] = v;
      else delete a[key];
    }
    return file(zip([...members(a), ...extra], { compress }));
  };
  const bad = (name: string, p: string, codes?: string[]): void => void fixed.push({ name, expect: "bad", job: load(p), ...(codes ? { codes } : {}) });
  for (const compress of [false, true]) fixed.push({ name: `valid archive (${compress ? "DEFLATE" : "STORED"})`, expect: "good", job: load(file(zip(m, { compress }))) });
  fixed.push({ name: "valid archive (Zip64)", expect: "good", job: load(file(zip(m, { zip64: true }))) });
  for (const s of specialFiles(tmp, "x.npz")) bad(`special file: ${s.name}`, s.path);
  const labels = (values: number[], dtype: ArraySpec["dtype"] = "<i8"): ArraySpec => ({ dtype, shape: [N], values: dtype === "<i8" ? values.map(BigInt) : values });
  const lab = Array.from({ length: N }, (_, i) => i % 4);
  bad("labels all 3", patched({ labels: labels(lab.map(() => 3)) }));
  bad("labels all 0 (one class)", patched({ labels: labels(lab.map(() => 0)) }));
  bad("one label of 1,000,000", patched({ labels: labels(lab.map((v, i) => (i === 17 ? 1_000_000 : v))) }));
  bad("labels with a gap (class 3 missing, a 5)", patched({ labels: labels(lab.map((v) => (v === 3 ? 5 : v))) }));
  bad("a negative label", patched({ labels: labels(lab.map((v, i) => (i === 3 ? -1 : v))) }));
  bad("bool labels", patched({ labels: { dtype: "|b1", shape: [N], values: lab.map((v) => v % 2) } }));
  bad("float labels", patched({ labels: labels(lab, "<f4") }));
  bad("object labels", patched({ labels: { dtype: "|O", shape: [N], values: lab } }));
  const ai = base.adj_indices!;
  bad("bool adj_indices", patched({ adj_indices: { ...ai, dtype: "|b1", values: Array.from(ai.values as number[], (v) => (v ? 1 : 0)) } }));
  const xi = base.attr_indices!;
  bad("bool attr_indices", patched({ attr_indices: { ...xi, dtype: "|b1", values: Array.from(xi.values as number[], (v) => (v ? 1 : 0)) } }));
  bad("float16 attr_indptr", patched({ attr_indptr: { ...base.attr_indptr!, dtype: "<f2" } }));
  bad("float adj_indptr", patched({ adj_indptr: { ...base.adj_indptr!, dtype: "<f8" } }));
  bad("two labels.npy members", patched({}, [{ name: "labels.npy", data: npy("<i8", [N], lab.map(BigInt)) }]));
  bad("two adj_indices.npy members (DEFLATE)", patched({}, [members({ adj_indices: ai })[0]!], true));
  const ad = base.adj_data!;
  const w = (v: number): ArraySpec => ({ ...ad, values: Array.from(ad.values as number[], (x, i) => (i === 5 ? v : x)) });
  bad("a negative edge weight", patched({ adj_data: w(-1) }));
  bad("an edge weight of 3e38", patched({ adj_data: w(3e38) }));
  bad("a zero edge weight", patched({ adj_data: w(0) }));
  bad("a NaN edge weight", patched({ adj_data: w(NaN) }));
  bad("an infinite feature value", patched({ attr_data: { ...base.attr_data!, values: Array.from(base.attr_data!.values as number[], (x, i) => (i === 2 ? Infinity : x)) } }));
  bad("adj_shape of 10^9 nodes", patched({ adj_shape: { dtype: "<i8", shape: [2], values: [10n ** 9n, 10n ** 9n] } }));
  bad("adj_shape of 2^31 nodes", patched({ adj_shape: { dtype: "<i8", shape: [2], values: [2n ** 31n, 2n ** 31n] } }));
  bad("node id out of range", patched({ adj_indices: { ...ai, values: Array.from(ai.values as number[], (v, i) => (i === 9 ? N : v)) } }));
  bad("decreasing adj_indptr", patched({ adj_indptr: { ...base.adj_indptr!, values: Array.from(base.adj_indptr!.values as number[], (v, i) => (i === 4 ? 1000 : v)) } }));
  bad("no labels member", patched({ labels: undefined }));
  bad("no members at all", file(zip([])));
  // A compression bomb: labels declaring 32M int32 zeros (128 MiB) in ~130 KB of DEFLATE.
  bad("compression bomb in labels.npy", patched({ labels: undefined }, [{ name: "labels.npy", data: npy("<i4", [32 << 20], new Int32Array(32 << 20)) }], true));
  // Random damage.
  for (const compress of [false, true]) {
    const bytes = zip(m, { compress });
    for (const off of truncationOffsets(bytes.length, 35))
      random.push({ name: `truncated at byte ${off} of ${bytes.length} (${compress ? "DEFLATE" : "STORED"})`, expect: "bad", job: load(file(bytes.subarray(0, off))) });
  }
  const rng: Rng = createRng(15);
  for (let i = 0; i < 40; i++) {
    const compress = i % 2 === 1;
    random.push({ name: `bit flips #${i}`, expect: "either", job: load(file(flipBits(zip(m, { compress }), rng))) });
  }
  for (let i = 0; i < 30; i++) {
    const copy = m.map((x) => ({ ...x, data: Uint8Array.from(x.data) }));
    const t = copy[rng.int(copy.length)]!;
    const end = headerEnd(t.data);
    const alphabet = "0123456789<>|fiubO(),' L";
    for (let e = 0; e < 1 + rng.int(3); e++) t.data[rng.int(end)] = rng.next() < 0.8 ? alphabet.charCodeAt(rng.int(alphabet.length)) : rng.int(256);
    random.push({ name: `npy header edit #${i} in ${t.name} (valid CRC)`, expect: "either", job: load(file(zip(copy, { compress: i % 2 === 1 }))) });
  }
  for (let i = 0; i < 30; i++) {
    const copy = m.map((x) => ({ ...x, data: Uint8Array.from(x.data) }));
    const j = rng.int(copy.length);
    copy[j] = { ...copy[j]!, data: overwriteBytes(copy[j]!.data, rng, headerEnd(copy[j]!.data)) };
    random.push({ name: `npy data edit #${i} in ${copy[j]!.name} (valid CRC)`, expect: "either", job: load(file(zip(copy, { compress: i % 2 === 1 }))) });
  }
  for (let i = 0; i < 30; i++) {
    const b = Buffer.from(zip(m, { compress: i % 2 === 1 }));
    const cd = b.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    const region = rng.next() < 0.5 ? [cd, b.length] : [0, 60];
    const pos = region[0]! + rng.int(Math.max(1, region[1]! - region[0]! - 4));
    const v = [0, 0xffffffff, 0x7fffffff, rng.int(2 ** 32), rng.int(200)][rng.int(5)]!;
    if (rng.next() < 0.5) b.writeUInt32LE(v >>> 0, pos);
    else b.writeUInt16LE(v & 0xffff, pos);
    random.push({ name: `zip field overwrite #${i} at byte ${pos}`, expect: "either", job: load(file(b)) });
  }
  // The CLI end to end: no stack trace, no signal, a non-zero exit.
  const fifo = specialFiles(tmp, "cli.npz")[0]!.path;
  const cli = (name: string, p: string): Variant => trainOn(name, p, path.join(tmp, `run-${k++}`));
  fixed.push(cli("a FIFO", fifo), cli("labels all 3", patched({ labels: labels(lab.map(() => 3)) })));
  if (fuzzFull)
    fixed.push(
      cli("bool adj_indices", patched({ adj_indices: { ...ai, dtype: "|b1", values: Array.from(ai.values as number[], (v) => (v ? 1 : 0)) } })),
      cli("a truncated archive", file(zip(m).subarray(0, 500))),
    );
  return { fixed, random };
}

fuzzSuite(".npz", buildVariants, { sample: 12, seed: 1 });
