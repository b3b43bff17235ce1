/**
 * The common shape of self-supervised objectives on graphs. An objective owns its networks (online
 * encoder, predictor/projector, target), computes the loss of one step from two augmented views,
 * and updates non-trained state after the optimizer step (BGRL's EMA target).
 *
 * A training step, for any objective:
 * ```ts
 * const obj = createObjective("bgrl", { encoder: { type: "gcn", inputDim: F, layers: [512, 256] } });
 * const params = obj.trainableParameters();
 * tidy(() => {
 *   const { loss } = obj.forward([view1, view2]);   // view = { x, graph } (augmented)
 *   loss.backward();
 * });
 * optimizer.step(params);
 * obj.afterStep?.(momentum);                         // EMA for BGRL; absent for the others
 * ```
 * Representations for evaluation come from `obj.encoder` in eval mode.
 */
import { ArgumentError, ConfigError } from "../errors.js";
import { DeviceGraph } from "../graph/DeviceGraph.js";
import type { GraphOps, NodeInput } from "../graph/GraphOps.js";
import { layerwiseInference } from "../nn/layerwiseInference.js";
import { type EncoderSpec, GraphEncoder } from "../nn/GraphEncoder.js";
import { MLP } from "../nn/MLP.js";
import type { Module } from "../nn/Module.js";
import type { ActivationName } from "../nn/Activation.js";
import type { NormName } from "../nn/makeNorm.js";
import type { Tensor } from "../tensor/Tensor.js";

/** One augmented view of the graph. */
export interface View {
  x: NodeInput;
  graph: GraphOps;
  /**
   * The rows the loss is computed on (default all): a count k keeps rows 0..k-1 of the encoder
   * outputs (the seeds of a neighbour-sampled subgraph, which come first), an int64 index tensor
   * those rows. Heads, the loss and the regularizers then see only these rows.
   */
  rows?: number | Tensor;
  /**
   * Evaluation only (no autograd, eval mode): encode layer by layer in chunks of this many nodes
   * ({@link layerwiseInference}) instead of one forward; `graph` must be a DeviceGraph, whose own
   * features are the input.
   */
  chunkSize?: number;
}

/** The encoder output of a view (layer-wise when the view has a chunkSize), restricted to the view's {@link View.rows}. */
export function encodeView(encoder: GraphEncoder, view: View): Tensor {
  let h: Tensor;
  if (view.chunkSize) {
    if (!(view.graph instanceof DeviceGraph)) throw new ArgumentError("objective.forward: a view with a chunkSize (layer-wise inference) needs a DeviceGraph");
    h = layerwiseInference(encoder, view.graph, { chunkSize: view.chunkSize });
  } else h = encoder.forward(view.x, view.graph);
  const r = view.rows;
  if (r === undefined) return h;
  return typeof r === "number" ? h.narrow(0, 0, r) : h.indexSelect(0, r);
}

export interface ObjectiveOutputs {
  /** What the loss consumed on the trained side, one per view (predictions, projections, filtered outputs). */
  online: Tensor[];
  /** The stop-gradient side, one per view, where the objective has one (BGRL, SimSiam, RDM). */
  target?: Tensor[];
  /** Online encoder outputs, one per view (the representation that is evaluated). */
  representation: Tensor[];
}

export interface ObjectiveResult {
  /** Scalar to minimize. */
  loss: Tensor;
  /** Named scalar parts of the loss, for logging (detached). */
  terms: Record<string, Tensor>;
  outputs: ObjectiveOutputs;
}

export interface Objective {
  readonly name: string;
  /** The online encoder (its representations are evaluated and checkpointed). */
  readonly encoder: GraphEncoder;
  /** Every network the objective owns, by role (encoder, predictor, projector, target). */
  modules(): Record<string, Module>;
  /** Parameters the optimizer updates (not the EMA target's). */
  trainableParameters(): Tensor[];
  /** Loss and outputs of one step from two views; call inside tidy(). */
  forward(views: readonly [View, View]): ObjectiveResult;
  /** After the optimizer step: BGRL's EMA update with this momentum (target = m target + (1 - m) online). */
  afterStep?(momentum: number): void;
  /** Training or evaluation mode for every owned module. */
  train(on?: boolean): void;
  /** Frees every owned tensor. Idempotent. */
  dispose(): void;
}

/** Options every objective factory accepts. */
export interface ObjectiveOptions {
  /** The online encoder, or its spec. The objective takes ownership of a passed encoder. */
  encoder: EncoderSpec | GraphEncoder;
}

/** An MLP head after the encoder: hidden and output sizes, e.g. { dims: [512, 256] }. */
export interface HeadSpec {
  dims: readonly number[];
  norm?: NormName;
  act?: ActivationName;
}

/** Shared plumbing: module ownership, trainable parameters, modes, disposal. */
export abstract class BaseObjective implements Objective {
  abstract readonly name: string;
  readonly encoder: GraphEncoder;
  private readonly owned: Record<string, Module> = {};
  private readonly frozen = new Set<string>();

  protected constructor(options: ObjectiveOptions) {
    if (options === null || typeof options !== "object" || options.encoder === undefined) {
      throw new ConfigError("objective: expected options with an encoder (a GraphEncoder or an encoder spec)");
    }
    this.encoder = this.own("encoder", options.encoder instanceof GraphEncoder ? options.encoder : new GraphEncoder(options.encoder));
  }

  /** Registers an owned module under a role; `frozen` ones are not trained (EMA targets). */
  protected own<M extends Module>(role: string, m: M, frozen = false): M {
    this.owned[role] = m;
    if (frozen) {
      this.frozen.add(role);
      for (const p of m.parameters()) p.setRequiresGrad(false);
    }
    return m;
  }

  /** An owned MLP head (projector or predictor) reading `inputDim` features (default: the representation width). */
  protected head(role: string, spec: HeadSpec, inputDim = this.encoder.representationDim): MLP {
    return this.own(role, new MLP([inputDim, ...spec.dims], { norm: spec.norm ?? "none", act: spec.act ?? "relu", dtype: this.encoder.spec.dtype }));
  }

  modules(): Record<string, Module> {
    return { ...this.owned };
  }

  trainableParameters(): Tensor[] {
    return Object.entries(this.owned).flatMap(([role, m]) => (this.frozen.has(role) ? [] : m.parameters()));
  }

  abstract forward(views: readonly [View, View]): ObjectiveResult;

  train(on = true): void {
    for (const m of Object.values(this.owned)) m.train(on);
  }

  dispose(): void {
    for (const m of Object.values(this.owned)) m.dispose();
  }

  /** Encoder outputs of both views (after the per-step weight standardization). */
  protected encodeBoth(views: readonly [View, View]): [Tensor, Tensor] {
    checkViews(views);
    this.encoder.startStep();
    return [encodeView(this.encoder, views[0]), encodeView(this.encoder, views[1])];
  }
}

/** Validates the two-view argument. */
export function checkViews(views: readonly [View, View]): void {
  if (!Array.isArray(views) || views.length !== 2 || views.some((v) => v === null || typeof v !== "object" || v.x === undefined || v.graph === undefined)) {
    throw new ArgumentError("objective.forward: expected two views [{ x, graph }, { x, graph }]");
  }
  for (const { rows, graph } of views) {
    if (typeof rows === "number" && !(Number.isInteger(rows) && rows >= 1 && rows <= graph.numNodes)) {
      throw new ArgumentError(`objective.forward: expected view.rows to be a row count in [1, ${graph.numNodes}] but received ${rows}`);
    }
  }
}
