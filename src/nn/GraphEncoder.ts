/**
 * Graph encoders built from a spec: a stack of message-passing layers (GCN, GraphSAGE, GAT) or
 * Linear layers (MLP), each followed by an optional norm, an activation and dropout.
 *
 *   h_0 = x;  h_l = dropout(act(norm(conv_l(h_{l-1}, graph))))   for l = 1..L (no dropout after L)
 *
 * The defaults reproduce BGRL's official GCN encoder (nerdslab/bgrl, bgrl/models.py: `GCN`): every
 * layer, the last included, is GCNConv -> BatchNorm(momentum = 0.99, PyTorch semantics: see
 * {@link BatchNorm1d}) -> PReLU (one slope per layer). With `norm: "layer"` BGRL uses PyG's
 * graph-wise LayerNorm (`layerNormMode: "graph"` here; the default here is per node).
 *
 * `weightStandardization` follows BGRL's option: before the forward pass the weight of every conv
 * layer except the first is replaced in place, W <- (W - mean) / sqrt(var + 1e-5), mean and
 * (unbiased) variance per output unit (row of W [out, in]). It is a projection of the parameters,
 * not a differentiable reparametrization. Objectives call {@link GraphEncoder.startStep} once per
 * step (an in-place change between two forwards of one step would invalidate the saved graph).
 *
 * Shapes: x [N, inputDim] (dense or {@link SparseRows}) -> [N, layers.at(-1)].
 *
 * @example
 * ```ts
 * const enc = buildEncoder({ type: "gcn", inputDim: 1433, layers: [512, 256] });
 * const h = enc.forward(x, graph);   // [N, 256]; enc.representationDim === 256
 * ```
 */
import { ArgumentError, ConfigError, unknownName } from "../errors.js";
import type { GraphOps, NodeInput } from "../graph/GraphOps.js";
import { noGrad } from "../tensor/autograd.js";
import type { DType } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/Tensor.js";
import { tidy } from "../tensor/tidy.js";
import { ACTIVATIONS, type ActivationName, makeActivation } from "./Activation.js";
import { BatchNorm1d } from "./BatchNorm1d.js";
import { Dropout } from "./Dropout.js";
import { GATConv } from "./GATConv.js";
import { GCNConv } from "./GCNConv.js";
import { Linear } from "./Linear.js";
import { makeNorm, NORMS, type NormName } from "./makeNorm.js";
import { freeIntermediate, stage } from "./freeIntermediate.js";
import { Module, type UnaryModule } from "./Module.js";
import { ModuleList } from "./ModuleList.js";
import { PReLU } from "./PReLU.js";
import { SAGEConv } from "./SAGEConv.js";

export type EncoderType = "gcn" | "sage" | "gat" | "mlp";
export const ENCODER_TYPES: readonly EncoderType[] = ["gcn", "sage", "gat", "mlp"];

export interface EncoderSpec {
  type: EncoderType;
  /** Input feature width. */
  inputDim: number;
  /** Output width of each layer, e.g. [512, 256] (for GAT: heads x channels per head). */
  layers: readonly number[];
  /** Norm after each layer (default "batch", as BGRL). */
  norm?: NormName;
  /** Activation after each layer (default "prelu", as BGRL). */
  act?: ActivationName;
  /** BGRL's weight standardization of every layer but the first (default false). */
  weightStandardization?: boolean;
  /** Dropout between layers in training (default 0). */
  dropout?: number;
  /** GAT heads (default 1); each layer size must be a multiple. */
  heads?: number;
  /** BatchNorm momentum, PyTorch semantics (default 0.99, BGRL's `batchnorm_mm`). */
  batchNormMomentum?: number;
  /** LayerNorm mode (default "node"; BGRL/PyG's LayerNorm is "graph"). */
  layerNormMode?: "node" | "graph";
  dtype?: DType;
}

/** The spec with every default filled in (saved with checkpoints). */
export type ResolvedEncoderSpec = Required<Omit<EncoderSpec, "layers">> & { layers: number[] };

type Conv = GCNConv | SAGEConv | GATConv | Linear;

/** Fills defaults and validates; errors are ConfigError naming the key. */
export function resolveEncoderSpec(spec: EncoderSpec): ResolvedEncoderSpec {
  if (spec === null || typeof spec !== "object") throw new ConfigError("encoder: expected a spec object { type, inputDim, layers, ... }");
  if (!ENCODER_TYPES.includes(spec.type)) throw new ConfigError(unknownName("encoder type", String(spec.type), ENCODER_TYPES));
  const r: ResolvedEncoderSpec = {
    type: spec.type,
    inputDim: spec.inputDim,
    layers: Array.isArray(spec.layers) ? [...spec.layers] : [],
    norm: spec.norm ?? "batch",
    act: spec.act ?? "prelu",
    weightStandardization: spec.weightStandardization ?? false,
    dropout: spec.dropout ?? 0,
    heads: spec.heads ?? 1,
    batchNormMomentum: spec.batchNormMomentum ?? 0.99,
    layerNormMode: spec.layerNormMode ?? "node",
    dtype: spec.dtype ?? "float32",
  };
  if (!Number.isInteger(r.inputDim) || r.inputDim <= 0) throw new ConfigError(`encoder.inputDim: expected a positive integer but received ${String(spec.inputDim)}`);
  if (r.layers.length === 0 || r.layers.some((d) => !Number.isInteger(d) || d <= 0)) {
    throw new ConfigError(`encoder.layers: expected a non-empty list of positive integers such as [512, 256] but received ${JSON.stringify(spec.layers)}`);
  }
  if (!NORMS.includes(r.norm)) throw new ConfigError(unknownName("encoder norm", String(r.norm), NORMS));
  if (!ACTIVATIONS.includes(r.act)) throw new ConfigError(unknownName("encoder activation", String(r.act), ACTIVATIONS));
  if (!(r.dropout >= 0 && r.dropout < 1)) throw new ConfigError(`encoder.dropout: expected a value in [0, 1) but received ${r.dropout}`);
  if (!Number.isInteger(r.heads) || r.heads < 1) throw new ConfigError(`encoder.heads: expected a positive integer but received ${r.heads}`);
  if (r.type === "gat" && r.layers.some((d) => d % r.heads !== 0)) {
    throw new ConfigError(`encoder.layers: expected multiples of heads=${r.heads} for a GAT encoder but received [${r.layers.join(", ")}]`);
  }
  if (!(r.batchNormMomentum >= 0 && r.batchNormMomentum <= 1)) throw new ConfigError(`encoder.batchNormMomentum: expected a value in [0, 1] but received ${r.batchNormMomentum}`);
  return r;
}

export class GraphEncoder extends Module {
  readonly spec: ResolvedEncoderSpec;
  readonly convs: ModuleList<Conv>;
  private readonly post: { norm?: UnaryModule; act: UnaryModule }[] = [];
  private readonly drop: Dropout | undefined;

  constructor(spec: EncoderSpec) {
    super();
    const s = resolveEncoderSpec(spec);
    this.spec = s;
    const dtype = s.dtype;
    this.convs = this.registerModule("convs", new ModuleList<Conv>());
    const norms = this.registerModule("norms", new ModuleList<UnaryModule>());
    const acts = this.registerModule("acts", new ModuleList<UnaryModule>());
    let inDim = s.inputDim;
    for (const out of s.layers) {
      this.convs.push(makeConv(s, inDim, out));
      const norm = makeNorm(s.norm, out, { batchNormMomentum: s.batchNormMomentum, layerNormMode: s.layerNormMode, dtype });
      this.post.push({ norm: norm ? norms.push(norm) : undefined, act: acts.push(makeActivation(s.act, dtype)) });
      inDim = out;
    }
    this.drop = s.dropout > 0 ? this.registerModule("dropout", new Dropout(s.dropout)) : undefined;
  }

  /** Width of the output representation. */
  get representationDim(): number {
    return this.spec.layers[this.spec.layers.length - 1]!;
  }
  get inputDim(): number {
    return this.spec.inputDim;
  }

  /** Node representations [N, representationDim]; `graph` is ignored by an MLP encoder. */
  forward(x: NodeInput, graph: GraphOps): Tensor {
    let h: Tensor | undefined;
    for (let i = 0; i < this.convs.length; i++) {
      const input = h ?? x;
      h = this.conv(i, input, graph);
      if (input !== x) freeIntermediate(input as Tensor, h);
      h = this.activate(i, h);
    }
    return h!;
  }

  /** Layer i's message passing (or Linear) alone: [N, in] -> [N, layers[i]]. */
  conv(i: number, input: NodeInput, graph: GraphOps): Tensor {
    const conv = this.convs.at(i);
    return conv instanceof Linear ? conv.forward(input) : conv.forward(input, graph);
  }

  /** What follows layer i's conv: norm, activation, and dropout between layers (frees its input unless returned). */
  activate(i: number, h: Tensor): Tensor {
    const { norm, act } = this.post[i]!;
    if (norm instanceof BatchNorm1d && act instanceof PReLU) {
      h = stage(h, norm.forwardPrelu(h, act)); // BGRL's layer: one fused op
    } else {
      if (norm) h = stage(h, norm.forward(h));
      h = stage(h, act.forward(h));
    }
    if (this.drop && i < this.convs.length - 1) h = stage(h, this.drop.forward(h));
    return h;
  }

  /** Call once per training step before the first forward: applies weight standardization when enabled. */
  startStep(): void {
    if (this.spec.weightStandardization) this.standardizeWeights();
  }

  /** BGRL's weight standardization, in place, on every layer's weights except the first layer's. */
  standardizeWeights(): void {
    const ws = this.convs.namedParameters().filter(([n, p]) => !n.startsWith("0.") && n.endsWith("weight") && p.ndim === 2);
    noGrad(() =>
      tidy(() => {
        for (const [, w] of ws) {
          const mean = w.mean(1, true);
          const v = w.var(1, true, true);
          w.copy_(w.sub(mean).div(v.add(1e-5).sqrt()));
        }
      }),
    );
  }

  /** The 2-D weight matrices with their names (what weight regularizers such as WERank act on). */
  weightMatrices(): [string, Tensor][] {
    return this.namedParameters().filter(([n, p]) => n.endsWith("weight") && p.ndim === 2);
  }

  /** A new encoder of the same spec: freshly initialized, or with a copy of this one's state. */
  clone(options: { copyState?: boolean } = {}): GraphEncoder {
    const c = new GraphEncoder(this.spec);
    if (options.copyState ?? true) c.loadStateDict(this.stateDict());
    c.train(this.training);
    return c;
  }

  protected override extraRepr(): string {
    return `${this.spec.type}, [${[this.spec.inputDim, ...this.spec.layers].join(", ")}]`;
  }
}

function makeConv(s: ResolvedEncoderSpec, inDim: number, out: number): Conv {
  const dtype = s.dtype;
  switch (s.type) {
    case "gcn":
      return new GCNConv(inDim, out, { dtype });
    case "sage":
      return new SAGEConv(inDim, out, { dtype });
    case "gat":
      return new GATConv(inDim, out / s.heads, { heads: s.heads, dtype });
    case "mlp":
      return new Linear(inDim, out, { dtype });
    default:
      throw new ArgumentError(unknownName("encoder type", String(s.type), ENCODER_TYPES));
  }
}

/**
 * Builds an encoder from a spec (defaults: BatchNorm with momentum 0.99 and PReLU after every
 * layer, as BGRL). Invalid specs raise ERR_CONFIG naming the key.
 *
 * @example
 * ```ts
 * const enc = buildEncoder({ type: "gat", inputDim: 50, layers: [256, 256], heads: 4, norm: "layer", act: "elu" });
 * ```
 */
export function buildEncoder(spec: EncoderSpec): GraphEncoder {
  return new GraphEncoder(spec);
}
