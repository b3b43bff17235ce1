#!/usr/bin/env node
// Runs every benchmark in scripts/bench one after the other (each prints its own ratios, measured
// side by side in one run) and writes their JSON results to bench-results/ (or --out DIR).
//   node scripts/bench/run-all.mjs [--only dispatch,graph-ops] [--out DIR] [--quick]
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const arg = (k) => {
  const i = process.argv.indexOf(k);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const quick = process.argv.includes("--quick");
const out = path.resolve(arg("--out") ?? "bench-results");
const ALL = [
  ["dispatch", quick ? ["--iters", "50000", "--rounds", "3"] : []],
  ["graph-ops", quick ? ["--rounds", "2"] : []],
  ["optim", quick ? ["--steps", "50", "--rounds", "2"] : []],
  ["werank", quick ? ["--reps", "10", "--rounds", "2"] : []],
  ["probe", quick ? ["--splits", "1"] : []],
  ["data-load", quick ? ["--rounds", "2"] : []],
  ["bgrl-epoch", quick ? ["--epochs", "5"] : []],
  // The full run adds the 2.4M-node synthetic graph (about 0.5 GB of CSR per process).
  ["sampler", quick ? ["--seconds", "2"] : ["--large"]],
  ["allreduce", quick ? ["--iters", "3", "--rounds", "2"] : []],
  // Mini-batch BGRL on the 2.4M-node synthetic graph (a few GiB; --quick: 100k nodes) and the full-batch refusal.
  ["large-graph", quick ? ["--quick"] : []],
  ["ranks", quick ? ["--quick"] : []],
];
const only = arg("--only")?.split(",");
fs.mkdirSync(out, { recursive: true });
let failed = 0;
for (const [name, extra] of ALL) {
  if (only && !only.includes(name)) continue;
  const file = path.join(here, `${name}.mjs`);
  if (!fs.existsSync(file)) continue;
  console.log(`\n=== ${name} ===`);
  const r = spawnSync(process.execPath, [file, ...extra, "--json-out", path.join(out, `${name}.json`)], { stdio: "inherit" });
  if (r.status !== 0) {
    failed++;
    console.log(`(${name} exited with ${r.status})`);
  }
}
console.log(`\nresults in ${out}`);
process.exitCode = failed ? 1 : 0;
