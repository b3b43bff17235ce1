/**
 * Runtime facts and settings of the loaded LibTorch: version, CUDA, threads, float32 matmul precision.
 *
 * @example
 * ```ts
 * import { info } from "werank-native";
 * console.log(info()); // { torchVersion: "1.13.0", cuda: false, cudaDevices: 0, threads: 2, addonPath: "..." }
 * ```
 */
import { ArgumentError, ConfigError } from "./errors.js";
import { addonPath, loadNative } from "./native/addon.js";
import { checkThreads, readEnv } from "./env.js";
import type { Device } from "./tensor/device.js";

export interface RuntimeInfo {
  torchVersion: string;
  /** CUDA usable: the linked LibTorch has CUDA and a GPU is visible. */
  cuda: boolean;
  /** The addon was compiled with werank's own CUDA kernels. */
  cudaKernels: boolean;
  cudaDevices: number;
  threads: number;
  /** The addon was built with OpenMP, so its own CPU kernels (SpMM, fused ops, optimizers) use `threads`. */
  parallelKernels: boolean;
  /** The CPU multiplies bfloat16 natively (AVX512_BF16 or AMX): `setMatmulPrecision("medium")` speeds CPU products up. */
  bf16Matmul: boolean;
  addonPath: string;
}

export function info(): RuntimeInfo {
  const N = loadNative();
  const i = N.info();
  return {
    torchVersion: i.torchVersion,
    cuda: i.cuda,
    cudaKernels: i.cudaKernels,
    cudaDevices: i.cudaDevices,
    threads: i.threads,
    parallelKernels: i.parallelKernels,
    bf16Matmul: i.bf16Matmul,
    addonPath: addonPath() ?? "",
  };
}

/** LibTorch intra-op threads (also WERANK_NUM_THREADS). */
export function setNumThreads(n: number): void {
  checkThreads(n, "setNumThreads");
  loadNative().setNumThreads(n);
}

/** The float32 matmul precisions, most precise first (PyTorch's `torch.set_float32_matmul_precision`). */
export const MATMUL_PRECISIONS = ["highest", "high", "medium"] as const;
export type MatmulPrecision = (typeof MATMUL_PRECISIONS)[number];

let currentPrecision: MatmulPrecision = "highest";

/**
 * Precision of float32 products (matmul, mm, bmm, addmm, linear), as PyTorch's
 * `torch.set_float32_matmul_precision`: "highest" (default) multiplies in float32; "high" and "medium"
 * let CUDA use TF32; "medium" also makes the CPU multiply in bfloat16 with float32 accumulation where
 * it has native bf16 dot products (`info().bf16Matmul`), about twice the float32 GEMM rate there.
 * Operands and each product are rounded to bfloat16 (8 significant bits; sums accumulate in float32),
 * as under `torch.autocast("cpu", torch.bfloat16)`; biases, parameters, their gradients and all other
 * ops stay float32. Returns the previous setting.
 *
 * @example
 * ```ts
 * import { setMatmulPrecision } from "werank-native";
 * const before = setMatmulPrecision("medium");
 * try { trainer.step(); } finally { setMatmulPrecision(before); }
 * ```
 */
export function setMatmulPrecision(p: MatmulPrecision): MatmulPrecision {
  if (!(MATMUL_PRECISIONS as readonly string[]).includes(p)) {
    throw new ArgumentError(`setMatmulPrecision: expected one of ${MATMUL_PRECISIONS.join(", ")} but received '${String(p)}'`);
  }
  const before = currentPrecision;
  if (p !== before) {
    loadNative().setMatmulPrecision(p);
    currentPrecision = p;
  }
  return before;
}

/** The current float32 matmul precision (see setMatmulPrecision). */
export function matmulPrecision(): MatmulPrecision {
  return currentPrecision;
}

export function cudaAvailable(): boolean {
  return loadNative().info().cuda;
}

/** Resolves `auto` (and WERANK_DEVICE) to a concrete device. */
export function resolveDevice(requested: string): Device {
  const r = requested === "auto" ? (readEnv().device ?? "auto") : requested;
  if (r === "auto") return cudaAvailable() ? "cuda" : "cpu";
  if (r === "cpu" || r === "cuda" || /^cuda:\d+$/.test(r)) return r as Device;
  throw new ConfigError(`Unknown device '${requested}'. Valid choices: auto, cpu, cuda, cuda:<index>`);
}

/** Waits for queued CUDA work (no-op on CPU); use it around timings. */
export function synchronize(): void {
  loadNative().synchronize();
}
