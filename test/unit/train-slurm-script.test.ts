/**
 * The multi-rank Slurm scripts (src/experiment/trainSlurmScript.ts, and executors.ts slurmScript with
 * nodes x ntasksPerNode > 1): their #SBATCH lines and srun line, RUN with bash against a stub `srun`
 * first on PATH that records its argv, its working directory and WERANK_NUM_THREADS. Hostile values
 * in the train arguments, the working directory and every #SBATCH setting execute nothing and reach
 * srun as exactly the intended words; control characters in #SBATCH values, bad rank counts, both
 * GPU forms and --nproc are refused with ERR_CONFIG.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError } from "../../src/errors.js";
import { cliPath, slurmRanks, slurmScript } from "../../src/experiment/executors.js";
import type { SweepPlan } from "../../src/experiment/sweep.js";
import { trainSlurmScript } from "../../src/experiment/trainSlurmScript.js";
import { trainSlurmScript as fromIndex } from "../../src/index.js";

let tmp: string;
let bin: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "werank-train-slurm-"));
  bin = path.join(tmp, "bin");
  fs.mkdirSync(bin);
  // The stub srun: its argv NUL-terminated to $RECORD, then its cwd and WERANK_NUM_THREADS to $RECORD.env.
  fs.writeFileSync(path.join(bin, "srun"), '#!/bin/bash\nprintf \'%s\\0\' "$@" > "$RECORD"\nprintf \'%s\\0\' "$PWD" "$WERANK_NUM_THREADS" > "$RECORD.env"\n', { mode: 0o755 });
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Payloads that run `touch <marker>` if the value reaches bash unquoted or double-quoted. */
function hostile(marker: string): string[] {
  return [
    `$(touch ${marker})`,
    `\`touch ${marker}\``,
    `x; touch ${marker}`,
    `x" ; touch ${marker}; echo "`,
    `x' ; touch ${marker}; echo '`,
    `$(touch ${marker})'\\''`,
    `a b * ? ~ {a,b} $HOME \${IFS}`,
  ];
}

/** Runs a script with bash (the stub srun first on PATH); returns srun's argv, cwd and WERANK_NUM_THREADS. */
function runScript(script: string, env: Record<string, string> = {}): { status: number | null; stderr: string; argv: string[]; cwd: string; threads: string } {
  const id = Math.random().toString(36).slice(2);
  const file = path.join(tmp, `job-${id}.sh`);
  const record = path.join(tmp, `argv-${id}`);
  fs.writeFileSync(file, script);
  const r = spawnSync("bash", [file], { encoding: "utf8", env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, RECORD: record, ...env }, timeout: 20_000 });
  const read = (f: string): string[] => (fs.existsSync(f) ? fs.readFileSync(f, "utf8").split("\0").slice(0, -1) : []);
  const [cwd = "", threads = ""] = read(`${record}.env`);
  return { status: r.status, stderr: r.stderr, argv: read(record), cwd, threads };
}

const plan = (dir: string): SweepPlan => ({ dir, trials: [{}, {}, {}] }) as unknown as SweepPlan;

describe("trainSlurmScript", () => {
  it("asks for nodes x ntasks-per-node tasks and runs train once per task with srun, WERANK_NUM_THREADS = SLURM_CPUS_PER_TASK", () => {
    const s = trainSlurmScript({
      trainArgs: ["--preset", "coauthor-cs", "--batch-size", "1024", "--fanouts", "10,10"],
      nodes: 2,
      ntasksPerNode: 4,
      cpusPerTask: 8,
      gpusPerNode: 4,
      partition: "gpu",
      time: "04:00:00",
      mem: "64G",
      account: "proj1",
      output: "/runs/x/slurm/%j.out",
      cwd: tmp,
    });
    const lines = s.split("\n");
    expect(lines[0]).toBe("#!/bin/bash");
    for (const l of [
      "#SBATCH --job-name=werank-train",
      "#SBATCH --output=/runs/x/slurm/%j.out",
      "#SBATCH --nodes=2",
      "#SBATCH --ntasks-per-node=4",
      "#SBATCH --cpus-per-task=8",
      "#SBATCH --gpus-per-node=4",
      "#SBATCH --partition=gpu",
      "#SBATCH --time=04:00:00",
      "#SBATCH --mem=64G",
      "#SBATCH --account=proj1",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: bash's ${VAR:-default} in the script
      "export WERANK_NUM_THREADS=${SLURM_CPUS_PER_TASK:-8}",
    ]) {
      expect(lines, l).toContain(l);
    }
    expect(s).toContain("8 data-parallel ranks (2 nodes x 4 tasks)");
    expect(s).not.toContain("--gres");
    const r = runScript(s, { SLURM_CPUS_PER_TASK: "8" });
    expect(r.status, r.stderr).toBe(0);
    expect(r.argv).toEqual(["--kill-on-bad-exit=1", "--cpus-per-task=8", process.execPath, cliPath(), "train", "--preset", "coauthor-cs", "--batch-size", "1024", "--fanouts", "10,10"]);
    expect(r.cwd).toBe(tmp);
    expect(r.threads).toBe("8");
    expect(fromIndex).toBe(trainSlurmScript); // public API
  });

  it("one task: srun all the same (no --nodes lines), a job name made safe, the default cwd is this process's", () => {
    const s = trainSlurmScript({ trainArgs: ["--epochs", "3"], jobName: "my job;rm" });
    expect(s).toContain("#SBATCH --job-name=my_job_rm");
    expect(s).toContain("#SBATCH --cpus-per-task=1");
    expect(s).not.toContain("#SBATCH --nodes");
    expect(s).not.toContain("#SBATCH --ntasks-per-node");
    expect(s).not.toContain("#SBATCH --output");
    const r = runScript(s);
    expect(r.status, r.stderr).toBe(0);
    expect(r.argv).toEqual(["--kill-on-bad-exit=1", "--cpus-per-task=1", process.execPath, cliPath(), "train", "--epochs", "3"]);
    expect(r.cwd).toBe(process.cwd());
    expect(r.threads).toBe("1"); // SLURM_CPUS_PER_TASK unset: the script's own value
  });

  it("runs nothing from hostile train arguments, working directory or #SBATCH values; srun gets the exact words", () => {
    const marker = path.join(tmp, "PWNED");
    for (const v of hostile(marker)) {
      const cwd = path.join(tmp, "cwd", v);
      fs.mkdirSync(cwd, { recursive: true });
      const args = ["--name", v, `--set=output.dir=${v}`, v];
      const s = trainSlurmScript({ trainArgs: args, cwd, partition: v, time: v, mem: v, account: v, output: v, extra: [`--comment=${v}`], node: v, ntasksPerNode: 2 });
      const r = runScript(s);
      expect(r.status, `${v}: ${r.stderr}`).toBe(0);
      expect(fs.existsSync(marker), `payload ${JSON.stringify(v)} executed`).toBe(false);
      expect(r.argv).toEqual(["--kill-on-bad-exit=1", "--cpus-per-task=1", v, cliPath(), "train", ...args]);
      expect(r.cwd).toBe(cwd);
    }
  });

  it("refuses control characters in #SBATCH values, bad rank counts, both GPU forms and --nproc (ERR_CONFIG)", () => {
    const base = { trainArgs: ["--epochs", "1"] };
    for (const bad of ["x\ntouch /tmp/x", "x\ry", "x\u0000y", "x\u001b[2J"]) {
      for (const key of ["partition", "time", "mem", "account", "output"] as const) {
        expect(() => trainSlurmScript({ ...base, [key]: bad }), key).toThrow(/control characters/);
      }
      expect(() => trainSlurmScript({ ...base, extra: [bad] })).toThrow(ConfigError);
    }
    for (const [k, v] of [
      ["nodes", 0],
      ["nodes", 1.5],
      ["ntasksPerNode", 0],
      ["ntasksPerNode", -2],
      ["cpusPerTask", 0],
      ["gpusPerNode", -1],
    ] as const) {
      expect(() => trainSlurmScript({ ...base, [k]: v }), `${k}=${v}`).toThrow(ConfigError);
    }
    expect(() => trainSlurmScript({ ...base, gpus: 1, gpusPerNode: 2 })).toThrow(/not both/);
    expect(() => trainSlurmScript({ trainArgs: ["--nproc", "2"] })).toThrow(/--nproc starts local ranks/);
    expect(() => trainSlurmScript({ trainArgs: ["--nproc=2"] })).toThrow(ConfigError);
    expect(slurmRanks({ nodes: 3, ntasksPerNode: 2 })).toBe(6);
    expect(slurmRanks({})).toBe(1);
  });
});

describe("slurmScript with ranks (a sweep's trials on nodes x ntasks-per-node)", () => {
  it("each array task runs its trial's ranks with srun; one task per trial stays a plain exec", () => {
    const dir = path.join(tmp, "sweep");
    const multi = slurmScript(plan(dir), { ntasksPerNode: 2, nodes: 2, cpusPerTask: 3, gpusPerNode: 1, cwd: tmp });
    for (const l of ["#SBATCH --array=0-2", "#SBATCH --nodes=2", "#SBATCH --ntasks-per-node=2", "#SBATCH --cpus-per-task=3", "#SBATCH --gpus-per-node=1"]) expect(multi.split("\n"), l).toContain(l);
    expect(multi).toContain("4 data-parallel ranks");
    const r = runScript(multi, { SLURM_ARRAY_TASK_ID: "2", SLURM_CPUS_PER_TASK: "3" });
    expect(r.status, r.stderr).toBe(0);
    expect(r.argv).toEqual(["--kill-on-bad-exit=1", "--cpus-per-task=3", process.execPath, cliPath(), "sweep", "--run-trial", dir, "2"]);
    expect(r.cwd).toBe(tmp);
    expect(r.threads).toBe("3");

    const single = slurmScript(plan(dir), { cpusPerTask: 2 });
    expect(single).not.toContain("srun");
    expect(single).not.toContain("#SBATCH --nodes");
    expect(single).toMatch(/^exec '[^']+' '[^']+' 'sweep' '--run-trial' '[^']+' "\$SLURM_ARRAY_TASK_ID"$/m);
    // The tasks run where the sweep was planned (relative config paths resolve as in a local sweep).
    expect(single).toContain(`cd '${process.cwd()}'`);
  });
});
