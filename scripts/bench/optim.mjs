#!/usr/bin/env node
// Fused optimizer step over a BGRL-sized parameter list (GCN 767->512->256 with batch norm and
// PReLU, predictor 256->512->256: 15 tensors, ~0.79 M values) against
//   (a) the same update as a per-parameter loop of tensor ops through the TS façade, and
//   (b) torch.optim.Adam / AdamW from Python (the default single-tensor path and foreach=True),
// measured side by side in one run (interleaved rounds, median), same number of threads.
//
//   node scripts/bench/optim.mjs [--steps 100] [--rounds 3] [--threads 1] [--json-out FILE]
import path from "node:path";
import { fileURLToPath } from "node:url";
import { spawnSync } from "node:child_process";
import { fmt, median, nowNs, numArg, torchPython, writeJsonIfAsked } from "./lib.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const wn = await import(path.join(root, "dist", "index.js"));
const steps = numArg("--steps", 100);
const rounds = numArg("--rounds", 3);
const threads = numArg("--threads", 1);
wn.setNumThreads(threads);

const SHAPES = [[512, 767], [512], [512], [512], [1], [256, 512], [256], [256], [256], [1], [512, 256], [512], [1], [256, 512], [256]];
const numel = SHAPES.reduce((a, s) => a + s.reduce((x, y) => x * y, 1), 0);
wn.manualSeed(0);
const params = SHAPES.map((s) => wn.tidy(() => wn.randn(s).mul(0.05)).setRequiresGrad(true));
// Gradients set once (backward of sum(p * g) gives exactly g); every step reuses them.
wn.tidy(() => {
  let loss = null;
  for (const p of params) {
    const term = p.mul(wn.randn(p.shape)).sum();
    loss = loss === null ? term : loss.add(term);
  }
  loss.backward();
});
const grads = params.map((p) => p.grad);
const LR = 1e-3,
  B1 = 0.9,
  B2 = 0.999,
  EPS = 1e-8,
  WD = 1e-5;

function fusedRound(kind) {
  const opt = kind === "Adam" ? new wn.Adam(params, { lr: LR }) : new wn.AdamW(params, { lr: LR, weightDecay: WD });
  opt.step(); // state allocation outside the timing
  const t0 = nowNs();
  for (let i = 0; i < steps; i++) opt.step();
  const ms = Number(nowNs() - t0) / 1e6 / steps;
  opt.dispose();
  return ms;
}

// The same update written with façade ops, one parameter at a time (what a user-written
// optimizer in TS would do): about 10 native calls per parameter.
function facadeRound(kind) {
  const m = params.map((p) => wn.zeros(p.shape));
  const v = params.map((p) => wn.zeros(p.shape));
  let t = 0;
  const step = () => {
    t++;
    const bc2s = Math.sqrt(1 - B2 ** t);
    const stepSize = LR / (1 - B1 ** t);
    wn.noGrad(() =>
      wn.tidy(() => {
        for (let i = 0; i < params.length; i++) {
          const p = params[i],
            g = grads[i];
          if (kind === "AdamW") p.mul_(1 - LR * WD);
          m[i].mul_(B1).add_(g, 1 - B1);
          v[i].mul_(B2).add_(g.mul(g), 1 - B2);
          p.add_(m[i].div(v[i].sqrt().div(bc2s).add(EPS)), -stepSize);
        }
      }),
    );
  };
  step();
  const t0 = nowNs();
  for (let i = 0; i < steps; i++) step();
  const ms = Number(nowNs() - t0) / 1e6 / steps;
  for (const x of [...m, ...v]) x.dispose();
  return ms;
}

const py = torchPython();
const pyCode = `
import json, sys, time, torch
torch.set_num_threads(${threads})
shapes = json.loads(sys.argv[1]); steps = int(sys.argv[2]); kind = sys.argv[3]; foreach = sys.argv[4] == "1"
torch.manual_seed(0)
ps = [(torch.randn(s) * 0.05).requires_grad_() for s in shapes]
for p in ps: p.grad = torch.randn(p.shape)
opt = (torch.optim.Adam(ps, lr=${LR}, foreach=foreach) if kind == "Adam"
       else torch.optim.AdamW(ps, lr=${LR}, weight_decay=${WD}, foreach=foreach))
opt.step()
t = time.perf_counter()
for _ in range(steps): opt.step()
print(json.dumps((time.perf_counter() - t) / steps * 1e3))
`;
function pyRound(kind, foreach) {
  const r = spawnSync(py, ["-c", pyCode, JSON.stringify(SHAPES), String(steps), kind, foreach ? "1" : "0"], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout.trim());
}

const result = { params: SHAPES.length, values: numel, steps, rounds, threads, msPerStep: {}, ratios: {} };
console.log(`optim: ${SHAPES.length} tensors, ${numel} values (BGRL-sized), ${steps} steps x ${rounds} rounds (median), ${threads} thread(s)`);
for (const kind of ["Adam", "AdamW"]) {
  const fused = [],
    facade = [],
    torchSingle = [],
    torchForeach = [];
  fusedRound(kind); // warm-up
  for (let r = 0; r < rounds; r++) {
    fused.push(fusedRound(kind));
    facade.push(facadeRound(kind));
    if (py) {
      torchSingle.push(pyRound(kind, false));
      torchForeach.push(pyRound(kind, true));
    }
  }
  const row = { fused: median(fused), facadeLoop: median(facade) };
  if (py) Object.assign(row, { torchSingleTensor: median(torchSingle), torchForeach: median(torchForeach) });
  result.msPerStep[kind] = row;
  result.ratios[kind] = {
    facadeLoopOverFused: row.facadeLoop / row.fused,
    ...(py ? { torchSingleOverFused: row.torchSingleTensor / row.fused, torchForeachOverFused: row.torchForeach / row.fused } : {}),
  };
  console.log(`  ${kind}`);
  console.log(`    werank-native fused step (1 native call)     ${fmt(row.fused)} ms/step`);
  console.log(`    façade per-parameter loop (~${SHAPES.length * 10} native calls)  ${fmt(row.facadeLoop)} ms/step   (${fmt(result.ratios[kind].facadeLoopOverFused)}x fused)`);
  if (py) {
    console.log(`    torch.optim.${kind} (single-tensor, default)   ${fmt(row.torchSingleTensor)} ms/step   (${fmt(result.ratios[kind].torchSingleOverFused)}x fused)`);
    console.log(`    torch.optim.${kind} (foreach=True)             ${fmt(row.torchForeach)} ms/step   (${fmt(result.ratios[kind].torchForeachOverFused)}x fused)`);
  } else console.log("    PyTorch: skipped (no python3 with torch; apt-get install python3-torch)");
}
for (const g of grads) g.dispose();
for (const p of params) {
  p.zeroGrad();
  p.dispose();
}
writeJsonIfAsked(result);
