/**
 * Which BLAS/LAPACK library this process actually loaded, and how fast it multiplies.
 *
 * Debian's LibTorch links the generic `libblas.so.3`/`liblapack.so.3`, which the system resolves
 * (update-alternatives) to an optimized BLAS or to the Netlib reference one; float32 products on the
 * reference BLAS are about 20x slower (a 1024^3 sgemm: 359 ms against 15 ms with OpenBLAS, issue 14).
 * The answer comes from the shared objects mapped into the process (Linux: /proc/self/maps, where the
 * kernel shows each file's real path after the alternatives' symlinks), not from a guess.
 *
 * @example
 * ```ts
 * import { blasInfo } from "werank-native";
 * const b = blasInfo();            // { implementation: "openblas", flavour: "pthread", gflops: 61.2, ... }
 * if (b.implementation === "reference") console.warn("slow BLAS: run scripts/bootstrap.sh");
 * ```
 */
import fs from "node:fs";
import path from "node:path";
import { matmul } from "./tensor/functional.js";
import { randn } from "./tensor/creation.js";
import { loadNative } from "./native/addon.js";
import { matmulPrecision, setMatmulPrecision } from "./runtime.js";

/** BLAS implementations told apart by their shared objects. */
export type BlasImplementation = "openblas" | "mkl" | "blis" | "atlas" | "flexiblas" | "reference" | "unknown";

export interface LoadedBlas {
  /** The implementation whose `libblas.so.3` (or BLAS library) the process loaded; "unknown" when none is visible (e.g. a LibTorch with MKL linked in statically, or not Linux). */
  implementation: BlasImplementation;
  /** OpenBLAS's threading flavour ("pthread", "openmp", "serial") when it shows in the path, else null. */
  flavour: string | null;
  /** The BLAS/LAPACK shared objects mapped into the process (real paths). */
  libraries: string[];
}

export interface BlasInfo extends LoadedBlas {
  /** Measured float32 GEMM rate (a 1024 x 1024 x 1024 product, best of a few), GFLOP/s. */
  gflops: number;
}

const BLAS_FILE = /^lib(?:blas|cblas|lapack|openblas\w*|mkl_\w+|blis\w*|s?t?atlas|flexiblas\w*)(?:[-.].*)?\.so(?:\.[\d.]+)?$/;

/** The BLAS/LAPACK shared objects named in /proc/<pid>/maps lines (the path is the 6th field onwards). */
export function blasLibrariesInMaps(mapsText: string): string[] {
  const out = new Set<string>();
  for (const line of mapsText.split("\n")) {
    const f = line.trim().split(/\s+/);
    if (f.length < 6 || !f[5]!.startsWith("/")) continue;
    const file = f
      .slice(5)
      .join(" ")
      .replace(/ \(deleted\)$/, "");
    if (BLAS_FILE.test(path.basename(file))) out.add(file);
  }
  return [...out];
}

/** Which implementation a set of loaded BLAS/LAPACK objects is (see LoadedBlas). */
export function classifyBlas(libraries: readonly string[]): LoadedBlas {
  const base = (p: string): string => path.basename(p);
  const kindOf = (p: string): BlasImplementation => {
    const s = p.toLowerCase();
    if (s.includes("openblas")) return "openblas";
    if (s.includes("mkl")) return "mkl";
    if (s.includes("blis")) return "blis";
    if (s.includes("atlas")) return "atlas";
    if (s.includes("flexiblas")) return "flexiblas";
    return "reference";
  };
  // What LibTorch calls is the libblas.so.3 it was linked with: its real path names the implementation
  // (Debian: blas/libblas.so.3.11.0 is Netlib's, openblas-pthread/libblas.so.3 is OpenBLAS's).
  const libblas = libraries.find((p) => /^libblas\.so/.test(base(p)));
  const optimized = libraries.find((p) => kindOf(p) !== "reference");
  const chosen = libblas ?? optimized;
  if (!chosen) return { implementation: "unknown", flavour: null, libraries: [...libraries] };
  const implementation = kindOf(chosen);
  let flavour: string | null = null;
  if (implementation === "openblas") {
    const all = libraries.filter((p) => kindOf(p) === "openblas").join(" ");
    flavour = /openblas-(pthread|openmp|serial)/.exec(all)?.[1] ?? (/libopenblasp/.test(all) ? "pthread" : /libopenblaso/.test(all) ? "openmp" : null);
  }
  return { implementation, flavour, libraries: [...libraries] };
}

/** The BLAS this process has loaded (after LibTorch is loaded); "unknown" where /proc/self/maps is not readable. */
export function loadedBlas(): LoadedBlas {
  loadNative(); // LibTorch (and with it libblas.so.3) is loaded with the addon
  let maps = "";
  try {
    maps = fs.readFileSync("/proc/self/maps", "utf8");
  } catch {
    return { implementation: "unknown", flavour: null, libraries: [] };
  }
  return classifyBlas(blasLibrariesInMaps(maps));
}

/** Measured float32 GEMM rate in GFLOP/s: an n x n x n product (one warm-up, best of `repeats`), at matmul precision "highest". */
export function measureGemmGflops(n = 1024, repeats = 3): number {
  const before = setMatmulPrecision("highest");
  const a = randn([n, n]);
  const b = randn([n, n]);
  try {
    let best = Infinity;
    for (let i = 0; i <= repeats; i++) {
      const t0 = process.hrtime.bigint();
      const c = matmul(a, b);
      c.dispose(); // CPU products are synchronous: the result exists when matmul returns
      const s = Number(process.hrtime.bigint() - t0) / 1e9;
      if (i > 0) best = Math.min(best, s);
    }
    return (2 * n ** 3) / best / 1e9;
  } finally {
    a.dispose();
    b.dispose();
    if (matmulPrecision() !== before) setMatmulPrecision(before);
  }
}

/** The loaded BLAS and its measured float32 GEMM rate (about 4 products of 1024^3: milliseconds on OpenBLAS, about 1.5 s on the reference BLAS). */
export function blasInfo(): BlasInfo {
  const gflops = measureGemmGflops();
  return { ...loadedBlas(), gflops };
}

/** The warning `train` prints when the loaded BLAS is the reference one, or null. */
export function referenceBlasWarning(b: LoadedBlas = loadedBlas()): string | null {
  if (b.implementation !== "reference") return null;
  return (
    `LibTorch is multiplying on the reference BLAS (${b.libraries.filter((p) => /libblas/.test(path.basename(p))).join(", ") || b.libraries.join(", ")}), ` +
    `about 20x slower than an optimized one.\n` +
    `Possible solutions:\n` +
    `  - run 'bash scripts/bootstrap.sh' in the werank-native checkout (installs and selects OpenBLAS)\n` +
    `  - as root: apt-get install libopenblas0-openmp, then\n` +
    `    update-alternatives --set libblas.so.3-x86_64-linux-gnu /usr/lib/x86_64-linux-gnu/openblas-openmp/libblas.so.3\n` +
    `    update-alternatives --set liblapack.so.3-x86_64-linux-gnu /usr/lib/x86_64-linux-gnu/openblas-openmp/liblapack.so.3\n` +
    `  - check with 'werank-native info' (BLAS line)`
  );
}
