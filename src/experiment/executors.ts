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

/**
 * Runs one trial as a child process; stdout (JSONL events) and stderr go to files in its run dir.
 * With `lead` false (rank > 0 of a multi-rank trial under srun, which inherits SLURM_PROCID etc. and
 * joins rank 0's group) the child writes nothing there and inherits this process's stdio (the task's
 * Slurm output file): only rank 0 writes the trial's run directory and logs.
 */
export function runTrialProcess(plan: SweepPlan, t: Trial, threads: number, signal?: AbortSignal, lead = true): Promise<TrialResult> {
  let out: number | undefined;
  let err: number | undefined;
  if (lead) {
    fs.mkdirSync(t.dir, { recursive: true });
    out = fs.openSync(path.join(t.dir, "stdout.jsonl"), "w");
    err = fs.openSync(path.join(t.dir, "stderr.log"), "w");
  }
  const start = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliPath(), ...trialArgs(plan, t)], {
      stdio: ["ignore", out ?? "inherit", err ?? "inherit"],
      env: { ...process.env, WERANK_NUM_THREADS: String(threads) },
      signal,
    });
    const done = (code: number): void => {
      if (out !== undefined) fs.closeSync(out);
      if (err !== undefined) fs.closeSync(err);
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

/** What a Slurm job asks for: the `#SBATCH` resource lines of a sweep's job array and of `slurm-script train`. */
export interface SlurmResources {
  partition?: string;
  time?: string;
  /** GPUs per job as `--gres=gpu:N` (one node); with ranks, use gpusPerNode. */
  gpus?: number;
  mem?: string;
  /** CPUs per task (per rank); also WERANK_NUM_THREADS. Default 1. */
  cpusPerTask?: number;
  account?: string;
  /** Nodes per job (default 1). */
  nodes?: number;
  /** Tasks (data-parallel ranks) per node (default 1). */
  ntasksPerNode?: number;
  /** GPUs per node (`--gpus-per-node`). */
  gpusPerNode?: number;
  /** Extra #SBATCH lines. */
  extra?: string[];
  /** The node binary on the compute nodes (default: this node binary); one path, quoted in the script. */
  node?: string;
}

export interface SlurmOptions extends SlurmResources {
  /** Array tasks running at once (%N). */
  parallel?: number;
  /** The directory the tasks run in (relative paths of the sweep's config resolve there, as in a local sweep); default process.cwd(). */
  cwd?: string;
}

function slurmInt(what: string, v: number | undefined, min: number): number | undefined {
  if (v !== undefined && !(Number.isSafeInteger(v) && v >= min)) throw new ConfigError(`slurm ${what} must be an integer >= ${min} but is ${String(v)}`);
  return v;
}

/** `#SBATCH --flag=value`; a control character in the value (a newline would start a line bash runs) is refused. */
export function sbatchLine(flag: string, value: string | number): string {
  return `#SBATCH ${flag}=${assertNoControlChars(`slurm ${flag.replace(/^--/, "")}`, String(value))}`;
}

/** A word pasted into the job's command line as it is (a variable the job expands); every plain string is quoted. */
export interface ShellWord {
  shell: string;
}

/** Data-parallel ranks of one job (nodes x ntasksPerNode); validates both. */
export function slurmRanks(o: Pick<SlurmResources, "nodes" | "ntasksPerNode">): number {
  return (slurmInt("nodes", o.nodes, 1) ?? 1) * (slurmInt("ntasks-per-node", o.ntasksPerNode, 1) ?? 1);
}

/**
 * The `#SBATCH` lines for the resources (after --job-name and --output), and the two lines of the job
 * body that set WERANK_NUM_THREADS and start `argv` (quoted): plain `exec` for one task, `exec srun`
 * for several, each srun task then being one rank (src/dist/rankEnv.ts reads SLURM_PROCID etc.).
 * `--kill-on-bad-exit=1` ends the step when a rank fails; `--cpus-per-task` is repeated on srun,
 * which from Slurm 22.05 on does not inherit sbatch's value (srun's man page).
 */
export function slurmJobLines(o: SlurmResources, argv: readonly (string | ShellWord)[], forceSrun = false): { sbatch: string[]; body: string[] } {
  const ranks = slurmRanks(o);
  const cpus = slurmInt("cpus-per-task", o.cpusPerTask, 1) ?? 1;
  if (slurmInt("gpus", o.gpus, 0) && slurmInt("gpus-per-node", o.gpusPerNode, 0)) {
    throw new ConfigError(`slurm: give gpus (--gres=gpu:N, one node) or gpusPerNode (--gpus-per-node), not both (${o.gpus} and ${o.gpusPerNode})`);
  }
  const sbatch: string[] = [];
  if (ranks > 1) sbatch.push(sbatchLine("--nodes", o.nodes ?? 1), sbatchLine("--ntasks-per-node", o.ntasksPerNode ?? 1));
  sbatch.push(sbatchLine("--cpus-per-task", cpus));
  if (o.partition) sbatch.push(sbatchLine("--partition", o.partition));
  if (o.time) sbatch.push(sbatchLine("--time", o.time));
  if (o.mem) sbatch.push(sbatchLine("--mem", o.mem));
  if (o.gpus) sbatch.push(sbatchLine("--gres", `gpu:${o.gpus}`));
  if (slurmInt("gpus-per-node", o.gpusPerNode, 0)) sbatch.push(sbatchLine("--gpus-per-node", o.gpusPerNode!));
  if (o.account) sbatch.push(sbatchLine("--account", o.account));
  for (const e of o.extra ?? []) sbatch.push(`#SBATCH ${assertNoControlChars("an extra #SBATCH line", e)}`);
  const command = [o.node ?? process.execPath, ...argv].map((a) => (typeof a === "string" ? shellQuote(a) : a.shell)).join(" ");
  const srun = ranks > 1 || forceSrun ? `srun --kill-on-bad-exit=1 --cpus-per-task=${cpus} ` : "";
  return { sbatch, body: [`export WERANK_NUM_THREADS=\${SLURM_CPUS_PER_TASK:-${cpus}}`, `exec ${srun}${command}`] };
}

/**
 * The job-array script for a sweep (task i runs trial i; with nodes x ntasksPerNode > 1 each trial
 * runs as that many ranks under srun). Every value pasted into a shell line is single-quoted
 * ({@link shellQuote}); `#SBATCH` values cannot be quoted for bash, so control characters in them
 * (a newline would start a line bash runs) are refused with ERR_CONFIG.
 */
export function slurmScript(plan: SweepPlan, o: SlurmOptions): string {
  const n = plan.trials.length;
  const name = `werank-${path.basename(plan.dir)}`.replace(/[^A-Za-z0-9._-]/g, "_");
  const parallel = slurmInt("parallel", o.parallel, 0);
  const job = slurmJobLines(o, [cliPath(), "sweep", "--run-trial", plan.dir, { shell: '"$SLURM_ARRAY_TASK_ID"' }]);
  const ranks = slurmRanks(o);
  return [
    "#!/bin/bash",
    `#SBATCH --job-name=${name}`,
    `#SBATCH --array=0-${n - 1}${parallel ? `%${parallel}` : ""}`,
    sbatchLine("--output", path.join(plan.dir, "slurm", "%A_%a.out")),
    ...job.sbatch,
    "",
    ranks > 1
      ? `# One task = one trial of the sweep on ${ranks} data-parallel ranks (srun tasks); rank 0 writes the trial's run directory.`
      : "# One task = one trial of the sweep; the trial's run directory receives its outputs.",
    "set -euo pipefail",
    `cd ${shellQuote(o.cwd ?? process.cwd())}`,
    ...job.body,
    "",
  ].join("\n");
}

/** Runs `sbatch --parsable FILE`; returns the job id (ERR_CONFIG when sbatch is missing or refuses the job). */
export function sbatchSubmit(file: string): string {
  const r = spawnSync("sbatch", ["--parsable", file], { encoding: "utf8" });
  if (r.error) {
    throw new WerankError(
      "ERR_CONFIG",
      `Cannot run sbatch (${(r.error as NodeJS.ErrnoException).code ?? r.error.message}). Possible solutions: run on a Slurm login node, load the Slurm module, or use --executor local`,
    );
  }
  if (r.status !== 0) throw new WerankError("ERR_CONFIG", `sbatch rejected the job: ${(r.stderr || r.stdout).trim()}`);
  const jobId = r.stdout.trim().split(";")[0]!;
  if (!/^\d+$/.test(jobId)) throw new WerankError("ERR_INTERNAL", `Unexpected sbatch output: ${r.stdout.trim()}`);
  return jobId;
}

/** Writes an executable job script, creating its directory (and `also`, e.g. the --output directory: Slurm does not create it). */
export function writeJobScript(file: string, text: string, also: string[] = []): void {
  for (const d of [path.dirname(file), ...also]) fs.mkdirSync(d, { recursive: true });
  atomicWriteFile(file, text);
  fs.chmodSync(file, 0o755);
}

/** Writes the job script and submits it with sbatch; returns the job id. */
export function submitSlurm(plan: SweepPlan, o: SlurmOptions): { jobId: string; script: string } {
  const script = path.join(plan.dir, "slurm", "job.sh");
  // Slurm does not create the --output directory; tasks would fail with exit 0:53.
  writeJobScript(script, slurmScript(plan, o));
  const jobId = sbatchSubmit(script);
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
