#!/usr/bin/env node
// The one LibTorch discovery script and the one native source list, shared by
// CMakeLists.txt (cmake-js) and binding.gyp (node-gyp) so the two builds cannot drift.
//
// Order (DESIGN D1): TORCH_DIR / LIBTORCH -> python3's `torch` cmake prefix -> the system
// (Debian libtorch-dev). Plain CommonJS with no dependencies: it runs before `npm ci`.
//
//   node scripts/torch-config.cjs --json          everything, as JSON
//   node scripts/torch-config.cjs --cmake FILE    writes set(...) lines for CMake
//   node scripts/torch-config.cjs --gyp KEY       one gyp list: include|libs|ldflags|defines|sources
//   node scripts/torch-config.cjs --check         exit 0 when found, else 1 with "Possible solutions:"
//   node scripts/torch-config.cjs --gloo-missing  exit 0 when only gloo's headers keep c10d out (bootstrap installs them)
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { execFileSync } = require("node:child_process");

const ROOT = path.resolve(__dirname, "..");

function exists(p) {
  try {
    fs.accessSync(p);
    return true;
  } catch {
    return false;
  }
}

function run(cmd, args) {
  try {
    return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 60000 }).trim();
  } catch {
    return null;
  }
}

/** Directories that may hold TorchConfig.cmake, given a user-supplied root or cmake dir. */
function cmakeDirsUnder(p) {
  return [p, path.join(p, "Torch"), path.join(p, "share/cmake/Torch"), path.join(p, "cmake/Torch")];
}

/** Turns a directory holding TorchConfig.cmake into include/lib locations, walking upwards
 *  (pip: torch/share/cmake/Torch -> torch/{include,lib}; Debian: .../lib/<triplet>/cmake/Torch
 *  -> /usr/include and /usr/lib/<triplet>). Returns null when the layout is incomplete. */
function resolveFromCmakeDir(cmakeDir, source) {
  if (!exists(path.join(cmakeDir, "TorchConfig.cmake"))) return null;
  let includeRoot = null;
  let libDir = null;
  let dir = cmakeDir;
  for (let i = 0; i < 5 && (!includeRoot || !libDir); i++) {
    dir = path.dirname(dir);
    if (!includeRoot && exists(path.join(dir, "include/torch/csrc/api/include/torch/torch.h"))) includeRoot = path.join(dir, "include");
    if (!libDir) {
      for (const cand of [dir, path.join(dir, "lib"), path.join(dir, "lib64")]) {
        if (exists(path.join(cand, "libtorch.so")) || exists(path.join(cand, "libtorch.dylib"))) {
          libDir = cand;
          break;
        }
      }
    }
  }
  if (!includeRoot || !libDir) return null;
  return describe(cmakeDir, includeRoot, libDir, source);
}

function readVersion(includeRoot) {
  const f = path.join(includeRoot, "torch/csrc/api/include/torch/version.h");
  const text = exists(f) ? fs.readFileSync(f, "utf8") : "";
  const grab = (k) => {
    const m = text.match(new RegExp(`#define TORCH_VERSION_${k}\\s+(\\d+)`));
    return m ? Number(m[1]) : 0;
  };
  return { major: grab("MAJOR"), minor: grab("MINOR"), patch: grab("PATCH") };
}

/** The C++11 ABI of the LibTorch binaries: read from libc10's symbols (Debian's TorchConfig
 *  does not state it); a mismatch gives undefined std::string symbols at load time. */
function detectAbi(libDir, cmakeDir) {
  const c10 = ["libc10.so", "libc10.dylib"].map((f) => path.join(libDir, f)).find(exists);
  if (c10) {
    const syms = run("nm", ["-DC", c10]);
    if (syms !== null) return syms.includes("__cxx11") ? 1 : 0;
  }
  const cfg = fs.readFileSync(path.join(cmakeDir, "TorchConfig.cmake"), "utf8");
  const m = cfg.match(/_GLIBCXX_USE_CXX11_ABI=(\d)/);
  return m ? Number(m[1]) : 1;
}

/** The first directory of `dirs` holding `rel`, or null. */
function findInclude(dirs, rel) {
  return dirs.find((d) => d && exists(path.join(d, rel))) || null;
}

const SYSTEM_INCLUDES = ["/usr/include", "/usr/local/include"];

/** Data-parallel ranks (native/dist/) over LibTorch's own c10d: its ProcessGroupGloo.hpp includes
 *  gloo's headers, which LibTorch packages do not always ship (Debian: libgloo-dev). ProcessGroupNCCL
 *  needs a CUDA LibTorch and nccl.h. Without the headers the addon builds and the dist functions
 *  throw ERR_NATIVE_MISSING naming what to install (`missing`). */
function describeDist(includeRoot, cuda) {
  const c10d = path.join(includeRoot, "torch/csrc/distributed/c10d");
  if (!exists(path.join(c10d, "ProcessGroupGloo.hpp")) || !exists(path.join(c10d, "TCPStore.hpp")))
    return { c10d: false, nccl: false, includeDirs: [], missing: "this LibTorch ships no c10d headers (torch/csrc/distributed/c10d)" };
  // GLOO_INCLUDE_DIR, when set, is the only place looked at (as TORCH_DIR: no silent fallback).
  const explicit = process.env.GLOO_INCLUDE_DIR;
  const glooDir = findInclude(explicit ? [explicit] : [includeRoot, ...SYSTEM_INCLUDES], "gloo/config.h");
  if (!glooDir) {
    const where = explicit ? `GLOO_INCLUDE_DIR=${explicit} has no gloo/config.h` : "gloo's headers (gloo/config.h) are not installed";
    return { c10d: false, nccl: false, includeDirs: [], missing: where };
  }
  const includeDirs = glooDir === includeRoot || SYSTEM_INCLUDES.includes(glooDir) ? [] : [glooDir];
  let nccl = false;
  if (cuda && exists(path.join(c10d, "ProcessGroupNCCL.hpp"))) {
    const ncclDir = findInclude([process.env.NCCL_INCLUDE_DIR, includeRoot, ...SYSTEM_INCLUDES], "nccl.h");
    if (ncclDir) {
      nccl = true;
      if (ncclDir !== includeRoot && !SYSTEM_INCLUDES.includes(ncclDir)) includeDirs.push(ncclDir);
    }
  }
  return { c10d: true, nccl, includeDirs, missing: null };
}

function describe(cmakeDir, includeRoot, libDir, source) {
  const cuda = exists(path.join(libDir, "libtorch_cuda.so"));
  const libs = ["torch", "torch_cpu", "c10"];
  if (cuda) libs.push("torch_cuda", "c10_cuda");
  const dist = describeDist(includeRoot, cuda);
  return {
    source,
    cmakeDir,
    includeDirs: [includeRoot, path.join(includeRoot, "torch/csrc/api/include"), ...dist.includeDirs],
    libDir,
    libs,
    cuda,
    cxx11Abi: detectAbi(libDir, cmakeDir),
    version: readVersion(includeRoot),
    dist: { c10d: dist.c10d, nccl: dist.nccl, missing: dist.missing },
  };
}

function fromEnv() {
  for (const key of ["TORCH_DIR", "LIBTORCH"]) {
    const v = process.env[key];
    if (!v) continue;
    for (const d of cmakeDirsUnder(path.resolve(v))) {
      const r = resolveFromCmakeDir(d, `${key}=${v}`);
      if (r) return r;
    }
    return { error: `${key}=${v} does not contain a usable LibTorch (looked for TorchConfig.cmake, include/torch and libtorch.so under it)` };
  }
  return null;
}

function fromPython() {
  const pythons = [process.env.PYTHON, "python3", "/usr/bin/python3"].filter(Boolean);
  const seen = new Set();
  for (const py of pythons) {
    const prefix = run(py, ["-c", "import torch, torch.utils; print(torch.utils.cmake_prefix_path)"]);
    if (!prefix || seen.has(prefix)) continue;
    seen.add(prefix);
    for (const d of cmakeDirsUnder(prefix)) {
      const r = resolveFromCmakeDir(d, `${py} torch (${prefix})`);
      if (r) return r;
    }
  }
  return null;
}

function fromSystem() {
  const triplet = run("gcc", ["-print-multiarch"]) || "x86_64-linux-gnu";
  const dirs = [`/usr/lib/${triplet}/cmake/Torch`, "/usr/lib/cmake/Torch", "/usr/local/lib/cmake/Torch", "/usr/local/libtorch/share/cmake/Torch", "/opt/libtorch/share/cmake/Torch"];
  for (const d of dirs) {
    const r = resolveFromCmakeDir(d, `system (${d})`);
    if (r) return r;
  }
  return null;
}

function discover() {
  const env = fromEnv();
  if (env) return env;
  return fromPython() || fromSystem() || { error: "no LibTorch found" };
}

/** One source list for both builds: every C++ file under native/ except the CUDA kernels,
 *  which only CMake compiles (and only against a CUDA LibTorch). */
function sources({ cuda = false } = {}) {
  const out = [];
  const walk = (dir) => {
    // native/cuda/ may be absent (git keeps no empty folders): then there are no CUDA sources.
    if (!exists(path.join(ROOT, dir))) return;
    for (const e of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const rel = path.posix.join(dir, e.name);
      if (e.isDirectory()) walk(rel);
      else if (cuda ? /\.cu$/.test(e.name) : /\.cc$/.test(e.name)) out.push(rel);
    }
  };
  walk(cuda ? "native/cuda" : "native");
  return out;
}

const POSSIBLE = `Possible solutions:
  - Debian/Ubuntu (as root): apt-get update && apt-get install -y libtorch-dev
  - or unpack LibTorch from pytorch.org and set TORCH_DIR=/path/to/libtorch
  - or install PyTorch for python3 (pip install torch); its bundled LibTorch is used
  - then run: bash scripts/bootstrap.sh`;

function main(argv) {
  const mode = argv[0] || "--json";
  if (mode === "--sources") {
    process.stdout.write(`${sources({ cuda: argv[1] === "cuda" }).join("\n")}\n`);
    return 0;
  }
  const t = discover();
  if (t.error) {
    process.stderr.write(`werank-native: LibTorch not found: ${t.error}\n${POSSIBLE}\n`);
    return 1;
  }
  const defines = [`_GLIBCXX_USE_CXX11_ABI=${t.cxx11Abi}`, `WN_TORCH_MAJOR=${t.version.major}`, `WN_TORCH_MINOR=${t.version.minor}`, "NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS"];
  if (t.dist.c10d) defines.push("WN_WITH_C10D=1");
  if (t.dist.nccl) defines.push("WN_WITH_NCCL=1");
  switch (mode) {
    case "--gloo-missing":
      return !t.dist.c10d && t.dist.missing.startsWith("gloo's headers") ? 0 : 1;
    case "--check":
      process.stdout.write(
        `LibTorch ${t.version.major}.${t.version.minor}.${t.version.patch}${t.cuda ? " (CUDA)" : " (CPU)"} from ${t.source}; ` +
          `data-parallel ranks: ${t.dist.c10d ? `c10d ${t.dist.nccl ? "gloo, nccl" : "gloo"}` : `off (${t.dist.missing})`}\n`,
      );
      return 0;
    case "--json":
      process.stdout.write(`${JSON.stringify({ ...t, defines, sources: sources() }, null, 2)}\n`);
      return 0;
    case "--gyp": {
      const key = argv[1];
      const lists = {
        include: t.includeDirs,
        libs: t.libs.map((l) => `-l${l}`),
        // --no-as-needed keeps libtorch_cuda linked although no symbol of it is referenced
        // directly: its static initialisers register the CUDA kernels.
        ldflags: [`-L${t.libDir}`, `-Wl,-rpath,${t.libDir}`, "-Wl,--no-as-needed"],
        defines,
        sources: sources(),
      };
      if (!lists[key]) {
        process.stderr.write(`unknown --gyp key ${key}; choose one of ${Object.keys(lists).join(", ")}\n`);
        return 2;
      }
      process.stdout.write(`${lists[key].join(" ")}\n`);
      return 0;
    }
    case "--cmake": {
      const q = (s) => `"${s.replace(/\\/g, "/")}"`;
      const text = [
        `set(WN_TORCH_SOURCE ${q(t.source)})`,
        `set(WN_TORCH_INCLUDE_DIRS ${t.includeDirs.map(q).join(" ")})`,
        `set(WN_TORCH_LIB_DIR ${q(t.libDir)})`,
        `set(WN_TORCH_LIBS ${t.libs.join(" ")})`,
        `set(WN_TORCH_CUDA ${t.cuda ? "ON" : "OFF"})`,
        `set(WN_TORCH_DEFINES ${defines.map(q).join(" ")})`,
        `set(WN_SOURCES ${sources().map(q).join(" ")})`,
        `set(WN_CUDA_SOURCES ${sources({ cuda: true }).map(q).join(" ")})`,
        "",
      ].join("\n");
      if (argv[1]) fs.writeFileSync(argv[1], text);
      else process.stdout.write(text);
      return 0;
    }
    default:
      process.stderr.write(`usage: torch-config.cjs --json | --check | --gloo-missing | --cmake [FILE] | --gyp KEY | --sources [cuda]\n`);
      return 2;
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
module.exports = { discover, sources };
