#!/usr/bin/env bash
# All set-up for werank-native, idempotent: installs what is missing and skips what is up to date.
#
#   bash scripts/bootstrap.sh            LibTorch, npm packages, the addon, the TypeScript
#   bash scripts/bootstrap.sh --test     the same, plus what the test suite uses (Chromium for the
#                                        report e2e test, python3-sklearn for the golden probe tests,
#                                        clang-format for npm run lint) when it can be installed
#
# Needs node >= 20, npm, cmake and g++. LibTorch comes from TORCH_DIR/LIBTORCH, python3's torch,
# or Debian's libtorch-dev, which this script installs with apt-get when it is missing (and
# libgloo-dev, the gloo headers c10d needs for the data-parallel ranks).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

FOR_TESTS=0
for a in "$@"; do
  case "$a" in
    --test) FOR_TESTS=1 ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "bootstrap: unknown option $a (valid: --test)" >&2; exit 2 ;;
  esac
done

log() { printf '[bootstrap] %s\n' "$*"; }
die() { printf '[bootstrap] %s\n' "$*" >&2; exit 1; }

# ---- tools ------------------------------------------------------------------------------------
command -v node >/dev/null || die "node is missing. Possible solutions: install Node.js 20 or newer (https://nodejs.org)"
NODE_MAJOR=$(node -p 'process.versions.node.split(".")[0]')
[ "$NODE_MAJOR" -ge 20 ] || die "node $(node --version) is too old. Possible solutions: install Node.js 20 or newer"
for tool in npm cmake g++; do
  command -v "$tool" >/dev/null || die "$tool is missing. Possible solutions: apt-get install -y $( [ "$tool" = g++ ] && echo g++ || echo "$tool")"
done

# apt-get as root, or through passwordless sudo; empty when neither works.
APT=""
if command -v apt-get >/dev/null; then
  if [ "$(id -u)" = 0 ]; then APT="apt-get"
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then APT="sudo apt-get"
  fi
fi
APT_UPDATED=0
apt_install() {
  [ -n "$APT" ] || return 1
  if [ "$APT_UPDATED" = 0 ]; then
    log "apt-get update"
    $APT update -qq >/dev/null || return 1
    APT_UPDATED=1
  fi
  log "apt-get install -y $*"
  DEBIAN_FRONTEND=noninteractive $APT install -y -qq --no-install-recommends "$@" >/dev/null
}

# ---- LibTorch -----------------------------------------------------------------------------------
if node scripts/torch-config.cjs --check >/dev/null 2>&1; then
  log "$(node scripts/torch-config.cjs --check)"
else
  if [ -n "${TORCH_DIR:-}${LIBTORCH:-}" ]; then
    node scripts/torch-config.cjs --check || true
    die "TORCH_DIR/LIBTORCH is set but unusable (see above)."
  fi
  log "LibTorch not found; installing Debian's libtorch-dev"
  if ! apt_install libtorch-dev; then
    node scripts/torch-config.cjs --check 2>&1 | sed '1d' >&2 || true
    die "could not install libtorch-dev (need root or passwordless sudo, and apt-get). Possible solutions: see above"
  fi
  node scripts/torch-config.cjs --check >/dev/null 2>&1 || die "libtorch-dev was installed but LibTorch is still not found. Possible solutions: set TORCH_DIR=/path/to/libtorch"
  log "$(node scripts/torch-config.cjs --check)"
fi

# ---- gloo's headers: c10d's ProcessGroupGloo.hpp includes them and Debian ships them apart ----------
# Without them the addon builds without data-parallel ranks (ProcessGroup raises ERR_NATIVE_MISSING).
if node scripts/torch-config.cjs --gloo-missing; then
  apt_install libgloo-dev || log "libgloo-dev could not be installed: data-parallel ranks (ProcessGroup) will be unavailable"
fi

# ---- what the tests use (before the BLAS check: their packages may bring another BLAS) -----------
if [ "$FOR_TESTS" = 1 ]; then
  if ! command -v chromium >/dev/null && ! command -v chromium-browser >/dev/null; then
    apt_install chromium || log "Chromium could not be installed: the report e2e test will be skipped"
  fi
  # scikit-learn for Debian's python3: the golden tests score our embeddings with BGRL's own code path.
  if ! /usr/bin/python3 -c "import sklearn" >/dev/null 2>&1; then
    apt_install python3-sklearn || log "python3-sklearn could not be installed: the scikit-learn golden tests will be skipped"
  fi
  # clang-format for `npm run lint` (native/ against .clang-format), which CI runs after the tests.
  command -v clang-format >/dev/null || apt_install clang-format || log "clang-format could not be installed: npm run lint will say so"
fi

# ---- an optimized BLAS ----------------------------------------------------------------------------
source scripts/select-blas.sh

# ---- npm packages ---------------------------------------------------------------------------------
# node_modules/.package-lock.json is what npm wrote at the last install; compare it with the lock.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ] || [ package.json -nt node_modules/.package-lock.json ]; then
  log "npm ci"
  # --ignore-scripts: the addon is built below, once, with progress.
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
else
  log "npm packages up to date"
fi

# ---- the addon ------------------------------------------------------------------------------------
node scripts/build-native.cjs

# ---- TypeScript -------------------------------------------------------------------------------------
if [ -f dist/index.js ] && [ -z "$(find src tsconfig.json -newer dist/.tsbuildinfo -print -quit 2>/dev/null)" ]; then
  log "TypeScript up to date"
else
  log "compiling TypeScript"
  npx --no-install tsc -p tsconfig.json
fi
chmod +x dist/cli/main.js   # the package's bin

# ---- werank-native on PATH ----------------------------------------------------------------------------
# npm link: a symlink to this checkout's bin in npm's global bin folder (on PATH wherever npm is), no
# download, no scripts. Skipped when it already points here; a hint when the global folder is not writable.
GLOBAL=$(npm prefix -g 2>/dev/null || true)
if [ "$(readlink -f "$GLOBAL/bin/werank-native" 2>/dev/null)" = "$(pwd -P)/dist/cli/main.js" ]; then
  log "werank-native is on PATH ($GLOBAL/bin/werank-native)"
elif [ -n "$GLOBAL" ] && [ -w "$GLOBAL/bin" ] && { [ -w "$GLOBAL/lib/node_modules" ] || [ -w "$GLOBAL/lib" ]; }; then
  log "npm link (werank-native on PATH in $GLOBAL/bin)"
  npm link --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null
else
  log "werank-native is not on PATH ($GLOBAL is not writable). Possible solutions: sudo npm link --ignore-scripts (here), or npm link with npm's prefix in your home (npm config set prefix ~/.local), or run node $(pwd)/dist/cli/main.js"
fi
log "ready after ${SECONDS} s of set-up"
