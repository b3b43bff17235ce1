/**
 * The training loop (DESIGN D2, D3, D8): drives the training step (src/train/trainStep.ts) of a config's
 * model (src/experiment/RunModel.ts) epoch by epoch on the lr / EMA schedules, full batch (one step per
 * epoch) or in neighbour-sampled mini-batches (train.batchSize > 0; docs/scale.md), and emits
 * events: diagnostics, probes, warnings (src/train/RunMonitor.ts), resumable checkpoints
 * (src/train/checkpoint/trainingCheckpoint.ts), a summary; src/train/RunRecorder.ts writes them. Steps
 * are synchronous; the loop yields between them (SIGINT, progress and I/O stay responsive). With a
 * ProcessGroup (TrainerOptions.processGroup) it is one data-parallel rank (docs/scale.md "N ranks").
 *
 * @example
 * ```ts
 * const cfg = resolveConfig({ preset: "amazon-computers+werank" });
 * const trainer = new Trainer({ config: cfg, graph: await loadGraphForConfig(cfg) });
 * for await (const ev of trainer.fit()) if (ev.type === "epoch") console.log(ev.epoch, ev.loss);
 * const summary = trainer.summary;   // probe accuracy, effective ranks, seconds per epoch
 * trainer.dispose();
 * ```
 */
import { setImmediate as nextTick } from "node:timers/promises";
import { ArgumentError, ConfigError, DisposedError, WerankError } from "../errors.js";
import type { ProbeResult } from "../eval/linearProbe.js";
import { buildOptimizer } from "../experiment/buildOptimizer.js";
import { type Config, miniBatchProblem, syncBatchNormProblem } from "../experiment/config.js";
import type { RunDir } from "../experiment/RunDir.js";
import { RunModel } from "../experiment/RunModel.js";
import type { TrainEvent, TrainSummary } from "../experiment/runEvents.js";
import type { Graph } from "../graph/Graph.js";
import type { ProcessGroup } from "../dist/ProcessGroup.js";
import type { CollapseReport } from "../metrics/collapseReport.js";
import type { WERank } from "../regularizers/werank.js";
import type { Objective } from "../ssl/Objective.js";
import { resolveDevice } from "../runtime.js";
import type { Device } from "../tensor/device.js";
import { Generator } from "../tensor/Generator.js";
import type { Tensor } from "../tensor/Tensor.js";
import { restoreTrainingCheckpoint, saveTrainingCheckpoint } from "./checkpoint/trainingCheckpoint.js";
import type { Optimizer } from "./optim/index.js";
import { anyRankStops, broadcastModel, checkProcessGroup, syncBatchNorms } from "./dataParallel.js";
import { EpochSteps, type EpochResult } from "./EpochSteps.js";
import { checkFullBatchMemory } from "./memoryEstimate.js";
import { RunMonitor } from "./RunMonitor.js";
import { RunRecorder } from "./RunRecorder.js";

export type { TrainEvent, EpochEvent, EvalEvent, SpectraEvent, CheckpointEvent, WarningEvent, TrainSummary } from "../experiment/runEvents.js";

export interface TrainerOptions {
  config: Config;
  graph: Graph;
  /** Where metrics.jsonl, spectra.jsonl, checkpoints and summary.json go (none: nothing written). */
  runDir?: RunDir;
  /** Resume from this checkpoint (a path as written by the trainer, without extension). */
  resumeFrom?: string;
  /**
   * Data-parallel training over the ranks of this group (docs/scale.md "N ranks"; mini-batch only):
   * every rank builds the same Trainer; rank 0's parameters and buffers are broadcast at the start,
   * each rank trains on its slice of every global batch of `worldSize x train.batchSize` seeds, the
   * gradients are averaged in one all-reduce per step, the logged loss is the ranks' mean and a stop
   * request on any rank stops all of them after the same step. Give `runDir` on rank 0 only. With
   * `encoder.syncBatchNorm` every BatchNorm of the model uses the group's statistics (BatchNorm1d.setProcessGroup).
   */
  processGroup?: ProcessGroup;
}

export class Trainer {
  readonly config: Config;
  readonly graph: Graph;
  readonly runDir: RunDir | undefined;
  /** The model being trained (objective, regularizers, device graph); evaluation goes through it. */
  readonly model: RunModel;
  readonly optimizer: Optimizer;
  readonly device: Device;
  readonly objective: Objective;
  readonly werank: WERank | undefined;
  #gen: Generator;
  #epochs: EpochSteps;
  #monitor: RunMonitor;
  #stop = false;
  #summary: TrainSummary | undefined;
  #disposed = false;
  #fitting = false;
  #pg: ProcessGroup | undefined;

  constructor(o: TrainerOptions) {
    const c = (this.config = o.config);
    ({ graph: this.graph, runDir: this.runDir } = o);
    const miniBatch = miniBatchProblem(c);
    if (miniBatch) throw new ConfigError(miniBatch);
    const syncBn = syncBatchNormProblem(c);
    if (syncBn) throw new ConfigError(syncBn);
    const pg = checkProcessGroup(o.processGroup, c, o.graph.numNodes);
    this.#pg = pg;
    // Before anything is allocated: a full-batch run that cannot fit is refused with the way out.
    checkFullBatchMemory(c, o.graph, resolveDevice(c.train.device));
    this.model = new RunModel(c, o.graph);
    ({ device: this.device, objective: this.objective, werank: this.werank } = this.model);
    this.#gen = new Generator(c.train.dataSeed);
    let optimizer: Optimizer | undefined;
    try {
      if (c.encoder.syncBatchNorm) syncBatchNorms(this.objective, pg);
      this.optimizer = optimizer = buildOptimizer(c, this.objective.trainableParameters());
      const parts = { objective: this.objective, optimizer: this.optimizer, regularizers: this.model.regularizers, graph: this.model.deviceGraph, generator: this.#gen };
      this.#epochs = EpochSteps.forConfig(c, parts, o.graph.numNodes, pg);
      this.#monitor = new RunMonitor(c, o.runDir ? new RunRecorder(o.runDir) : undefined);
      if (o.resumeFrom) {
        const side = restoreTrainingCheckpoint(o.resumeFrom, parts, { epochs: c.train.epochs, runDir: o.runDir?.dir });
        ({ stepSeconds: this.#monitor.stepSeconds, lastLoss: this.#monitor.lastLoss } = side);
        this.#epochs.resume(side.epoch, side.batch, o.resumeFrom);
      }
      // As DDP: every rank starts from rank 0's parameters and buffers (the EMA target and BatchNorm
      // statistics included), whether freshly initialized or loaded from the checkpoint.
      if (pg) broadcastModel(pg, this.objective);
    } catch (e) {
      optimizer?.dispose();
      this.model.dispose();
      this.#gen.dispose();
      throw e;
    }
  }

  /** The epoch the next step trains (0-based; equals the number of finished epochs). */
  get epoch(): number {
    return this.#epochs.epoch;
  }

  /** The summary after fit() finished (undefined before). */
  get summary(): TrainSummary | undefined {
    return this.#summary;
  }

  /** Asks fit() to stop after the current step, save a checkpoint and report "interrupted". */
  requestStop(): void {
    this.#stop = true;
  }

  /**
   * Trains the current epoch (src/train/EpochSteps.ts): one full-batch step, or ceil(N / batchSize)
   * mini-batch steps (train.batchSize > 0). The loss and its terms are read (a host sync per step)
   * when `read`, else NaN; for mini-batch epochs they are the means over the epoch's steps. lr and
   * momentum are the epoch's first step's.
   */
  step(read = true): EpochResult {
    return this.#epochs.runEpoch(read);
  }

  /**
   * Whether to stop now: the local stop request, or with ranks, any rank's (one collective; the
   * ranks call it at the same points, so all stop after the same step and rank 0 saves once).
   */
  #stopAgreed(): boolean {
    if (this.#pg) this.#stop = anyRankStops(this.#pg, this.#stop);
    return this.#stop;
  }

  /** Frozen online-encoder representations of every node [N, D] (kept: dispose it). */
  embed(): Tensor {
    return this.model.embed();
  }

  /** Collapse diagnostics of the current model (spectra, ranks, RDM, alignment, WERank terms as trained). */
  diagnostics(): CollapseReport {
    return this.model.diagnostics(this.#epochs.epoch);
  }

  /** Linear probe of the frozen representations under the configured protocol (keys of `override` replace it). */
  evaluate(override: Partial<Config["eval"]> = {}): ProbeResult {
    return this.model.evaluate(override);
  }

  /** Writes a checkpoint (model, optimizer, generator state, epoch) under runDir/checkpoints/. */
  saveCheckpoint(name: string): string {
    if (!this.runDir) throw new ArgumentError("saveCheckpoint: the trainer has no run directory");
    const progress = { epoch: this.#epochs.epoch, stepSeconds: this.#monitor.stepSeconds, lastLoss: this.#monitor.lastLoss, config: this.config, batch: this.#epochs.partial };
    return saveTrainingCheckpoint(this.runDir.path("checkpoints", name), { objective: this.objective, optimizer: this.optimizer, generator: this.#gen }, progress);
  }

  /**
   * Trains from the current epoch to `train.epochs`, yielding events (written to the run directory first); ends with
   * a checkpoint, the final diagnostics, probe and summary (or a checkpoint and an "interrupted" summary after {@link requestStop}).
   */
  async *fit(): AsyncGenerator<TrainEvent, TrainSummary> {
    if (this.#disposed) throw new DisposedError("fit: the trainer was disposed");
    // Two loops on one model would interleave their steps and both write the run directory.
    if (this.#fitting) throw new ArgumentError("fit: this Trainer is already fitting; finish (or break out of) the first fit() before starting another");
    this.#fitting = true;
    try {
      const { train } = this.config;
      const [m, start, total] = [this.#monitor, Date.now(), train.epochs];
      const every = (n: number, e: number): boolean => n > 0 && e % n === 0 && e < total;
      // Spectra at initialization: the report then shows collapse as a change from epoch 0.
      if (this.#epochs.epoch === 0 && train.spectraEvery > 0) yield* m.diagnose(this.model, 0, false);
      while (this.#epochs.epoch < total && !this.#stopAgreed()) {
        const t0 = performance.now();
        const read = (this.#epochs.epoch + 1) % train.logEvery === 0 || this.#epochs.epoch + 1 === total;
        // Between the steps of a mini-batch epoch the event loop runs (progress, SIGINT, I/O); a stop
        // request ends the epoch there, and the interrupt checkpoint records how far it got.
        const steps = this.#epochs.steps(read);
        let next = steps.next();
        while (!next.done) {
          await nextTick();
          if (this.#stopAgreed()) break;
          next = steps.next();
        }
        if (!next.done) break;
        const r = next.value;
        const seconds = (performance.now() - t0) / 1000;
        m.stepSeconds.push(seconds);
        const e = this.#epochs.epoch; // 1-based count of finished epochs
        if (read) {
          yield m.epoch({ type: "epoch", epoch: e, loss: r.loss, lr: r.lr, momentum: r.momentum, terms: r.terms, seconds });
          if (!Number.isFinite(r.loss)) throw new WerankError("ERR_ARGUMENT", `The loss became ${r.loss} at epoch ${e}: lower optim.lr or enable optim.clipGradNorm`);
        }
        if (every(train.spectraEvery, e)) yield* m.diagnose(this.model, e);
        if (every(train.evalEvery, e)) yield m.evaluate(this.model, e);
        if (every(train.checkpointEvery, e) && this.runDir) yield { type: "checkpoint", epoch: e, path: this.saveCheckpoint(`epoch-${e}`), reason: "periodic" };
        await nextTick();
      }
      const interrupted = this.#stop && this.#epochs.epoch < total;
      const reason = interrupted ? "interrupt" : "final";
      if (this.runDir) yield { type: "checkpoint", epoch: this.#epochs.epoch, path: this.saveCheckpoint(reason), reason };
      if (!interrupted) {
        yield* m.diagnose(this.model, this.#epochs.epoch);
        yield m.evaluate(this.model, this.#epochs.epoch);
      }
      const status = interrupted ? "interrupted" : "completed";
      this.#summary = m.summary(this.model, {
        status,
        seconds: (Date.now() - start) / 1000,
        epochsRun: this.#epochs.epoch,
        runDir: this.runDir?.dir ?? null,
        ranks: this.#pg?.worldSize ?? 1,
        syncBatchNorm: this.#pg !== undefined && this.config.encoder.syncBatchNorm,
      });
      return this.#summary;
    } finally {
      this.#fitting = false;
    }
  }

  /** Frees the model, optimizer, graph and generator. Idempotent. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.optimizer.dispose();
    this.model.dispose();
    this.#gen.dispose();
  }
}
