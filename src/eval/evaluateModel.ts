/**
 * Evaluation of a model without a training loop: the frozen online encoder's node representations
 * ({@link embedModel}), the configured linear probe on them ({@link evaluateModel}) and the collapse
 * diagnostics of the whole model ({@link diagnoseModel}). The Trainer, `eval`, `embed` and the
 * API's `loadRunModel` all use these, so a checkpoint is evaluated the same way everywhere.
 *
 * A model here is an objective (its modules) and the full graph on the device; outputs are computed
 * in evaluation mode (BatchNorm running statistics, no dropout) without autograd.
 *
 * @example
 * ```ts
 * const emb = embedModel(objective, dg);          // [N, D], kept: dispose it
 * const probe = evaluateModel(objective, dg, graph, cfg);
 * ```
 */
import type { Config } from "../experiment/config.js";
import type { DeviceGraph } from "../graph/DeviceGraph.js";
import type { Graph } from "../graph/Graph.js";
import { collapseReport, type CollapseReport, type CollapseReportOptions } from "../metrics/collapseReport.js";
import { GraphEncoder } from "../nn/GraphEncoder.js";
import { layerwiseInference } from "../nn/layerwiseInference.js";
import { encodeView, type Objective, type View } from "../ssl/Objective.js";
import { noGrad } from "../tensor/autograd.js";
import { keep, tidy } from "../tensor/tidy.js";
import type { Tensor } from "../tensor/Tensor.js";
import type { ProbeResult } from "./linearProbe.js";
import { probeGraph } from "./probeSplits.js";

/** How a model's full-graph outputs are computed. */
export interface InferenceOptions {
  /**
   * Nodes per chunk of layer-wise inference (src/nn/layerwiseInference.ts); 0 or absent: one forward
   * over the whole graph. Layer-wise, the heads and the objective see only the diagnostic rows.
   */
  chunkSize?: number;
}

/**
 * Full-graph outputs in evaluation mode: representation, embedding and target branch (if any); with
 * a chunk size and `rows`, the encoders run layer-wise over the whole graph and the rest on `rows` only.
 */
export function modelOutputs<T>(
  objective: Objective,
  dg: DeviceGraph,
  fn: (o: { representation: Tensor; embedding: Tensor; target: Tensor | undefined }) => T,
  inference: InferenceOptions & { rows?: Tensor | undefined } = {},
): T {
  const view: View = inference.chunkSize ? { x: dg.features!, graph: dg, chunkSize: inference.chunkSize, ...(inference.rows ? { rows: inference.rows } : {}) } : { x: dg.features!, graph: dg };
  objective.train(false);
  try {
    return tidy(() =>
      noGrad(() => {
        const r = objective.forward([view, view]);
        return fn({ representation: r.outputs.representation[0]!, embedding: r.outputs.online[0]!, target: r.outputs.target?.[0] });
      }),
    );
  } finally {
    objective.train(true);
  }
}

/** Frozen online-encoder representations of every node [N, D] (kept: dispose it); layer-wise with a chunk size. */
export function embedModel(objective: Objective, dg: DeviceGraph, inference: InferenceOptions = {}): Tensor {
  const chunkSize = inference.chunkSize;
  if (!chunkSize) return modelOutputs(objective, dg, ({ representation }) => keep(representation.detach()));
  // The encoder alone: the heads and the loss (GRACE's is N x N) are not needed for representations.
  objective.train(false);
  try {
    return keep(tidy(() => noGrad(() => layerwiseInference(objective.encoder, dg, { chunkSize }))));
  } finally {
    objective.train(true);
  }
}

/** Linear probe of the frozen representations under `config.eval` (keys of `override` replace it). */
export function evaluateModel(objective: Objective, dg: DeviceGraph, graph: Graph, config: Config, override: Partial<Config["eval"]> = {}, inference: InferenceOptions = {}): ProbeResult {
  const e = { ...config.eval, ...override };
  const emb = embedModel(objective, dg, inference);
  try {
    return probeGraph(emb, graph, {
      protocol: e.protocol,
      splits: { numSplits: e.splits, train: e.trainFraction, val: e.valFraction, seed: config.train.dataSeed, stratified: e.stratified },
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

export interface DiagnoseModelOptions {
  epoch: number;
  /** Rows (nodes) the output diagnostics use (default all). */
  rows?: Tensor | undefined;
  /** The WERank term as trained (Gram choice, squared) and its alphas by weight name. */
  werank: NonNullable<CollapseReportOptions["werank"]>;
}

/** Collapse diagnostics of a model: spectra of its (non-target) weights, both branches' outputs, RDM, alignment. */
export function diagnoseModel(objective: Objective, dg: DeviceGraph, o: DiagnoseModelOptions, inference: InferenceOptions = {}): CollapseReport {
  // Layer-wise, the outputs come restricted to the rows already (modelOutputs).
  const layerwise = (inference.chunkSize ?? 0) > 0;
  const modules = objective.modules();
  const weights = Object.entries(modules)
    .filter(([role]) => role !== "target")
    .flatMap(([role, m]) =>
      m
        .namedParameters()
        .filter(([, t]) => t.ndim === 2)
        .map(([n, t]) => [`${role}.${n}`, t] as [string, Tensor]),
    );
  const rowsView = { x: dg.features!, graph: dg, chunkSize: inference.chunkSize ?? 0, ...(o.rows ? { rows: o.rows } : {}) };
  const outputs = ({ representation, embedding, target }: { representation: Tensor; embedding: Tensor; target: Tensor | undefined }): CollapseReport => {
    const atRows = (t: Tensor): Tensor => (o.rows ? t.indexSelect(0, o.rows) : t);
    const sub = (t: Tensor): Tensor => (layerwise ? t : atRows(t));
    // The EMA target encoder's representation (BGRL, RDM) for the rank differential, when there is one.
    const targetEncoder = modules.target as unknown as { forward?: (x: unknown, g: unknown) => Tensor } | undefined;
    let targetRepr: Tensor | undefined;
    if (layerwise && targetEncoder instanceof GraphEncoder) targetRepr = encodeView(targetEncoder, rowsView);
    else if (targetEncoder?.forward) targetRepr = atRows(targetEncoder.forward(dg.features!, dg));
    return collapseReport(
      {
        epoch: o.epoch,
        representations: { online: sub(representation), ...(targetRepr ? { target: targetRepr } : {}) },
        embeddings: { online: sub(embedding), ...(target ? { target: sub(target) } : {}) },
        weights,
      },
      { alignment: "auto", werank: o.werank },
    );
  };
  return modelOutputs(objective, dg, outputs, { ...inference, rows: o.rows });
}
