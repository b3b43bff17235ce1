/** The CLI in a child process: info, demo, unknown commands, and a missing or broken addon. */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, ensureDist, ROOT } from "../helpers/dist.js";

function cli(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", cwd: ROOT, env: { ...process.env, WERANK_NUM_THREADS: "1", ...env }, timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let tmp = "";
beforeAll(() => {
  ensureDist();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "werank-cli-"));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe("werank-native info", () => {
  it("--json prints exactly the documented keys with sensible values", () => {
    const r = cli(["info", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines.length).toBe(1);
    const j = JSON.parse(lines[0]!);
    expect(Object.keys(j).sort()).toEqual(["addonPath", "bf16Matmul", "blas", "cuda", "cudaDevices", "cudaKernels", "parallelKernels", "threads", "torchVersion"]);
    expect(Object.keys(j.blas).sort()).toEqual(["flavour", "gflops", "implementation", "libraries"]);
    expect(j.blas.gflops).toBeGreaterThan(0);
    expect(j.parallelKernels).toBe(true); // built with OpenMP (CMakeLists.txt / binding.gyp)
    expect(typeof j.bf16Matmul).toBe("boolean");
    expect(j.torchVersion).toMatch(/^\d+\.\d+\.\d+$/);
    expect(typeof j.cuda).toBe("boolean");
    expect(typeof j.cudaKernels).toBe("boolean");
    expect(Number.isInteger(j.cudaDevices) && j.cudaDevices >= 0).toBe(true);
    expect(j.cuda ? j.cudaDevices > 0 : j.cudaDevices === 0).toBe(true);
    expect(j.threads).toBe(1); // WERANK_NUM_THREADS
    expect(j.addonPath).toMatch(/werank_native\.node$/);
    expect(fs.existsSync(j.addonPath)).toBe(true);
  });
  it("without --json prints a readable summary", () => {
    const r = cli(["info"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/LibTorch\s+\d+\.\d+\.\d+/);
    expect(r.stdout).toMatch(/CUDA\s+(yes|no)/);
    expect(r.stdout).toMatch(/bf16 matmul\s+(yes|no)/);
    expect(r.stdout).toMatch(/BLAS\s+(openblas|mkl|blis|atlas|flexiblas|reference|unknown)\b.*float32 GEMM [\d.]+ GFLOP\/s/);
    expect(r.stdout).toContain("werank_native.node");
  });
  it("--help prints the command's help", () => {
    const r = cli(["info", "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("--json");
  });
});

// Debian's Netlib BLAS, taken before the system's alternative by the dynamic loader (as on a machine
// where libblas.so.3 points at it); absent where libblas3 is not installed.
const REFERENCE_BLAS = ["/usr/lib/x86_64-linux-gnu/blas", "/usr/lib/x86_64-linux-gnu/lapack"];
const haveReference = fs.existsSync(path.join(REFERENCE_BLAS[0]!, "libblas.so.3"));

describe("the BLAS LibTorch multiplies on", () => {
  it.skipIf(!haveReference)("info names the reference BLAS when that is what the process loaded", () => {
    const r = cli(["info", "--json"], { LD_LIBRARY_PATH: REFERENCE_BLAS.join(":") });
    expect(r.code, r.stderr).toBe(0);
    const b = JSON.parse(r.stdout).blas;
    expect(b.implementation).toBe("reference");
    expect(b.libraries.join(" ")).toContain("/blas/libblas.so.3");
  });
  it.skipIf(!haveReference)("train warns at start with possible solutions on the reference BLAS, and not otherwise", () => {
    // a corrupt dataset file stops the run right after the start, before any training
    const bad = path.join(tmp, "corrupt.npz");
    fs.writeFileSync(bad, "not a zip archive\n");
    const args = ["train", "--dataset", bad, "--out", tmp];
    const slow = cli(args, { LD_LIBRARY_PATH: REFERENCE_BLAS.join(":") });
    expect(slow.stderr).toContain("ERR_DATA");
    expect(slow.stderr).toContain("warning: LibTorch is multiplying on the reference BLAS");
    expect(slow.stderr).toContain("Possible solutions:");
    const fast = cli(args);
    expect(fast.stderr).toContain("ERR_DATA");
    expect(fast.stderr).not.toContain("reference BLAS");
  });
});

describe("werank-native --version", () => {
  it("prints package.json's version", () => {
    const r = cli(["--version"]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).version);
    expect(cli(["-V"]).stdout).toBe(r.stdout);
  });
});

describe("werank-native demo", () => {
  it("prints the loss and the gradient of sum(w @ w), and no live tensors afterwards", () => {
    const r = cli(["demo"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("loss = sum(w @ w) = 54");
    expect(r.stdout).toContain("dloss/dw = [[7,11],[9,13]]");
    expect(r.stdout).toContain("live tensors after disposing: 0");
  });
});

describe("usage errors", () => {
  it("an unknown command exits 2 with 'did you mean' and the command list", () => {
    const r = cli(["inf"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Unknown command 'inf'");
    expect(r.stderr).toContain("did you mean 'info'");
    expect(r.stderr).toContain("demo");
  });
  it("no command prints the usage and exits 2; --help exits 0", () => {
    const none = cli([]);
    expect(none.code).toBe(2);
    expect(none.stdout).toContain("Commands:");
    expect(cli(["--help"]).code).toBe(0);
  });
});

describe("a missing or broken addon", () => {
  const checkMissing = (r: ReturnType<typeof cli>, file: string) => {
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("ERR_NATIVE_MISSING");
    expect(r.stderr).toContain(file);
    expect(r.stderr).toContain("Possible solutions:");
    expect(r.stderr).toContain("WERANK_ADDON");
    expect(r.stderr).not.toMatch(/^\s+at /m); // no JS stack trace
  };
  it("WERANK_ADDON pointing to a file that does not exist", () => {
    const file = "/nonexistent/x.node";
    const r = cli(["info", "--json"], { WERANK_ADDON: file });
    checkMissing(r, file);
    expect(r.stderr).toContain("does not exist");
    expect(r.stdout).toBe("");
  });
  it("WERANK_ADDON pointing to a file that is not an addon", () => {
    const file = path.join(tmp, "x.node");
    fs.writeFileSync(file, "this is not a shared library\n");
    const r = cli(["demo"], { WERANK_ADDON: file });
    checkMissing(r, file);
    expect(r.stderr).toContain("could not be loaded");
    // the raw dlopen reason is shown, but never alone
    expect(r.stderr.split("\n").length).toBeGreaterThan(3);
  });
});
