/**
 * Graph attention convolution (Veličković et al., ICLR 2018), as PyG's GATConv with self-loops:
 *
 *   h = X W^T viewed as [N, H, C];  e_ij = LeakyReLU(a_src·h_j + a_dst·h_i, 0.2) for each edge j -> i
 *   alpha_ij = softmax over the incoming edges of i (self-loop included) of e_ij
 *   x'_i = concat_heads(sum_j alpha_ij h_j) + b     (or the mean over heads with `concat: false`)
 *
 * Shapes: X [N, in] (dense or {@link SparseRows}) -> [N, H*C] (concat) or [N, C]. Parameters (PyG's
 * names): `lin.weight` [H*C, in] (glorot), `att_src`, `att_dst` [1, H, C] (glorot), `bias` (zeros).
 *
 * Built from tensor ops over `graph.edges(true)`: indexSelect gathers per-edge scores, exp, indexAdd
 * sums them per destination. Stability: the softmax subtracts, per destination i, the upper bound
 * m_i = LeakyReLU(max_j a_src·h_j + a_dst·h_i) (LeakyReLU is increasing, so m_i >= e_ij for every
 * edge into i); it needs only a global max over source scores, not a scatter-max. Every exp is then
 * <= 1 (no overflow). A node's denominator can only underflow if all its incoming scores, its own
 * self-loop included, lie ~87 below that bound (float32), i.e. if a_src·h_i is that far below the
 * largest source score. The bound is detached: softmax is invariant to it. As in PyG, 1e-16 is
 * added to each denominator.
 *
 * @example
 * ```ts
 * const gat = new GATConv(1433, 8, { heads: 8 });   // output [N, 64]
 * const h = gat.forward(x, graph).elu();
 * ```
 */
import { ArgumentError } from "../errors.js";
import type { GraphOps, NodeInput } from "../graph/GraphOps.js";
import { zeros } from "../tensor/creation.js";
import { dropout } from "../tensor/functional.js";
import type { Tensor } from "../tensor/Tensor.js";
import type { ConvOptions } from "./GCNConv.js";
import { glorotUniform } from "./init.js";
import { checkDims, Linear } from "./Linear.js";
import { Module } from "./Module.js";

export interface GATConvOptions extends ConvOptions {
  /** Attention heads H (default 1). */
  heads?: number;
  /** Concatenate heads (default true) or average them. */
  concat?: boolean;
  /** LeakyReLU slope of the attention scores (default 0.2). */
  negativeSlope?: number;
  /** Dropout on the attention coefficients in training (default 0). */
  dropout?: number;
}

export class GATConv extends Module {
  readonly inChannels: number;
  /** Channels per head C. */
  readonly outChannels: number;
  readonly heads: number;
  readonly concat: boolean;
  readonly negativeSlope: number;
  readonly dropout: number;
  readonly lin: Linear;

  constructor(inChannels: number, outChannels: number, options: GATConvOptions = {}) {
    super();
    const heads = options.heads ?? 1;
    checkDims("GATConv", inChannels, outChannels, heads);
    const p = options.dropout ?? 0;
    if (!(p >= 0 && p < 1)) throw new ArgumentError(`GATConv: expected dropout in [0, 1) but received ${p}`);
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.heads = heads;
    this.concat = options.concat ?? true;
    this.negativeSlope = options.negativeSlope ?? 0.2;
    this.dropout = p;
    const dtype = options.dtype ?? "float32";
    this.lin = this.registerModule("lin", new Linear(inChannels, heads * outChannels, { bias: false, init: "glorot", dtype }));
    this.registerParameter("att_src", () => glorotUniform([1, heads, outChannels], dtype));
    this.registerParameter("att_dst", () => glorotUniform([1, heads, outChannels], dtype));
    if (options.bias ?? true) this.registerParameter("bias", () => zeros([this.outputDim], { dtype }));
  }

  /** Width of the output: H*C when concatenating, else C. */
  get outputDim(): number {
    return this.concat ? this.heads * this.outChannels : this.outChannels;
  }
  get bias(): Tensor | undefined {
    return this.paramOpt("bias");
  }

  forward(x: NodeInput, graph: GraphOps): Tensor {
    const n = graph.numNodes;
    const H = this.heads;
    const C = this.outChannels;
    const h = this.lin.forward(x).view(n, H, C);
    const sSrc = h.mul(this.param("att_src")).sum(-1); // [N, H]
    const sDst = h.mul(this.param("att_dst")).sum(-1); // [N, H]
    const { src, dst } = graph.edges(true);
    const slope = this.negativeSlope;
    const e = sSrc.indexSelect(0, src).add(sDst.indexSelect(0, dst)).leakyRelu(slope); // [E, H]
    // per-destination upper bound of the scores (see the doc comment); detached, softmax ignores it
    const bound = sDst.detach().add(sSrc.detach().max(0)).leakyRelu(slope); // [N, H]
    const w = e.sub(bound.indexSelect(0, dst)).exp();
    const denom = zeros([n, H], { dtype: w.dtype, device: w.device }).indexAdd(0, dst, w).add(1e-16);
    let alpha = w.div(denom.indexSelect(0, dst)); // [E, H]
    if (this.dropout > 0 && this.training) alpha = dropout(alpha, this.dropout, true);
    const msg = h.indexSelect(0, src).mul(alpha.unsqueeze(-1)); // [E, H, C]
    const agg = zeros([n, H, C], { dtype: msg.dtype, device: msg.device }).indexAdd(0, dst, msg);
    const out = this.concat ? agg.view(n, H * C) : agg.mean(1);
    const b = this.bias;
    return b === undefined ? out : out.add(b);
  }

  protected override extraRepr(): string {
    return `${this.inChannels}, ${this.outChannels}, heads=${this.heads}, concat=${this.concat}`;
  }
}
