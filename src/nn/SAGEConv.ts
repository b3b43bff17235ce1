/**
 * GraphSAGE convolution with the mean aggregator and a root weight (Hamilton et al., NeurIPS 2017),
 * as PyG's SAGEConv defaults: x'_i = W_1 x_i + W_2 mean_{j in N(i)} x_j + b.
 *
 * Shapes: X [N, in] (dense or {@link SparseRows}) -> [N, out]. Parameters follow PyG's names:
 * `lin_l` (neighbours, with the bias) and `lin_r` (root, no bias), both [out, in] with
 * torch.nn.Linear's init. Because the mean is linear, the neighbour term is computed as
 * mean(X W_2^T) when that is cheaper (out < in) or when X is sparse; the result is the same.
 *
 * @example
 * ```ts
 * const sage = new SAGEConv(50, 256);
 * const h = sage.forward(x, graph);
 * ```
 */
import { isSparseRows, type GraphOps, type NodeInput } from "../graph/GraphOps.js";
import type { Tensor } from "../tensor/Tensor.js";
import type { ConvOptions } from "./GCNConv.js";
import { checkDims, Linear } from "./Linear.js";
import { Module } from "./Module.js";

export class SAGEConv extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  /** Applied to the neighbour mean (carries the bias). */
  readonly linL: Linear;
  /** Applied to the node itself (the root weight). */
  readonly linR: Linear;

  constructor(inChannels: number, outChannels: number, options: ConvOptions = {}) {
    super();
    checkDims("SAGEConv", inChannels, outChannels);
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    const dtype = options.dtype ?? "float32";
    this.linL = this.registerModule("lin_l", new Linear(inChannels, outChannels, { bias: options.bias ?? true, dtype }));
    this.linR = this.registerModule("lin_r", new Linear(inChannels, outChannels, { bias: false, dtype }));
  }

  forward(x: NodeInput, graph: GraphOps): Tensor {
    // mean(X) W^T == mean(X W^T): project first when that is the smaller matrix (or X is sparse)
    const neigh = isSparseRows(x) || this.outChannels < this.inChannels ? graph.mean(this.linL.project(x)) : this.linL.project(graph.mean(x));
    const h = neigh.add(this.linR.project(x));
    const b = this.linL.bias;
    return b === undefined ? h : h.add(b);
  }

  protected override extraRepr(): string {
    return `${this.inChannels}, ${this.outChannels}, aggr=mean`;
  }
}
