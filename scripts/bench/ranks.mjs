#!/usr/bin/env node
// Data-parallel ranks against one process, at the same global batch and the same total threads:
// Coauthor CS, BGRL (the coauthor-cs preset), mini-batch with fanouts 10,10:
//   one process:  werank-native train --batch-size 1024 with WERANK_NUM_THREADS=2
//   two ranks:    werank-native train --batch-size 512 --nproc 2 (each rank gets 1 thread)
// Both train on the same seeds per step (2 x 512 = 1024) and the same number of steps per epoch.
// Each run trains --epochs epochs; the first is warm-up, and seeds/s = nodes / the median
// seconds of the others (the `seconds` of rank 0's epoch events in `--json`: on 2 ranks the epoch
// ends after both ranks' steps and all-reduces). The runs alternate (1, 2, 1, 2, ... for --rounds).
//
//   node scripts/bench/ranks.mjs [--epochs 3] [--rounds 2] [--batch 1024] [--threads 2]
//                                [--data-dir ../shared/data] [--quick] [--json-out FILE]
//
// On this project's 2-core machines the ranks share the same cores: two ranks of one thread do the
// arithmetic of one process of two threads plus the gradient all-reduce, so they cannot be faster;
// the ratio measures that overhead. Ranks pay off with a GPU per rank or several machines.
// Skipped (exit 0, with a message) when Coauthor CS is not in the data folder.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { fmt, loadAverage, median, numArg, writeJsonIfAsked } from "./lib.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..", "..");
const argv = process.argv.slice(2);
const quick = argv.includes("--quick");
const epochs = numArg("--epochs", quick ? 2 : 3);
const rounds = numArg("--rounds", quick ? 1 : 2);
const batch = numArg("--batch", 1024);
const threads = numArg("--threads", 2);
const i = argv.indexOf("--data-dir");
const dataDir = i >= 0 ? argv[i + 1] : (process.env.WERANK_DATA_DIR ?? path.resolve(root, "..", "shared", "data"));

/** One `train` run; returns the epochs' seconds from its JSON events. */
function train(nproc) {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "werank-ranks-"));
  const args = [
    path.join(root, "dist", "cli", "main.js"),
    "train",
    "--preset",
    "coauthor-cs",
    "--data-dir",
    dataDir,
    "--batch-size",
    String(batch / nproc),
    "--fanouts",
    "10,10",
    "--epochs",
    String(epochs),
    "--set",
    "eval.splits=1",
    "--set",
    "train.spectraEvery=0",
    "--out",
    out,
    "--json",
    ...(nproc > 1 ? ["--nproc", String(nproc)] : []),
  ];
  // One process gets all the threads; the launcher gives each rank threads / nproc.
  const env = { ...process.env, WERANK_NUM_THREADS: String(threads / nproc) };
  const r = spawnSync(process.execPath, args, { encoding: "utf8", env, maxBuffer: 1 << 26 });
  fs.rmSync(out, { recursive: true, force: true });
  if (r.status !== 0) throw new Error(`train --nproc ${nproc} exited with ${r.status}: ${r.stderr.slice(-2000)}`);
  const events = r.stdout
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l));
  const seconds = events.filter((e) => e.type === "epoch").map((e) => e.seconds);
  if (seconds.length !== epochs) throw new Error(`train --nproc ${nproc}: expected ${epochs} epoch events, got ${seconds.length}`);
  return seconds;
}

if (!fs.existsSync(path.join(dataDir, "coauthor-cs"))) {
  console.log(`ranks: skipped: Coauthor CS is not in ${dataDir} (set WERANK_DATA_DIR or --data-dir)`);
  writeJsonIfAsked({ skipped: `no coauthor-cs in ${dataDir}` });
} else {
  const wn = await import(path.join(root, "dist", "index.js"));
  const nodes = (await wn.loadDataset("coauthor-cs", { dataDir })).numNodes;
  if (batch % 2 !== 0 || threads % 2 !== 0) throw new Error("--batch and --threads must be even (split over 2 ranks)");
  console.log(
    `ranks: Coauthor CS (${nodes} nodes), BGRL coauthor-cs preset, global batch ${batch}, fanouts 10,10, ${threads} threads in all, ${epochs} epochs per run (first = warm-up), ${rounds} round(s)`,
  );
  const loadBefore = loadAverage();
  console.log(`  load average before: ${loadBefore}`);
  const runs = { 1: [], 2: [] };
  for (let r = 0; r < rounds; r++) for (const n of [1, 2]) runs[n].push(...train(n).slice(1));
  const load = loadAverage();
  const rows = [1, 2].map((n) => {
    const s = median(runs[n]);
    return { nproc: n, batchPerProcess: batch / n, threadsPerProcess: threads / n, epochSeconds: runs[n], medianEpochSeconds: s, seedsPerSecond: nodes / s };
  });
  const ratio = rows[1].seedsPerSecond / rows[0].seedsPerSecond;
  console.log("\n| processes | batch per process | threads per process | median epoch (s) | seeds/s |");
  console.log("| --- | --- | --- | --- | --- |");
  for (const r of rows) console.log(`| ${r.nproc} | ${r.batchPerProcess} | ${r.threadsPerProcess} | ${fmt(r.medianEpochSeconds)} | ${fmt(r.seedsPerSecond)} |`);
  console.log(`\n2 ranks / 1 process: ${fmt(ratio)}x the seeds/s (timed epochs: ${runs[1].length} and ${runs[2].length}); load average after: ${load}`);
  console.log("  (the ranks share this machine's cores: on 2 cores they cannot beat one process of 2 threads)");
  writeJsonIfAsked({ dataset: "coauthor-cs", nodes, batch, threads, epochs, rounds, loadAverageBefore: loadBefore, loadAverage: load, rows, ratio });
}
