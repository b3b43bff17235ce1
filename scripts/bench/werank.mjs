#!/usr/bin/env node
// WERank forward + backward over a GCN encoder's weights (sum_l alpha_l ||G_l - I||_F, G_l the
// smaller Gram matrix of W_l): our one native call (native/linalg/werank.cc, a Gram function whose
// backward is one product, (dG + dG^T) W) against the same formula in PyTorch autograd
// (scripts/bench/reference/bgrl_reference.py's werank(): torch.mm Gram, matrix_norm, backward through
// mm's generic backward). Encoder shapes of the Cora, Amazon Computers and Coauthor CS presets;
// rounds interleaved, medians, same threads.
//
//   node scripts/bench/werank.mjs [--reps 30] [--rounds 3] [--threads 2] [--json-out FILE]
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { fmt, median, nowNs, numArg, torchPython, writeJsonIfAsked } from "./lib.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..", "..");
const wn = await import(path.join(root, "dist", "index.js"));
const reps = numArg("--reps", 30);
const rounds = numArg("--rounds", 3);
const threads = numArg("--threads", 2);
wn.setNumThreads(threads);

/** Encoder weights [out, in] of the presets (features -> layers). */
const CASES = {
  cora: [
    [512, 1433],
    [256, 512],
  ],
  "amazon-computers": [
    [256, 767],
    [128, 256],
  ],
  "coauthor-cs": [
    [512, 6805],
    [256, 512],
  ],
};
const ALPHA = 0.1;

function oursRound(shapes) {
  wn.manualSeed(0);
  const ws = shapes.map((s) => wn.tidy(() => wn.randn(s).mul(0.05)).setRequiresGrad(true));
  const once = () =>
    wn.tidy(() => {
      wn.werank(
        ws,
        ws.map(() => ALPHA),
      ).loss.backward();
    });
  once(); // warm-up (and gradient buffers)
  const t0 = nowNs();
  for (let i = 0; i < reps; i++) once();
  const ms = Number(nowNs() - t0) / 1e6 / reps;
  for (const w of ws) {
    w.zeroGrad();
    w.dispose();
  }
  return ms;
}

const py = torchPython();
const pyCode = `
import json, sys, time, torch
sys.path.insert(0, ${JSON.stringify(path.join(here, "reference"))})
from bgrl_reference import werank
torch.set_num_threads(${threads})
shapes = json.loads(sys.argv[1]); reps = int(sys.argv[2])
torch.manual_seed(0)
ws = [(torch.randn(s) * 0.05).requires_grad_() for s in shapes]
def once():
    werank(ws, ${ALPHA}).backward()
once()
t = time.perf_counter()
for _ in range(reps): once()
print(json.dumps((time.perf_counter() - t) / reps * 1e3))
`;
function pyRound(shapes) {
  const r = spawnSync(py, ["-c", pyCode, JSON.stringify(shapes), String(reps)], {
    encoding: "utf8",
    env: { ...process.env, OMP_WAIT_POLICY: "PASSIVE", OMP_NUM_THREADS: String(threads), OPENBLAS_NUM_THREADS: String(threads) },
  });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout.trim().split("\n").pop());
}

const result = { reps, rounds, threads, alpha: ALPHA, rows: [] };
console.log(`werank: forward + backward of alpha * sum ||G - I||_F over a GCN encoder's weights, ${reps} reps x ${rounds} rounds (median), ${threads} thread(s)`);
for (const [name, shapes] of Object.entries(CASES)) {
  const ours = [],
    ref = [];
  for (let r = 0; r < rounds; r++) {
    ours.push(oursRound(shapes));
    if (py) ref.push(pyRound(shapes));
  }
  const row = { dataset: name, shapes, ours: median(ours), ...(py ? { torch: median(ref), ratio: median(ours) / median(ref) } : {}) };
  result.rows.push(row);
  console.log(
    `  ${name.padEnd(17)} ${shapes
      .map((s) => s.join("x"))
      .join(", ")
      .padEnd(20)} ours ${fmt(row.ours)} ms${py ? `   PyTorch autograd ${fmt(row.torch)} ms   ratio ${fmt(row.ratio)}` : "   PyTorch: skipped (no python3 with torch)"}`,
  );
}
writeJsonIfAsked(result);
