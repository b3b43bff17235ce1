import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, ROOT, ensureDist } from "../helpers/dist.js";

const TINY = `
dataset: { synthetic: { nodes: 200, classes: 3, features: 12, avgDegree: 5 } }
encoder: { layers: [12, 6] }
objective: { predictorHidden: 12 }
train: { epochs: 4, spectraEvery: 0 }
eval: { splits: 2 }
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
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function cli(args: string[], env: Record<string, string> = {}): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", env: { ...process.env, WERANK_NUM_THREADS: "1", ...env }, timeout: 300_000 });
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
    expect(r.stdout).toContain("sweep --run-trial");
    expect(r.stdout).toContain('"$SLURM_ARRAY_TASK_ID"');
  });
});

/**
 * The Slurm path for real: a single-node Slurm on localhost (scripts/slurm/local-cluster.sh, the
 * recipe of ../shared/notes/slurm-single-node.md), a submitted job array, collect, stop.
 */
describe("sweep on a local Slurm cluster", () => {
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
    // wait for the array to leave the queue
    const deadline = Date.now() + 240_000;
    for (;;) {
      const q = spawnSync("squeue", ["-h", "-j", jobId], { encoding: "utf8", env: { ...process.env, ...env } });
      if (q.status === 0 && q.stdout.trim() === "") break;
      if (Date.now() > deadline) throw new Error(`the Slurm job ${jobId} did not finish in time: ${q.stdout}`);
      await new Promise((res) => setTimeout(res, 500));
    }
    const outs = fs.readdirSync(path.join(dir, "slurm")).filter((f) => f.endsWith(".out"));
    expect(outs).toHaveLength(4);
    for (const t of plan.trials) expect(fs.existsSync(path.join(t.dir, "summary.json")), `${t.id}: ${fs.readFileSync(path.join(dir, "slurm", `${jobId}_${t.index}.out`), "utf8")}`).toBe(true);
    const c = cli(["collect", dir]);
    expect(c.code, c.stderr).toBe(0);
    expect(c.stdout.split("\n").filter((l) => /^\| (0|0\.01) \| [^|]+ \| 2 \|/.test(l))).toHaveLength(2);
  }, 300_000);
});
