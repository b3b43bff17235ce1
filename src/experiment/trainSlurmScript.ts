/**
 * The sbatch script that runs one `werank-native train` on nodes x ntasksPerNode data-parallel ranks
 * (docs/scale.md "On a Slurm cluster"): `srun` starts one `train` per task, and each joins the group
 * as rank SLURM_PROCID with the first host of SLURM_JOB_NODELIST as its master (src/dist/rankEnv.ts);
 * rank 0 writes the run directory. `werank-native slurm-script train` prints it or submits it.
 *
 * @example
 * ```ts
 * import { trainSlurmScript } from "werank-native";
 * const script = trainSlurmScript({
 *   trainArgs: ["--preset", "coauthor-cs", "--batch-size", "1024", "--fanouts", "10,10", "--run-dir", "runs/cs-8"],
 *   nodes: 2, ntasksPerNode: 4, cpusPerTask: 8, partition: "cpu", time: "04:00:00",
 * });
 * // #!/bin/bash / #SBATCH --nodes=2 / #SBATCH --ntasks-per-node=4 / ... / exec srun --kill-on-bad-exit=1 ... 'train' ...
 * ```
 */
import { ConfigError } from "../errors.js";
import { shellQuote } from "../util/shellQuote.js";
import { cliPath, sbatchLine, type SlurmResources, slurmJobLines, slurmRanks } from "./executors.js";

/** Why `--nproc` is refused in a Slurm job's train arguments. */
export const NPROC_UNDER_SLURM = "--nproc starts local ranks; under Slurm the ranks are --nodes x --ntasks-per-node (drop --nproc)";

export interface TrainSlurmOptions extends SlurmResources {
  /**
   * The arguments of `werank-native train` (what follows `train`), each passed to every rank as one
   * word. Not validated here: the CLI resolves the config first and refuses full-batch training on
   * more than one rank (checkRanksConfig); `--nproc` is refused (the ranks are Slurm's tasks).
   */
  trainArgs: readonly string[];
  /** The directory the job runs in (relative paths of trainArgs resolve there); default process.cwd(). */
  cwd?: string;
  /** `#SBATCH --output` (`%j` is the job id); default Slurm's slurm-%j.out in the submission directory. */
  output?: string;
  /** `#SBATCH --job-name` (default werank-train; characters other than letters, digits, `._-` become `_`). */
  jobName?: string;
}

/**
 * The job script. Every value in a shell line is single-quoted ({@link shellQuote}); control
 * characters in `#SBATCH` values (a newline would start a line bash runs) are refused with ERR_CONFIG.
 * `srun --kill-on-bad-exit=1` ends the job when a rank fails; WERANK_NUM_THREADS is each rank's
 * SLURM_CPUS_PER_TASK.
 */
export function trainSlurmScript(o: TrainSlurmOptions): string {
  if (o.trainArgs.some((a) => a === "--nproc" || a.startsWith("--nproc="))) throw new ConfigError(NPROC_UNDER_SLURM);
  const ranks = slurmRanks(o);
  const job = slurmJobLines(o, [cliPath(), "train", ...o.trainArgs], true);
  const name = (o.jobName ?? "werank-train").replace(/[^A-Za-z0-9._-]/g, "_");
  const layout = `${o.nodes ?? 1} node${(o.nodes ?? 1) > 1 ? "s" : ""} x ${o.ntasksPerNode ?? 1} task${(o.ntasksPerNode ?? 1) > 1 ? "s" : ""}`;
  return [
    "#!/bin/bash",
    `#SBATCH --job-name=${name}`,
    ...(o.output !== undefined ? [sbatchLine("--output", o.output)] : []),
    ...job.sbatch,
    "",
    ranks > 1
      ? `# werank-native train on ${ranks} data-parallel ranks (${layout}): srun starts one train per task, each joins\n# as rank SLURM_PROCID (master: the first node of the job); rank 0 writes the run directory and prints.`
      : "# werank-native train as one task (more ranks: --nodes / --ntasks-per-node).",
    "set -euo pipefail",
    `cd ${shellQuote(o.cwd ?? process.cwd())}`,
    ...job.body,
    "",
  ].join("\n");
}
