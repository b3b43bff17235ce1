#!/usr/bin/env bash
# Compiles every CUDA kernel under native/cuda with nvcc (no GPU needed). The kernels are plain
# CUDA C++ with no LibTorch headers, so this runs on CPU-only machines; the CMake build links them
# only against a CUDA LibTorch. Skips with a message when nvcc is absent.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
NVCC=${NVCC:-$(command -v nvcc || true)}
[ -n "$NVCC" ] || { [ -x /usr/local/cuda/bin/nvcc ] && NVCC=/usr/local/cuda/bin/nvcc; }
if [ -z "$NVCC" ]; then
  echo "[cuda] nvcc not found: CUDA kernel compile check skipped"
  exit 0
fi
shopt -s nullglob
files=(native/cuda/*.cu)
if [ ${#files[@]} -eq 0 ]; then
  echo "[cuda] no CUDA sources yet"
  exit 0
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for f in "${files[@]}"; do
  "$NVCC" -std=c++17 -O2 -Inative -arch=sm_80 -c "$f" -o "$out/$(basename "$f").o"
  echo "[cuda] compiled $f"
done
