/**
 * scripts/torch-config.cjs, the one LibTorch discovery and source list shared by CMake and node-gyp,
 * run against fake LibTorch layouts built in a temp dir (no real LibTorch needed).
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const SCRIPT = path.join(ROOT, "scripts", "torch-config.cjs");
let tmp = "";

function touch(file: string, text = ""): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

/** Headers, cmake config and libraries of a LibTorch, at the given places. */
function fakeTorch(o: { cmakeDir: string; includeRoot: string; libDir: string; version: [number, number, number]; cuda?: boolean; abi?: 0 | 1 }): void {
  touch(path.join(o.cmakeDir, "TorchConfig.cmake"), `set(TORCH_CXX_FLAGS "-D_GLIBCXX_USE_CXX11_ABI=${o.abi ?? 1}")\n`);
  const api = path.join(o.includeRoot, "torch/csrc/api/include/torch");
  touch(path.join(api, "torch.h"), "#pragma once\n");
  const [maj, min, pat] = o.version;
  touch(path.join(api, "version.h"), `#pragma once\n#define TORCH_VERSION_MAJOR ${maj}\n#define TORCH_VERSION_MINOR ${min}\n#define TORCH_VERSION_PATCH ${pat}\n`);
  touch(path.join(o.libDir, "libtorch.so"));
  touch(path.join(o.libDir, "libtorch_cpu.so"));
  if (o.cuda) touch(path.join(o.libDir, "libtorch_cuda.so"));
}

function run(args: string[], env: Record<string, string | undefined> = {}, script = SCRIPT) {
  const e: Record<string, string | undefined> = { ...process.env, TORCH_DIR: undefined, LIBTORCH: undefined, ...env };
  for (const k of Object.keys(e)) if (e[k] === undefined) delete e[k];
  const r = spawnSync(process.execPath, [script, ...args], { encoding: "utf8", env: e as NodeJS.ProcessEnv });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let pip = "";
let pipCuda = "";
let debian = "";
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "werank-torchcfg-"));
  // pip wheel: site-packages/torch/{share/cmake/Torch, include, lib}
  pip = path.join(tmp, "pip", "torch");
  fakeTorch({ cmakeDir: path.join(pip, "share/cmake/Torch"), includeRoot: path.join(pip, "include"), libDir: path.join(pip, "lib"), version: [2, 3, 1], abi: 0 });
  pipCuda = path.join(tmp, "pipcuda", "torch");
  fakeTorch({ cmakeDir: path.join(pipCuda, "share/cmake/Torch"), includeRoot: path.join(pipCuda, "include"), libDir: path.join(pipCuda, "lib"), version: [2, 4, 0], cuda: true });
  // Debian libtorch-dev: /usr/lib/<triplet>/cmake/Torch, /usr/include, /usr/lib/<triplet>
  debian = path.join(tmp, "deb", "usr");
  fakeTorch({
    cmakeDir: path.join(debian, "lib/x86_64-linux-gnu/cmake/Torch"),
    includeRoot: path.join(debian, "include"),
    libDir: path.join(debian, "lib/x86_64-linux-gnu"),
    version: [1, 13, 0],
  });
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe("discovery through TORCH_DIR / LIBTORCH", () => {
  it("pip-style layout: include dirs, lib dir, version from version.h, no CUDA, ABI from TorchConfig.cmake", () => {
    const r = run(["--json"], { TORCH_DIR: pip });
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.source).toBe(`TORCH_DIR=${pip}`);
    expect(j.cmakeDir).toBe(path.join(pip, "share/cmake/Torch"));
    expect(j.includeDirs).toEqual([path.join(pip, "include"), path.join(pip, "include/torch/csrc/api/include")]);
    expect(j.libDir).toBe(path.join(pip, "lib"));
    expect(j.version).toEqual({ major: 2, minor: 3, patch: 1 });
    expect(j.cuda).toBe(false);
    expect(j.libs).toEqual(["torch", "torch_cpu", "c10"]);
    expect(j.cxx11Abi).toBe(0);
    expect(j.defines).toContain("_GLIBCXX_USE_CXX11_ABI=0");
    expect(j.defines).toContain("WN_TORCH_MAJOR=2");
    expect(j.defines).toContain("WN_TORCH_MINOR=3");
    expect(j.sources).toContain("native/addon.cc");
  });
  it("the cmake dir itself works as TORCH_DIR, and LIBTORCH is read too", () => {
    const a = JSON.parse(run(["--json"], { TORCH_DIR: path.join(pip, "share/cmake/Torch") }).stdout);
    expect(a.libDir).toBe(path.join(pip, "lib"));
    const b = run(["--json"], { LIBTORCH: pip });
    expect(b.code, b.stderr).toBe(0);
    expect(JSON.parse(b.stdout).source).toBe(`LIBTORCH=${pip}`);
  });
  it("CUDA when libtorch_cuda.so is present: CUDA libraries linked", () => {
    const j = JSON.parse(run(["--json"], { TORCH_DIR: pipCuda }).stdout);
    expect(j.cuda).toBe(true);
    expect(j.libs).toEqual(["torch", "torch_cpu", "c10", "torch_cuda", "c10_cuda"]);
    expect(j.version).toEqual({ major: 2, minor: 4, patch: 0 });
    expect(j.cxx11Abi).toBe(1);
  });
  it("Debian-style layout: headers in <prefix>/include, libraries in lib/<triplet>", () => {
    const r = run(["--json"], { TORCH_DIR: path.join(debian, "lib/x86_64-linux-gnu/cmake/Torch") });
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.includeDirs[0]).toBe(path.join(debian, "include"));
    expect(j.libDir).toBe(path.join(debian, "lib/x86_64-linux-gnu"));
    expect(j.version).toEqual({ major: 1, minor: 13, patch: 0 });
    expect(j.cuda).toBe(false);
    const parent = run(["--json"], { TORCH_DIR: path.join(debian, "lib/x86_64-linux-gnu/cmake") });
    expect(JSON.parse(parent.stdout).libDir).toBe(path.join(debian, "lib/x86_64-linux-gnu"));
  });
  it("--check prints a one-line summary", () => {
    const r = run(["--check"], { TORCH_DIR: pipCuda });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`LibTorch 2.4.0 (CUDA) from TORCH_DIR=${pipCuda}; data-parallel ranks: off (this LibTorch ships no c10d headers (torch/csrc/distributed/c10d))\n`);
  });
  it("an unusable TORCH_DIR exits 1 with the reason and Possible solutions (no fallback to another LibTorch)", () => {
    for (const dir of [path.join(tmp, "nothing-here"), path.join(tmp, "deb")]) {
      for (const mode of ["--json", "--check", "--gyp"]) {
        const r = run(mode === "--gyp" ? [mode, "include"] : [mode], { TORCH_DIR: dir });
        expect(r.code).toBe(1);
        expect(r.stdout).toBe("");
        expect(r.stderr).toContain(`TORCH_DIR=${dir}`);
        expect(r.stderr).toContain("does not contain a usable LibTorch");
        expect(r.stderr).toContain("Possible solutions:");
      }
    }
  });
  it("a layout without libtorch.so is unusable", () => {
    const broken = path.join(tmp, "nolib", "torch");
    fakeTorch({ cmakeDir: path.join(broken, "share/cmake/Torch"), includeRoot: path.join(broken, "include"), libDir: path.join(broken, "lib"), version: [2, 0, 0] });
    fs.rmSync(path.join(broken, "lib/libtorch.so"));
    const r = run(["--json"], { TORCH_DIR: broken });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("Possible solutions:");
  });
});

describe("data-parallel ranks: c10d and gloo headers", () => {
  /** A LibTorch with c10d's headers, and gloo's (and nccl.h) where asked. */
  function distTorch(name: string, o: { gloo: boolean; cuda?: boolean; nccl?: boolean }): string {
    const root = path.join(tmp, name, "torch");
    const include = path.join(root, "include");
    fakeTorch({ cmakeDir: path.join(root, "share/cmake/Torch"), includeRoot: include, libDir: path.join(root, "lib"), version: [2, 4, 0], cuda: o.cuda });
    for (const f of ["ProcessGroupGloo.hpp", "TCPStore.hpp", "ProcessGroupNCCL.hpp"]) touch(path.join(include, "torch/csrc/distributed/c10d", f));
    if (o.gloo) touch(path.join(include, "gloo/config.h"));
    if (o.nccl) touch(path.join(include, "nccl.h"));
    return root;
  }
  it("c10d and gloo headers found: WN_WITH_C10D=1 defined, one line in --check", () => {
    const t = distTorch("dist-gloo", { gloo: true });
    const j = JSON.parse(run(["--json"], { TORCH_DIR: t }).stdout);
    expect(j.dist).toEqual({ c10d: true, nccl: false, missing: null });
    expect(j.defines).toContain("WN_WITH_C10D=1");
    expect(j.defines).not.toContain("WN_WITH_NCCL=1");
    expect(run(["--check"], { TORCH_DIR: t }).stdout).toBe(`LibTorch 2.4.0 (CPU) from TORCH_DIR=${t}; data-parallel ranks: c10d gloo\n`);
    expect(run(["--gloo-missing"], { TORCH_DIR: t }).code).toBe(1);
  });
  it("gloo's headers missing: no define, the reason, and --gloo-missing exits 0 (bootstrap installs libgloo-dev)", () => {
    const t = distTorch("dist-nogloo", { gloo: false });
    const nowhere = path.join(tmp, "no-gloo-here");
    const r = run(["--json"], { TORCH_DIR: t, GLOO_INCLUDE_DIR: nowhere });
    const j = JSON.parse(r.stdout);
    expect(j.dist.c10d).toBe(false);
    expect(j.dist.missing).toBe(`GLOO_INCLUDE_DIR=${nowhere} has no gloo/config.h`);
    expect(j.defines.some((d: string) => d.startsWith("WN_WITH_C10D"))).toBe(false);
    // An explicit GLOO_INCLUDE_DIR is not what apt-get fixes; the plain "not installed" is.
    expect(run(["--gloo-missing"], { TORCH_DIR: t, GLOO_INCLUDE_DIR: nowhere }).code).toBe(1);
    const fromSystem = JSON.parse(run(["--json"], { TORCH_DIR: t }).stdout).dist;
    if (!fs.existsSync("/usr/include/gloo/config.h") && !fs.existsSync("/usr/local/include/gloo/config.h")) {
      expect(fromSystem.missing).toBe("gloo's headers (gloo/config.h) are not installed");
      expect(run(["--gloo-missing"], { TORCH_DIR: t }).code).toBe(0);
    } else {
      expect(fromSystem.c10d).toBe(true); // found in the system include dir, which needs no -I
      expect(JSON.parse(run(["--json"], { TORCH_DIR: t }).stdout).includeDirs).toHaveLength(2);
    }
  });
  it("GLOO_INCLUDE_DIR elsewhere is added to the include dirs", () => {
    const t = distTorch("dist-glooenv", { gloo: false });
    const gloo = path.join(tmp, "gloo-prefix", "include");
    touch(path.join(gloo, "gloo/config.h"));
    const j = JSON.parse(run(["--json"], { TORCH_DIR: t, GLOO_INCLUDE_DIR: gloo }).stdout);
    expect(j.dist.c10d).toBe(true);
    expect(j.includeDirs).toEqual([path.join(t, "include"), path.join(t, "include/torch/csrc/api/include"), gloo]);
  });
  it("ProcessGroupNCCL only with a CUDA LibTorch and nccl.h", () => {
    const cuda = distTorch("dist-nccl", { gloo: true, cuda: true, nccl: true });
    expect(JSON.parse(run(["--json"], { TORCH_DIR: cuda }).stdout).defines).toEqual(expect.arrayContaining(["WN_WITH_C10D=1", "WN_WITH_NCCL=1"]));
    expect(run(["--check"], { TORCH_DIR: cuda }).stdout).toContain("data-parallel ranks: c10d gloo, nccl");
    const cpu = distTorch("dist-cpu-nccl", { gloo: true, nccl: true });
    expect(JSON.parse(run(["--json"], { TORCH_DIR: cpu }).stdout).dist.nccl).toBe(false);
  });
  it("a LibTorch without c10d's headers says so", () => {
    const j = JSON.parse(run(["--json"], { TORCH_DIR: pip }).stdout);
    expect(j.dist).toEqual({ c10d: false, nccl: false, missing: "this LibTorch ships no c10d headers (torch/csrc/distributed/c10d)" });
  });
});

describe("--gyp and --cmake outputs", () => {
  it("--gyp KEY prints one list per key", () => {
    const env = { TORCH_DIR: pip };
    expect(run(["--gyp", "include"], env).stdout.trim()).toBe(`${path.join(pip, "include")} ${path.join(pip, "include/torch/csrc/api/include")}`);
    expect(run(["--gyp", "libs"], env).stdout.trim()).toBe("-ltorch -ltorch_cpu -lc10");
    const ld = run(["--gyp", "ldflags"], env).stdout.trim().split(" ");
    expect(ld).toContain(`-L${path.join(pip, "lib")}`);
    expect(ld).toContain(`-Wl,-rpath,${path.join(pip, "lib")}`);
    const defines = run(["--gyp", "defines"], env).stdout.trim().split(" ");
    expect(defines).toEqual(["_GLIBCXX_USE_CXX11_ABI=0", "WN_TORCH_MAJOR=2", "WN_TORCH_MINOR=3", "NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS"]);
    const sources = run(["--gyp", "sources"], env).stdout.trim().split(" ");
    expect(sources).toContain("native/addon.cc");
    expect(sources.every((s) => s.endsWith(".cc"))).toBe(true);
    const bad = run(["--gyp", "nope"], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("include, libs, ldflags, defines, sources");
  });
  it("--cmake FILE writes the set() lines CMakeLists.txt includes", () => {
    const file = path.join(tmp, "torch.cmake");
    expect(run(["--cmake", file], { TORCH_DIR: pipCuda }).code).toBe(0);
    const text = fs.readFileSync(file, "utf8");
    expect(text).toContain(`set(WN_TORCH_LIB_DIR "${path.join(pipCuda, "lib")}")`);
    expect(text).toContain("set(WN_TORCH_CUDA ON)");
    expect(text).toContain("set(WN_TORCH_LIBS torch torch_cpu c10 torch_cuda c10_cuda)");
    expect(text).toMatch(/set\(WN_SOURCES "native\/addon\.cc"/);
  });
  it("an unknown mode prints the usage and exits 2", () => {
    const r = run(["--nope"], { TORCH_DIR: pip });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("usage:");
  });
});

describe("--sources", () => {
  it("lists every .cc under native/ of this repo, sorted, without CUDA kernels", () => {
    const r = run(["--sources"]);
    expect(r.code).toBe(0);
    const list = r.stdout.trim().split("\n");
    expect(list).toContain("native/addon.cc");
    expect(list).toContain("native/tensor/elementwise.cc");
    expect(list.every((s) => s.startsWith("native/") && s.endsWith(".cc"))).toBe(true);
    const onDisk: string[] = [];
    const walk = (d: string) => {
      for (const e of fs.readdirSync(path.join(ROOT, d), { withFileTypes: true })) {
        if (e.isDirectory()) walk(path.posix.join(d, e.name));
        else if (e.name.endsWith(".cc")) onDisk.push(path.posix.join(d, e.name));
      }
    };
    walk("native");
    expect([...list].sort()).toEqual(onDisk.sort());
  });
  it("in a tree with native/cuda/*.cu: .cu only with `--sources cuda`; a tree without native/cuda works", () => {
    const fake = path.join(tmp, "repo");
    touch(path.join(fake, "scripts", "torch-config.cjs"), fs.readFileSync(SCRIPT, "utf8"));
    const script = path.join(fake, "scripts", "torch-config.cjs");
    touch(path.join(fake, "native", "b.cc"));
    touch(path.join(fake, "native", "common", "a.cc"));
    touch(path.join(fake, "native", "common", "a.h"));
    expect(run(["--sources", "cuda"], {}, script).stdout.trim()).toBe(""); // no native/cuda yet
    touch(path.join(fake, "native", "cuda", "kernels.cu"));
    touch(path.join(fake, "native", "cuda", "glue.cc"));
    expect(run(["--sources"], {}, script).stdout.trim().split("\n")).toEqual(["native/b.cc", "native/common/a.cc", "native/cuda/glue.cc"]);
    expect(run(["--sources", "cuda"], {}, script).stdout.trim().split("\n")).toEqual(["native/cuda/kernels.cu"]);
  });
});
