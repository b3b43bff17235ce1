#!/usr/bin/env node
// Neighbour sampling: sampled subgraphs per second, ours (sampleNeighbors, one native call per batch)
// against PyG's NeighborLoader, with the same fanouts, batch size, shuffled seeds and CPU threads, on
// the same graph (this script writes its CSR to a temporary folder that the python side reads:
// scripts/bench/sampler_pyg.py). Each side samples for --seconds after one warm-up batch; with
// torch-sparse the python side also times its neighbor_sample kernel alone, as NeighborLoader calls it.
// Target: ours >= 3x PyG's throughput.
//
//   node scripts/bench/sampler.mjs [--fanouts 15,10] [--batch 1024] [--seconds 5] [--threads 2]
//                                  [--data-dir ../shared/data] [--large [--large-nodes N] [--large-edges M]]
//                                  [--features] [--json-out FILE]
//
// Graphs: Coauthor CS (the project's loader); with --large also a synthetic graph of 2.4M nodes and
// 62M directed edges (about 26 in-neighbours per node, half of them drawn towards hub nodes), about
// 0.5 GB of CSR held by each process. --features also times ours with the sampled nodes' feature rows
// gathered onto the subgraph (options.features, what a mini-batch training step asks for) on graphs
// that have features (Coauthor CS: sparse bag-of-words rows); PyG's side samples the structure only.
// The reference python: $PYTHON, else ../pyg-venv/bin/python beside the checkout, else
// /usr/bin/python3 or python3; it needs torch, torch_geometric and pyg-lib or torch-sparse (the
// sampling kernels NeighborLoader calls; the JSON names the one used); without them the PyG side is
// skipped with the reason. docs/scale.md ("Benchmark" under the sampler) says how to build that venv
// over Debian's torch 1.13 (torch-scatter and torch-sparse from source).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { fmt, nowNs, runPython, torchPython, writeJsonIfAsked } from "./lib.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..", "..");
const wn = await import(path.join(root, "dist", "index.js"));
const { createRng } = await import(path.join(root, "dist", "data", "rng.js"));

const argv = process.argv.slice(2);
const opt = (k, d) => {
  const i = argv.indexOf(k);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : d;
};
const fanouts = String(opt("--fanouts", "15,10")).split(",").map(Number);
const batch = Number(opt("--batch", 1024));
const seconds = Number(opt("--seconds", 5));
const threads = Number(opt("--threads", process.env.WERANK_NUM_THREADS ?? 2));
const large = argv.includes("--large");
const withFeatures = argv.includes("--features");
const dataDir = opt("--data-dir", process.env.WERANK_DATA_DIR ?? path.resolve(root, "..", "shared", "data"));
wn.setNumThreads(threads);

/** The python with the reference, or the reason there is none. */
function pygPython() {
  const venv = path.resolve(root, "..", "pyg-venv", "bin", "python");
  const py = [process.env.PYTHON, fs.existsSync(venv) ? venv : undefined].find(Boolean);
  const found = py && spawnSync(py, ["-c", "import torch, torch_geometric"]).status === 0 ? py : torchPython(["torch_geometric"]);
  if (!found) return { reason: "no python with torch and torch_geometric (set PYTHON, or make ../pyg-venv: see the header of this file)" };
  const probe = "import torch_geometric.typing as t; import sys; sys.exit(0 if (t.WITH_PYG_LIB or t.WITH_TORCH_SPARSE) else 3)";
  if (spawnSync(found, ["-c", probe]).status !== 0) {
    return {
      reason: `${found} has torch_geometric but neither pyg-lib nor torch-sparse, which NeighborLoader needs to sample (build torch-sparse for its torch: docs/scale.md, the sampler's "Benchmark" paragraph)`,
    };
  }
  return { py: found };
}

/**
 * A synthetic directed graph of `n` nodes and about `m` edges: each node gets floor(m / n) or
 * ceil(m / n) distinct in-neighbours, half uniform, half skewed towards low ids (hubs). Seeded.
 */
function syntheticGraph(n, m, seed) {
  const rng = createRng(seed);
  const indptr = new Int32Array(n + 1);
  const indices = new Int32Array(m);
  const row = [];
  let k = 0;
  for (let i = 0; i < n; i++) {
    const deg = Math.floor((m * (i + 1)) / n) - Math.floor((m * i) / n);
    row.length = 0;
    while (row.length < deg) {
      const u = rng.next() < 0.5 ? Math.floor(rng.next() * n) : Math.floor(n * rng.next() ** 3);
      if (u !== i && !row.includes(u)) row.push(u);
    }
    row.sort((a, b) => a - b);
    for (const u of row) indices[k++] = u;
    indptr[i + 1] = k;
  }
  return { name: `synthetic (${n} nodes)`, numNodes: n, indptr, indices };
}

/** Ours: batches of shuffled seeds for `seconds`; returns subgraphs per second and mean sizes. */
function ours(g, features = false) {
  const order = Int32Array.from({ length: g.numNodes }, (_, i) => i);
  const rng = createRng(1);
  const gen = new wn.Generator(1);
  let at = order.length;
  const next = () => {
    if (at + batch > order.length) {
      rng.shuffle(order);
      at = 0;
    }
    at += batch;
    return order.subarray(at - batch, at);
  };
  wn.sampleNeighbors(g, next(), fanouts, { generator: gen, features }).dispose(); // warm-up
  let batches = 0,
    nodes = 0,
    edges = 0;
  const t0 = nowNs();
  let dt = 0;
  while (dt < seconds) {
    const s = wn.sampleNeighbors(g, next(), fanouts, { generator: gen, features });
    batches++;
    nodes += s.numNodes;
    edges += s.numEdges;
    s.dispose();
    dt = Number(nowNs() - t0) / 1e9;
  }
  gen.dispose();
  return { perSecond: batches / dt, batches, meanNodes: nodes / batches, meanEdges: edges / batches };
}

function pyg(py, host) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "werank-sampler-"));
  try {
    fs.writeFileSync(path.join(dir, "meta.json"), JSON.stringify({ nodes: host.numNodes, edges: host.indices.length }));
    fs.writeFileSync(path.join(dir, "indptr.bin"), host.indptr);
    fs.writeFileSync(path.join(dir, "indices.bin"), host.indices);
    const args = [dir, "--fanouts", fanouts.join(","), "--batch", String(batch), "--seconds", String(seconds), "--threads", String(threads)];
    return runPython(py, path.join(here, "sampler_pyg.py"), args);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const ref = pygPython();
console.log(`sampler: fanouts [${fanouts}], batch ${batch}, ${threads} thread(s), ${seconds} s per side${ref.py ? `, PyG from ${ref.py}` : ""}`);
if (!ref.py) console.log(`  PyG NeighborLoader: skipped: ${ref.reason}`);
const graphs = [() => wn.loadDataset("coauthor-cs", { dataDir })];
if (large) graphs.push(() => syntheticGraph(Number(opt("--large-nodes", 2_400_000)), Number(opt("--large-edges", 62_000_000)), 7));
const results = [];
for (const load of graphs) {
  const host = await load();
  const g = wn.DeviceGraph.fromCsr(host.numNodes, host.indptr, host.indices);
  const o = ours(g);
  g.dispose();
  let of = null;
  if (withFeatures && host.features) {
    const gf = wn.DeviceGraph.fromGraph(host);
    of = ours(gf, true);
    gf.dispose();
  }
  const p = ref.py ? pyg(ref.py, host) : null;
  const ratio = p ? o.perSecond / p.perSecond : null;
  console.log(`${host.name}: ${host.numNodes} nodes, ${host.indices.length} directed edges`);
  console.log(`  ours ${fmt(o.perSecond)} subgraphs/s (mean ${fmt(o.meanNodes)} nodes, ${fmt(o.meanEdges)} edges)`);
  if (of) console.log(`  ours with the feature rows gathered (${host.features.kind} features): ${fmt(of.perSecond)} subgraphs/s`);
  if (p) {
    console.log(`  PyG  ${fmt(p.perSecond)} subgraphs/s (mean ${fmt(p.meanNodes)} nodes, ${fmt(p.meanEdges)} edges; ${p.backend}, torch ${p.torch})`);
    if (p.kernelPerSecond) console.log(`       its kernel alone (torch_sparse.neighbor_sample): ${fmt(p.kernelPerSecond)} batches/s`);
    console.log(`  ratio ours / PyG ${fmt(ratio)}   (target >= 3: ${ratio >= 3 ? "met" : "NOT met"})`);
  }
  results.push({ graph: host.name, nodes: host.numNodes, edges: host.indices.length, ours: o, oursWithFeatures: of, pyg: p, ratio });
}
writeJsonIfAsked({ fanouts, batch, threads, seconds, pygSkipped: ref.reason ?? null, results });
