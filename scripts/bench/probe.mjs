#!/usr/bin/env node
// Linear-probe fit time: our native probe (whole C grid per split in one native call, L-BFGS in C++)
// against scikit-learn 1.2 running the same protocol (same embeddings, splits, C grid, selection on
// val) in one run, with the test accuracies of both. One LibTorch / BLAS thread on each side.
//
//   node scripts/bench/probe.mjs [--n 5000] [--d 256] [--k 10] [--splits 2] [--grid 21]
//        [--sk-tol 1e-4] [--sk-max-iter 1000] [--rounds 3] [--json-out FILE]
// Rounds alternate ours / sklearn and the medians are compared (a shared machine's load varies).
// (sklearn's default tol is 1e-4; our defaults are tolGrad 1e-5 on the mean loss, maxIter 1000.)
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { spawnSync } from "node:child_process";
import { fmt, median, numArg, torchPython, writeJsonIfAsked } from "./lib.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..", "..");
const wn = await import(path.join(root, "dist", "index.js"));
const { createRng } = await import(path.join(root, "dist", "data", "rng.js")); // internal: deep import
const n = numArg("--n", 5000),
  d = numArg("--d", 256),
  k = numArg("--k", 10),
  nSplits = numArg("--splits", 2),
  gridSize = numArg("--grid", 21);
const skTol = numArg("--sk-tol", 1e-4),
  skMaxIter = numArg("--sk-max-iter", 1000),
  rounds = numArg("--rounds", 3);
wn.setNumThreads(1);
wn.manualSeed(0);

// Gaussian-mixture embeddings with an anisotropic spectrum, like a trained encoder's.
const rng = createRng(1);
const rand = () => rng.next();
const labels = Int32Array.from({ length: n }, () => Math.floor(rand() * k));
const x = wn.tidy(() => {
  const means = wn.randn([k, d]).mul(0.12);
  const scale = wn.linspace(0, -2, d).exp(); // exp(0) .. exp(-2)
  return wn
    .randn([n, d])
    .add(means.indexSelect(0, wn.tensor(labels)))
    .mul(scale)
    .add(0.3);
});
const cGrid = Array.from({ length: gridSize }, (_, i) => 2 ** (i - Math.floor(gridSize / 2)));
const splits = wn.randomSplits(n, { count: nSplits, seed: 0 });

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "werank-probe-bench-"));
fs.writeFileSync(path.join(dir, "x.f32"), Buffer.from(x.toTypedArray().buffer));
fs.writeFileSync(path.join(dir, "meta.json"), JSON.stringify({ n, d, labels: Array.from(labels), cGrid, splits: splits.map((s) => ({ train: [...s.train], val: [...s.val], test: [...s.test] })) }));

const py = torchPython(["sklearn"]);
const result = { n, d, k, splits: nSplits, grid: gridSize, rounds, trainNodes: splits[0].train.length, solvers: {} };
console.log(`probe: N ${n}, D ${d}, K ${k}, ${nSplits} splits x ${gridSize} C values (train ${result.trainNodes} nodes), 1 thread, median of ${rounds} rounds`);
for (const solver of ["multinomial", "ovr"]) {
  const oursSec = [];
  const skSec = [];
  let ours;
  let sk;
  for (let r = 0; r < rounds; r++) {
    const t0 = process.hrtime.bigint();
    ours = wn.linearProbe(x, labels, splits, { solver, cGrid });
    oursSec.push(Number(process.hrtime.bigint() - t0) / 1e9);
    if (py) {
      const p = spawnSync(py, [path.join(here, "probe_sklearn.py"), dir, solver, String(skTol), String(skMaxIter)], {
        encoding: "utf8",
        env: { ...process.env, OMP_NUM_THREADS: "1", OPENBLAS_NUM_THREADS: "1", MKL_NUM_THREADS: "1" },
      });
      if (p.status !== 0) throw new Error(p.stderr);
      sk = JSON.parse(p.stdout.trim().split("\n").pop());
      skSec.push(sk.seconds);
    }
  }
  const iters = ours.splits.flatMap((s) => s.grid.map((g) => g.iterations));
  const entry = { oursSeconds: median(oursSec), oursAccuracy: ours.mean, oursUnconverged: ours.unconvergedFits, oursMeanIterations: iters.reduce((a, b) => a + b, 0) / iters.length };
  if (py) Object.assign(entry, { sklearnSeconds: median(skSec), sklearnAccuracy: sk.mean, ratio: median(oursSec) / median(skSec) });
  result.solvers[solver] = entry;
  console.log(
    `  ${solver.padEnd(12)} ours ${fmt(entry.oursSeconds)} s (acc ${(100 * ours.mean).toFixed(2)}, ${ours.unconvergedFits} unconverged, ${fmt(entry.oursMeanIterations)} it/fit)` +
      (py
        ? `   sklearn ${fmt(entry.sklearnSeconds)} s (acc ${(100 * entry.sklearnAccuracy).toFixed(2)})   ratio ours/sklearn ${fmt(entry.ratio)}`
        : "   sklearn: skipped (no /usr/bin/python3 with scikit-learn)"),
  );
}
fs.rmSync(dir, { recursive: true, force: true });
x.dispose();
writeJsonIfAsked(result);
