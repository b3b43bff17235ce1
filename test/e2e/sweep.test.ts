import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, ROOT, ensureDist } from "../helpers/dist.js";
import { epochLosses, records } from "../helpers/tinyRun.js";

const TINY = `
dataset: { synthetic: { nodes: 200, classes: 3, features: 12, avgDegree: 5 } }
encoder: { layers: [12, 6] }
objective: { predictorHidden: 12 }
train: { epochs: 4, spectraEvery: 0 }
eval: { splits: 2 }
output: { report: false }
slurm: { time: "00:10:00", cpusPerTask: 1 }
`;

/** Mini-batch training (every neighbour, no augmentation), for trials on 2 data-parallel ranks. */
const RANKS = `
dataset: { synthetic: { nodes: 96, classes: 3, features: 8, avgDegree: 4 } }
encoder: { type: sage, layers: [8, 8], norm: none }
objective: { predictorHidden: 8 }
augment: { dropEdge: [0, 0], dropFeature: [0, 0] }
optim: { lr: 0.01, warmupEpochs: 1 }
train: { epochs: 3, batchSize: 16, fanouts: [-1, -1], spectraEvery: 0, checkpointEvery: 0 }
eval: { splits: 1 }
output: { report: false }
slurm: { time: "00:10:00", cpusPerTask: 1 }
`;

let tmp: string;
let cfg: string;
beforeAll(() => {
  ensureDist();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "werank-e2e-sweep-"));
  cfg = path.join(tmp, "base.yaml");
  fs.writeFileSync(cfg, TINY);
  fs.writeFileSync(path.join(tmp, "ranks.yaml"), RANKS);
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function cli(args: string[], env: Record<string, string> = {}, cwd?: string): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: "utf8", env: { ...process.env, WERANK_NUM_THREADS: "1", ...env }, timeout: 300_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe("sweep and collect (local executor)", () => {
  it("expands grid x seeds into trials, runs them N at a time and collects mean ± std per configuration", () => {
    const dir = path.join(tmp, "local");
    const r = cli(["sweep", "--config", cfg, "--grid", "werank=0,0.01", "--seeds", "2", "--executor", "local", "--parallel", "2", "--dir", dir]);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toMatch(/4\/4 trials succeeded/);
    const plan = JSON.parse(fs.readFileSync(path.join(dir, "sweep.json"), "utf8"));
    expect(plan.trials).toHaveLength(4);
    for (const t of plan.trials) expect(fs.existsSync(path.join(t.dir, "summary.json")), t.id).toBe(true);
    const seeds = plan.trials.map((t: { dir: string }) => JSON.parse(fs.readFileSync(path.join(t.dir, "config.json"), "utf8")).train.seed);
    expect(seeds).toEqual([0, 1, 0, 1]);
    const c = cli(["collect", dir]);
    expect(c.code, c.stderr).toBe(0);
    expect(c.stdout).toMatch(/\| werank\.alpha \| trained \| runs \| accuracy \(%\)/);
    expect(c.stdout).toMatch(/^\| 0 \| bgrl \| 2 \|/m);
    expect(c.stdout).toMatch(/^\| 0\.01 \| bgrl \+ WERank \(encoder, alpha 0\.01, gram smaller\) \| 2 \|/m);
    const rows = c.stdout.split("\n").filter((l) => /^\| (0|0\.01) \|/.test(l));
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(row).toMatch(/\| 2 \| \d+\.\d\d ± \d+\.\d\d \|/);
    for (const f of ["results.md", "results.csv", "results.json"]) expect(fs.existsSync(path.join(dir, f))).toBe(true);
    const j = JSON.parse(cli(["collect", dir, "--json"]).stdout);
    expect(j.rows[0].accuracy.n).toBe(2);
  }, 300_000);

  it("rejects a bad grid key before running anything, and --dry-run writes nothing", () => {
    const dir = path.join(tmp, "bad");
    const r = cli(["sweep", "--config", cfg, "--grid", "werankk=0,1", "--dir", dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/did you mean 'werank'/);
    expect(fs.existsSync(dir)).toBe(false);
    const d = cli(["sweep", "--config", cfg, "--grid", "optim.lr=0.001,0.01", "--seeds", "3", "--dry-run", "--dir", dir]);
    expect(d.code).toBe(0);
    expect(d.stdout).toMatch(/6 trials/);
    expect(fs.existsSync(dir)).toBe(false);
  });

  it("--executor slurm --dry-run prints a job-array script with the resources from flags and config", () => {
    const r = cli([
      "sweep",
      "--config",
      cfg,
      "--grid",
      "werank=0,0.1,1",
      "--seeds",
      "5",
      "--executor",
      "slurm",
      "--dry-run",
      "--partition",
      "gpu",
      "--gpus",
      "1",
      "--mem",
      "16G",
      "--dir",
      path.join(tmp, "s"),
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^#!\/bin\/bash/);
    expect(r.stdout).toContain("#SBATCH --array=0-14");
    expect(r.stdout).toContain("#SBATCH --partition=gpu");
    expect(r.stdout).toContain("#SBATCH --gres=gpu:1");
    expect(r.stdout).toContain("#SBATCH --mem=16G");
    expect(r.stdout).toContain("#SBATCH --time=00:10:00"); // from the config's slurm section
    expect(r.stdout).toContain("'sweep' '--run-trial'");
    expect(r.stdout).toContain('"$SLURM_ARRAY_TASK_ID"');
  });
});

/**
 * The Slurm path for real: a single-node Slurm on localhost (scripts/slurm/local-cluster.sh, the
 * recipe of ../shared/notes/slurm-single-node.md; 2 CPUs), a submitted job array, collect; a
 * `slurm-script train --submit` job and a sweep on 2 srun ranks per job; stop. One describe, one
 * cluster: its ports are fixed, so two test files could not each run one at the same time.
 */
describe("sweep and slurm-script on a local Slurm cluster", () => {
  const clusterDir = path.join(os.tmpdir(), `werank-slurm-${process.pid}`);
  let slurmConf: string | undefined;
  let reason = "";
  beforeAll(() => {
    const r = spawnSync("bash", [path.join(ROOT, "scripts", "slurm", "local-cluster.sh"), "start", clusterDir], { encoding: "utf8", timeout: 240_000 });
    const m = /SLURM_CONF=(\S+)/.exec(r.stdout);
    if (r.status === 0 && m) slurmConf = m[1];
    else {
      reason = `local Slurm could not be started (exit ${r.status}): ${r.stderr.trim().split("\n").pop()}`;
      console.warn(`[sweep slurm] skipped: ${reason}`);
    }
  }, 300_000);
  afterAll(() => {
    spawnSync("bash", [path.join(ROOT, "scripts", "slurm", "local-cluster.sh"), "stop", clusterDir], { timeout: 60_000 });
    fs.rmSync(clusterDir, { recursive: true, force: true });
  });

  /** Waits until job `jobId` (an array: all its tasks) has left the queue. */
  async function waitForJob(jobId: string, env: Record<string, string>): Promise<void> {
    const deadline = Date.now() + 240_000;
    for (;;) {
      const q = spawnSync("squeue", ["-h", "-j", jobId], { encoding: "utf8", env: { ...process.env, ...env } });
      if (q.status === 0 && q.stdout.trim() === "") return;
      if (Date.now() > deadline) throw new Error(`the Slurm job ${jobId} did not finish in time: ${q.stdout}`);
      await new Promise((res) => setTimeout(res, 500));
    }
  }

  it("submits a job array with sbatch, every task trains its trial, collect aggregates", async (ctx) => {
    if (!slurmConf) ctx.skip();
    const env = { SLURM_CONF: slurmConf! };
    const dir = path.join(tmp, "slurm");
    const r = cli(["sweep", "--config", cfg, "--grid", "werank=0,0.01", "--seeds", "2", "--executor", "slurm", "--dir", dir], env);
    expect(r.code, r.stderr).toBe(0);
    const jobId = r.stdout.trim().split("\n").pop()!;
    expect(jobId).toMatch(/^\d+$/);
    const plan = JSON.parse(fs.readFileSync(path.join(dir, "sweep.json"), "utf8"));
    expect(plan.slurm.jobId).toBe(jobId);
    await waitForJob(jobId, env);
    const outs = fs.readdirSync(path.join(dir, "slurm")).filter((f) => f.endsWith(".out"));
    expect(outs).toHaveLength(4);
    for (const t of plan.trials) expect(fs.existsSync(path.join(t.dir, "summary.json")), `${t.id}: ${fs.readFileSync(path.join(dir, "slurm", `${jobId}_${t.index}.out`), "utf8")}`).toBe(true);
    const c = cli(["collect", dir]);
    expect(c.code, c.stderr).toBe(0);
    expect(c.stdout.split("\n").filter((l) => /^\| (0|0\.01) \| [^|]+ \| 2 \|/.test(l))).toHaveLength(2);
  }, 300_000);

  it("slurm-script train --submit: srun's 2 tasks train as one group of 2 ranks, with the losses of a local train --nproc 2", async (ctx) => {
    if (!slurmConf) ctx.skip();
    const env = { SLURM_CONF: slurmConf! };
    const out = path.join(tmp, "slurm-train");
    // WERANK_NUM_THREADS=2 here: the job must give each rank SLURM_CPUS_PER_TASK = 1 thread instead.
    const r = cli(["slurm-script", "train", "--config", "ranks.yaml", "--json", "--out", out, "--ntasks-per-node", "2", "--cpus-per-task", "1", "--submit"], { ...env, WERANK_NUM_THREADS: "2" }, tmp);
    expect(r.code, r.stderr).toBe(0);
    const jobId = r.stdout.trim().split("\n").pop()!;
    expect(jobId).toMatch(/^\d+$/);
    const runDir = /run directory: (.+)/.exec(r.stdout)![1]!;
    expect(fs.readdirSync(out)).toEqual([path.basename(runDir)]);
    const script = fs.readFileSync(path.join(runDir, "slurm", "job.sh"), "utf8");
    expect(script).toContain("#SBATCH --ntasks-per-node=2");
    expect(script).toMatch(/^exec srun --kill-on-bad-exit=1 /m);
    await waitForJob(jobId, env);
    const log = fs.readFileSync(path.join(runDir, "slurm", `${jobId}.out`), "utf8");
    expect(log).not.toMatch(/ERR_|error/i);
    // Rank 0 alone prints and writes: one summary line, one run directory, and it trained on 2 ranks.
    expect(log.split("\n").filter((l) => l.includes('"type":"summary"'))).toHaveLength(1);
    expect(fs.readdirSync(out)).toHaveLength(1);
    const summary = JSON.parse(fs.readFileSync(path.join(runDir, "summary.json"), "utf8"));
    expect(summary.status).toBe("completed");
    expect(summary.ranks).toBe(2);
    expect(JSON.parse(fs.readFileSync(path.join(runDir, "env.json"), "utf8")).torch.threads).toBe(1);
    // The same run through the local launcher: rank data, seeds and all-reduces agree step for step.
    const local = path.join(tmp, "local-nproc2");
    const l = cli(["train", "--config", "ranks.yaml", "--json", "--nproc", "2", "--run-dir", local], {}, tmp);
    expect(l.code, l.stderr).toBe(0);
    expect(epochLosses(local)).toHaveLength(3);
    expect(epochLosses(runDir)).toEqual(epochLosses(local));
    expect(JSON.parse(fs.readFileSync(path.join(local, "summary.json"), "utf8")).ranks).toBe(2);
  }, 300_000);

  it("sweep --ntasks-per-node 2: each array task trains its trial on 2 srun ranks; a relative --config resolves where sweep ran", async (ctx) => {
    if (!slurmConf) ctx.skip();
    const env = { SLURM_CONF: slurmConf! };
    const dir = path.join(tmp, "slurm-ranks");
    const r = cli(["sweep", "--config", "ranks.yaml", "--grid", "werank=0,0.01", "--executor", "slurm", "--ntasks-per-node", "2", "--dir", dir], env, tmp);
    expect(r.code, r.stderr).toBe(0);
    const jobId = r.stdout.trim().split("\n").pop()!;
    await waitForJob(jobId, env);
    const plan = JSON.parse(fs.readFileSync(path.join(dir, "sweep.json"), "utf8"));
    expect(plan.trials).toHaveLength(2);
    for (const t of plan.trials) {
      const log = fs.readFileSync(path.join(dir, "slurm", `${jobId}_${t.index}.out`), "utf8");
      // Both ranks ran the trial; rank 0 wrote its directory and logs.
      expect(log, log).toContain(`trial ${t.id} (rank 0 of 2): exit 0`);
      expect(log, log).toContain(`trial ${t.id} (rank 1 of 2): exit 0`);
      const summary = JSON.parse(fs.readFileSync(path.join(t.dir, "summary.json"), "utf8"));
      expect(summary.ranks).toBe(2);
      expect(records(path.join(t.dir, "stdout.jsonl")).filter((e) => e.type === "summary")).toHaveLength(1);
    }
    const c = cli(["collect", dir]);
    expect(c.code, c.stderr).toBe(0);
    expect(c.stdout.split("\n").filter((l) => /^\| (0|0\.01) \| [^|]+ \| 1 \|/.test(l))).toHaveLength(2);
  }, 300_000);
});
