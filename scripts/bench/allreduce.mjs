#!/usr/bin/env node
// Gradient all-reduce across 2 local ranks over c10d's ProcessGroupGloo (src/dist/ProcessGroup.ts):
// the BGRL-sized parameter list of optim.mjs (15 tensors, ~0.79 M float32 values) and 200 small
// tensors, each reduced (a) in ONE allReduceMean call (the call check, then one collective per flat
// bucket) and (b) one call per tensor (a call check and a collective each); plus one 25 MiB tensor
// (one full DDP bucket).
// Interleaved rounds, median per round of `--iters` calls; rank 0 prints and writes the JSON.
//
//   node scripts/bench/allreduce.mjs [--iters 10] [--rounds 3] [--threads 1] [--json-out FILE]
import path from "node:path";
import { fileURLToPath } from "node:url";
import { fmt, median, nowNs, numArg, writeJsonIfAsked } from "./lib.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const wn = await import(path.join(root, "dist", "index.js"));

if (process.env.RANK === undefined) {
  if (!wn.ProcessGroup.support().c10d) {
    console.log("allreduce: skipped, the addon was built without c10d (apt-get install libgloo-dev, then node scripts/build-native.cjs --force)");
    process.exit(0);
  }
  const r = await wn.launchRanks({ nproc: 2, command: process.execPath, args: process.argv.slice(1) });
  if (!r.ok) console.error(`allreduce: ${r.message}`);
  process.exit(r.ok ? 0 : 1);
}

const iters = numArg("--iters", 10);
const rounds = numArg("--rounds", 3);
wn.setNumThreads(numArg("--threads", 1));
const pg = new wn.ProcessGroup({ ...wn.readRankEnv(), timeoutMs: 120_000 });
wn.manualSeed(pg.rank);

const BGRL = [[512, 767], [512], [512], [512], [1], [256, 512], [256], [256], [256], [1], [512, 256], [512], [1], [256, 512], [256]];
const cases = {
  bgrl: BGRL.map((s) => wn.randn(s)),
  small200: Array.from({ length: 200 }, () => wn.randn([5000])),
  bucket25MiB: [wn.randn([(25 * 1024 * 1024) / 4])],
};
const numel = (ts) => ts.reduce((a, t) => a + t.shape.reduce((x, y) => x * y, 1), 0);

/** Milliseconds per iteration of fn, all ranks starting together. */
function time(fn) {
  fn();
  pg.barrier();
  const t0 = nowNs();
  for (let i = 0; i < iters; i++) fn();
  pg.barrier();
  return Number(nowNs() - t0) / 1e6 / iters;
}

const samples = {};
for (let r = 0; r < rounds; r++) {
  for (const [name, ts] of Object.entries(cases)) {
    (samples[`${name}/bucketed`] ??= []).push(time(() => pg.allReduceMean(ts)));
    if (ts.length > 1) (samples[`${name}/perTensor`] ??= []).push(time(() => ts.forEach((t) => pg.allReduceMean([t]))));
  }
}
const result = { ranks: pg.worldSize, backend: pg.backend, iters, rounds, cases: {} };
for (const [name, ts] of Object.entries(cases)) {
  const bucketed = median(samples[`${name}/bucketed`]);
  const perTensor = samples[`${name}/perTensor`] ? median(samples[`${name}/perTensor`]) : null;
  result.cases[name] = { tensors: ts.length, values: numel(ts), bucketedMs: bucketed, perTensorMs: perTensor };
  if (pg.rank === 0) {
    const ratio = perTensor === null ? "" : `, one call per tensor ${fmt(perTensor)} ms (${fmt(perTensor / bucketed)}x slower)`;
    console.log(`${name}: ${ts.length} tensors, ${fmt(numel(ts) / 1e6)} M float32: allReduceMean ${fmt(bucketed)} ms${ratio}`);
  }
}
if (pg.rank === 0) writeJsonIfAsked(result);
pg.barrier();
pg.dispose();
