#!/usr/bin/env node
// A/B epoch time of our BGRL Trainer between two checkouts of werank-native (e.g. a branch against
// main), without the Python reference: each checkout's own `scripts/bench/bgrl-epoch.mjs --worker`
// (its dist/ and addon) trains the dataset's preset; after warm-up their epochs are interleaved one
// by one (the order alternates), so load on a shared machine hits both alike. Prints the median and
// minimum epoch times and their ratios A/B as one JSON line.
//
//   node scripts/bench/bgrl-epoch-ab.mjs --a . --b /path/to/main-checkout [--dataset cora] [--epochs 40]
//       [--warmup 3] [--threads 1] [--data-dir ../shared/data]
//
// Both checkouts need a compiled dist/ (npx tsc -p tsconfig.json) and a built addon.
import { spawn } from "node:child_process";
import path from "node:path";
import readline from "node:readline";
import { median } from "./lib.mjs";

const argv = process.argv.slice(2);
const opt = (k, d) => {
  const i = argv.indexOf(k);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : d;
};
if (argv.includes("--help") || !argv.includes("--b")) {
  process.stdout.write("usage: node scripts/bench/bgrl-epoch-ab.mjs --a DIR --b DIR [--dataset cora] [--epochs 40] [--warmup 3] [--threads 1] [--data-dir DIR]\n");
  process.exit(argv.includes("--help") ? 0 : 2);
}
const [dataset, epochs, warmup, threads, dataDir] = [opt("--dataset", "cora"), Number(opt("--epochs", 40)), Number(opt("--warmup", 3)), opt("--threads", "1"), opt("--data-dir", "../shared/data")];

/** A worker of one checkout, asked over stdin/stdout (the protocol of bgrl-epoch.mjs --worker). */
function start(root) {
  const args = [path.join(root, "scripts/bench/bgrl-epoch.mjs"), "--worker", "--dataset", dataset, "--threads", threads, "--data-dir", path.resolve(dataDir)];
  const child = spawn(process.execPath, args, { cwd: root, stdio: ["pipe", "pipe", "inherit"], env: { ...process.env, OMP_WAIT_POLICY: "PASSIVE", WERANK_NUM_THREADS: threads } });
  const lines = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const ask = async (msg) => {
    if (msg) child.stdin.write(`${JSON.stringify(msg)}\n`);
    for (;;) {
      const { value, done } = await lines.next();
      if (done) throw new Error(`the worker of ${root} exited`);
      try {
        return JSON.parse(value);
      } catch {
        // not a protocol line
      }
    }
  };
  return { child, ask };
}

const w = { a: start(path.resolve(opt("--a", "."))), b: start(path.resolve(opt("--b"))) };
for (const x of Object.values(w)) await x.ask();
for (const x of Object.values(w)) await x.ask({ cmd: "run", epochs: warmup });
const ms = { a: [], b: [] };
for (let i = 0; i < epochs; i++) for (const k of i % 2 ? ["b", "a"] : ["a", "b"]) ms[k].push(...(await w[k].ask({ cmd: "run", epochs: 1 })).ms);
const min = (xs) => Math.min(...xs);
const r = { dataset, epochs, threads: Number(threads), medianMs: { a: median(ms.a), b: median(ms.b) }, minMs: { a: min(ms.a), b: min(ms.b) } };
process.stdout.write(`${JSON.stringify({ ...r, ratio: r.medianMs.a / r.medianMs.b, minRatio: r.minMs.a / r.minMs.b })}\n`);
for (const x of Object.values(w)) x.child.kill();
process.exit(0);
