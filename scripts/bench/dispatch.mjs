#!/usr/bin/env node
// Per-call overhead of a tiny op (add of two 4-element float32 tensors) through the TS façade,
// against the same op in PyTorch from Python, measured side by side in one run (interleaved
// rounds, median of each). Target (issue 2): ratio <= 1.0.
//
//   node scripts/bench/dispatch.mjs [--iters 200000] [--rounds 5] [--json-out FILE]
import path from "node:path";
import { fileURLToPath } from "node:url";
import { spawnSync } from "node:child_process";
import { fmt, median, nowNs, numArg, torchPython, writeJsonIfAsked } from "./lib.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const wn = await import(path.join(root, "dist", "index.js"));
const iters = numArg("--iters", 200000);
const rounds = numArg("--rounds", 5);
wn.setNumThreads(1);

const x = wn.tensor(new Float32Array([1, 2, 3, 4]));
const y = wn.tensor(new Float32Array([1, 2, 3, 4]));

// (a) as in a training step: ops inside tidy(), freed together when the scope ends.
function tidyRound() {
  const batch = 1000;
  const t0 = nowNs();
  for (let i = 0; i < iters; i += batch) {
    wn.tidy(() => {
      for (let j = 0; j < batch; j++) x.add(y);
    });
  }
  return Number(nowNs() - t0) / iters;
}
// (b) each result disposed by hand.
function disposeRound() {
  const t0 = nowNs();
  for (let i = 0; i < iters; i++) x.add(y).dispose();
  return Number(nowNs() - t0) / iters;
}

const py = torchPython();
const pyCode = `
import torch, time, sys, json
torch.set_num_threads(1)
x = torch.tensor([1., 2, 3, 4]); y = torch.tensor([1., 2, 3, 4])
n = int(sys.argv[1])
for _ in range(2000): x + y
t = time.perf_counter()
for _ in range(n): x + y
print(json.dumps((time.perf_counter() - t) / n * 1e9))
`;
function pyRound() {
  const r = spawnSync(py, ["-c", pyCode, String(iters)], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout.trim());
}

tidyRound(); // warm-up
const tidyNs = [],
  disposeNs = [],
  pyNs = [];
for (let r = 0; r < rounds; r++) {
  tidyNs.push(tidyRound());
  disposeNs.push(disposeRound());
  if (py) pyNs.push(pyRound());
}
const result = {
  op: "add of two 4-element float32 tensors",
  iters,
  rounds,
  nsPerOp: { facadeTidy: median(tidyNs), facadeDispose: median(disposeNs), pytorchPython: py ? median(pyNs) : null },
};
console.log(`dispatch: ${result.op}, ${iters} ops x ${rounds} rounds (median), 1 LibTorch thread`);
console.log(`  werank-native, inside tidy()      ${fmt(result.nsPerOp.facadeTidy / 1000)} us/op`);
console.log(`  werank-native, dispose() each op  ${fmt(result.nsPerOp.facadeDispose / 1000)} us/op`);
if (py) {
  result.ratio = result.nsPerOp.facadeTidy / result.nsPerOp.pytorchPython;
  result.ratioDispose = result.nsPerOp.facadeDispose / result.nsPerOp.pytorchPython;
  console.log(`  PyTorch from Python (${py})  ${fmt(result.nsPerOp.pytorchPython / 1000)} us/op`);
  console.log(`  ratio (tidy / python)   ${fmt(result.ratio)}   target <= 1.0`);
  console.log(`  ratio (dispose / python) ${fmt(result.ratioDispose)}`);
} else {
  console.log("  PyTorch from Python: skipped (no python3 with torch; apt-get install python3-torch)");
}
writeJsonIfAsked(result);
