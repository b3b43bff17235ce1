#!/usr/bin/env bash
# Packs what a bare GPU machine without Node or network needs to build and smoke-test the addon
# (../shared/notes/gpu-machine.md): this machine's node binary (xz, about 24 MB) and the N-API
# headers into .gpu/ (keep it out of git: .git/info/exclude), after compiling dist/. Carry to the GPU
# machine: .gpu dist node_modules/{node-addon-api,zod,yaml,commander,cli-progress} (about 38 MB),
# then run there: bash scripts/gpu/build-and-smoke.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
npx tsc -p tsconfig.json
mkdir -p .gpu/napi
[ -f .gpu/node.xz ] || xz -T2 -6 -c "$(command -v node)" > .gpu/node.xz
cp node_modules/node-api-headers/include/*.h .gpu/napi/
grep -qx '/.gpu/' .git/info/exclude 2>/dev/null || echo '/.gpu/' >> .git/info/exclude
du -sh .gpu dist node_modules/{node-addon-api,zod,yaml,commander,cli-progress}
