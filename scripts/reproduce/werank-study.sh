#!/usr/bin/env bash
# The WERank study of docs/werank-study.md: BGRL with WERank alpha in {0, 0.001, 0.01, 0.1, 1} on the
# encoder, with the preset's augmentation and without, on Cora (5 seeds; also encoder + predictor and
# werank.scale=width), Amazon Computers and Coauthor CS (3 seeds each); BGRL's evaluation protocol
# (eval.protocol=bgrl, 3 repeats = BGRL's num_eval_splits default). Then `collect --paired werank=0`.
#
#   scripts/reproduce/werank-study.sh short        # the shortened schedules of docs/werank-study.md,
#                                                  # two trials at a time at one thread each (2 cores: ~1 h)
#   scripts/reproduce/werank-study.sh full  [sbatch options...]
#                                                  # the published lengths (Cora 2,000 epochs, Amazon and
#                                                  # CS 10,000 with CS at its official lr 1e-5) as Slurm
#                                                  # job arrays, e.g. --partition gpu --gpus 1 --time 12:00:00
#   scripts/reproduce/werank-study.sh collect      # tables (results.md/csv/json) and figures of each sweep
#
# Data: WERANK_DATA_DIR (default ../shared/data). Sweeps go to sweeps/study/<name> (full: sweeps/study-full).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
mode=${1:-short}
shift || true
DATA=${WERANK_DATA_DIR:-../shared/data}
CLI=(node dist/cli/main.js)
ALPHAS="0,0.001,0.01,0.1,1"
EVAL=(--set eval.protocol=bgrl --set eval.splits=3 --set output.report=false)
case $mode in
  short) ROOT=sweeps/study ;;
  full | collect-full) ROOT=sweeps/study-full ;;
  collect) ROOT=sweeps/study ;;
  *) echo "usage: $0 short|full [sbatch options]|collect|collect-full" >&2; exit 2 ;;
esac

# epochs and extra flags per dataset: the short schedules (warm-up stays 10 %: presets scale it with
# --epochs) or none (the presets' own lengths and learning rates)
cora_len=(); amazon_len=(); cs_len=()
if [ "$mode" = short ]; then
  cora_len=(--epochs 60)
  amazon_len=(--epochs 30)
  cs_len=(--epochs 30 --lr 1e-3) # CS's official lr 1e-5 is made for 10,000 epochs
fi
if [ "$mode" = short ]; then EXEC=(--executor local --parallel 2); else EXEC=(--executor slurm "$@"); fi

sweep() {
  local name=$1
  shift
  # a sweep already planned there is left alone: rerunning the script after an interruption runs the
  # sweeps still missing (delete an unfinished sweep's directory to run it again)
  if [ -f "$ROOT/$name/sweep.json" ]; then
    echo "[$(date +%T)] sweep $name: already in $ROOT/$name, skipped"
    return 0
  fi
  echo "[$(date +%T)] sweep $name"
  "${CLI[@]}" sweep "$@" "${EVAL[@]}" --data-dir "$DATA" "${EXEC[@]}" --dir "$ROOT/$name"
}

if [ "$mode" = short ] || [ "$mode" = full ]; then
  # without augmentation first (where WERank is expected to matter most), the width variant last
  for aug in noaug aug; do
    NA=()
    [ $aug = noaug ] && NA=(--no-augment)
    sweep cora-$aug-layers --preset cora "${NA[@]}" "${cora_len[@]}" --grid werank=$ALPHAS --grid werank.layers=encoder,encoder+predictor --seeds 5
    sweep amazon-computers-$aug --preset amazon-computers "${NA[@]}" "${amazon_len[@]}" --grid werank=$ALPHAS --seeds 3
    sweep coauthor-cs-$aug --preset coauthor-cs "${NA[@]}" "${cs_len[@]}" --grid werank=$ALPHAS --seeds 3
  done
  for aug in noaug aug; do
    NA=()
    [ $aug = noaug ] && NA=(--no-augment)
    sweep cora-$aug-width --preset cora "${NA[@]}" "${cora_len[@]}" --grid werank=$ALPHAS --set werank.scale=width --seeds 5
  done
  [ "$mode" = full ] && { echo "submitted; when the arrays finish: $0 collect-full"; exit 0; }
fi

# collect: one table and two figures per sweep (docs/werank-study.md quotes them)
for dir in "$ROOT"/*/; do
  [ -f "$dir/sweep.json" ] || continue
  name=$(basename "$dir")
  "${CLI[@]}" collect "$dir" --paired werank=0 --html --svg "$dir/figures" > /dev/null
  echo "$name: $dir/results.md, $dir/results.html, $dir/figures/"
done
