/**
 * Data-parallel ranks of `train` (docs/scale.md "N ranks"): `train --nproc N` and a Trainer with a
 * ProcessGroup. Real ranks (child processes over c10d/gloo) on tiny synthetic graphs:
 * - equivalence: 2 ranks of batch B train exactly what one process of batch 2B trains (same seeds,
 *   losses and parameters within 1e-5), and the ranks hold identical parameters (the API fixture
 *   test/fixtures/dist/trainerRank.mjs);
 * - `--nproc 1` is today's single process bit for bit; with `--nproc 2` rank 0 alone writes;
 * - a killed rank makes the launcher exit non-zero naming it, without hanging; Ctrl-C (SIGINT to the
 *   launcher) gives one interrupt checkpoint and exit 130; `--resume` with 2 ranks finishes the run;
 * - `--nproc` with full-batch training is refused;
 * - encoder.syncBatchNorm: 2 ranks of batch B with BatchNorm synchronized = 1 process of batch 2B
 *   (an MLP encoder, whose batches are the seeds alone), running statistics equal on the ranks.
 * Skipped, with a message, when the addon was built without c10d.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchRanks, ProcessGroup } from "../../src/index.js";
import { CLI, ensureDist } from "../helpers/dist.js";
import { epochLosses, runCli } from "../helpers/tinyRun.js";

const FIXTURE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "fixtures", "dist", "trainerRank.mjs");
const support = ProcessGroup.support();
if (!support.c10d) console.warn("SKIPPED: the data-parallel train tests — this addon was built without c10d (apt-get install libgloo-dev, then node scripts/build-native.cjs --force)");

/** SAGE with every neighbour and no augmentation: a seed's output does not depend on its batch-mates. */
const TINY = (nodes: number, epochs: number): string => `
dataset:
  synthetic: { nodes: ${nodes}, classes: 3, features: 8, avgDegree: 4 }
encoder: { type: sage, layers: [8, 8], norm: none }
objective: { predictorHidden: 8 }
augment: { dropEdge: [0, 0], dropFeature: [0, 0] }
optim: { lr: 0.01, warmupEpochs: 1 }
train: { epochs: ${epochs}, batchSize: 16, fanouts: [-1, -1], spectraEvery: 0, checkpointEvery: 0, logEvery: 1 }
eval: { splits: 1 }
output: { report: false }
`;

let tmp: string;
let cfg: string;
let longCfg: string;
beforeAll(() => {
  ensureDist();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "werank-e2e-ranks-"));
  cfg = path.join(tmp, "tiny.yaml");
  fs.writeFileSync(cfg, TINY(96, 3));
  longCfg = path.join(tmp, "long.yaml");
  fs.writeFileSync(longCfg, TINY(400, 3000));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

interface RankOut {
  rank: number;
  losses: number[];
  params: Record<string, number[]>;
}

function maxDiff(a: Record<string, number[]>, b: Record<string, number[]>): number {
  expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort());
  let d = 0;
  for (const k of Object.keys(a)) {
    expect(a[k]!.length, k).toBe(b[k]!.length);
    a[k]!.forEach((v, i) => (d = Math.max(d, Math.abs(v - b[k]![i]!))));
  }
  return d;
}

/** Starts the CLI as a launcher in the background. */
function startCli(args: string[]): { child: ChildProcess; done: Promise<{ code: number | null; stderr: string; stdout: string }> } {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, WERANK_NUM_THREADS: "1" }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  const done = new Promise<{ code: number | null; stderr: string; stdout: string }>((resolve) => child.on("close", (code) => resolve({ code, stderr, stdout })));
  return { child, done };
}

async function until(what: string, ok: () => boolean, ms = 20_000): Promise<void> {
  const t0 = Date.now();
  while (!ok()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The pid of rank `rank` among the launcher's children (its RANK variable). */
function rankPid(launcher: number, rank: number): number | undefined {
  const pids = spawnSync("ps", ["-o", "pid=", "--ppid", String(launcher)], { encoding: "utf8" })
    .stdout.split("\n")
    .map(Number)
    .filter((p) => p > 0);
  return pids.find((p) => {
    try {
      return fs.readFileSync(`/proc/${p}/environ`, "utf8").split("\0").includes(`RANK=${rank}`);
    } catch {
      return false;
    }
  });
}

describe.skipIf(!support.c10d)("data-parallel ranks", () => {
  it("2 ranks of batch 16 = 1 process of batch 32: same losses and parameters (1e-5); the ranks' parameters are identical", async () => {
    const r = await launchRanks({ nproc: 2, command: process.execPath, args: [FIXTURE, "16", "4"], stdio: "pipe", graceMs: 3000, env: { ...process.env, WERANK_NUM_THREADS: "1" } });
    expect(r.ok, `${r.message}\n${r.ranks.map((e) => e.stderr).join("\n")}`).toBe(true);
    const [r0, r1] = r.ranks.map((e) => JSON.parse((e.stdout ?? "").trim().split("\n").pop()!) as RankOut);
    const one = spawnSync(process.execPath, [FIXTURE, "32", "4"], { encoding: "utf8", env: { ...process.env, WERANK_NUM_THREADS: "1" } });
    expect(one.status, one.stderr).toBe(0);
    const single = JSON.parse(one.stdout.trim()) as RankOut;
    // Bitwise: every step applies the same all-reduced gradient to the same parameters on both ranks.
    expect(maxDiff(r0!.params, r1!.params)).toBe(0);
    expect(r0!.losses).toEqual(r1!.losses);
    expect(r0!.losses).toHaveLength(4);
    for (let e = 0; e < 4; e++) expect(Math.abs(r0!.losses[e]! - single.losses[e]!), `epoch ${e + 1}`).toBeLessThan(1e-5);
    expect(maxDiff(r0!.params, single.params)).toBeLessThan(1e-5);
    // Not trivially equal: the parameters moved, and one process of batch 16 trains something else.
    const half = JSON.parse(spawnSync(process.execPath, [FIXTURE, "16", "4"], { encoding: "utf8", env: { ...process.env, WERANK_NUM_THREADS: "1" } }).stdout.trim()) as RankOut;
    expect(maxDiff(half.params, single.params)).toBeGreaterThan(1e-3);
  }, 60_000);

  it("encoder.syncBatchNorm: 2 ranks of batch 16 (MLP encoder with BatchNorm) = 1 process of batch 32 (1e-5), the ranks' running statistics identical; per-rank BatchNorm differs", async () => {
    const env = { ...process.env, WERANK_NUM_THREADS: "1" };
    const two = async (variant: string): Promise<RankOut[]> => {
      const r = await launchRanks({ nproc: 2, command: process.execPath, args: [FIXTURE, "16", "4", variant], stdio: "pipe", graceMs: 3000, env });
      expect(r.ok, `${r.message}\n${r.ranks.map((e) => e.stderr).join("\n")}`).toBe(true);
      return r.ranks.map((e) => JSON.parse((e.stdout ?? "").trim().split("\n").pop()!) as RankOut);
    };
    const [r0, r1] = await two("syncbn");
    const one = spawnSync(process.execPath, [FIXTURE, "32", "4", "syncbn"], { encoding: "utf8", env });
    expect(one.status, one.stderr).toBe(0);
    const single = JSON.parse(one.stdout.trim()) as RankOut;
    const stats = (o: RankOut): Record<string, number[]> => Object.fromEntries(Object.entries(o.params).filter(([k]) => /running_(mean|var)$/.test(k)));
    // Online and target encoders: 2 BatchNorms each, with their running statistics.
    expect(Object.keys(stats(r0!)).length).toBe(8);
    // Bitwise on the ranks: parameters, and the running statistics of the all-reduced batch statistics.
    expect(maxDiff(r0!.params, r1!.params)).toBe(0);
    for (let e = 0; e < 4; e++) expect(Math.abs(r0!.losses[e]! - single.losses[e]!), `epoch ${e + 1}`).toBeLessThan(1e-5);
    expect(maxDiff(r0!.params, single.params)).toBeLessThan(1e-5);
    // Per-rank BatchNorm: the ranks' running statistics differ, and so does the training.
    const [l0, l1] = await two("bn");
    expect(maxDiff(stats(l0!), stats(l1!))).toBeGreaterThan(1e-3);
    expect(maxDiff(l0!.params, single.params)).toBeGreaterThan(1e-4);
  }, 90_000);

  it("--nproc 1 is the single process bit for bit; --nproc 2: rank 0 alone writes one run directory", () => {
    const single = path.join(tmp, "single");
    const a = runCli(["train", "--config", cfg, "--run-dir", single, "--json"]);
    expect(a.code, a.stderr).toBe(0);
    const one = path.join(tmp, "nproc1");
    const b = runCli(["train", "--config", cfg, "--run-dir", one, "--json", "--nproc", "1"]);
    expect(b.code, b.stderr).toBe(0);
    expect(epochLosses(one)).toEqual(epochLosses(single));
    expect(epochLosses(one)).toHaveLength(3);
    const ck = (d: string): Buffer => fs.readFileSync(path.join(d, "checkpoints", "final.safetensors"));
    expect(ck(one).equals(ck(single))).toBe(true);

    const out = path.join(tmp, "out2");
    const c = runCli(["train", "--config", cfg, "--out", out, "--json", "--nproc", "2"]);
    expect(c.code, c.stderr).toBe(0);
    // One run directory (rank 1 creates none), with everything rank 0 writes.
    const dirs = fs.readdirSync(out);
    expect(dirs).toHaveLength(1);
    const dir = path.join(out, dirs[0]!);
    for (const f of ["config.json", "env.json", "metrics.jsonl", "summary.json", "checkpoints/final.safetensors"]) expect(fs.existsSync(path.join(dir, f)), f).toBe(true);
    expect(epochLosses(dir).map(([e]) => e)).toEqual([1, 2, 3]);
    // Only rank 0 prints: exactly one summary line on the shared stdout.
    expect(c.stdout.split("\n").filter((l) => l.includes('"type":"summary"'))).toHaveLength(1);
    // With 2 ranks an epoch takes half as many steps of 2 x 16 seeds: not the single process's trajectory.
    expect(epochLosses(dir)[2]![1]).not.toBe(epochLosses(single)[2]![1]);
  }, 90_000);

  it("--nproc without mini-batches is refused (exit 2, ERR_CONFIG), before any run directory exists", () => {
    const out = path.join(tmp, "refused");
    const r = runCli(["train", "--config", cfg, "--batch-size", "0", "--out", out, "--nproc", "2"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/ERR_CONFIG: 2 data-parallel ranks need mini-batch training \(train\.batchSize > 0\)/);
    expect(fs.existsSync(out)).toBe(false);
    const bad = runCli(["train", "--config", cfg, "--nproc", "zero"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--nproc: expected a number of ranks >= 1 but received 'zero'/);
    // Under a launcher (here: torchrun's variables) --nproc must agree with WORLD_SIZE.
    const clash = runCli(["train", "--config", cfg, "--nproc", "3"], { RANK: "0", WORLD_SIZE: "2", MASTER_ADDR: "127.0.0.1", MASTER_PORT: "29999" });
    expect(clash.code).toBe(2);
    expect(clash.stderr).toMatch(/--nproc 3 disagrees with the 2 ranks/);
    // encoder.syncBatchNorm without BatchNorm (this config's norm is none) is a mistake, refused up front.
    const noBn = runCli(["train", "--config", cfg, "--set", "encoder.syncBatchNorm=true", "--out", out, "--nproc", "2"]);
    expect(noBn.code).toBe(2);
    expect(noBn.stderr).toMatch(/ERR_CONFIG: encoder\.syncBatchNorm synchronizes BatchNorm statistics .* but encoder\.norm is 'none'/);
    expect(fs.existsSync(out)).toBe(false);
  }, 60_000);

  it("--set encoder.syncBatchNorm=true through the CLI: 2 ranks train with synchronized BatchNorm, recorded in config.json, summary.json and the header", () => {
    const dir = path.join(tmp, "syncbn");
    const r = runCli(["train", "--config", cfg, "--set", "encoder.norm=batch", "--set", "encoder.syncBatchNorm=true", "--run-dir", dir, "--nproc", "2"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("2 ranks (synchronized BatchNorm)");
    expect(JSON.parse(fs.readFileSync(path.join(dir, "config.json"), "utf8")).encoder).toMatchObject({ norm: "batch", syncBatchNorm: true });
    expect(JSON.parse(fs.readFileSync(path.join(dir, "summary.json"), "utf8"))).toMatchObject({ ranks: 2, syncBatchNorm: true });
    expect(epochLosses(dir).map(([e]) => e)).toEqual([1, 2, 3]);
  }, 60_000);

  it("a killed rank: the launcher exits 1 naming it, rank 0 fails with ERR_DIST, no hang", async () => {
    const dir = path.join(tmp, "killed");
    const { child, done } = startCli(["train", "--config", longCfg, "--run-dir", dir, "--json", "--nproc", "2"]);
    await until("the first epoch", () => epochLosses(dir).length > 0);
    const victim = rankPid(child.pid!, 1);
    expect(victim).toBeDefined();
    const t0 = Date.now();
    process.kill(victim!, "SIGKILL");
    const r = await done;
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`rank 1 \\(pid ${victim}\\) was killed by SIGKILL`));
    expect(r.stderr).toMatch(/ERR_DIST/);
  }, 60_000);

  it("Ctrl-C: one interrupt checkpoint, every rank exits, exit 130; --resume with 2 ranks finishes the run as if never stopped", async () => {
    const dir = path.join(tmp, "sigint");
    const cfgShort = path.join(tmp, "sigint.yaml");
    fs.writeFileSync(cfgShort, TINY(400, 60));
    const { child, done } = startCli(["train", "--config", cfgShort, "--run-dir", dir, "--json", "--nproc", "2"]);
    await until("the first epoch", () => epochLosses(dir).length > 0);
    const ranks = [rankPid(child.pid!, 0), rankPid(child.pid!, 1)];
    child.kill("SIGINT");
    const r = await done;
    expect(r.code, r.stderr).toBe(130);
    for (const pid of ranks) expect(() => process.kill(pid!, 0)).toThrow(); // both ranks are gone
    expect(fs.readdirSync(path.join(dir, "checkpoints")).filter((f) => f.endsWith(".safetensors"))).toEqual(["interrupt.safetensors"]);
    expect(JSON.parse(fs.readFileSync(path.join(dir, "summary.json"), "utf8")).status).toBe("interrupted");
    const stopped = epochLosses(dir).length;
    expect(stopped).toBeLessThan(60);

    // Stopped between two steps of an epoch (12 of every 13 stops), the checkpoint records the 2 ranks
    // and a resume on 1 is refused: the step's seeds would differ. At a boundary any count may resume.
    const side = JSON.parse(fs.readFileSync(path.join(dir, "checkpoints", "interrupt.json"), "utf8")) as { batch?: { ranks?: number } };
    if (side.batch !== undefined) {
      expect(side.batch.ranks).toBe(2);
      const wrong = runCli(["train", "--resume", dir, "--json"]);
      expect(wrong.code).toBe(2);
      expect(wrong.stderr).toMatch(/stopped in the middle of an epoch on 2 rank\(s\); resume it with the same number of ranks \(--nproc 2\)/);
    }
    const resumed = runCli(["train", "--resume", dir, "--json", "--nproc", "2"]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(epochLosses(dir).map(([e]) => e)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    // The same trajectory as 2 ranks that were never stopped, bit for bit.
    const straight = path.join(tmp, "sigint-reference");
    const ref = runCli(["train", "--config", cfgShort, "--run-dir", straight, "--json", "--nproc", "2"]);
    expect(ref.code, ref.stderr).toBe(0);
    expect(epochLosses(dir)).toEqual(epochLosses(straight));
    expect(JSON.parse(fs.readFileSync(path.join(dir, "summary.json"), "utf8")).status).toBe("completed");
  }, 90_000);
});
