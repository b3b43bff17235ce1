/** `train`'s role (src/cli/trainRanks.ts): one process, the launcher of `--nproc N`, or a rank of an outer launcher. */
import { describe, expect, it } from "vitest";
import { launchExitCode, rankPlacement, trainRole } from "../../../src/cli/trainRanks.js";
import { expectError } from "../../helpers/native.js";

describe("trainRole", () => {
  it("no rank variables: --nproc N launches N ranks, no --nproc is one process", () => {
    expect(trainRole(undefined, {})).toEqual({ kind: "single" });
    expect(trainRole("2", {})).toEqual({ kind: "launcher", nproc: 2 });
    expect(trainRole("1", {})).toEqual({ kind: "launcher", nproc: 1 });
  });

  it("torchrun's or srun's variables: joins as that rank (--nproc optional, must agree)", () => {
    const torchrun = { RANK: "1", WORLD_SIZE: "2", MASTER_ADDR: "10.0.0.1", MASTER_PORT: "29400" };
    expect(trainRole(undefined, torchrun)).toMatchObject({ kind: "rank", env: { rank: 1, worldSize: 2, masterAddr: "10.0.0.1", masterPort: 29400 } });
    expect(trainRole("2", torchrun)).toMatchObject({ kind: "rank", env: { rank: 1 } });
    const srun = { SLURM_PROCID: "3", SLURM_NTASKS: "4", SLURM_LOCALID: "1", SLURM_NTASKS_PER_NODE: "2", SLURM_JOB_NODELIST: "gpu[07-08]", SLURM_JOB_ID: "123456" };
    expect(trainRole(undefined, srun)).toMatchObject({ kind: "rank", env: { rank: 3, worldSize: 4, localRank: 1, masterAddr: "gpu07", masterPort: 18456, source: "slurm" } });
    // A world of one (torchrun --nproc_per_node 1) is a plain process.
    expect(trainRole(undefined, { RANK: "0", WORLD_SIZE: "1" })).toEqual({ kind: "single" });
    expectError(() => trainRole("3", srun), "ERR_CONFIG", "--nproc 3 disagrees with the 4 ranks", "SLURM_NTASKS");
  });

  it("--nproc must be a whole number >= 1", () => {
    for (const bad of ["0", "-1", "1.5", "two", ""]) expectError(() => trainRole(bad, {}), "ERR_ARGUMENT", `received '${bad}'`);
  });
});

describe("launchExitCode: the launcher exits as one process would", () => {
  const rank = (r: number, code: number | null, signal: NodeJS.Signals | null = null) => ({ rank: r, pid: 100 + r, code, signal });
  it("0 all done; 130 a forwarded Ctrl-C stopped every rank; 131 a second Ctrl-C killed them; 1 a rank failed", () => {
    expect(launchExitCode({ ok: true, ranks: [rank(0, 0), rank(1, 0)] })).toBe(0);
    expect(launchExitCode({ ok: false, interrupted: "SIGINT", ranks: [rank(0, 130), rank(1, 130)] })).toBe(130);
    expect(launchExitCode({ ok: false, interrupted: "SIGINT", ranks: [rank(0, 130), rank(1, 0)] })).toBe(130);
    expect(launchExitCode({ ok: false, interrupted: "SIGINT", ranks: [rank(0, null, "SIGKILL"), rank(1, 130)] })).toBe(131);
    const dead = rank(1, null, "SIGKILL");
    expect(launchExitCode({ ok: false, failed: dead, ranks: [rank(0, 1), dead] })).toBe(1);
    // A rank that failed on its own during the interrupt is a failure, not an interrupt.
    expect(launchExitCode({ ok: false, interrupted: "SIGINT", ranks: [rank(0, 130), rank(1, 1)] })).toBe(1);
  });
});

describe("rankPlacement: one GPU per local rank over NCCL, CPU ranks over gloo", () => {
  it("cpu: gloo, the device unchanged", () => {
    expect(rankPlacement("cpu", { localRank: 1 }, { nccl: false })).toEqual({ device: "cpu", backend: "gloo" });
  });
  it("cuda: cuda:<local rank> over nccl; an explicit index is kept", () => {
    expect(rankPlacement("cuda", { localRank: 3 }, { nccl: true })).toEqual({ device: "cuda:3", backend: "nccl" });
    expect(rankPlacement("cuda:1", { localRank: 3 }, { nccl: true })).toEqual({ device: "cuda:1", backend: "nccl" });
  });
  it("cuda without NCCL in the addon is refused with what to do", () => {
    expectError(() => rankPlacement("cuda", { localRank: 0 }, { nccl: false }), "ERR_CONFIG", "NCCL backend", "--device cpu");
  });
});
