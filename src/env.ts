/**
 * Every environment variable werank-native reads, in one place (DESIGN D5).
 *
 * - `WERANK_DATA_DIR`    where datasets live (default `./data`, or `../shared/data` for the tests)
 * - `WERANK_DEVICE`      default device (`auto`, `cpu`, `cuda`, `cuda:1`)
 * - `WERANK_NUM_THREADS` LibTorch intra-op threads (default: all available cores)
 * - `WERANK_ADDON`       explicit path to a built `werank_native.node`
 * - `WERANK_HOST_CACHE_MB` freed large CPU tensor blocks kept for reuse (default 2048; 0 keeps none;
 *                        see native/tensor/host_allocator.cc)
 * - `OMP_WAIT_POLICY`    defaults to PASSIVE before LibTorch loads (see applyThreadingDefaults in
 *                        src/native/addon.ts); set it to ACTIVE on a dedicated machine if you prefer
 */
import os from "node:os";

export interface WerankEnv {
  dataDir: string | undefined;
  device: string | undefined;
  numThreads: number | undefined;
  addonPath: string | undefined;
  /** Bytes of freed large CPU blocks the allocator may keep for reuse. */
  hostCacheBytes: number;
}

/** Default of WERANK_HOST_CACHE_MB. */
export const DEFAULT_HOST_CACHE_MB = 2048;

export function readEnv(env: Record<string, string | undefined> = process.env): WerankEnv {
  const n = env.WERANK_NUM_THREADS ? Number(env.WERANK_NUM_THREADS) : undefined;
  return {
    dataDir: env.WERANK_DATA_DIR || undefined,
    device: env.WERANK_DEVICE || undefined,
    numThreads: n !== undefined && Number.isInteger(n) && n > 0 ? n : undefined,
    addonPath: env.WERANK_ADDON || undefined,
    hostCacheBytes: hostCacheMb(env.WERANK_HOST_CACHE_MB) * 2 ** 20,
  };
}

function hostCacheMb(v: string | undefined): number {
  const n = v ? Number(v) : NaN;
  return Number.isFinite(n) && n >= 0 ? n : DEFAULT_HOST_CACHE_MB;
}

/** Threads LibTorch should use when WERANK_NUM_THREADS is unset. */
export function defaultThreads(): number {
  return typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length;
}
