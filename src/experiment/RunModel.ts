/**
 * The model of a run, without a training loop: the objective built from the config (its modules on
 * the resolved device), its regularizers, and the full graph on that device. Evaluating it (embed,
 * linear probe, collapse diagnostics; src/eval/evaluateModel.ts) needs no optimizer and no
 * augmentation generator, so `eval` and `embed` load a checkpoint into a RunModel, and the Trainer
 * trains one.
 *
 * @example
 * ```ts
 * import { RunModel } from "werank-native";
 * const model = RunModel.load(cfg, graph, "runs/bgrl-cora-1/checkpoints/final");
 * const probe = model.evaluate();       // the configured linear probe
 * const report = model.diagnostics();   // spectra, effective ranks, rank differential
 * model.dispose();
 * ```
 */
import { diagnoseModel, embedModel, evaluateModel, type InferenceOptions } from "../eval/evaluateModel.js";
import type { ProbeResult } from "../eval/linearProbe.js";
import { DeviceGraph } from "../graph/DeviceGraph.js";
import type { Graph } from "../graph/Graph.js";
import type { CollapseReport } from "../metrics/collapseReport.js";
import { diagnosticRows } from "../metrics/trainingDiagnostics.js";
import type { WERank } from "../regularizers/werank.js";
import { resolveDevice } from "../runtime.js";
import type { Objective } from "../ssl/Objective.js";
import { manualSeed } from "../tensor/creation.js";
import type { Device } from "../tensor/device.js";
import type { Tensor } from "../tensor/Tensor.js";
import { restoreTrainingCheckpoint } from "../train/checkpoint/trainingCheckpoint.js";
import type { LossRegularizers } from "../train/composeLoss.js";
import { buildObjective } from "./buildObjective.js";
import { buildRegularizers } from "./buildRegularizers.js";
import { type Config, DEFAULT_INFERENCE_CHUNK } from "./config.js";

export class RunModel {
  readonly device: Device;
  readonly objective: Objective;
  readonly regularizers: LossRegularizers;
  /** The full graph on the model's device. */
  readonly deviceGraph: DeviceGraph;
  /** The finished epochs of the loaded checkpoint (0 for a fresh model). */
  epoch = 0;
  #diagRows: Tensor | undefined;
  #disposed = false;

  /** A freshly initialized model (seeded by `train.seed`). */
  constructor(
    readonly config: Config,
    readonly graph: Graph,
  ) {
    this.device = resolveDevice(config.train.device);
    manualSeed(config.train.seed);
    this.deviceGraph = DeviceGraph.fromGraph(graph, { device: this.device, features: config.dataset.featureFormat === "dense" ? "dense" : "auto" });
    let objective: Objective | undefined;
    try {
      objective = buildObjective(config, graph.features.cols);
      if (this.device !== "cpu") for (const m of Object.values(objective.modules())) m.to(this.device);
      this.objective = objective;
      this.regularizers = buildRegularizers(config, objective);
      // A fixed subset (seeded by the data seed) so spectra are comparable across epochs and runs.
      this.#diagRows = diagnosticRows(graph.numNodes, config.train.dataSeed + 7919, this.device);
    } catch (e) {
      objective?.dispose();
      this.deviceGraph.dispose();
      throw e;
    }
  }

  /** The model of a checkpoint written by the Trainer (weights only; the optimizer state is not read). */
  static load(config: Config, graph: Graph, checkpoint: string): RunModel {
    const model = new RunModel(config, graph);
    try {
      model.epoch = restoreTrainingCheckpoint(checkpoint, { objective: model.objective }, { epochs: config.train.epochs }).epoch;
      return model;
    } catch (e) {
      model.dispose();
      throw e;
    }
  }

  get werank(): WERank | undefined {
    return this.regularizers.werank;
  }

  /** How full-graph outputs are computed: layer-wise in chunks for mini-batch training or eval.chunkSize (see that key). */
  get inference(): InferenceOptions {
    const { eval: e, train } = this.config;
    return { chunkSize: e.chunkSize > 0 ? e.chunkSize : train.batchSize > 0 ? DEFAULT_INFERENCE_CHUNK : 0 };
  }

  /** Frozen online-encoder representations of every node [N, D] (kept: dispose it). */
  embed(): Tensor {
    return embedModel(this.objective, this.deviceGraph, this.inference);
  }

  /** Linear probe of the frozen representations under the configured protocol (keys of `override` replace it). */
  evaluate(override: Partial<Config["eval"]> = {}): ProbeResult {
    return evaluateModel(this.objective, this.deviceGraph, this.graph, this.config, override, this.inference);
  }

  /** Collapse diagnostics at `epoch` (default {@link epoch}): spectra, ranks, RDM, alignment, WERank terms as trained. */
  diagnostics(epoch = this.epoch): CollapseReport {
    const w = this.werank;
    const alphas = w ? Object.fromEntries(w.names.map((n, i) => [n, w.alphas[i]!])) : {};
    const { gram, squared } = this.config.werank;
    return diagnoseModel(this.objective, this.deviceGraph, { epoch, rows: this.#diagRows, werank: { gram, squared, alphas } }, this.inference);
  }

  /** Frees the modules, the device graph and the diagnostic rows. Idempotent. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.objective.dispose();
    this.#diagRows?.dispose();
    this.deviceGraph.dispose();
  }
}
