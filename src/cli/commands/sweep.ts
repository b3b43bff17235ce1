import path from "node:path";
import { ConfigError } from "../../errors.js";
import { resolveConfig } from "../../experiment/resolveConfig.js";
import { readRankEnv } from "../../dist/rankEnv.js";
import { cliPath, runLocal, slurmRanks, slurmScript, submitSlurm, trialAt, runTrialProcess } from "../../experiment/executors.js";
import { loadSweep, planSweep, saveSweep, type SweepPlan, trialConfig } from "../../experiment/sweep.js";
import { numberFlag, parseCommandArgs } from "../args.js";
import { EXIT, type Command } from "../command.js";
import { CONFIG_HELP, CONFIG_OPTIONS, configSources } from "../configArgs.js";
import { slurmResourceOptions, slurmResources } from "../slurmArgs.js";
import { checkRanksConfig } from "../trainRanks.js";

const SLURM = "Slurm (--executor slurm; default: the config's slurm section)";

const OPTIONS = {
  ...CONFIG_OPTIONS,
  grid: {
    type: "string",
    multiple: true,
    arg: "KEY=V1,V2",
    help: "a config key (short names such as werank, lr, epochs work) and its values;\nJSON lists for array values: --grid 'augment.dropEdge=[[0,0],[0.2,0.2]]'",
  },
  seeds: { type: "string", arg: "N", help: "seeds per configuration (default 1)" },
  executor: {
    type: "string",
    arg: "local|slurm",
    help: "local (default): run trials as child processes, --parallel N at a time;\nslurm: write SWEEP_DIR/slurm/job.sh (a job array, task i = trial i), submit it\nwith sbatch and print the job id",
  },
  parallel: { type: "string", arg: "N", help: "trials at a time (local), or the job array's concurrency limit (slurm)" },
  dir: { type: "string", arg: "SWEEP_DIR", help: "where the plan and trials go (default: sweeps/<timestamp>)" },
  "dry-run": { type: "boolean", help: "print the trials (local) or the job script (slurm); write and run nothing" },
  ...slurmResourceOptions(SLURM),
  gpus: { type: "string", arg: "N", help: "GPUs per trial (--gres=gpu:N, one node; with ranks use --gpus-per-node)", group: SLURM },
  "run-trial": { type: "string", arg: "SWEEP_DIR", help: "--run-trial SWEEP_DIR INDEX runs trial INDEX here (what each array task runs)", group: SLURM },
} as const;

export const sweepCommand: Command = {
  name: "sweep",
  summary: "expand a grid x seeds into trials and run them locally or as a Slurm job array",
  options: OPTIONS,
  help: `werank-native sweep [config options] --grid KEY=V1,V2,... [--grid ...] [--seeds N]
                     [--executor local|slurm] [--parallel N] [--dir SWEEP_DIR] [--dry-run]
                     [--partition P] [--time HH:MM:SS] [--gpus N] [--mem 16G] [--cpus-per-task N] [--account A]
                     [--nodes N] [--ntasks-per-node N] [--gpus-per-node N]

Each combination of grid values and seed (train.seed = 0..N-1) is a trial with its own run directory
under SWEEP_DIR/trials/. The plan is saved in SWEEP_DIR/sweep.json; aggregate with 'werank-native collect'.
With --executor slurm and --nodes x --ntasks-per-node > 1, each trial trains on that many
data-parallel ranks (srun in its array task; rank 0 writes the trial's directory; mini-batch only).

${CONFIG_HELP}

Examples:
  werank-native sweep --preset coauthor-cs --grid werank=0,0.01,0.1,1 --seeds 5 --executor local --parallel 2
  werank-native sweep --config base.yaml --grid werank=0,0.1,1 --seeds 5 --executor slurm --partition gpu --gpus 1 --time 04:00:00
  werank-native sweep --preset coauthor-cs --batch-size 1024 --fanouts 10,10 --grid werank=0,0.1 --executor slurm \\
      --nodes 2 --ntasks-per-node 4 --gpus-per-node 4 --cpus-per-task 8 --device cuda
  werank-native collect sweeps/20261122-120000`,
  async run(args) {
    const p = parseCommandArgs("sweep", args, OPTIONS, true);
    const v = p.values;
    if (typeof v["run-trial"] === "string") {
      // A Slurm array task: run trial INDEX of the sweep in this process's allocation.
      const index = numberFlag("run-trial INDEX", p.positionals[0], { integer: true, min: 0 });
      if (index === undefined) throw new ConfigError("sweep --run-trial SWEEP_DIR INDEX: INDEX is missing");
      const plan = loadSweep(v["run-trial"]);
      const t = trialAt(plan, index);
      // Under srun (several ranks per trial) every rank runs this; rank 0 alone writes the trial's files.
      const rank = readRankEnv();
      const r = await runTrialProcess(plan, t, Number(process.env.WERANK_NUM_THREADS) || 1, undefined, rank.rank === 0);
      const who = rank.worldSize > 1 ? ` (rank ${rank.rank} of ${rank.worldSize})` : "";
      process.stdout.write(`trial ${t.id}${who}: exit ${r.exitCode} in ${r.seconds.toFixed(1)} s (${t.dir})\n`);
      return r.exitCode;
    }
    const grid = (v.grid as string[] | undefined) ?? [];
    if (grid.length === 0 && v.seeds === undefined) throw new ConfigError("sweep: give at least one --grid KEY=V1,V2,... or --seeds N");
    const executor = (v.executor as string | undefined) ?? "local";
    if (executor !== "local" && executor !== "slurm") throw new ConfigError(`sweep: unknown --executor '${executor}'. Valid choices: local, slurm`);
    const base = configSources(p);
    const baseCfg = resolveConfig(base);
    const stamp = new Date().toISOString().replace(/[-:]/g, "").replace(/\..*$/, "").replace("T", "-");
    const dir = (v.dir as string | undefined) ?? path.join("sweeps", stamp);
    const plan = planSweep({ dir, base, grid, seeds: numberFlag("seeds", v.seeds, { integer: true, min: 1 }) ?? 1 });
    const parallel = numberFlag("parallel", v.parallel, { integer: true, min: 1 }) ?? 1;
    if (executor === "slurm") {
      const s = baseCfg.slurm;
      const opts = {
        ...slurmResources(v, s),
        parallel: numberFlag("parallel", v.parallel, { integer: true, min: 1 }) ?? (s.parallel || undefined),
      };
      checkTrialRanks(plan, slurmRanks(opts));
      if (v["dry-run"]) {
        process.stdout.write(slurmScript(plan, opts));
        return EXIT.ok;
      }
      saveSweep(plan);
      const { jobId, script } = submitSlurm(plan, opts);
      process.stdout.write(`submitted ${plan.trials.length} trials as Slurm job array ${jobId}\n  script: ${script}\n  collect: werank-native collect ${plan.dir}\n${jobId}\n`);
      return EXIT.ok;
    }
    if (v["dry-run"]) {
      process.stdout.write(`${plan.trials.length} trials in ${plan.dir} (dry run: nothing written)\n`);
      for (const t of plan.trials) process.stdout.write(`  ${t.id}: ${t.label}\n    node ${cliPath()} ${["train", "--run-dir", t.dir, "..."].join(" ")} ${t.set.map((s) => `--set ${s}`).join(" ")}\n`);
      return EXIT.ok;
    }
    saveSweep(plan);
    process.stdout.write(`sweep: ${plan.trials.length} trials in ${plan.dir}, ${parallel} at a time\n`);
    const results = await runLocal(plan, { parallel, onUpdate: (m) => process.stdout.write(`${m}\n`) });
    const failed = results.filter((r) => r.exitCode !== 0);
    process.stdout.write(`sweep: ${results.length - failed.length}/${results.length} trials succeeded. Aggregate: werank-native collect ${plan.dir}\n`);
    return failed.length ? EXIT.failure : EXIT.ok;
  },
};

/** Refuses (before anything is written or submitted) a sweep whose trials cannot run on `ranks` ranks. */
function checkTrialRanks(plan: SweepPlan, ranks: number): void {
  if (ranks <= 1) return;
  for (const t of plan.trials) {
    try {
      checkRanksConfig(trialConfig(plan.base, t.set), ranks);
    } catch (e) {
      if (e instanceof ConfigError) throw new ConfigError(`sweep trial ${t.id}: ${e.message}`);
      throw e;
    }
  }
}
