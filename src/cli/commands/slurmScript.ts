import fs from "node:fs";
import path from "node:path";
import { ConfigError } from "../../errors.js";
import { sbatchSubmit, slurmRanks, writeJobScript } from "../../experiment/executors.js";
import { RunDir } from "../../experiment/RunDir.js";
import { runName } from "../../experiment/trainingLabel.js";
import { NPROC_UNDER_SLURM as NPROC, trainSlurmScript } from "../../experiment/trainSlurmScript.js";
import { type OptionSpec, parseCommandArgs } from "../args.js";
import { EXIT, type Command } from "../command.js";
import { CONFIG_HELP } from "../configArgs.js";
import { slurmResourceOptions, slurmResources } from "../slurmArgs.js";
import { checkRanksConfig } from "../trainRanks.js";
import { TRAIN_OPTIONS, trainConfig } from "./train.js";

const SLURM = "Slurm job";

/** The job's own options; every other option is train's and goes to the ranks. */
const JOB_OPTIONS = {
  ...slurmResourceOptions(SLURM),
  submit: { type: "boolean", help: "write the script (default RUN_DIR/slurm/job.sh) and submit it with sbatch;\nprints the job id", group: SLURM },
  script: { type: "string", arg: "PATH", help: "with --submit: where the script is written", group: SLURM },
} as const satisfies OptionSpec;

// --nproc is the local launcher's (the ranks are Slurm's tasks); --print-config runs nothing.
const { nproc: _nproc, "print-config": _printConfig, ...TRAIN_ARGS } = TRAIN_OPTIONS;
const OPTIONS: OptionSpec = { ...TRAIN_ARGS, ...JOB_OPTIONS };

/**
 * The train arguments of the command line: every word except the leading `train` positional and the
 * job's own options (a string option with its value, `--x=v` as one word).
 */
function trainArgsOf(args: readonly string[]): string[] {
  const out: string[] = [];
  let sawTrain = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const name = a.startsWith("--") ? a.slice(2).split("=")[0]! : undefined;
    if (name !== undefined && Object.hasOwn(JOB_OPTIONS, name)) {
      if (JOB_OPTIONS[name as keyof typeof JOB_OPTIONS].type === "string" && !a.includes("=")) i++;
      continue;
    }
    if (a === "train" && !sawTrain) {
      sawTrain = true;
      continue;
    }
    out.push(a);
    const o = name !== undefined && !a.includes("=") ? OPTIONS[name] : undefined;
    if (o?.type === "string" && i + 1 < args.length) out.push(args[++i]!);
  }
  return out;
}

export const slurmScriptCommand: Command = {
  name: "slurm-script",
  summary: "print (or submit) an sbatch script that runs `train` on nodes x ntasks-per-node ranks with srun",
  options: OPTIONS,
  help: `werank-native slurm-script train [train options] [--nodes N] [--ntasks-per-node N] [--gpus-per-node N]
                            [--partition P] [--time HH:MM:SS] [--mem SIZE] [--cpus-per-task N] [--account A]
                            [--submit [--script PATH]]

Prints an sbatch script that runs the given 'werank-native train' command on --nodes x
--ntasks-per-node data-parallel ranks: 'srun --kill-on-bad-exit=1' starts one train per task, each
joins as rank SLURM_PROCID (master: the first node of the job), rank 0 writes the run directory, and
each rank gets WERANK_NUM_THREADS = SLURM_CPUS_PER_TASK. More than one rank needs mini-batch training
(--batch-size, --fanouts). The train options are checked as 'train' checks them before anything is
printed. Defaults come from the config's slurm section (slurm.nodes, slurm.ntasksPerNode, ...).

--submit fixes the run directory now (--run-dir, --resume's, or a new <output.dir>/<name>-<timestamp>),
writes the script to RUN_DIR/slurm/job.sh (or --script PATH), the job's output to RUN_DIR/slurm/<job id>.out,
submits it with sbatch and prints the job id on the last line. The compute nodes need this checkout
(built) at the same path, on a shared file system. See docs/scale.md "On a Slurm cluster".

${CONFIG_HELP}

Examples:
  werank-native slurm-script train --preset coauthor-cs --batch-size 1024 --fanouts 10,10 --nodes 2 --ntasks-per-node 4 --cpus-per-task 8
  werank-native slurm-script train --config my.yaml --batch-size 512 --fanouts 15,10 --ntasks-per-node 2 --partition cpu --time 04:00:00 --submit
  werank-native slurm-script train --resume runs/bgrl-ogbn-arxiv-20261201-101500 --nodes 2 --ntasks-per-node 2 --submit`,
  run(args) {
    if (args.some((a) => a === "--nproc" || a.startsWith("--nproc="))) throw new ConfigError(NPROC);
    const p = parseCommandArgs("slurm-script", args, OPTIONS, true);
    if (p.positionals[0] !== "train" || p.positionals.length !== 1) {
      throw new ConfigError(
        `Expected the command to run, 'train', then its options (werank-native slurm-script train --batch-size 512 ...) but received ${p.positionals.length ? `'${p.positionals.join(" ")}'` : "no command"}`,
      );
    }
    const v = p.values;
    // Checked as train checks them, before anything is printed or written.
    const { config } = trainConfig(p);
    const resources = slurmResources(v, config.slurm);
    checkRanksConfig(config, slurmRanks(resources));
    let trainArgs = trainArgsOf(args);
    if (!v.submit) {
      if (v.script !== undefined) throw new ConfigError("--script PATH is where --submit writes the script; without --submit the script is printed");
      process.stdout.write(trainSlurmScript({ ...resources, trainArgs }));
      return EXIT.ok;
    }
    // The run directory is fixed now, so the script and Slurm's output file can go into it.
    let runDir: string;
    let created: string | undefined;
    if (typeof v.resume === "string") runDir = path.resolve(v.resume);
    else {
      if (typeof v["run-dir"] === "string") {
        runDir = path.resolve(v["run-dir"]);
        if (!fs.existsSync(runDir)) created = runDir;
        else if (v.overwrite !== true) RunDir.fresh(runDir); // refuses a directory holding files now rather than in the job
      } else {
        runDir = RunDir.create(config.output.dir, runName(config)).dir;
        created = runDir;
        trainArgs = [...trainArgs, "--run-dir", runDir];
      }
      // The directory holds slurm/ (this script, the job's output) when rank 0 starts writing into it.
      if (v.overwrite !== true) trainArgs = [...trainArgs, "--overwrite"];
    }
    const slurmDir = path.join(runDir, "slurm");
    const script = path.resolve((v.script as string | undefined) ?? path.join(slurmDir, "job.sh"));
    let jobId: string;
    try {
      writeJobScript(script, trainSlurmScript({ ...resources, trainArgs, output: path.join(slurmDir, "%j.out") }), [slurmDir]);
      jobId = sbatchSubmit(script);
    } catch (e) {
      // Nothing was submitted (a bad value, sbatch missing or refusing): leave no run directory or script behind.
      if (created) fs.rmSync(created, { recursive: true, force: true });
      else {
        fs.rmSync(script, { force: true });
        if (fs.existsSync(slurmDir) && fs.readdirSync(slurmDir).length === 0) fs.rmdirSync(slurmDir);
      }
      throw e;
    }
    process.stdout.write(
      `submitted train on ${slurmRanks(resources)} rank(s) as Slurm job ${jobId}\n  script: ${script}\n  output: ${path.join(slurmDir, `${jobId}.out`)}\n  run directory: ${runDir}\n${jobId}\n`,
    );
    return EXIT.ok;
  },
};
