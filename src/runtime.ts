/**
 * Runtime facts and settings of the loaded LibTorch: version, CUDA, threads.
 *
 * @example
 * ```ts
 * import { info } from "werank-native";
 * console.log(info()); // { torchVersion: "1.13.0", cuda: false, cudaDevices: 0, threads: 2, addonPath: "..." }
 * ```
 */
import { ArgumentError } from "./errors.js";
import { addonPath, loadNative } from "./native/addon.js";

export interface RuntimeInfo {
  torchVersion: string;
  /** CUDA usable: the linked LibTorch has CUDA and a GPU is visible. */
  cuda: boolean;
  /** The addon was compiled with werank's own CUDA kernels. */
  cudaKernels: boolean;
  cudaDevices: number;
  threads: number;
  addonPath: string;
}

export function info(): RuntimeInfo {
  const N = loadNative();
  const i = N.info();
  return { torchVersion: i.torchVersion, cuda: i.cuda, cudaKernels: i.cudaKernels, cudaDevices: i.cudaDevices, threads: i.threads, addonPath: addonPath() ?? "" };
}

/** LibTorch intra-op threads (also WERANK_NUM_THREADS). */
export function setNumThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new ArgumentError(`setNumThreads: expected a positive integer but received ${n}`);
  loadNative().setNumThreads(n);
}

export function cudaAvailable(): boolean {
  return loadNative().info().cuda;
}

/** Waits for queued CUDA work (no-op on CPU); use it around timings. */
export function synchronize(): void {
  loadNative().synchronize();
}
