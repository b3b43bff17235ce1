/**
 * The test process must not multiply on the reference BLAS (issue 14: Debian's Netlib BLAS made the
 * quickstart 25x slower and nothing noticed): this fails on a machine whose libblas.so.3 alternative
 * is the reference one, with what to do about it.
 */
import { describe, expect, it } from "vitest";
import { blasInfo, loadedBlas, referenceBlasWarning } from "../../src/blasInfo.js";

describe("the loaded BLAS", () => {
  it("is an optimized implementation, not the reference BLAS", () => {
    const b = loadedBlas();
    expect(b.implementation, referenceBlasWarning(b) ?? "").not.toBe("reference");
  });

  it("blasInfo() reports the mapped libraries and a measured float32 GEMM rate", () => {
    const b = blasInfo();
    if (process.platform === "linux") expect(b.libraries.length).toBeGreaterThan(0); // Debian's LibTorch links libblas.so.3
    for (const p of b.libraries) expect(p.startsWith("/")).toBe(true);
    expect(Number.isFinite(b.gflops) && b.gflops > 0).toBe(true);
  });
});
