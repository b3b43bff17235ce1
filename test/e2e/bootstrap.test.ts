import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../helpers/dist.js";

describe("scripts/bootstrap.sh", () => {
  it("stops with 'Possible solutions:' and a non-zero exit when the given LibTorch is unusable", () => {
    // An explicit TORCH_DIR is never replaced by an apt-get install: the user asked for that one.
    const r = spawnSync("bash", [path.join(ROOT, "scripts", "bootstrap.sh")], {
      encoding: "utf8",
      env: { ...process.env, TORCH_DIR: "/nonexistent/libtorch" },
      timeout: 60_000,
    });
    expect(r.status).not.toBe(0);
    expect(r.stdout + r.stderr).toContain("Possible solutions:");
    expect(r.stdout + r.stderr).toContain("/nonexistent/libtorch");
  });

  it("rejects unknown options with exit 2", () => {
    const r = spawnSync("bash", [path.join(ROOT, "scripts", "bootstrap.sh"), "--tset"], { encoding: "utf8", timeout: 30_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown option --tset/);
  });

  describe("scripts/select-blas.sh (sourced by bootstrap)", () => {
    // A fake library folder laid out as Debian's: libblas.so.3 -> alternative -> blas/ (Netlib's) or
    // openblas-<flavour>/, and a stub update-alternatives that repoints the links and logs its arguments.
    function fakeSystem(blasTarget: string, withOpenmp: boolean) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "werank-blas-"));
      for (const d of ["blas", "lapack", "openblas-pthread", ...(withOpenmp ? ["openblas-openmp"] : [])]) fs.mkdirSync(path.join(dir, d));
      for (const f of ["blas/libblas.so.3", "lapack/liblapack.so.3", "openblas-pthread/libblas.so.3", "openblas-pthread/liblapack.so.3"]) fs.writeFileSync(path.join(dir, f), "");
      if (withOpenmp) for (const f of ["libblas.so.3", "liblapack.so.3"]) fs.writeFileSync(path.join(dir, "openblas-openmp", f), "");
      fs.symlinkSync(path.join(dir, blasTarget, "libblas.so.3"), path.join(dir, "libblas.so.3"));
      fs.symlinkSync(path.join(dir, blasTarget.replace(/^blas$/, "lapack"), "liblapack.so.3"), path.join(dir, "liblapack.so.3"));
      const stub = path.join(dir, "update-alternatives");
      fs.writeFileSync(stub, `#!/bin/sh\necho "$@" >> "${dir}/calls"\nname=$3; name=\${name%%-*}; ln -sfn "$4" "${dir}/$name"\n`, { mode: 0o755 });
      const run = (torchLibDir?: string) =>
        spawnSync("bash", ["-c", `set -euo pipefail; log() { echo "[bootstrap] $*"; }; apt_install() { echo "apt_install $*" >> "${dir}/calls"; return 1; }; source scripts/select-blas.sh`], {
          cwd: ROOT,
          encoding: "utf8",
          env: { ...process.env, BLAS_LIBDIR: dir, UPDATE_ALTERNATIVES: stub, ...(torchLibDir ? { BLAS_TORCH_LIBDIR: torchLibDir } : {}) },
          timeout: 30_000,
        });
      const calls = () => (fs.existsSync(path.join(dir, "calls")) ? fs.readFileSync(path.join(dir, "calls"), "utf8") : "");
      return { dir, run, calls };
    }
    const asRoot = process.getuid?.() === 0;

    it.skipIf(!asRoot)("selects OpenBLAS (OpenMP flavour) for libblas.so.3 and liblapack.so.3 when the reference BLAS is selected, then does nothing", () => {
      const f = fakeSystem("blas", true);
      const r = f.run();
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain(`BLAS: selected ${f.dir}/openblas-openmp`);
      expect(f.calls()).toContain(`--set libblas.so.3-`);
      expect(f.calls()).toContain(`${f.dir}/openblas-openmp/libblas.so.3`);
      expect(f.calls()).toContain(`${f.dir}/openblas-openmp/liblapack.so.3`);
      expect(fs.realpathSync(path.join(f.dir, "libblas.so.3"))).toBe(path.join(f.dir, "openblas-openmp", "libblas.so.3"));
      expect(fs.realpathSync(path.join(f.dir, "liblapack.so.3"))).toBe(path.join(f.dir, "openblas-openmp", "liblapack.so.3"));
      const again = f.run(); // idempotent: an optimized BLAS is selected now
      expect(again.stdout).toContain(`BLAS: ${f.dir}/openblas-openmp/libblas.so.3`);
      expect(f.calls().split("\n").filter(Boolean).length).toBe(2);
      fs.rmSync(f.dir, { recursive: true, force: true });
    });

    it("keeps an optimized BLAS that is already selected", () => {
      const f = fakeSystem("openblas-pthread", false);
      const r = f.run();
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain(`BLAS: ${f.dir}/openblas-pthread/libblas.so.3`);
      expect(f.calls()).toBe("");
      fs.rmSync(f.dir, { recursive: true, force: true });
    });

    it("leaves the system alone for a LibTorch that does not link libblas.so.3", () => {
      const f = fakeSystem("blas", true);
      const torch = fs.mkdtempSync(path.join(os.tmpdir(), "werank-torchlib-"));
      fs.copyFileSync(process.execPath, path.join(torch, "libtorch_cpu.so")); // an ELF file without libblas.so.3
      const r = f.run(torch);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toBe("");
      expect(f.calls()).toBe("");
      fs.rmSync(torch, { recursive: true, force: true });
      fs.rmSync(f.dir, { recursive: true, force: true });
    });

    it("installs the flavour when it is missing, and says what to do when that is not possible", () => {
      const f = fakeSystem("blas", false);
      const r = f.run();
      expect(r.status, r.stderr).toBe(0); // training still works, slowly: a warning, not a failure
      expect(f.calls()).toContain("apt_install libopenblas0-openmp");
      expect(r.stdout).toContain("WARNING: LibTorch will multiply on the reference BLAS");
      expect(r.stdout).toContain("Possible solutions");
      expect(fs.realpathSync(path.join(f.dir, "libblas.so.3"))).toBe(path.join(f.dir, "blas", "libblas.so.3"));
      fs.rmSync(f.dir, { recursive: true, force: true });
    });
  });
});
