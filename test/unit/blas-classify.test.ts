/** Telling BLAS implementations apart from /proc/self/maps lines (real paths, after the alternatives' symlinks). */
import { describe, expect, it } from "vitest";
import { blasLibrariesInMaps, classifyBlas, referenceBlasWarning } from "../../src/blasInfo.js";

const line = (p: string): string => `7f2a1c000000-7f2a1c0a3000 r-xp 00010000 08:01 1312345                    ${p}`;
const MAPS_REFERENCE = [
  "55d0c0a00000-55d0c0a5e000 r--p 00000000 08:01 131 /usr/bin/node",
  line("/usr/lib/x86_64-linux-gnu/libtorch_cpu.so.1.13"),
  line("/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0"),
  line("/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0"),
  line("/usr/lib/x86_64-linux-gnu/lapack/liblapack.so.3.11.0"),
  line("/usr/lib/x86_64-linux-gnu/libgfortran.so.5.0.0"),
  "7ffd5c1e0000-7ffd5c201000 rw-p 00000000 00:00 0                          [stack]",
].join("\n");
const MAPS_OPENBLAS_PTHREAD = [
  line("/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3"),
  line("/usr/lib/x86_64-linux-gnu/openblas-pthread/liblapack.so.3"),
  line("/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblasp-r0.3.21.so"),
].join("\n");

describe("classifyBlas", () => {
  it("finds the BLAS/LAPACK objects in maps lines, once each, and nothing else", () => {
    expect(blasLibrariesInMaps(MAPS_REFERENCE)).toEqual(["/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0", "/usr/lib/x86_64-linux-gnu/lapack/liblapack.so.3.11.0"]);
  });
  it("Debian's Netlib libblas is the reference BLAS, and train's warning says what to do", () => {
    const b = classifyBlas(blasLibrariesInMaps(MAPS_REFERENCE));
    expect(b).toMatchObject({ implementation: "reference", flavour: null });
    const w = referenceBlasWarning(b)!;
    expect(w).toContain("Possible solutions:");
    expect(w).toContain("scripts/bootstrap.sh");
    expect(w).toContain("/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0");
  });
  it("OpenBLAS with its threading flavour from the alternatives' directory", () => {
    expect(classifyBlas(blasLibrariesInMaps(MAPS_OPENBLAS_PTHREAD))).toMatchObject({ implementation: "openblas", flavour: "pthread" });
    expect(classifyBlas(["/usr/lib/x86_64-linux-gnu/openblas-openmp/libblas.so.3"])).toMatchObject({ implementation: "openblas", flavour: "openmp" });
    expect(classifyBlas(["/usr/lib/x86_64-linux-gnu/openblas-serial/libopenblas-r0.3.21.so"])).toMatchObject({ implementation: "openblas", flavour: "serial" });
    expect(referenceBlasWarning(classifyBlas(blasLibrariesInMaps(MAPS_OPENBLAS_PTHREAD)))).toBeNull();
  });
  it("the implementation behind libblas.so.3 wins over other BLAS objects in the process", () => {
    // e.g. numpy's OpenBLAS mapped too, while LibTorch's libblas.so.3 is Netlib's
    expect(classifyBlas(["/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0", "/opt/numpy.libs/libopenblas64_p-r0.3.23.so"]).implementation).toBe("reference");
    expect(classifyBlas(["/usr/lib/x86_64-linux-gnu/blis-openmp/libblas.so.3"]).implementation).toBe("blis");
    expect(classifyBlas(["/usr/lib/x86_64-linux-gnu/atlas/libblas.so.3.10.3"]).implementation).toBe("atlas");
  });
  it("MKL and a process without any BLAS object", () => {
    expect(classifyBlas(["/opt/intel/oneapi/mkl/lib/libmkl_rt.so.2", "/opt/intel/oneapi/mkl/lib/libmkl_core.so.2"]).implementation).toBe("mkl");
    expect(classifyBlas([])).toEqual({ implementation: "unknown", flavour: null, libraries: [] });
  });
});
