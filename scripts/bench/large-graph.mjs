#!/usr/bin/env node
// BGRL mini-batch training on a synthetic graph of ogbn-products' size (2.4M nodes, 62M directed
// edges, 100 dense features, 47 classes: dataset.synthetic.* of the config, src/data/syntheticGraph.ts),
// for a bounded number of steps, and the full-batch refusal on the same graph.
//
//   node scripts/bench/large-graph.mjs [--quick] [--threads 2] [--batch 1024] [--fanouts 10,10]
//                                      [--steps 30] [--warmup 3] [--nodes 2400000] [--edges 62000000]
//                                      [--features 100] [--no-full-batch] [--json-out FILE]
//
// 1. Mini-batch: a child process (this file with --child) builds the config (BGRL, the default GCN
//    encoder [256, 128] with BatchNorm, WERank off, train.batchSize/fanouts), generates the graph
//    (timed: "graph"), builds the Trainer (the model and the graph on the device: "model"), then
//    drives the Trainer's own training step through EpochSteps (the loop `train` runs) for
//    --warmup + --steps steps of the first epoch, each with a host sync (the loss is read). It
//    reports the steady-state seconds per 100k seed nodes (the --steps steps after the warm-up) and
//    its peak RSS (VmHWM of /proc/self/status: the whole process's high-water mark, graph generation
//    included). A whole epoch would be ceil(N / batch) steps; the bench stops after a few.
// 2. Full batch: `werank-native train` with the same config and no --batch-size, as a child, with the
//    machine's real MemAvailable; its ERR_OUT_OF_MEMORY message and exit code are printed verbatim.
//    When the real machine would fit it (the child computes the same estimate: --quick's small graph),
//    or the run was not refused, it runs with WERANK_MEMORY_AVAILABLE (16G, --quick 64M, or
//    --refuse-memory) instead, to show the message.
// --quick: 100k nodes (same mean degree and features), 10 steps after 2 of warm-up.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { fmt, loadAverage, nowNs, numArg, writeJsonIfAsked } from "./lib.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..", "..");
const argv = process.argv.slice(2);
const strArg = (k, d) => {
  const i = argv.indexOf(k);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : d;
};
const quick = argv.includes("--quick");
const nodes = numArg("--nodes", quick ? 100_000 : 2_400_000);
const edges = numArg("--edges", quick ? Math.round((62_000_000 / 2_400_000) * 100_000) : 62_000_000);
const features = numArg("--features", 100);
const batch = numArg("--batch", 1024);
const fanouts = strArg("--fanouts", "10,10");
const steps = numArg("--steps", quick ? 10 : 30);
const warmup = numArg("--warmup", quick ? 2 : 3);
const threads = numArg("--threads", Number(process.env.WERANK_NUM_THREADS ?? 2));

/** The config both runs share, as `--set` assignments (so the CLI child gets exactly the child's config). */
const SETTINGS = [
  `dataset.synthetic.nodes=${nodes}`,
  `dataset.synthetic.avgDegree=${edges / nodes}`, // directed edges = nodes x mean degree
  `dataset.synthetic.features=${features}`,
  "dataset.synthetic.classes=47",
  "dataset.featureFormat=dense",
  "objective.name=bgrl",
  "werank.alpha=0",
  "train.epochs=1",
  "eval.splits=1",
];

const gib = (bytes) => bytes / 2 ** 30;
function procStatusBytes(field, pid = "self") {
  const m = fs.readFileSync(`/proc/${pid}/status`, "utf8").match(new RegExp(`^${field}:\\s+(\\d+) kB`, "m"));
  return m ? Number(m[1]) * 1024 : NaN;
}
const memAvailable = () => Number(fs.readFileSync("/proc/meminfo", "utf8").match(/^MemAvailable:\s+(\d+) kB/m)[1]) * 1024;

/** The child: generate, build, train --warmup + --steps steps; one JSON line on stdout. */
async function child() {
  const wn = await import(path.join(root, "dist", "index.js"));
  const { EpochSteps } = await import(path.join(root, "dist", "train", "EpochSteps.js"));
  wn.setNumThreads(threads);
  const config = wn.resolveConfig({ set: [...SETTINGS, `train.batchSize=${batch}`, `train.fanouts=${fanouts}`] });
  let t = nowNs();
  const lap = () => {
    const now = nowNs();
    const s = Number(now - t) / 1e9;
    t = now;
    return s;
  };
  const graph = await wn.loadGraphForConfig(config);
  const graphSeconds = lap();
  const rssAfterGraph = procStatusBytes("VmRSS");
  const hwmAfterGraph = procStatusBytes("VmHWM");
  // What the full-batch check will compare, for the parent to know whether the real machine refuses.
  const fullBatchEstimate = wn.estimateFullBatchMemory(wn.fullBatchMemoryInput(wn.resolveConfig({ set: SETTINGS }), graph)).bytes;
  const available = wn.availableMemory("cpu");
  const trainer = new wn.Trainer({ config, graph });
  // The Trainer's own model, optimizer and step; a generator of our own drives the epoch's order.
  const gen = new wn.Generator(config.train.dataSeed);
  const parts = { objective: trainer.objective, optimizer: trainer.optimizer, regularizers: trainer.model.regularizers, graph: trainer.model.deviceGraph, generator: gen };
  const epoch = EpochSteps.forConfig(config, parts, graph.numNodes).steps(true);
  const modelSeconds = lap();
  const stepSeconds = [];
  for (let k = 0; k < warmup + steps; k++) {
    if (epoch.next().done) break; // the epoch ended (a small graph): what ran is measured
    stepSeconds.push(lap());
  }
  const timed = stepSeconds.slice(warmup);
  const total = timed.reduce((a, b) => a + b, 0);
  const out = {
    nodes: graph.numNodes,
    directedEdges: graph.indices.length,
    features: graph.features.cols,
    graphSeconds,
    modelSeconds,
    warmupSeconds: stepSeconds.slice(0, warmup),
    timedSteps: timed.length,
    timedSeeds: timed.length * batch,
    stepsPerEpoch: Math.ceil(graph.numNodes / batch),
    secondsPer100kSeeds: (total / (timed.length * batch)) * 1e5,
    medianStepSeconds: [...timed].sort((a, b) => a - b)[Math.floor(timed.length / 2)],
    rssAfterGraph,
    peakRssAfterGraph: hwmAfterGraph,
    peakRss: procStatusBytes("VmHWM"),
    fullBatchEstimate,
    available,
  };
  gen.dispose();
  trainer.dispose();
  console.log(JSON.stringify(out));
}

/** Runs `werank-native train` full batch on the same graph; returns its exit code and stderr. */
function fullBatch(extraEnv) {
  const t0 = nowNs();
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "werank-large-"));
  const args = [path.join(root, "dist", "cli", "main.js"), "train", ...SETTINGS.flatMap((s) => ["--set", s]), "--out", out];
  const r = spawnSync(process.execPath, args, { encoding: "utf8", env: { ...process.env, WERANK_NUM_THREADS: String(threads), ...extraEnv }, timeout: 1_800_000, maxBuffer: 1 << 26 });
  fs.rmSync(out, { recursive: true, force: true });
  return { exitCode: r.status, signal: r.signal, stderr: r.stderr.trim(), seconds: Number(nowNs() - t0) / 1e9, env: extraEnv };
}

async function main() {
  console.log(
    `large-graph: ${nodes} nodes, ${edges} directed edges, ${features} features; BGRL (GCN [256, 128]), batch ${batch}, fanouts [${fanouts}], ${threads} thread(s); ${warmup} warm-up + ${steps} timed steps`,
  );
  const loadBefore = loadAverage();
  console.log(`  load average before: ${loadBefore}; MemAvailable ${fmt(gib(memAvailable()))} GiB`);
  const c = spawn(process.execPath, [fileURLToPath(import.meta.url), "--child", ...argv], { env: { ...process.env, WERANK_NUM_THREADS: String(threads) }, stdio: ["ignore", "pipe", "inherit"] });
  let stdout = "";
  c.stdout.on("data", (d) => (stdout += d));
  const code = await new Promise((res) => c.on("close", res));
  if (code !== 0) throw new Error(`the training child exited with ${code}`);
  const mb = JSON.parse(stdout.trim().split("\n").pop());
  const loadAfterMiniBatch = loadAverage();
  const refusals = [];
  if (!argv.includes("--no-full-batch")) {
    // A graph that fits would train a whole full-batch epoch here: then only the forced refusal runs.
    if (mb.fullBatchEstimate > mb.available) refusals.push(fullBatch({}));
    if (refusals.length === 0 || refusals[0].exitCode === 0) {
      refusals.push(fullBatch({ WERANK_MEMORY_AVAILABLE: strArg("--refuse-memory", quick ? "64M" : "16G") }));
    }
  }
  console.log("");
  console.log("| what | value |");
  console.log("| --- | --- |");
  console.log(`| graph | ${mb.nodes} nodes, ${mb.directedEdges} directed edges, ${mb.features} features |`);
  console.log(`| graph generation + preprocessing | ${fmt(mb.graphSeconds)} s |`);
  console.log(`| Trainer construction (model, graph on the device) | ${fmt(mb.modelSeconds)} s |`);
  console.log(`| warm-up steps | ${mb.warmupSeconds.map((s) => fmt(s)).join(", ")} s |`);
  console.log(`| timed steps | ${mb.timedSteps} of ${mb.stepsPerEpoch} per epoch (${mb.timedSeeds} seeds), median ${fmt(mb.medianStepSeconds)} s |`);
  console.log(`| **seconds per 100k seed nodes** | **${fmt(mb.secondsPer100kSeeds)}** (an epoch: about ${fmt((mb.secondsPer100kSeeds * mb.nodes) / 1e5 / 60)} min) |`);
  console.log(`| RSS after the graph is built | ${fmt(gib(mb.rssAfterGraph))} GiB (peak so far ${fmt(gib(mb.peakRssAfterGraph))} GiB) |`);
  console.log(`| **peak RSS of the training process** | **${fmt(gib(mb.peakRss))} GiB** (target <= 16 GiB: ${gib(mb.peakRss) <= 16 ? "met" : "NOT met"}) |`);
  console.log(`| load average after (1, 5, 15 min) | ${loadAfterMiniBatch} |`);
  console.log(`\nfull batch: estimated ${fmt(gib(mb.fullBatchEstimate))} GiB, ${fmt(gib(mb.available))} GiB available (real MemAvailable, when the child ran)`);
  if (mb.fullBatchEstimate <= mb.available) console.log("  the real machine would fit it: not run with the real MemAvailable");
  for (const r of refusals) {
    const how = r.env.WERANK_MEMORY_AVAILABLE ? `WERANK_MEMORY_AVAILABLE=${r.env.WERANK_MEMORY_AVAILABLE}` : "the real MemAvailable";
    console.log(`\nfull batch (werank-native train without --batch-size, ${how}): exit code ${r.exitCode}${r.signal ? ` (${r.signal})` : ""} after ${fmt(r.seconds)} s`);
    if (r.exitCode === 0) console.log("  not refused: it fits, and trained one full-batch epoch");
    else
      console.log(
        r.stderr
          .split("\n")
          .map((l) => `  ${l}`)
          .join("\n"),
      );
  }
  writeJsonIfAsked({ nodes, edges, features, batch, fanouts, threads, warmup, steps, loadAverageBefore: loadBefore, loadAverage: loadAfterMiniBatch, miniBatch: mb, fullBatch: refusals });
}

if (argv.includes("--child")) await child();
else await main();
