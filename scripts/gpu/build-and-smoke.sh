#!/usr/bin/env bash
# On a GPU machine with PyTorch (CUDA) and nvcc but no npm: builds the addon with CMake directly
# against PyTorch's LibTorch (the kernels of native/cuda included) and runs scripts/gpu/smoke.mjs.
# Node and the N-API headers come from PATH and node_modules/node-api-headers, or from the .gpu/
# folder of scripts/gpu/pack.sh. Logs go to $OUT (default /tmp/werank-gpu).
#   CMAKE_CUDA_ARCHITECTURES=90 bash scripts/gpu/build-and-smoke.sh      # 90: H100/H200, 80: A100
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
R=$PWD
O=${OUT:-/tmp/werank-gpu}
mkdir -p "$O"
if ! command -v node >/dev/null; then
  [ -f .gpu/node.xz ] || { echo "no node on PATH and no .gpu/node.xz (scripts/gpu/pack.sh)" >&2; exit 2; }
  xz -d -k -f .gpu/node.xz && chmod +x .gpu/node && export PATH=$R/.gpu:$PATH
fi
NAPI=${NAPI_INCLUDE:-$R/node_modules/node-api-headers/include}
[ -f "$NAPI/node_api.h" ] || NAPI=$R/.gpu/napi
nvidia-smi -L | tee "$O/gpu.txt"
export TORCH_DIR=${TORCH_DIR:-$(python3 -c "import torch; print(torch.utils.cmake_prefix_path)")}
NVCC=$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)
echo "torch $(python3 -c 'import torch; print(torch.__version__)'), nvcc $NVCC"
t0=$(date +%s)
# cmake-js would set CMAKE_JS_INC to Node's headers; on Linux an addon needs no import library.
cmake -S . -B "$O/build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_JS_INC="$NAPI" \
  -DCMAKE_CUDA_ARCHITECTURES="${CMAKE_CUDA_ARCHITECTURES:-90}" -DCMAKE_CUDA_COMPILER="$NVCC" \
  -DNODE_EXECUTABLE="$(command -v node)" >"$O/cmake.log" 2>&1 || { tail -40 "$O/cmake.log"; exit 3; }
grep "werank-native:" "$O/cmake.log"
ninja -C "$O/build" -k 0 >"$O/build.log" 2>&1 || { grep -B2 -A6 "error" "$O/build.log" | head -120; exit 4; }
echo "built in $(($(date +%s) - t0)) s"
mkdir -p build-cmake/Release && cp "$O/build/werank_native.node" build-cmake/Release/
timeout 600 node scripts/gpu/smoke.mjs 2>&1 | tee "$O/smoke.log"
exit "${PIPESTATUS[0]}"
