/**
 * `werank-native slurm-script train ...` and `sweep --executor slurm --ntasks-per-node N` without a
 * cluster: the printed scripts (resources from flags over the config's slurm section, the train
 * arguments passed on without the job's own options), and every refusal (full batch on several ranks,
 * bad counts, --nproc, a missing `train`, control characters, sbatch missing) before anything is
 * printed or written. The submitted jobs run for real in test/e2e/sweep.test.ts (local Slurm).
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, ensureDist } from "../helpers/dist.js";

const MINI = `
dataset: { synthetic: { nodes: 96, classes: 3, features: 8, avgDegree: 4 } }
encoder: { type: sage, layers: [8, 8], norm: none }
objective: { predictorHidden: 8 }
train: { epochs: 2, batchSize: 16, fanouts: [-1, -1], spectraEvery: 0 }
eval: { splits: 1 }
output: { report: false }
slurm: { nodes: 3, ntasksPerNode: 2, cpusPerTask: 5, partition: cfgpart }
`;
const FULL = `
dataset: { synthetic: { nodes: 96, classes: 3, features: 8, avgDegree: 4 } }
train: { epochs: 2 }
`;

let tmp: string;
let mini: string;
let full: string;
beforeAll(() => {
  ensureDist();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "werank-e2e-slurm-script-"));
  mini = path.join(tmp, "mini.yaml");
  full = path.join(tmp, "full.yaml");
  fs.writeFileSync(mini, MINI);
  fs.writeFileSync(full, FULL);
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function cli(args: string[], env: Record<string, string> = {}): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: tmp, encoding: "utf8", env: { ...process.env, WERANK_NUM_THREADS: "1", ...env }, timeout: 60_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** The words of the script's `exec srun` line after `srun` (each single-quoted word unquoted). */
function srunWords(script: string): string[] {
  const line = script.split("\n").find((l) => l.startsWith("exec srun "));
  expect(line, script).toBeDefined();
  return [...line!.matchAll(/'((?:[^']|'\\'')*)'|(\S+)/g)].slice(2).map((m) => (m[1] !== undefined ? m[1].replace(/'\\''/g, "'") : m[2]!));
}

describe("slurm-script train", () => {
  it("prints the job: resources from the config's slurm section, flags winning; train's arguments passed on as given", () => {
    const r = cli(["slurm-script", "train", "--config", "mini.yaml", "--json", "--ntasks-per-node", "4", "--epochs", "3", "--time=01:00:00", "--name", "train", "--mem", "8G"]);
    expect(r.code, r.stderr).toBe(0);
    const s = r.stdout;
    expect(s).toMatch(/^#!\/bin\/bash\n/);
    for (const l of ["#SBATCH --nodes=3", "#SBATCH --ntasks-per-node=4", "#SBATCH --cpus-per-task=5", "#SBATCH --partition=cfgpart", "#SBATCH --time=01:00:00", "#SBATCH --mem=8G"])
      expect(s.split("\n"), l).toContain(l);
    expect(s).toContain("12 data-parallel ranks (3 nodes x 4 tasks)");
    expect(s).toContain(`cd '${fs.realpathSync(tmp)}'`);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: bash's ${VAR:-default} in the script
    expect(s).toContain("export WERANK_NUM_THREADS=${SLURM_CPUS_PER_TASK:-5}");
    // The job's own options stay out of train's arguments; a value that reads "train" stays in.
    expect(srunWords(s)).toEqual(["--kill-on-bad-exit=1", "--cpus-per-task=5", process.execPath, CLI, "train", "--config", "mini.yaml", "--json", "--epochs", "3", "--name", "train"]);
  });

  it("refuses, with exit 2 and nothing printed: full batch on several ranks, --nproc, bad counts, no 'train', control characters, --script without --submit", () => {
    const cases: [string[], RegExp][] = [
      [["slurm-script", "train", "--config", "full.yaml", "--ntasks-per-node", "2"], /ERR_CONFIG: 2 data-parallel ranks need mini-batch training/],
      [["slurm-script", "train", "--config", "full.yaml", "--nodes", "2"], /2 data-parallel ranks need mini-batch/],
      [["slurm-script", "train", "--config", "mini.yaml", "--nproc", "2"], /--nproc starts local ranks/],
      [["slurm-script", "train", "--config", "mini.yaml", "--nodes", "0"], /--nodes/],
      [["slurm-script", "train", "--config", "mini.yaml", "--ntasks-per-node", "two"], /--ntasks-per-node/],
      [["slurm-script", "--config", "mini.yaml"], /expected the command to run, 'train'/i],
      [["slurm-script", "eval", "--config", "mini.yaml"], /'eval'/],
      [["slurm-script", "train", "--config", "mini.yaml", "--partition", "gpu\ntouch /tmp/x"], /control characters/],
      [["slurm-script", "train", "--config", "mini.yaml", "--script", "job.sh"], /--script PATH is where --submit writes/],
      [["slurm-script", "train", "--config", "mini.yaml", "--epochs", "-1"], /epochs/],
      [["slurm-script", "train", "--config", "mini.yaml", "--gpus-per-node", "2", "--set", "slurm.gpus=1"], /not both/],
      [["slurm-script", "train", "--resume", "mini.yaml"], /not a run directory/],
    ];
    for (const [args, msg] of cases) {
      const r = cli(args);
      expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(2);
      expect(r.stderr, args.join(" ")).toMatch(msg);
      expect(r.stdout, args.join(" ")).toBe("");
    }
    // One rank needs no mini-batches.
    expect(cli(["slurm-script", "train", "--config", "full.yaml"]).code).toBe(0);
  });

  it("--submit refuses before writing anything, and leaves no run directory when sbatch is missing", () => {
    const out = path.join(tmp, "runs-refused");
    const r = cli(["slurm-script", "train", "--config", "full.yaml", "--ntasks-per-node", "2", "--out", out, "--submit"]);
    expect(r.code).toBe(2);
    expect(fs.existsSync(out)).toBe(false);
    // A PATH without sbatch (node is started by its absolute path).
    const empty = path.join(tmp, "empty-bin");
    fs.mkdirSync(empty, { recursive: true });
    const m = cli(["slurm-script", "train", "--config", "mini.yaml", "--out", out, "--submit"], { PATH: empty });
    expect(m.code, m.stderr).toBe(2);
    expect(m.stderr).toMatch(/Cannot run sbatch/);
    expect(fs.existsSync(out) ? fs.readdirSync(out) : []).toEqual([]);
    const given = path.join(tmp, "given");
    const g = cli(["slurm-script", "train", "--config", "mini.yaml", "--run-dir", given, "--submit"], { PATH: empty });
    expect(g.code).toBe(2);
    expect(fs.existsSync(given)).toBe(false);
    // A --run-dir holding files is refused now (as train would refuse it in the job), unless --overwrite.
    fs.mkdirSync(path.join(tmp, "busy"));
    fs.writeFileSync(path.join(tmp, "busy", "metrics.jsonl"), "{}\n");
    const b = cli(["slurm-script", "train", "--config", "mini.yaml", "--run-dir", "busy", "--submit"], { PATH: empty });
    expect(b.stderr).toMatch(/is not empty/);
    expect(fs.readdirSync(path.join(tmp, "busy"))).toEqual(["metrics.jsonl"]);
  });
});

describe("sweep --executor slurm with ranks per trial", () => {
  it("--dry-run: each array task runs its trial's ranks with srun", () => {
    const dir = path.join(tmp, "sw");
    const r = cli(["sweep", "--config", "mini.yaml", "--grid", "werank=0,0.1", "--executor", "slurm", "--ntasks-per-node", "2", "--nodes", "1", "--cpus-per-task", "1", "--dry-run", "--dir", dir]);
    expect(r.code, r.stderr).toBe(0);
    for (const l of ["#SBATCH --array=0-1", "#SBATCH --nodes=1", "#SBATCH --ntasks-per-node=2", "#SBATCH --cpus-per-task=1"]) expect(r.stdout.split("\n"), l).toContain(l);
    expect(srunWords(r.stdout)).toEqual(["--kill-on-bad-exit=1", "--cpus-per-task=1", process.execPath, CLI, "sweep", "--run-trial", dir, '"$SLURM_ARRAY_TASK_ID"']);
    expect(fs.existsSync(dir)).toBe(false);
  });

  it("refuses a full-batch trial on several ranks before writing or submitting anything, naming the trial", () => {
    const dir = path.join(tmp, "sw-full");
    const a = cli(["sweep", "--config", "full.yaml", "--grid", "werank=0,0.1", "--executor", "slurm", "--ntasks-per-node", "2", "--dir", dir]);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/sweep trial t0000-alpha=0-seed=0: 2 data-parallel ranks need mini-batch training/);
    const b = cli(["sweep", "--config", "mini.yaml", "--grid", "train.batchSize=16,0", "--executor", "slurm", "--dry-run", "--dir", dir]);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/sweep trial t0001-batchSize=0-seed=0: 6 data-parallel ranks/); // the config's 3 nodes x 2 tasks
    expect(b.stdout).toBe("");
    expect(fs.existsSync(dir)).toBe(false);
  });
});
