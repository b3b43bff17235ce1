/**
 * Graph convolution of Kipf & Welling (ICLR 2017), as PyG's GCNConv:
 * H' = Â (X W^T) + b, Â = D^-1/2 (A + I) D^-1/2.
 *
 * Shapes: X [N, in] dense or {@link SparseRows} (bag-of-words features: the first layer multiplies
 * the sparse rows by W^T natively) -> H' [N, out]. Parameters: `lin.weight` [out, in] (glorot, as
 * PyG), `bias` [out] (zeros). The linear map comes before propagation, as in PyG.
 *
 * @example
 * ```ts
 * const conv = new GCNConv(1433, 512);
 * const h = conv.forward(x, graph);   // graph: GraphOps (DeviceGraph)
 * ```
 */
import type { GraphOps, NodeInput } from "../graph/GraphOps.js";
import { zeros } from "../tensor/creation.js";
import type { DType } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/Tensor.js";
import { checkDims, Linear } from "./Linear.js";
import { freeIntermediate } from "./freeIntermediate.js";
import { Module } from "./Module.js";

export interface ConvOptions {
  /** Add a bias (default true). */
  bias?: boolean;
  dtype?: DType;
}

export class GCNConv extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly lin: Linear;

  constructor(inChannels: number, outChannels: number, options: ConvOptions = {}) {
    super();
    checkDims("GCNConv", inChannels, outChannels);
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    const dtype = options.dtype ?? "float32";
    this.lin = this.registerModule("lin", new Linear(inChannels, outChannels, { bias: false, init: "glorot", dtype }));
    if (options.bias ?? true) this.registerParameter("bias", () => zeros([outChannels], { dtype }));
  }

  get bias(): Tensor | undefined {
    return this.paramOpt("bias");
  }

  forward(x: NodeInput, graph: GraphOps): Tensor {
    const p = this.lin.project(x);
    const h = graph.gcn(p);
    freeIntermediate(p, x, h);
    const b = this.bias;
    if (b === undefined) return h;
    const out = h.add(b);
    h.dispose();
    return out;
  }

  protected override extraRepr(): string {
    return `${this.inChannels}, ${this.outChannels}`;
  }
}
