/**
 * Running a sweep's trials: `local` as child processes N at a time, `slurm` as one job array
 * (`sbatch`) whose task i runs trial i through `werank-native sweep --run-trial DIR i`.
 *
 * @example
 * ```ts
 * await runLocal(plan, { parallel: 2, onUpdate: (s) => console.log(s) });
 * const { jobId } = submitSlurm(plan, { partition: "gpu", time: "04:00:00", gpus: 1 });
 * ```
 */
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ConfigError, WerankError } from "../errors.js";
import { PACKAGE_ROOT } from "../native/addon.js";
import { atomicWriteFile } from "../util/atomicWrite.js";
import { assertNoControlChars, shellQuote } from "../util/shellQuote.js";
import { saveSweep, type SweepPlan, type Trial, trialArgs } from "./sweep.js";

/** The CLI entry point (compiled). */
export function cliPath(): string {
  return path.join(PACKAGE_ROOT, "dist", "cli", "main.js");
}

export interface TrialResult {
  index: number;
  id: string;
  exitCode: number;
  seconds: number;
}

export interface LocalOptions {
  parallel: number;
  /** LibTorch threads per trial (default: cores / parallel, at least 1). */
  threadsPerTrial?: number;
  onUpdate?: (msg: string) => void;
  signal?: AbortSignal;
}

/** Runs one trial as a child process; stdout (JSONL events) and stderr go to files in its run dir. */
export function runTrialProcess(plan: SweepPlan, t: Trial, threads: number, signal?: AbortSignal): Promise<TrialResult> {
  fs.mkdirSync(t.dir, { recursive: true });
  const out = fs.openSync(path.join(t.dir, "stdout.jsonl"), "w");
  const err = fs.openSync(path.join(t.dir, "stderr.log"), "w");
  const start = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliPath(), ...trialArgs(plan, t)], {
      stdio: ["ignore", out, err],
      env: { ...process.env, WERANK_NUM_THREADS: String(threads) },
      signal,
    });
    const done = (code: number): void => {
      fs.closeSync(out);
      fs.closeSync(err);
      resolve({ index: t.index, id: t.id, exitCode: code, seconds: (Date.now() - start) / 1000 });
    };
    child.on("error", () => done(1));
    child.on("exit", (code, sig) => done(code ?? (sig ? 130 : 1)));
  });
}

/** Runs all trials locally, `parallel` at a time. */
export async function runLocal(plan: SweepPlan, o: LocalOptions): Promise<TrialResult[]> {
  const parallel = Math.max(1, Math.floor(o.parallel));
  const cores = os.availableParallelism?.() ?? os.cpus().length;
  const threads = o.threadsPerTrial ?? Math.max(1, Math.floor(cores / parallel));
  const results: TrialResult[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < plan.trials.length && !o.signal?.aborted) {
      const t = plan.trials[next++]!;
      o.onUpdate?.(`[${t.index + 1}/${plan.trials.length}] start ${t.id}`);
      const r = await runTrialProcess(plan, t, threads, o.signal);
      results.push(r);
      o.onUpdate?.(
        `[${results.length}/${plan.trials.length}] ${r.exitCode === 0 ? "done" : `FAILED (exit ${r.exitCode}, see ${path.join(t.dir, "stderr.log")})`} ${t.id} in ${r.seconds.toFixed(1)} s`,
      );
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, plan.trials.length) }, worker));
  return results.sort((a, b) => a.index - b.index);
}

export interface SlurmOptions {
  partition?: string;
  time?: string;
  gpus?: number;
  mem?: string;
  cpusPerTask?: number;
  /** Array tasks running at once (%N). */
  parallel?: number;
  account?: string;
  /** Extra #SBATCH lines. */
  extra?: string[];
  /** The node binary on the compute nodes (default: this node binary); one path, quoted in the script. */
  node?: string;
}

/**
 * The job-array script for a sweep (task i runs trial i). Every value pasted into a shell line is
 * single-quoted ({@link shellQuote}); `#SBATCH` values cannot be quoted for bash, so control
 * characters in them (a newline would start a line bash runs) are refused with ERR_CONFIG.
 */
export function slurmScript(plan: SweepPlan, o: SlurmOptions): string {
  const n = plan.trials.length;
  const name = `werank-${path.basename(plan.dir)}`.replace(/[^A-Za-z0-9._-]/g, "_");
  const sbatch = (flag: string, value: string | number): string => `#SBATCH ${flag}=${assertNoControlChars(`slurm ${flag.replace(/^--/, "")}`, String(value))}`;
  const posInt = (what: string, v: number | undefined): number | undefined => {
    if (v !== undefined && !(Number.isSafeInteger(v) && v >= 0)) throw new ConfigError(`slurm ${what} must be a non-negative integer but is ${String(v)}`);
    return v;
  };
  const lines = [
    "#!/bin/bash",
    `#SBATCH --job-name=${name}`,
    `#SBATCH --array=0-${n - 1}${posInt("parallel", o.parallel) ? `%${o.parallel}` : ""}`,
    sbatch("--output", path.join(plan.dir, "slurm", "%A_%a.out")),
    sbatch("--cpus-per-task", posInt("cpus-per-task", o.cpusPerTask) ?? 1),
  ];
  if (o.partition) lines.push(sbatch("--partition", o.partition));
  if (o.time) lines.push(sbatch("--time", o.time));
  if (o.mem) lines.push(sbatch("--mem", o.mem));
  if (posInt("gpus", o.gpus)) lines.push(sbatch("--gres", `gpu:${o.gpus}`));
  if (o.account) lines.push(sbatch("--account", o.account));
  for (const e of o.extra ?? []) lines.push(`#SBATCH ${assertNoControlChars("an extra #SBATCH line", e)}`);
  lines.push(
    "",
    "# One task = one trial of the sweep; the trial's run directory receives its outputs.",
    "set -euo pipefail",
    `cd ${shellQuote(PACKAGE_ROOT)}`,
    `export WERANK_NUM_THREADS=\${SLURM_CPUS_PER_TASK:-${o.cpusPerTask ?? 1}}`,
    `exec ${shellQuote(o.node ?? process.execPath)} ${shellQuote(cliPath())} sweep --run-trial ${shellQuote(plan.dir)} "$SLURM_ARRAY_TASK_ID"`,
    "",
  );
  return lines.join("\n");
}

/** Writes the job script and submits it with sbatch; returns the job id. */
export function submitSlurm(plan: SweepPlan, o: SlurmOptions): { jobId: string; script: string } {
  const script = path.join(plan.dir, "slurm", "job.sh");
  // Slurm does not create the --output directory; tasks would fail with exit 0:53.
  fs.mkdirSync(path.dirname(script), { recursive: true });
  atomicWriteFile(script, slurmScript(plan, o));
  fs.chmodSync(script, 0o755);
  const r = spawnSync("sbatch", ["--parsable", script], { encoding: "utf8" });
  if (r.error) {
    throw new WerankError(
      "ERR_CONFIG",
      `Cannot run sbatch (${(r.error as NodeJS.ErrnoException).code ?? r.error.message}). Possible solutions: run on a Slurm login node, load the Slurm module, or use --executor local`,
    );
  }
  if (r.status !== 0) throw new WerankError("ERR_CONFIG", `sbatch rejected the job: ${(r.stderr || r.stdout).trim()}`);
  const jobId = r.stdout.trim().split(";")[0]!;
  if (!/^\d+$/.test(jobId)) throw new WerankError("ERR_INTERNAL", `Unexpected sbatch output: ${r.stdout.trim()}`);
  plan.slurm = { jobId, script, submitted: new Date().toISOString() };
  saveSweep(plan);
  return { jobId, script };
}

/** Picks trial `index` of a planned sweep (a Slurm array task). */
export function trialAt(plan: SweepPlan, index: number): Trial {
  const t = plan.trials[index];
  if (!t) throw new ConfigError(`Trial index ${index} is out of range: the sweep has ${plan.trials.length} trials (0..${plan.trials.length - 1})`);
  return t;
}
