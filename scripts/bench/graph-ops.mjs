#!/usr/bin/env node
// Graph kernels against LibTorch's built-in sparse COO ops, side by side in one process with the same
// threads (interleaved rounds, median of each):
//   spmm    Â X forward + backward (hidden 256 / 512): DeviceGraph.gcn vs at::mm(coalesced COO Â, X)
//   augment one view, edge drop + GCN renormalization: DeviceGraph.augment vs a fresh normalized COO
//           adjacency (rand mask, masked edge_index, self-loops, degrees, values, coalesce)
//   step    augment + Â X forward + backward on the view (backward needs the view's transpose)
//   layer1  first layer X W forward + backward w.r.t. W: SparseFeatures.matmul vs COO mm (and dense mm)
// Targets: spmm ratio <= 0.7, augment ratio <= 0.5.
//
//   node scripts/bench/graph-ops.mjs --synthetic [--threads 2] [--rounds 5] [--p 0.2] [--json-out FILE]
//   node scripts/bench/graph-ops.mjs [--data-dir ../shared/data]   (real Amazon Computers / Coauthor CS)
import path from "node:path";
import { fileURLToPath } from "node:url";
import { fmt, median, nowNs, writeJsonIfAsked } from "./lib.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const wn = await import(path.join(root, "dist", "index.js"));
// Internals (the raw addon, the host RNG) are not in the public barrel: deep imports.
const { loadNative } = await import(path.join(root, "dist", "native", "addon.js"));
const { createRng } = await import(path.join(root, "dist", "data", "rng.js"));
const N = loadNative();

const argv = process.argv.slice(2);
const flag = (k) => argv.includes(k);
const opt = (k, d) => {
  const i = argv.indexOf(k);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : d;
};
const synthetic = flag("--synthetic");
const threads = Number(opt("--threads", process.env.WERANK_NUM_THREADS ?? 2));
const rounds = Number(opt("--rounds", 5));
const p = Number(opt("--p", 0.2));
const hiddens = String(opt("--hidden", "256,512")).split(",").map(Number);
const dataDir = opt("--data-dir", process.env.WERANK_DATA_DIR ?? path.resolve(root, "..", "shared", "data"));
wn.setNumThreads(threads);

// The two benchmark datasets: sizes after symmetrizing (see ../shared/data/README.md).
const SPECS = [
  { name: "amazon-computers", nodes: 13752, edges: 491722, features: 767, density: 0.35 },
  { name: "coauthor-cs", nodes: 18333, edges: 163788, features: 6805, density: 0.0088 },
];

/** Seeded uniform [0, 1) draws (the data layer's generator). */
function prng(seed) {
  const rng = createRng(seed);
  return () => rng.next();
}

/** A random symmetric graph with exactly `edges` directed entries; endpoints half uniform, half
 *  skewed (hubs, as in co-purchase / co-authorship graphs). */
function syntheticGraph(spec, seed) {
  const r = prng(seed);
  const n = spec.nodes;
  const pick = () => (r() < 0.5 ? Math.floor(r() * n) : Math.floor(n * r() ** 3));
  const seen = new Set();
  const keys = new Float64Array(spec.edges);
  let m = 0;
  while (m < spec.edges) {
    const a = pick(),
      b = pick();
    if (a === b || seen.has(a * n + b)) continue;
    seen.add(a * n + b);
    seen.add(b * n + a);
    keys[m++] = a * n + b;
    keys[m++] = b * n + a;
  }
  keys.sort();
  const indptr = new Int32Array(n + 1);
  const indices = new Int32Array(spec.edges);
  for (let k = 0; k < spec.edges; k++) {
    const d = Math.floor(keys[k] / n);
    indices[k] = keys[k] - d * n;
    indptr[d + 1]++;
  }
  for (let i = 0; i < n; i++) indptr[i + 1] += indptr[i];
  // Features: CSR with the dataset's density (binary bag-of-words).
  const fi = [],
    fp = new Int32Array(n + 1);
  const lp = Math.log(1 - spec.density);
  for (let i = 0; i < n; i++) {
    for (let c = Math.floor(Math.log(1 - r()) / lp); c < spec.features; c += 1 + Math.floor(Math.log(1 - r()) / lp)) fi.push(c);
    fp[i + 1] = fi.length;
  }
  const features = { kind: "csr", rows: n, cols: spec.features, indptr: fp, indices: Int32Array.from(fi), data: new Float32Array(fi.length).fill(1) };
  return { name: `${spec.name} (synthetic)`, numNodes: n, indptr, indices, features };
}

async function realGraph(spec) {
  if (typeof wn.loadDataset !== "function") {
    console.error("graph-ops: real-data mode needs loadDataset() from src/data, which this build does not export yet; run with --synthetic");
    process.exit(2);
  }
  return wn.loadDataset(spec.name, { dataDir });
}

/** ms of one call of fn (which disposes what it makes). */
function time(fn) {
  const t0 = nowNs();
  fn();
  return Number(nowNs() - t0) / 1e6;
}

/** Interleaved rounds of two or more variants; returns the median ms of each. */
function race(variants) {
  for (const f of Object.values(variants)) f(); // warm-up
  const ms = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
  for (let r = 0; r < rounds; r++) for (const [k, f] of Object.entries(variants)) ms[k].push(time(f));
  return Object.fromEntries(Object.entries(ms).map(([k, v]) => [k, median(v)]));
}

const results = [];
function report(dataset, what, times, target) {
  const [ours, ref, ...rest] = Object.entries(times);
  const ratio = ours[1] / ref[1];
  const extra = rest.map(([k, v]) => `  ${k} ${fmt(v)} ms`).join("");
  const verdict = target === undefined ? "" : ratio <= target ? `  (target <= ${target}: met)` : `  (target <= ${target}: NOT met)`;
  console.log(`  ${what.padEnd(28)} ours ${fmt(ours[1]).padStart(7)} ms   libtorch-coo ${fmt(ref[1]).padStart(7)} ms   ratio ${fmt(ratio)}${verdict}${extra}`);
  results.push({ dataset, what, ms: times, ratio, target: target ?? null });
}

console.log(`graph-ops: ${synthetic ? "synthetic graphs with the datasets' sizes" : `real datasets from ${dataDir}`}, ${threads} LibTorch thread(s), median of ${rounds} rounds, p = ${p}`);
for (const spec of SPECS) {
  const host = synthetic ? syntheticGraph(spec, 7) : await realGraph(spec);
  const nnzF = host.features.kind === "csr" ? host.features.indices.length : host.features.data.length;
  console.log(`${host.name}: ${host.numNodes} nodes, ${host.indices.length} directed edges, ${host.features.cols} features (${host.features.kind}, ${host.features.kind === "csr" ? nnzF : "dense"})`);
  const g = wn.DeviceGraph.fromCsr(host.numNodes, host.indptr, host.indices, { weights: host.weights });
  const coo = new wn.Tensor(N.benchCooMatrix(g._id, 1, 0));
  const edgeIndex = new wn.Tensor(N.benchEdgeIndex(g._id));
  const genOurs = new wn.Generator(1),
    genRef = new wn.Generator(1);

  for (const h of hiddens) {
    const x = wn.randn([host.numNodes, h], { requiresGrad: true });
    const gy = wn.randn([host.numNodes, h]);
    const spmm = race({
      ours: () => {
        wn.tidy(() => g.gcn(x).backward(gy));
        x.zeroGrad();
      },
      coo: () => {
        wn.tidy(() => coo.mm(x).backward(gy));
        x.zeroGrad();
      },
    });
    report(host.name, `spmm fwd+bwd, hidden ${h}`, spmm, 0.7);
    if (h === hiddens[0]) {
      const step = race({
        ours: () => {
          const v = g.augment({ edgeDrop: p }, genOurs);
          wn.tidy(() => v.gcn(x).backward(gy));
          v.dispose();
          x.zeroGrad();
        },
        coo: () => {
          wn.tidy(() => new wn.Tensor(N.benchCooAugment(edgeIndex._h, host.numNodes, genRef._id, p, 0)).mm(x).backward(gy));
          x.zeroGrad();
        },
      });
      report(host.name, `view + spmm fwd+bwd, h ${h}`, step);
    }
    x.dispose();
    gy.dispose();
  }
  const aug = race({
    ours: () => g.augment({ edgeDrop: p }, genOurs).dispose(),
    coo: () => N.dispose(N.benchCooAugment(edgeIndex._h, host.numNodes, genRef._id, p, 0)),
  });
  report(host.name, `augment (drop+renormalize)`, aug, 0.5);

  // First layer X W on the node features, forward + backward w.r.t. W.
  const hf = hiddens[0];
  const sf = host.features.kind === "csr" ? wn.SparseFeatures.fromCsr(host.features) : null;
  if (sf) {
    const xCoo = new wn.Tensor(N.benchCooMatrix(sf._id, 0, 0));
    const xDense = sf.toDense();
    const w = wn.randn([host.features.cols, hf], { requiresGrad: true });
    const gy = wn.randn([host.numNodes, hf]);
    const layer = race({
      ours: () => {
        wn.tidy(() => sf.matmul(w).backward(gy));
        w.zeroGrad();
      },
      coo: () => {
        wn.tidy(() => xCoo.mm(w).backward(gy));
        w.zeroGrad();
      },
      dense: () => {
        wn.tidy(() => xDense.matmul(w).backward(gy));
        w.zeroGrad();
      },
    });
    report(host.name, `sparse X W fwd+bwd, h ${hf}`, layer);
    console.log(`  ${"".padEnd(28)} ours / dense mm: ${fmt(layer.ours / layer.dense)}`);
    for (const t of [xCoo, xDense, w, gy]) t.dispose();
    sf.dispose();
  }
  for (const o of [coo, edgeIndex, g, genOurs, genRef]) o.dispose();
}
writeJsonIfAsked({ synthetic, threads, rounds, p, results });
