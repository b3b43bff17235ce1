#!/usr/bin/env bash
# Mini-batch against full-batch BGRL on Coauthor CS (docs/scale.md "Accuracy"): the same preset, seed,
# epochs and learning-rate schedule, once full batch and once with neighbour-sampled mini-batches
# (batch 4096, fanouts 10,10), both scored with BGRL's evaluation protocol (eval.protocol=bgrl).
#
#   scripts/reproduce/minibatch-accuracy.sh [EPOCHS] [SEED...]     # defaults: 50 epochs, seed 0
#
# Data: WERANK_DATA_DIR (default ../shared/data). Runs go to runs/minibatch-accuracy/{full,mini}-sSEED
# (kept when they already have a summary.json, so a rerun only prints the table). One LibTorch
# thread per run, the two runs of a seed side by side.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
EPOCHS=${1:-50}
shift || true
SEEDS=("${@:-0}")
DATA=${WERANK_DATA_DIR:-../shared/data}
OUT=runs/minibatch-accuracy
COMMON=(--preset coauthor-cs --data-dir "$DATA" --epochs "$EPOCHS" --lr 1e-3 --set "optim.warmupEpochs=$((EPOCHS / 10))" --set eval.protocol=bgrl --set output.report=false)
mkdir -p "$OUT"
run() { # NAME SEED extra...
  local dir=$OUT/$1-s$2 seed=$2
  shift 2
  if [ -f "$dir/summary.json" ]; then return 0; fi
  WERANK_NUM_THREADS=1 node dist/cli/main.js train "${COMMON[@]}" --seed "$seed" --run-dir "$dir" --overwrite "$@" >"$dir.log" 2>&1
}
for s in "${SEEDS[@]}"; do
  run full "$s" &
  run mini "$s" --batch-size 4096 --fanouts 10,10 &
  wait
done
node - "$OUT" "${SEEDS[@]}" <<'JS'
const fs = require("node:fs");
const [out, ...seeds] = process.argv.slice(2);
const read = (d) => JSON.parse(fs.readFileSync(`${out}/${d}/summary.json`, "utf8"));
const acc = (s) => s.probe.mean * 100;
console.log("| seed | full batch (%) | mini-batch 4096, fanouts 10,10 (%) | difference | eff. rank representation full / mini | s/epoch full / mini |");
console.log("| --- | --- | --- | --- | --- | --- |");
for (const seed of seeds) {
  const f = read(`full-s${seed}`), m = read(`mini-s${seed}`);
  const d = acc(m) - acc(f);
  const pct = (s) => `${acc(s).toFixed(2)} ± ${(s.probe.std * 100).toFixed(2)}`;
  console.log(`| ${seed} | ${pct(f)} | ${pct(m)} | ${d >= 0 ? "+" : ""}${d.toFixed(2)} | ${f.effectiveRank.representation.toFixed(1)} / ${m.effectiveRank.representation.toFixed(1)} | ${f.secondsPerEpoch.toFixed(1)} / ${m.secondsPerEpoch.toFixed(1)} |`);
}
JS
