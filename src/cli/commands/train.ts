import fs from "node:fs";
import path from "node:path";
import YAML from "yaml";
import { ConfigError } from "../../errors.js";
import type { Config } from "../../experiment/config.js";
import { resolveConfig } from "../../experiment/resolveConfig.js";
import { readConfigFile } from "../../experiment/resolveConfig.js";
import { runName, trainingLabel } from "../../experiment/trainingLabel.js";
import { loadGraphForConfig } from "../../experiment/loadGraphForConfig.js";
import { environmentInfo, RunDir } from "../../experiment/RunDir.js";
import { checkFullBatchMemory } from "../../train/memoryEstimate.js";
import { undirectedEdgeCount } from "../../graph/Graph.js";
import { info, resolveDevice, type MatmulPrecision } from "../../runtime.js";
import type { Device } from "../../tensor/device.js";
import { referenceBlasWarning } from "../../blasInfo.js";
import { distTimeoutMs } from "../../env.js";
import { Trainer, type TrainSummary } from "../../train/Trainer.js";
import { latestCheckpoint } from "../../train/checkpoint/runCheckpoints.js";
import { trainingSchedule } from "../../train/trainingSchedule.js";
import { zeros } from "../../tensor/creation.js";
import { writeReport } from "../../report/writeReport.js";
import { parseCommandArgs, type Parsed } from "../args.js";
import { EXIT, type Command } from "../command.js";
import { CONFIG_HELP, CONFIG_OPTIONS, configSources } from "../configArgs.js";
import { TrainProgress } from "../trainProgress.js";
import { checkRanksConfig, launchTrainRanks, rankPlacement, type RankPlacement, trainRole } from "../trainRanks.js";
import { DEFAULT_DIST_TIMEOUT_MS, ProcessGroup } from "../../dist/ProcessGroup.js";
import type { RankEnv } from "../../dist/rankEnv.js";

/** train's options (also those `slurm-script train` passes on, less --nproc and --print-config). */
export const TRAIN_OPTIONS = {
  ...CONFIG_OPTIONS,
  json: { type: "boolean", help: 'JSONL events on stdout, ending with one {"type":"summary", ...} line' },
  "run-dir": { type: "string", arg: "DIR", help: "write into DIR exactly (default: <output.dir>/<name>-<timestamp>); DIR must be empty or new" },
  overwrite: { type: "boolean", help: "with --run-dir: remove the outputs of an earlier run in DIR first" },
  resume: { type: "string", arg: "RUN_DIR", help: "continue an interrupted run from its newest complete checkpoint (same trajectory)" },
  nproc: {
    type: "string",
    arg: "N",
    help: "train on N data-parallel ranks on this machine (mini-batch only: needs --batch-size;\neach rank gets cores/N LibTorch threads unless WERANK_NUM_THREADS is set)",
  },
  "print-config": { type: "boolean", help: "print the resolved configuration (every key, defaults filled in) as YAML and exit" },
} as const;

/** train's resolved config: from the flags, or with --resume from the run's config.json (and its newest complete checkpoint). */
export function trainConfig(p: Parsed): { config: Config; resumeFrom?: string } {
  const resumeDir = p.values.resume as string | undefined;
  if (!resumeDir) return { config: resolveConfig(configSources(p)) };
  const cfgFile = path.join(resumeDir, "config.json");
  if (!fs.existsSync(cfgFile)) throw new ConfigError(`--resume ${resumeDir}: not a run directory (no config.json)`);
  return { config: resolveConfig({ overrides: readConfigFile(cfgFile) as never }), resumeFrom: newestCheckpoint(resumeDir) };
}

/** The newest complete checkpoint of a run, by the epoch recorded inside (see runCheckpoints.ts). */
function newestCheckpoint(runDir: string): string {
  const ck = latestCheckpoint(runDir);
  if (ck === undefined) throw new ConfigError(`--resume ${runDir}: no complete checkpoint in ${path.join(runDir, "checkpoints")}`);
  return ck;
}

function printSummary(s: TrainSummary): void {
  const pct = (x: number): string => (Number.isFinite(x) ? (100 * x).toFixed(2) : "–");
  const lines = [
    "",
    `${s.status === "completed" ? "Finished" : "Interrupted"}: ${s.label} on ${s.dataset}, ${s.epochsRun}/${s.epochs} epochs on ${s.device} in ${s.seconds.toFixed(1)} s (${(1000 * s.secondsPerEpoch).toFixed(1)} ms/epoch)`,
  ];
  if (s.status === "completed") {
    lines.push(
      `  linear probe accuracy   ${pct(s.probe.mean)} ± ${pct(s.probe.std)} %  (${s.probe.splits} ${s.probe.protocol} splits, ${s.probe.solver} logistic regression)`,
      `  effective rank          representation ${s.effectiveRank.representation.toFixed(1)}, embedding ${s.effectiveRank.embedding.toFixed(1)}${s.effectiveRank.target !== null ? `, target ${s.effectiveRank.target.toFixed(1)}` : ""}`,
    );
    if (s.rankDifferential !== null) lines.push(`  rank differential (RDM) ${s.rankDifferential.toFixed(2)} (erank of the target embedding - erank of the online embedding)`);
    lines.push(`  mean pairwise cosine    ${s.meanPairwiseCosine.toFixed(3)} (online embedding, uncentred)`);
  }
  for (const w of s.warnings) lines.push(`  warning: ${w}`);
  if (s.runDir) {
    lines.push(`  run directory           ${s.runDir}`);
    if (fs.existsSync(path.join(s.runDir, "report.html"))) lines.push(`  report                  ${path.join(s.runDir, "report.html")}`);
    if (s.status === "interrupted") lines.push(`  resume with             werank-native train --resume ${s.runDir}`);
  }
  process.stdout.write(`${lines.join("\n")}\n`);
}

export const trainCommand: Command = {
  name: "train",
  summary: "train a self-supervised graph encoder (default: BGRL + WERank on the synthetic graph)",
  options: TRAIN_OPTIONS,
  help: `werank-native train [config options] [--json] [--run-dir DIR] [--resume RUN_DIR] [--nproc N]

Trains the configured objective (default: BGRL + WERank on the embedded synthetic graph, CPU,
under two minutes on two cores), then evaluates the frozen encoder with the linear-probe protocol,
computes collapse diagnostics and writes a run directory:
  config.json (resolved config)   env.json (versions, device, git sha, data provenance)
  metrics.jsonl   spectra.jsonl   checkpoints/*.safetensors (+ .json)   summary.json   report.html
Ctrl-C saves a checkpoint and exits with code 130; a second Ctrl-C quits at once with code 131 (no
new checkpoint: --resume continues from the newest complete one).

--nproc N starts N data-parallel ranks of this command (each trains on its share of every
mini-batch; gradients are averaged; rank 0 alone writes the run directory). Under torchrun or
Slurm's srun (RANK/WORLD_SIZE or SLURM_PROCID/SLURM_NTASKS set) train joins as that rank instead.
--set encoder.syncBatchNorm=true normalizes BatchNorm with all ranks' batch statistics.
See docs/scale.md "N ranks".

${CONFIG_HELP}

Examples:
  werank-native train
  werank-native train --preset coauthor-cs+werank --data-dir ../shared/data
  werank-native train --dataset cora --objective grace --set objective.tau=0.4 --epochs 500
  werank-native train --preset amazon-computers --no-augment --werank 0.1 --json
  werank-native train --resume runs/bgrl-synthetic-20261122-101500
  werank-native train --dataset ogbn-arxiv --batch-size 512 --fanouts 10,10 --nproc 2`,
  async run(args) {
    const p = parseCommandArgs("train", args, TRAIN_OPTIONS);
    const json = p.values.json === true;
    const resumeDir = p.values.resume as string | undefined;
    const { config, resumeFrom } = trainConfig(p);
    if (p.values["print-config"]) {
      process.stdout.write(YAML.stringify(config));
      return EXIT.ok;
    }
    const role = trainRole(p.values.nproc as string | undefined);
    if (role.kind === "launcher") {
      checkRanksConfig(config, role.nproc);
      return launchTrainRanks(role.nproc, args);
    }
    if (role.kind === "rank") checkRanksConfig(config, role.env.worldSize);
    // Rank 0 alone writes the run directory and prints; the other ranks train and stay silent.
    const lead = role.kind !== "rank" || role.env.rank === 0;
    const out = (s: string): void => void (lead && process.stdout.write(s));
    if (lead) warnIfReferenceBlas();
    // Check the device and load (and validate) the data before creating anything: a GPU that is not
    // there or a bad dataset leaves no half-written run directory.
    let device: Device = resolveDevice(config.train.device);
    let backend: RankPlacement["backend"] = "gloo";
    if (role.kind === "rank") {
      // One GPU per rank of a node (cuda:LOCAL_RANK), over NCCL. config.json keeps the requested
      // device, so a resumed run maps its ranks again.
      ({ device, backend } = rankPlacement(device, role.env, ProcessGroup.support()));
    }
    if (device !== "cpu") zeros([1], { device }).dispose();
    const graph = await loadGraphForConfig(config);
    // The Trainer checks this too; here it comes before the run directory exists.
    checkFullBatchMemory(config, graph, device);
    let runDir: RunDir | undefined;
    if (!lead) runDir = undefined;
    else if (resumeDir) runDir = new RunDir(resumeDir);
    else {
      runDir = typeof p.values["run-dir"] === "string" ? RunDir.fresh(p.values["run-dir"], { overwrite: p.values.overwrite === true }) : RunDir.create(config.output.dir, runName(config));
    }
    if (!resumeFrom && runDir) {
      runDir.writeJson("config.json", config);
      runDir.writeJson("env.json", {
        ...environmentInfo(),
        torch: info(),
        data: {
          name: graph.name,
          nodes: graph.numNodes,
          undirectedEdges: undirectedEdgeCount(graph),
          features: graph.features.cols,
          featureFormat: graph.features.kind,
          classes: graph.numClasses,
          provenance: graph.provenance,
        },
      });
    }
    const pg = role.kind === "rank" ? joinRanks(role.env, backend, device) : undefined;
    let trainer: Trainer;
    try {
      const rankConfig = role.kind === "rank" ? { ...config, train: { ...config.train, device } } : config;
      trainer = new Trainer({ config: rankConfig, graph, runDir, resumeFrom, processGroup: pg });
    } catch (e) {
      pg?.dispose();
      throw e;
    }
    const total = config.train.epochs;
    let interrupts = 0;
    const onSigint = (): void => {
      interrupts++;
      if (interrupts > 1) {
        if (!json && lead) process.stderr.write("\nQuit without a checkpoint: --resume continues from the newest complete one\n");
        process.exit(EXIT.aborted);
      }
      trainer.requestStop();
      if (!json && lead) process.stderr.write("\nInterrupted: saving a checkpoint after this step (Ctrl-C again to quit now)\n");
    };
    process.on("SIGINT", onSigint);
    const progress = new TrainProgress({ total, json, tty: lead && !json && process.stdout.isTTY === true });
    try {
      if (!json) {
        out(
          `Training ${trainingLabel(config)} on ${graph.name} ` +
            `(${graph.numNodes} nodes, ${undirectedEdgeCount(graph)} edges, ${graph.features.cols} features) on ${trainer.device}${precisionNote(config.train.matmulPrecision, trainer.device)}, ${total} epochs${pg ? `, ${pg.worldSize} ranks${config.encoder.syncBatchNorm ? " (synchronized BatchNorm)" : ""}` : ""}\n  run directory ${runDir?.dir ?? "(written by rank 0)"}\n`,
        );
      }
      const schedule = trainingSchedule(config);
      out(`${json ? JSON.stringify(schedule.event) : schedule.line}\n`);
      progress.start(trainer.epoch);
      const it = trainer.fit();
      let r = await it.next();
      while (!r.done) {
        if (lead) progress.onEvent(r.value);
        r = await it.next();
      }
      progress.stop();
      const summary = r.value;
      if (runDir && summary.status === "completed" && config.output.report) await writeReport(runDir.dir);
      if (json) out(`${JSON.stringify(summary)}\n`);
      else if (lead) printSummary(summary);
      // Rank 0 serves the rendezvous store: no rank leaves while another may still need it.
      pg?.barrier();
      return summary.status === "interrupted" ? EXIT.interrupted : EXIT.ok;
    } finally {
      progress.stop();
      process.off("SIGINT", onSigint);
      trainer.dispose();
      pg?.dispose();
    }
  },
};

/** Joins the launcher's group; WERANK_DIST_TIMEOUT_MS bounds how long a collective waits for a silent peer. */
function joinRanks(env: RankEnv, backend: RankPlacement["backend"], device: Device): ProcessGroup {
  return new ProcessGroup({ ...env, backend, device, timeoutMs: distTimeoutMs() ?? DEFAULT_DIST_TIMEOUT_MS });
}

/** ", bfloat16 products" and the like after the device, when the precision is not float32's. */
function precisionNote(p: MatmulPrecision, device: string): string {
  if (p === "highest") return "";
  if (device !== "cpu") return `, TF32 products (matmul precision ${p})`;
  if (p === "high") return ", float32 products (matmul precision high changes only CUDA)";
  return info().bf16Matmul ? ", bfloat16 products (matmul precision medium)" : ", float32 products (this CPU has no native bfloat16)";
}

/** On stderr (stdout may be JSONL): LibTorch on the reference BLAS trains about 25x slower (issue 14). */
function warnIfReferenceBlas(): void {
  const w = referenceBlasWarning();
  if (w) process.stderr.write(`warning: ${w}\n`);
}
