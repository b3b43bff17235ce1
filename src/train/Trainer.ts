/**
 * The training loop of a self-supervised graph objective (DESIGN D2, D3, D8): two augmented views per
 * step, the objective's loss plus WERank / SVMax / variance regularizers, one fused optimizer step,
 * the EMA update, periodic collapse diagnostics (spectra.jsonl), linear-probe evaluations,
 * checkpoints that resume the same trajectory, and a summary.
 *
 * Each step is synchronous inside one tidy() scope and makes a bounded number of native calls; the
 * loop yields to the event loop between steps (so SIGINT, progress and I/O stay responsive).
 *
 * @example
 * ```ts
 * import { resolveConfig, loadGraphForConfig, Trainer } from "werank-native";
 * const cfg = resolveConfig({ preset: "amazon-computers+werank" });
 * const trainer = new Trainer({ config: cfg, graph: await loadGraphForConfig(cfg) });
 * for await (const ev of trainer.fit()) if (ev.type === "epoch") console.log(ev.epoch, ev.loss);
 * const summary = trainer.summary;   // probe accuracy, effective ranks, seconds per epoch
 * trainer.dispose();
 * ```
 */
import fs from "node:fs";
import path from "node:path";
import { setImmediate as nextTick } from "node:timers/promises";
import { ArgumentError, ConfigError, WerankError } from "../errors.js";
import { probeGraph, type ProbeResult } from "../eval/index.js";
import type { Config } from "../experiment/config.js";
import { buildObjective } from "../experiment/buildObjective.js";
import { describeRegularizers, type RegularizerDescription, trainingLabel, werankEnabled } from "../experiment/trainingLabel.js";
import type { RunDir } from "../experiment/RunDir.js";
import { DeviceGraph } from "../graph/DeviceGraph.js";
import type { Graph } from "../graph/Graph.js";
import type { View } from "../ssl/Objective.js";
import type { Objective } from "../ssl/Objective.js";
import { collapseReport, type CollapseReport } from "../metrics/collapseReport.js";
import { SVMax } from "../regularizers/svmax.js";
import { VarianceRegularizer } from "../regularizers/variance.js";
import { WERank, type WERankGroup } from "../regularizers/werank.js";
import { cudaAvailable, setMatmulPrecision } from "../runtime.js";
import { noGrad } from "../tensor/autograd.js";
import { Generator } from "../tensor/Generator.js";
import { manualSeed, randperm } from "../tensor/creation.js";
import type { Device } from "../tensor/device.js";
import { keep, tidy } from "../tensor/tidy.js";
import type { Tensor } from "../tensor/Tensor.js";
import { clipGradNorm } from "./clip.js";
import { loadCheckpoint, saveCheckpoint } from "./checkpoint/checkpoint.js";
import { Adam, AdamW, SGD, type Optimizer } from "./optim/index.js";
import type { Schedule } from "./schedules.js";
import { trainingSchedule } from "./trainingSchedule.js";
import { readEnv } from "../env.js";

/** One logged training epoch. */
export interface EpochEvent {
  type: "epoch";
  epoch: number;
  loss: number;
  lr: number;
  momentum: number;
  /** Named parts of the loss (objective terms and regularizers). */
  terms: Record<string, number>;
  /** Seconds this step took. */
  seconds: number;
}
export interface EvalEvent {
  type: "eval";
  epoch: number;
  probe: { mean: number; std: number; splits: number; protocol: string; solver: string; converged: boolean };
}
export interface SpectraEvent {
  type: "spectra";
  epoch: number;
  effectiveRank: { representation: number; embedding: number; target: number | null };
  /** erank(target) - erank(online) of the embeddings (RDM's sign); null without a target branch. */
  rankDifferential: number | null;
  meanPairwiseCosine: number;
}
export interface CheckpointEvent {
  type: "checkpoint";
  epoch: number;
  path: string;
  reason: "periodic" | "final" | "interrupt";
}
export interface WarningEvent {
  type: "warning";
  epoch: number;
  message: string;
}
export type TrainEvent = EpochEvent | EvalEvent | SpectraEvent | CheckpointEvent | WarningEvent;

/** What summary.json holds (the CLI prints it; `collect` aggregates it). */
export interface TrainSummary {
  type: "summary";
  status: "completed" | "interrupted";
  dataset: string;
  objective: string;
  /** What was trained, e.g. "bgrl + WERank (encoder, alphas 0.5/0.01, gram smaller)" (src/experiment/trainingLabel.ts). */
  label: string;
  /** The resolved regularizers (null: off), WERank with its alpha per selected weight. */
  regularizers: RegularizerDescription;
  epochs: number;
  epochsRun: number;
  finalLoss: number;
  secondsPerEpoch: number;
  seconds: number;
  probe: { mean: number; std: number; splits: number; protocol: string; solver: string; converged: boolean };
  effectiveRank: { representation: number; embedding: number; target: number | null };
  /** erank(target) - erank(online) of the embeddings (RDM's sign); null without a target branch. */
  rankDifferential: number | null;
  meanPairwiseCosine: number;
  warnings: string[];
  runDir: string | null;
  device: string;
}

export interface TrainerOptions {
  config: Config;
  graph: Graph;
  /** Where metrics.jsonl, spectra.jsonl, checkpoints and summary.json go (none: nothing written). */
  runDir?: RunDir;
  /** Resume from this checkpoint (a path as written by the trainer, without extension). */
  resumeFrom?: string;
}

/** A BGRL loss this close to its floor 0 is reported as a suspected complete collapse. */
export const LOSS_FLOOR_WARNING = 1e-3;

/** Node count above which diagnostics use a fixed random subset of rows (keeps them to seconds). */
export const DIAGNOSTIC_ROWS = 4096;

/** Resolves `auto` (and WERANK_DEVICE) to a concrete device. */
export function resolveDevice(requested: string): Device {
  const r = requested === "auto" ? (readEnv().device ?? "auto") : requested;
  if (r === "auto") return cudaAvailable() ? "cuda" : "cpu";
  if (r === "cpu" || r === "cuda" || /^cuda:\d+$/.test(r)) return r as Device;
  throw new ConfigError(`Unknown device '${requested}'. Valid choices: auto, cpu, cuda, cuda:<index>`);
}

function groupsOf(layers: Config["werank"]["layers"]): WERankGroup[] {
  return layers === "all" ? ["encoder", "predictor", "projector"] : (layers.split("+") as WERankGroup[]);
}

const scalar = (t: Tensor): number => t.item();

export class Trainer {
  readonly config: Config;
  readonly graph: Graph;
  readonly device: Device;
  readonly objective: Objective;
  readonly optimizer: Optimizer;
  readonly runDir: RunDir | undefined;
  readonly werank: WERank | undefined;
  #dg: DeviceGraph;
  #gen: Generator;
  #svmax: SVMax | undefined;
  #variance: VarianceRegularizer | undefined;
  #lr: Schedule;
  #mm: Schedule;
  #epoch = 0;
  #stop = false;
  #stepSeconds: number[] = [];
  #lastLoss = NaN;
  #lastReport: CollapseReport | undefined;
  #lastProbe: ProbeResult | undefined;
  #warnings: string[] = [];
  #diagRows: Tensor | undefined;
  #summary: TrainSummary | undefined;
  #disposed = false;

  constructor(o: TrainerOptions) {
    this.config = o.config;
    this.graph = o.graph;
    this.runDir = o.runDir;
    const c = o.config;
    this.device = resolveDevice(c.train.device);
    manualSeed(c.train.seed);
    this.#gen = new Generator(c.train.dataSeed);
    this.#dg = DeviceGraph.fromGraph(o.graph, { device: this.device, features: c.dataset.featureFormat === "dense" ? "dense" : "auto" });
    try {
      this.objective = buildObjective(c, o.graph.features.cols);
      if (this.device !== "cpu") for (const m of Object.values(this.objective.modules())) m.to(this.device);
      const params = this.objective.trainableParameters();
      const opt = c.optim;
      this.optimizer =
        opt.name === "sgd"
          ? new SGD(params, { lr: opt.lr, momentum: opt.momentum, weightDecay: opt.weightDecay })
          : opt.name === "adam"
            ? new Adam(params, { lr: opt.lr, weightDecay: opt.weightDecay })
            : new AdamW(params, { lr: opt.lr, weightDecay: opt.weightDecay });
      if (werankEnabled(c)) this.werank = this.#buildWerank();
      if (c.svmax.lambda > 0) this.#svmax = new SVMax({ weight: c.svmax.lambda });
      if (c.varianceReg.weight > 0) this.#variance = new VarianceRegularizer({ weight: c.varianceReg.weight, gamma: c.varianceReg.gamma });
      const schedule = trainingSchedule(c);
      this.#lr = schedule.lr;
      this.#mm = schedule.momentum;
      if (o.graph.numNodes > DIAGNOSTIC_ROWS) {
        // A fixed subset (seeded by the data seed) so spectra are comparable across epochs and runs.
        const g = new Generator(c.train.dataSeed + 7919);
        this.#diagRows = keep(tidy(() => g.randperm(o.graph.numNodes).narrow(0, 0, DIAGNOSTIC_ROWS).sort(0).values));
        g.dispose();
      }
      if (o.resumeFrom) this.#restore(o.resumeFrom);
    } catch (e) {
      this.#dg.dispose();
      this.#gen.dispose();
      throw e;
    }
  }

  /** The epoch the next step trains (0-based; equals the number of finished epochs). */
  get epoch(): number {
    return this.#epoch;
  }

  /** The summary after fit() finished (undefined before). */
  get summary(): TrainSummary | undefined {
    return this.#summary;
  }

  /** Asks fit() to stop after the current step, save a checkpoint and report "interrupted". */
  requestStop(): void {
    this.#stop = true;
  }

  #buildWerank(): WERank {
    const c = this.config.werank;
    const roles = Object.entries(this.objective.modules()).filter(([role]) => role !== "target");
    const named = { namedParameters: (): [string, Tensor][] => roles.flatMap(([role, m]) => m.namedParameters().map(([n, t]) => [`${role}.${n}`, t] as [string, Tensor])) };
    const groups = groupsOf(c.layers);
    let names: readonly string[];
    try {
      names = WERank.fromModule(named, { groups }, { squared: c.squared, gram: c.gram }).names;
    } catch (e) {
      throw new ConfigError(
        `werank.layers '${c.layers}' selects no weight matrix of objective '${this.config.objective.name}' (its trained modules: ${roles.map(([r]) => r).join(", ")})`,
        { cause: e },
      );
    }
    let alpha: number | Record<string, number> = c.alpha;
    if (c.perLayer) {
      if (c.perLayer.length !== names.length) {
        throw new ConfigError(`werank.perLayer has ${c.perLayer.length} values but werank.layers '${c.layers}' selects ${names.length} weights: ${names.join(", ")}`);
      }
      alpha = Object.fromEntries(names.map((n, i) => [n, c.perLayer![i]!]));
    }
    return WERank.fromModule(named, { groups, alpha }, { squared: c.squared, gram: c.gram });
  }

  #views(): [View, View, DeviceGraph, DeviceGraph] {
    const a = this.config.augment;
    const v1 = this.#dg.augment({ edgeDrop: a.dropEdge[0], featureMask: a.dropFeature[0], featureDropout: a.featureDropout }, this.#gen);
    let v2: DeviceGraph;
    try {
      v2 = this.#dg.augment({ edgeDrop: a.dropEdge[1], featureMask: a.dropFeature[1], featureDropout: a.featureDropout }, this.#gen);
    } catch (e) {
      v1.dispose();
      throw e;
    }
    return [{ x: v1.features!, graph: v1 }, { x: v2.features!, graph: v2 }, v1, v2];
  }

  /**
   * One training step (synchronous): views, loss, backward, optimizer step, EMA. Returns the loss
   * and its terms as numbers when `read` (a host sync), else NaN and {}.
   */
  step(read = true): { loss: number; terms: Record<string, number>; lr: number; momentum: number } {
    const e = this.#epoch;
    const lr = this.#lr.at(e);
    const momentum = this.#mm.at(e);
    this.optimizer.lr = lr;
    const [va, vb, g1, g2] = this.#views();
    let out: { loss: number; terms: Record<string, number> };
    const precision = setMatmulPrecision(this.config.train.matmulPrecision);
    try {
      out = tidy(() => {
        const r = this.objective.forward([va, vb]);
        let loss = r.loss;
        const terms: Record<string, Tensor> = { ...r.terms };
        if (this.werank) {
          const w = this.werank.compute();
          loss = loss.add(w.loss);
          terms.werank = w.loss;
        }
        // SVMax and the variance hinge act on both views' online outputs (averaged), the tensor `on` picks.
        const both = (reg: SVMax | VarianceRegularizer, on: "representation" | "embedding"): Tensor => {
          const xs = on === "representation" ? r.outputs.representation : r.outputs.online;
          return reg.forward(xs[0]!).loss.add(reg.forward(xs[1]!).loss).mul(0.5);
        };
        if (this.#svmax) {
          const s = both(this.#svmax, this.config.svmax.on);
          loss = loss.add(s);
          terms.svmax = s;
        }
        if (this.#variance) {
          const v = both(this.#variance, this.config.varianceReg.on);
          loss = loss.add(v);
          terms.variance = v;
        }
        loss.backward();
        if (this.config.optim.clipGradNorm > 0) clipGradNorm(this.objective.trainableParameters(), this.config.optim.clipGradNorm);
        this.optimizer.step();
        this.optimizer.zeroGrad();
        if (!read) return { loss: NaN, terms: {} };
        return { loss: scalar(loss), terms: Object.fromEntries(Object.entries(terms).map(([k, t]) => [k, scalar(t)])) };
      });
    } finally {
      setMatmulPrecision(precision);
      g1.dispose();
      g2.dispose();
    }
    this.objective.afterStep?.(momentum);
    this.#epoch = e + 1;
    return { ...out, lr, momentum };
  }

  /** Full-graph outputs in evaluation mode: representation, embedding and target branch (if any). */
  #outputs<T>(fn: (o: { representation: Tensor; embedding: Tensor; target: Tensor | undefined }) => T): T {
    const view: View = { x: this.#dg.features!, graph: this.#dg };
    this.objective.train(false);
    try {
      return tidy(() =>
        noGrad(() => {
          const r = this.objective.forward([view, view]);
          return fn({ representation: r.outputs.representation[0]!, embedding: r.outputs.online[0]!, target: r.outputs.target?.[0] });
        }),
      );
    } finally {
      this.objective.train(true);
    }
  }

  /** Frozen online-encoder representations of every node [N, D] (kept: dispose it). */
  embed(): Tensor {
    return this.#outputs(({ representation }) => keep(representation.detach()));
  }

  /** Collapse diagnostics of the current model (spectra, ranks, RDM, alignment, WERank terms as trained). */
  diagnostics(): CollapseReport {
    const weights = Object.entries(this.objective.modules())
      .filter(([role]) => role !== "target")
      .flatMap(([role, m]) => m.namedParameters().filter(([, t]) => t.ndim === 2).map(([n, t]) => [`${role}.${n}`, t] as [string, Tensor]));
    const w = this.werank;
    const werank = {
      gram: this.config.werank.gram,
      squared: this.config.werank.squared,
      alphas: w ? Object.fromEntries(w.names.map((n, i) => [n, w.alphas[i]!])) : {},
    };
    return this.#outputs(({ representation, embedding, target }) => {
      const rows = this.#diagRows;
      const sub = (t: Tensor): Tensor => (rows ? t.indexSelect(0, rows) : t);
      const targetRepr = this.#targetRepresentation();
      return collapseReport(
        {
          epoch: this.#epoch,
          representations: { online: sub(representation), ...(targetRepr ? { target: sub(targetRepr) } : {}) },
          embeddings: { online: sub(embedding), ...(target ? { target: sub(target) } : {}) },
          weights,
        },
        { alignment: "auto", werank },
      );
    });
  }

  /** The EMA target encoder's representation (BGRL, RDM) for the rank differential, when there is one. */
  #targetRepresentation(): Tensor | undefined {
    const target = this.objective.modules().target as unknown as { forward?: (x: unknown, g: unknown) => Tensor } | undefined;
    if (!target?.forward) return undefined;
    return target.forward(this.#dg.features!, this.#dg);
  }

  /** Linear probe of the frozen representations under the configured protocol (keys of `override` replace it). */
  evaluate(override: Partial<Config["eval"]> = {}): ProbeResult {
    const e = { ...this.config.eval, ...override };
    const emb = this.embed();
    try {
      return probeGraph(emb, this.graph, {
        protocol: e.protocol,
        splits: { numSplits: e.splits, train: e.trainFraction, val: e.valFraction, seed: this.config.train.dataSeed, stratified: e.stratified },
        solver: e.classifier,
        cGrid: e.grid,
        tolGrad: e.tol,
        maxIter: e.maxIter,
        normalize: e.normalize,
      });
    } finally {
      emb.dispose();
    }
  }

  /** Writes a checkpoint (model, optimizer, generator state, epoch) under runDir/checkpoints/. */
  saveCheckpoint(name: string): string {
    if (!this.runDir) throw new ArgumentError("saveCheckpoint: the trainer has no run directory");
    const base = this.runDir.path("checkpoints", name);
    const tensors: Record<string, Tensor> = {};
    for (const [role, m] of Object.entries(this.objective.modules())) for (const [n, t] of Object.entries(m.stateDict())) tensors[`model.${role}.${n}`] = t;
    const opt = this.optimizer.stateDict();
    for (const [n, t] of Object.entries(opt.tensors)) tensors[`optim.${n}`] = t;
    saveCheckpoint(base, {
      tensors,
      sidecar: {
        epoch: this.#epoch,
        optimizer: opt.scalars,
        generator: Buffer.from(this.#gen.getState()).toString("base64"),
        stepSeconds: this.#stepSeconds,
        lastLoss: this.#lastLoss,
        config: this.config,
      },
      metadata: { format: "werank-native checkpoint", epoch: String(this.#epoch), objective: this.config.objective.name },
    });
    return base;
  }

  #restore(file: string): void {
    const ck = loadCheckpoint(file);
    try {
      const side = ck.sidecar as { epoch: number; optimizer: unknown; generator: string; stepSeconds?: number[]; lastLoss?: number };
      for (const [role, m] of Object.entries(this.objective.modules())) {
        const prefix = `model.${role}.`;
        const own = Object.fromEntries(Object.entries(ck.tensors).filter(([k]) => k.startsWith(prefix)).map(([k, t]) => [k.slice(prefix.length), t]));
        m.loadStateDict(own);
      }
      const optTensors = Object.fromEntries(Object.entries(ck.tensors).filter(([k]) => k.startsWith("optim.")).map(([k, t]) => [k.slice("optim.".length), t]));
      this.optimizer.loadStateDict({ tensors: optTensors, scalars: side.optimizer } as Parameters<Optimizer["loadStateDict"]>[0]);
      this.#gen.setState(new Uint8Array(Buffer.from(side.generator, "base64")));
      this.#epoch = side.epoch;
      this.#stepSeconds = side.stepSeconds ?? [];
      this.#lastLoss = side.lastLoss ?? NaN;
    } catch (e) {
      if (e instanceof WerankError) throw e;
      throw new WerankError("ERR_DATA", `Cannot resume from ${file}: ${(e as Error).message}`, { cause: e });
    } finally {
      for (const t of Object.values(ck.tensors)) t.dispose();
    }
  }

  #every(n: number, e: number): boolean {
    return n > 0 && e % n === 0;
  }

  /**
   * Trains from the current epoch to `train.epochs`, yielding events; writes the run directory as it
   * goes. Ends with the final diagnostics, probe, checkpoint and summary (or a checkpoint and an
   * "interrupted" summary after {@link requestStop}).
   */
  async *fit(): AsyncGenerator<TrainEvent, TrainSummary> {
    const c = this.config;
    const rd = this.runDir;
    const start = Date.now();
    const total = c.train.epochs;
    // Spectra at initialization: the report then shows collapse as a change from epoch 0.
    if (this.#epoch === 0 && c.train.spectraEvery > 0) yield* this.#diagnose(0, false);
    while (this.#epoch < total && !this.#stop) {
      const t0 = performance.now();
      const read = (this.#epoch + 1) % c.train.logEvery === 0 || this.#epoch + 1 === total;
      const r = this.step(read);
      const seconds = (performance.now() - t0) / 1000;
      this.#stepSeconds.push(seconds);
      const e = this.#epoch; // 1-based count of finished epochs
      if (read) {
        this.#lastLoss = r.loss;
        const ev: EpochEvent = { type: "epoch", epoch: e, loss: r.loss, lr: r.lr, momentum: r.momentum, terms: r.terms, seconds };
        rd?.appendJsonl("metrics.jsonl", ev);
        yield ev;
        if (!Number.isFinite(r.loss)) {
          throw new WerankError("ERR_ARGUMENT", `The loss became ${r.loss} at epoch ${e}: lower optim.lr or enable optim.clipGradNorm`);
        }
      }
      if (this.#every(c.train.spectraEvery, e) && e < total) yield* this.#diagnose(e);
      if (this.#every(c.train.evalEvery, e) && e < total) yield this.#eval(e);
      if (this.#every(c.train.checkpointEvery, e) && e < total && rd) {
        const p = this.saveCheckpoint(`epoch-${e}`);
        yield { type: "checkpoint", epoch: e, path: p, reason: "periodic" };
      }
      await nextTick();
    }
    const interrupted = this.#stop && this.#epoch < total;
    if (rd) {
      const p = this.saveCheckpoint(interrupted ? "interrupt" : "final");
      yield { type: "checkpoint", epoch: this.#epoch, path: p, reason: interrupted ? "interrupt" : "final" };
    }
    if (!interrupted) {
      yield* this.#diagnose(this.#epoch);
      yield this.#eval(this.#epoch);
    }
    const s = this.#makeSummary(interrupted ? "interrupted" : "completed", (Date.now() - start) / 1000);
    rd?.writeJson("summary.json", s);
    this.#summary = s;
    return s;
  }

  /** Logs diagnostics; `warn` = false at initialization, where collapse warnings say nothing yet. */
  *#diagnose(epoch: number, warn = true): Iterable<TrainEvent> {
    const rep = this.diagnostics();
    this.#lastReport = rep;
    this.runDir?.appendJsonl("spectra.jsonl", rep);
    const ev: SpectraEvent = {
      type: "spectra",
      epoch,
      effectiveRank: {
        representation: rep.representations.online?.effectiveRank ?? NaN,
        embedding: rep.embeddings.online?.effectiveRank ?? NaN,
        target: rep.representations.target?.effectiveRank ?? null,
      },
      rankDifferential: rep.rankDifferential.embeddings,
      meanPairwiseCosine: rep.embeddings.online?.meanPairwiseCosine ?? NaN,
    };
    yield ev;
    if (!warn) return;
    for (const w of this.#collapseWarnings(rep, epoch)) {
      if (this.#warnings.includes(w)) continue;
      this.#warnings.push(w);
      const we: WarningEvent = { type: "warning", epoch, message: w };
      this.runDir?.appendJsonl("metrics.jsonl", we);
      yield we;
    }
  }

  /**
   * DESIGN D7: the report's warnings (centred measures: relative variance, normalized effective rank)
   * and a BGRL loss at its floor; none during the learning-rate warm-up, when a freshly initialized
   * model's outputs may still sit close together.
   */
  #collapseWarnings(rep: CollapseReport, epoch: number): string[] {
    if (epoch <= Math.min(this.config.optim.warmupEpochs, this.config.train.epochs - 1)) return [];
    const out = [...rep.warnings];
    const floor = this.config.objective.name === "bgrl" ? 0 : undefined;
    if (floor !== undefined && Number.isFinite(this.#lastLoss) && this.#lastLoss - floor < LOSS_FLOOR_WARNING) {
      out.push(`complete collapse suspected: the ${this.config.objective.name} loss ${this.#lastLoss.toExponential(2)} is within ${LOSS_FLOOR_WARNING} of its floor ${floor} (the branches may predict a constant)`);
    }
    return out;
  }

  #eval(epoch: number): EvalEvent {
    const p = this.evaluate();
    this.#lastProbe = p;
    const ev: EvalEvent = {
      type: "eval",
      epoch,
      probe: { mean: p.mean, std: p.std, splits: p.splits.length, protocol: this.config.eval.protocol, solver: p.solver, converged: p.converged },
    };
    this.runDir?.appendJsonl("metrics.jsonl", ev);
    return ev;
  }

  #makeSummary(status: TrainSummary["status"], seconds: number): TrainSummary {
    const rep = this.#lastReport;
    const p = this.#lastProbe;
    const steps = this.#stepSeconds;
    // The first steps include one-off work (allocator warm-up, caches): report the steady state.
    const steady = steps.length > 10 ? steps.slice(5) : steps;
    return {
      type: "summary",
      status,
      dataset: this.graph.name,
      objective: this.config.objective.name,
      label: trainingLabel(this.config, this.werank?.names),
      regularizers: describeRegularizers(this.config, this.werank?.names),
      epochs: this.config.train.epochs,
      epochsRun: this.#epoch,
      finalLoss: this.#lastLoss,
      secondsPerEpoch: steady.length ? steady.reduce((a, b) => a + b, 0) / steady.length : NaN,
      seconds,
      probe: p
        ? { mean: p.mean, std: p.std, splits: p.splits.length, protocol: this.config.eval.protocol, solver: p.solver, converged: p.converged }
        : { mean: NaN, std: NaN, splits: 0, protocol: this.config.eval.protocol, solver: this.config.eval.classifier, converged: false },
      effectiveRank: {
        representation: rep?.representations.online?.effectiveRank ?? NaN,
        embedding: rep?.embeddings.online?.effectiveRank ?? NaN,
        target: rep?.representations.target?.effectiveRank ?? null,
      },
      rankDifferential: rep?.rankDifferential.embeddings ?? null,
      meanPairwiseCosine: rep?.embeddings.online?.meanPairwiseCosine ?? NaN,
      // Warnings that still hold at the end; transient ones (early training) stay in metrics.jsonl.
      warnings: rep ? this.#collapseWarnings(rep, this.#epoch) : [],
      runDir: this.runDir?.dir ?? null,
      device: this.device,
    };
  }

  /** Frees the model, optimizer, graph and generator. Idempotent. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.optimizer.dispose();
    this.objective.dispose();
    this.#diagRows?.dispose();
    this.#dg.dispose();
    this.#gen.dispose();
  }
}

/** Reads a run directory's checkpoint names, newest epoch last. */
export function listCheckpoints(runDir: string): string[] {
  const dir = path.join(runDir, "checkpoints");
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".safetensors"))
    .map((f) => path.join(dir, f.replace(/\.safetensors$/, "")));
}
