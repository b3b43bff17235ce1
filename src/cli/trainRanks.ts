/**
 * `train --nproc N` and `train` under an outer launcher (docs/scale.md "N ranks"): which role this
 * process plays, and the local launch. Without rank variables `--nproc N` makes this process a
 * launcher ({@link launchRanks}): it re-runs the same `train` command N times with RANK, WORLD_SIZE,
 * LOCAL_RANK, MASTER_ADDR, MASTER_PORT and WERANK_NUM_THREADS = cores / N (unless set), forwards
 * Ctrl-C once and names a rank that failed. With rank variables (set by that launcher, torchrun, or
 * Slurm's srun: src/dist/rankEnv.ts) it joins as that rank.
 */
import { ArgumentError, ConfigError } from "../errors.js";
import { type LaunchResult, launchRanks } from "../dist/launchRanks.js";
import { type RankEnv, readRankEnv } from "../dist/rankEnv.js";
import { defaultThreads } from "../env.js";
import type { Config } from "../experiment/config.js";
import type { Device } from "../tensor/device.js";
import { EXIT } from "./command.js";

/** What this `train` process is: one process, the launcher of N local ranks, or one rank of a group. */
export type TrainRole = { kind: "single" } | { kind: "launcher"; nproc: number } | { kind: "rank"; env: RankEnv };

/** The role from `--nproc` (a string from the parser, or undefined) and the rank variables of `env`. */
export function trainRole(nprocArg: string | undefined, env: Record<string, string | undefined> = process.env): TrainRole {
  let nproc: number | undefined;
  if (nprocArg !== undefined) {
    if (!/^\d+$/.test(nprocArg.trim()) || Number(nprocArg) < 1) throw new ArgumentError(`--nproc: expected a number of ranks >= 1 but received '${nprocArg}'`);
    nproc = Number(nprocArg);
  }
  const r = readRankEnv(env);
  if (r.source !== "single") {
    if (nproc !== undefined && nproc !== r.worldSize) {
      throw new ConfigError(
        `--nproc ${nproc} disagrees with the ${r.worldSize} ranks the launcher started (${r.source === "slurm" ? "SLURM_NTASKS" : "WORLD_SIZE"}); drop --nproc under torchrun or srun`,
      );
    }
    return r.worldSize > 1 ? { kind: "rank", env: r } : { kind: "single" };
  }
  return nproc === undefined ? { kind: "single" } : { kind: "launcher", nproc };
}

/** Data-parallel ranks split mini-batches: refused (before anything is written) for a full-batch config. */
export function checkRanksConfig(config: Config, ranks: number): void {
  if (ranks > 1 && config.train.batchSize <= 0) {
    throw new ConfigError(
      `${ranks} data-parallel ranks need mini-batch training (train.batchSize > 0): with full-batch training every rank would compute the same step. Add e.g. --batch-size 512 --fanouts 10,10 (docs/scale.md)`,
    );
  }
}

/**
 * Runs `nproc` ranks of this same command line (`argv`: the arguments after `train`) and waits for
 * them; returns {@link launchExitCode} and names a failing rank on stderr.
 */
export async function launchTrainRanks(nproc: number, argv: readonly string[]): Promise<number> {
  const script = process.argv[1];
  if (script === undefined) throw new ArgumentError("train --nproc: cannot tell which script to re-run (process.argv[1] is missing)");
  const threads = process.env.WERANK_NUM_THREADS || String(Math.max(1, Math.floor(defaultThreads() / nproc)));
  const r = await launchRanks({ nproc, command: process.execPath, args: [...process.execArgv, script, "train", ...argv], env: { ...process.env, WERANK_NUM_THREADS: threads } });
  const code = launchExitCode(r);
  if (code === EXIT.aborted) process.stderr.write(`\nQuit without a checkpoint (${r.message}): --resume continues from the newest complete one\n`);
  else if (code !== EXIT.ok && code !== EXIT.interrupted) process.stderr.write(`werank-native train --nproc ${nproc}: ${r.message}\n`);
  return code;
}

/**
 * The launcher's exit code, as one process's: 0 when every rank succeeded; 130 when a forwarded
 * Ctrl-C stopped them (rank 0 saved); 131 when a second Ctrl-C made the launcher kill them; else 1.
 */
export function launchExitCode(r: Pick<LaunchResult, "ok" | "ranks" | "failed" | "interrupted">): number {
  if (r.ok) return EXIT.ok;
  if (r.interrupted !== undefined && r.failed === undefined) {
    if (r.ranks.every((e) => e.code === EXIT.interrupted || e.code === 0)) return EXIT.interrupted;
    if (r.ranks.some((e) => e.signal === "SIGKILL")) return EXIT.aborted;
  }
  return EXIT.failure;
}

/** Where a rank trains and which c10d backend its group uses ({@link rankPlacement}). */
export interface RankPlacement {
  device: Device;
  backend: "gloo" | "nccl";
}

/**
 * A rank's device and backend, as torchrun's convention: on CPU every rank uses `cpu` and gloo; on
 * CUDA (`train.device` resolved to `cuda`) rank r of a node trains on `cuda:<local rank>` and its
 * group uses NCCL, since gloo takes only CPU tensors here. An explicit `cuda:i` is kept (the launcher
 * then owns the mapping, e.g. with CUDA_VISIBLE_DEVICES). CUDA ranks need an addon built with NCCL:
 * refused with `ERR_CONFIG` before anything is written otherwise.
 */
export function rankPlacement(device: Device, env: Pick<RankEnv, "localRank">, support: { nccl: boolean }): RankPlacement {
  if (device === "cpu") return { device, backend: "gloo" };
  if (!support.nccl) {
    throw new ConfigError(
      `data-parallel ranks on ${device} need c10d's NCCL backend, which this addon was not built with (gloo takes CPU tensors only). Possible solutions: build the addon with CMake against PyTorch's CUDA LibTorch with nccl.h found (docs/scale.md "What it uses"), or train on the CPU (--device cpu)`,
    );
  }
  return { device: device === "cuda" ? (`cuda:${env.localRank}` as Device) : device, backend: "nccl" };
}
