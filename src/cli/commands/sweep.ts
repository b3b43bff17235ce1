import path from "node:path";
import { ConfigError } from "../../errors.js";
import { resolveConfig } from "../../experiment/resolveConfig.js";
import { cliPath, runLocal, slurmScript, submitSlurm, trialAt, runTrialProcess } from "../../experiment/executors.js";
import { loadSweep, planSweep, saveSweep } from "../../experiment/sweep.js";
import { numberFlag, parseCommandArgs } from "../args.js";
import { EXIT, type Command } from "../command.js";
import { CONFIG_HELP, CONFIG_OPTIONS, configSources } from "../configArgs.js";

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
  partition: { type: "string", arg: "P", help: "sbatch --partition", group: SLURM },
  time: { type: "string", arg: "HH:MM:SS", help: "sbatch --time per trial", group: SLURM },
  gpus: { type: "string", arg: "N", help: "GPUs per trial", group: SLURM },
  mem: { type: "string", arg: "SIZE", help: "memory per trial, e.g. 16G", group: SLURM },
  "cpus-per-task": { type: "string", arg: "N", help: "CPUs per trial (also its WERANK_NUM_THREADS)", group: SLURM },
  account: { type: "string", arg: "A", help: "sbatch --account", group: SLURM },
  "run-trial": { type: "string", arg: "SWEEP_DIR", help: "--run-trial SWEEP_DIR INDEX runs trial INDEX here (what each array task runs)", group: SLURM },
} as const;

export const sweepCommand: Command = {
  name: "sweep",
  summary: "expand a grid x seeds into trials and run them locally or as a Slurm job array",
  options: OPTIONS,
  help: `werank-native sweep [config options] --grid KEY=V1,V2,... [--grid ...] [--seeds N]
                     [--executor local|slurm] [--parallel N] [--dir SWEEP_DIR] [--dry-run]
                     [--partition P] [--time HH:MM:SS] [--gpus N] [--mem 16G] [--cpus-per-task N] [--account A]

Each combination of grid values and seed (train.seed = 0..N-1) is a trial with its own run directory
under SWEEP_DIR/trials/. The plan is saved in SWEEP_DIR/sweep.json; aggregate with 'werank-native collect'.

${CONFIG_HELP}

Examples:
  werank-native sweep --preset coauthor-cs --grid werank=0,0.01,0.1,1 --seeds 5 --executor local --parallel 2
  werank-native sweep --config base.yaml --grid werank=0,0.1,1 --seeds 5 --executor slurm --partition gpu --gpus 1 --time 04:00:00
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
      const r = await runTrialProcess(plan, t, Number(process.env.WERANK_NUM_THREADS) || 1);
      process.stdout.write(`trial ${t.id}: exit ${r.exitCode} in ${r.seconds.toFixed(1)} s (${t.dir})\n`);
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
        partition: (v.partition as string | undefined) ?? s.partition,
        time: (v.time as string | undefined) ?? s.time,
        gpus: numberFlag("gpus", v.gpus, { integer: true, min: 0 }) ?? s.gpus,
        mem: (v.mem as string | undefined) ?? s.mem,
        cpusPerTask: numberFlag("cpus-per-task", v["cpus-per-task"], { integer: true, min: 1 }) ?? s.cpusPerTask,
        account: (v.account as string | undefined) ?? s.account,
        parallel: numberFlag("parallel", v.parallel, { integer: true, min: 1 }) ?? (s.parallel || undefined),
      };
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
