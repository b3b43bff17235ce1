/**
 * The Slurm resource flags shared by `sweep --executor slurm` and `slurm-script train`, and their
 * values: a flag wins over the config's `slurm` section (src/experiment/config.ts), which gives the
 * defaults.
 */
import type { Config } from "../experiment/config.js";
import type { SlurmResources } from "../experiment/executors.js";
import { numberFlag, type OptionSpec, type Parsed } from "./args.js";

/** The option table: sbatch's resource flags under the heading `group`. */
export function slurmResourceOptions(group: string) {
  return {
    partition: { type: "string", arg: "P", help: "sbatch --partition", group },
    time: { type: "string", arg: "HH:MM:SS", help: "sbatch --time (per trial in a sweep)", group },
    mem: { type: "string", arg: "SIZE", help: "sbatch --mem (per node), e.g. 16G", group },
    "cpus-per-task": { type: "string", arg: "N", help: "CPUs per task (per rank); also its WERANK_NUM_THREADS", group },
    account: { type: "string", arg: "A", help: "sbatch --account", group },
    nodes: { type: "string", arg: "N", help: "nodes per job (per trial in a sweep); the ranks are nodes x ntasks-per-node", group },
    "ntasks-per-node": {
      type: "string",
      arg: "N",
      help: "data-parallel ranks per node (more than one rank in all: srun starts them;\nmini-batch training only)",
      group,
    },
    "gpus-per-node": {
      type: "string",
      arg: "N",
      help: "sbatch --gpus-per-node (with --device cuda each rank of a node trains on\ncuda:<local rank> over NCCL: give as many --ntasks-per-node, docs/scale.md)",
      group,
    },
  } as const satisfies OptionSpec;
}

const text = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

/** The resources from the parsed flags over the config's slurm section (`--gpus` is sweep's flag; slurm.gpus applies to both). */
export function slurmResources(v: Parsed["values"], s: Config["slurm"]): SlurmResources {
  return {
    partition: text(v.partition) ?? s.partition,
    time: text(v.time) ?? s.time,
    mem: text(v.mem) ?? s.mem,
    cpusPerTask: numberFlag("cpus-per-task", v["cpus-per-task"], { integer: true, min: 1 }) ?? s.cpusPerTask,
    account: text(v.account) ?? s.account,
    gpus: numberFlag("gpus", v.gpus, { integer: true, min: 0 }) ?? s.gpus,
    nodes: numberFlag("nodes", v.nodes, { integer: true, min: 1 }) ?? s.nodes,
    ntasksPerNode: numberFlag("ntasks-per-node", v["ntasks-per-node"], { integer: true, min: 1 }) ?? s.ntasksPerNode,
    gpusPerNode: numberFlag("gpus-per-node", v["gpus-per-node"], { integer: true, min: 0 }) ?? s.gpusPerNode,
  };
}
