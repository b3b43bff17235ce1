#!/usr/bin/env bash
# Lint and format checks, as CI runs them (`npm run lint`): Biome for the TypeScript/JavaScript
# (biome.json: formatter + recommended lint rules) and clang-format for native/ (.clang-format).
# `npm run format` rewrites both in place.
# Biome's recommended rules are on except four (biome.json), for reasons of this code base:
#   noNonNullAssertion: tsconfig has noUncheckedIndexedAccess, and the code asserts in-range typed-array
#     reads with `!` (a check per element would be the slower, noisier alternative);
#   useIterableCallbackReturn, noAssignInExpressions: accumulating arrow bodies such as
#     `grid.forEach((g, i) => (sum[i] += g.val))` are the house style;
#   noCommaOperator: two-variable for-loop headers.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
FIX=0; [ "${1:-}" = "--fix" ] && FIX=1
mapfile -t NATIVE < <(git ls-files 'native/*.cc' 'native/*.h' 'native/*.cu')
if [ "$FIX" = 1 ]; then
  npx --no-install biome check --write .
else
  npx --no-install biome check .
fi
if ! command -v clang-format >/dev/null; then
  echo "lint: clang-format is missing. Possible solutions: apt-get install -y clang-format (scripts/bootstrap.sh --test installs it)" >&2
  exit 1
fi
if [ "$FIX" = 1 ]; then
  clang-format -i "${NATIVE[@]}"
else
  clang-format --dry-run --Werror "${NATIVE[@]}"
fi
echo "lint: ${#NATIVE[@]} native files and the TypeScript are clean"
