/**
 * Every environment variable werank-native reads, in one place (DESIGN D5).
 *
 * - `WERANK_DATA_DIR`    where datasets live (default `./data`, or `../shared/data` for the tests)
 * - `WERANK_DEVICE`      default device (`auto`, `cpu`, `cuda`, `cuda:1`)
 * - `WERANK_NUM_THREADS` LibTorch intra-op threads (default: all available cores; a whole number up
 *                        to maxThreads(), else ERR_CONFIG)
 * - `WERANK_ADDON`       explicit path to a built `werank_native.node`
 * - `WERANK_HOST_CACHE_MB` freed large CPU tensor blocks kept for reuse (default 2048; 0 keeps none;
 *                        see native/tensor/host_allocator.cc)
 * - `WERANK_MEMORY_AVAILABLE` bytes (or with a K/M/G/T suffix, powers of 1024) the full-batch memory check
 *                        compares its estimate with, instead of the free memory it reads (see
 *                        src/train/memoryEstimate.ts); also how to enable the check on CUDA
 * - `WERANK_DIST_TIMEOUT_MS` how long a data-parallel rank of `train` waits in a collective for a
 *                        silent peer (default 300 000; a dead peer fails at once; see distTimeoutMs)
 * - `WERANK_TEST_KILL_AT` tests only: `<stage>[@<checkpoint name>]` makes the process SIGKILL itself at
 *                        that stage of writing a checkpoint (see checkpointKillPoint)
 * - `OMP_WAIT_POLICY`    defaults to PASSIVE before LibTorch loads (see applyThreadingDefaults in
 *                        src/native/addon.ts); set it to ACTIVE on a dedicated machine if you prefer
 */
import os from "node:os";
import { ArgumentError, ConfigError } from "./errors.js";

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

/** Throws ConfigError unless WERANK_NUM_THREADS is unset or a thread count {@link checkThreads} accepts. */
function numThreadsVar(v: string | undefined): number | undefined {
  if (v === undefined || v === "") return undefined;
  const n = /^\s*\d+\s*$/.test(v) ? Number(v) : NaN;
  try {
    return checkThreads(n, `WERANK_NUM_THREADS=${JSON.stringify(v)}`);
  } catch (e) {
    throw new ConfigError((e as Error).message);
  }
}

export function readEnv(env: Record<string, string | undefined> = process.env): WerankEnv {
  return {
    dataDir: env.WERANK_DATA_DIR || undefined,
    device: env.WERANK_DEVICE || undefined,
    numThreads: numThreadsVar(env.WERANK_NUM_THREADS),
    addonPath: env.WERANK_ADDON || undefined,
    hostCacheBytes: hostCacheMb(env.WERANK_HOST_CACHE_MB) * 2 ** 20,
  };
}

function hostCacheMb(v: string | undefined): number {
  const n = v ? Number(v) : NaN;
  return Number.isFinite(n) && n >= 0 ? n : DEFAULT_HOST_CACHE_MB;
}

/** WERANK_MEMORY_AVAILABLE in bytes (undefined when unset); ConfigError for anything but a size such as 12G. */
export function memoryAvailableOverride(env: Record<string, string | undefined> = process.env): number | undefined {
  const v = env.WERANK_MEMORY_AVAILABLE;
  if (v === undefined || v === "") return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([KMGT]?)i?B?\s*$/i.exec(v);
  if (!m) throw new ConfigError(`WERANK_MEMORY_AVAILABLE=${JSON.stringify(v)}: expected a size in bytes, optionally with a K, M, G or T suffix (e.g. 16G)`);
  return Math.floor(Number(m[1]) * 1024 ** " KMGT".indexOf(m[2]!.toUpperCase() || " "));
}

/** WERANK_DIST_TIMEOUT_MS (undefined when unset); ConfigError unless a whole number of milliseconds >= 1. */
export function distTimeoutMs(env: Record<string, string | undefined> = process.env): number | undefined {
  const v = env.WERANK_DIST_TIMEOUT_MS;
  if (v === undefined || v === "") return undefined;
  const n = /^\s*\d+\s*$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw new ConfigError(`WERANK_DIST_TIMEOUT_MS=${JSON.stringify(v)}: expected a whole number of milliseconds >= 1`);
  return n;
}

/**
 * The most threads accepted: 4 per core, at least 64. Far above any useful setting, far below counts
 * that make LibTorch spawn threads for minutes (setNumThreads(100000) never finished a matmul).
 */
export function maxThreads(): number {
  return Math.max(64, 4 * defaultThreads());
}

/** `n` if it is an integer in [1, {@link maxThreads}]; else an ArgumentError naming `what`. */
export function checkThreads(n: number, what: string): number {
  if (!Number.isSafeInteger(n) || n < 1 || n > maxThreads()) {
    throw new ArgumentError(`${what}: expected a whole number of threads from 1 to ${maxThreads()} (4 per core, at least 64) but received ${Number.isNaN(n) ? "not a number" : n}`);
  }
  return n;
}

/** Threads LibTorch should use when WERANK_NUM_THREADS is unset. */
export function defaultThreads(): number {
  return typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length;
}

/** The stages of writing a checkpoint, in order (src/train/checkpoint/checkpoint.ts). */
export const CHECKPOINT_STAGES = ["tensors-written", "tensors-renamed", "sidecar-written", "sidecar-renamed"] as const;
export type CheckpointStage = (typeof CHECKPOINT_STAGES)[number];

/**
 * Test hook for the kill-at-every-stage resume test: when WERANK_TEST_KILL_AT names `stage` (and, after
 * an `@`, this checkpoint's name, or no name), the process kills itself with SIGKILL, as a power cut
 * or the OOM killer would at that point.
 */
export function checkpointKillPoint(stage: CheckpointStage, checkpointName: string, env: NodeJS.ProcessEnv = process.env): void {
  const v = env.WERANK_TEST_KILL_AT;
  if (!v) return;
  const [s, name] = v.split("@");
  if (s === stage && (name === undefined || name === checkpointName)) process.kill(process.pid, "SIGKILL");
}
