#!/usr/bin/env node
// GPU smoke check without the test runner (a GPU machine may have no npm packages beyond the few the
// library needs at run time: see scripts/gpu/build-and-smoke.sh): the CUDA neighbour sampler against
// the CPU one (the same subgraph, node for node), the graph products on both devices, and short BGRL
// runs on CUDA, full batch and mini-batch, against the same runs on the CPU. Exit 1 when a check fails.
//   node scripts/gpu/smoke.mjs            (SMOKE_DEVICE=cpu runs the same checks CPU against CPU)
import { DeviceGraph } from "../../dist/graph/DeviceGraph.js";
import { sampleNeighbors } from "../../dist/graph/sampleNeighbors.js";
import { loadGraphForConfig } from "../../dist/experiment/loadGraphForConfig.js";
import { resolveConfig } from "../../dist/experiment/resolveConfig.js";
import { info } from "../../dist/runtime.js";
import { randn } from "../../dist/tensor/creation.js";
import { Trainer } from "../../dist/train/Trainer.js";

const DEV = process.env.SMOKE_DEVICE ?? "cuda";
const rt = info();
console.log(`LibTorch ${rt.torchVersion}, cuda ${rt.cuda} (${rt.cudaDevices} devices), werank CUDA kernels ${rt.cudaKernels}; checking ${DEV} against cpu`);
let fails = 0;
const check = (name, ok, extra = "") => {
  console.log(`${ok ? "PASS" : "FAIL"} ${name} ${extra}`);
  if (!ok) fails++;
};

/** A symmetric random graph as CSR (a small LCG: the same graph everywhere). */
function randomCsr(seed, n, m) {
  let s = seed >>> 0;
  const rnd = () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
  const rows = Array.from({ length: n }, () => new Set());
  for (let k = 0; k < m; k++) {
    const a = Math.floor(rnd() * n);
    const b = Math.floor(rnd() * n);
    if (a !== b) rows[a].add(b), rows[b].add(a);
  }
  const indptr = new Int32Array(n + 1);
  const idx = [];
  rows.forEach((r, i) => {
    const c = [...r].sort((x, y) => x - y);
    idx.push(...c);
    indptr[i + 1] = indptr[i] + c.length;
  });
  return { n, indptr, indices: Int32Array.from(idx) };
}
const same = (a, b) => a.length === b.length && a.every((v, i) => v === b[i]);
const host = (t) => Array.from(t.to("cpu").toArray());

for (const [n, m] of [
  [500, 3000],
  [20000, 200000],
]) {
  const c = randomCsr(n, n, m);
  const cpu = DeviceGraph.fromCsr(c.n, c.indptr, c.indices, {});
  const dev = DeviceGraph.fromCsr(c.n, c.indptr, c.indices, { device: DEV });
  const seeds = Int32Array.from(new Set(Array.from({ length: Math.min(256, n) }, (_, i) => (i * 7919) % n)));
  for (const fanouts of [
    [5, 3],
    [15, 10],
    [-1, 2],
    [3, 3, 3],
  ]) {
    const a = sampleNeighbors(cpu, seeds, fanouts, { seed: 42 });
    const b = sampleNeighbors(dev, seeds, fanouts, { seed: 42 });
    const [ac, bc] = [a.graph.csr(), b.graph.csr()];
    const ok =
      same(host(a.nodes), host(b.nodes)) && same(host(a.edgeIds), host(b.edgeIds)) && same(Array.from(ac.indptr), Array.from(bc.indptr)) && same(Array.from(ac.indices), Array.from(bc.indices));
    check(`sampler ${DEV} = cpu: ${n} nodes, fanouts ${fanouts}`, ok, `(${a.numNodes} / ${b.numNodes} nodes, ${a.numEdges} / ${b.numEdges} edges, on ${b.graph.device})`);
    a.dispose();
    b.dispose();
  }
  const x = randn([n, 32]);
  for (const op of ["gcn", "mean", "sum"]) {
    const d = cpu[op](x)
      .sub(dev[op](x.to(DEV)).to("cpu"))
      .abs()
      .max()
      .item();
    check(`${op} ${DEV} vs cpu: ${n} nodes`, d < 1e-4, `(max difference ${d})`);
  }
  x.dispose();
  cpu.dispose();
  dev.dispose();
}

/** The epoch losses of a short BGRL run on a 5000-node synthetic graph (more nodes than the diagnostics' 4096 rows). */
async function losses(device, train) {
  const config = resolveConfig({
    overrides: {
      dataset: { synthetic: { nodes: 5000, classes: 5, features: 64, avgDegree: 10 } },
      train: { epochs: 5, device, spectraEvery: 2, ...train },
      eval: { splits: 2 },
      output: { report: false },
    },
  });
  const trainer = new Trainer({ config, graph: await loadGraphForConfig(config) });
  const out = [];
  try {
    for await (const ev of trainer.fit()) if (ev.type === "epoch") out.push(ev.loss);
  } finally {
    trainer.dispose();
  }
  return out;
}
for (const [label, train] of [
  ["full batch", {}],
  ["mini-batch 512, fanouts 10,10", { batchSize: 512, fanouts: [10, 10] }],
]) {
  try {
    const t0 = Date.now();
    const d = await losses(DEV, train);
    const s = (Date.now() - t0) / 1000;
    const c = await losses("cpu", train);
    const diff = Math.max(...d.map((l, i) => Math.abs(l - c[i])));
    check(
      `training on ${DEV}, ${label}`,
      d.length === 5 && diff < 1e-3,
      `(losses ${d.map((l) => l.toFixed(4)).join(", ")}; max difference from cpu ${diff.toExponential(1)}; ${s.toFixed(1)} s with probe and diagnostics)`,
    );
  } catch (e) {
    check(
      `training on ${DEV}, ${label}`,
      false,
      String(e?.stack ?? e)
        .split("\n")
        .slice(0, 6)
        .join("\n"),
    );
  }
}
console.log(fails ? `${fails} FAILED` : "ALL PASS");
process.exitCode = fails ? 1 : 0;
