/**
 * Layer normalization (Ba et al., 2016) over node features, in PyTorch Geometric's two modes:
 *
 * - `"node"` (default; torch.nn.LayerNorm / PyG `mode="node"`): each row normalized over its C
 *   channels, y_i = (x_i - mean(x_i)) / sqrt(var(x_i) + eps) * weight + bias (biased variance);
 * - `"graph"` (PyG's `LayerNorm` default `mode="graph"`, which BGRL's `layernorm=True` encoder and
 *   its GraphSAGE PPI encoder use): the whole [N, C] matrix is one example,
 *   y = (x - mean(x)) / (std(x) + eps) * weight + bias with the biased std — note eps is added to
 *   the std, not the variance, as in PyG.
 *
 * Shapes: x [N, C] -> [N, C]; `weight` [C] (ones), `bias` [C] (zeros).
 *
 * @example
 * ```ts
 * const ln = new LayerNorm(256);                       // per node
 * const gln = new LayerNorm(256, { mode: "graph" });   // PyG's graph-wise default
 * ```
 */
import { ArgumentError, ShapeError } from "../errors.js";
import { ones, zeros } from "../tensor/creation.js";
import type { DType } from "../tensor/dtype.js";
import { layerNorm } from "../tensor/functional.js";
import type { Tensor } from "../tensor/Tensor.js";
import { checkDims } from "./Linear.js";
import { Module } from "./Module.js";

export interface LayerNormOptions {
  eps?: number;
  /** Learnable weight and bias (default true). */
  affine?: boolean;
  /** "node" (default) or "graph" (PyG's graph-wise normalization). */
  mode?: "node" | "graph";
  dtype?: DType;
}

export class LayerNorm extends Module {
  readonly numFeatures: number;
  readonly eps: number;
  readonly mode: "node" | "graph";

  constructor(numFeatures: number, options: LayerNormOptions = {}) {
    super();
    checkDims("LayerNorm", numFeatures);
    this.numFeatures = numFeatures;
    this.eps = options.eps ?? 1e-5;
    this.mode = options.mode ?? "node";
    if (this.mode !== "node" && this.mode !== "graph") throw new ArgumentError(`LayerNorm: unknown mode '${String(this.mode)}'. Valid choices: node, graph`);
    const dtype = options.dtype ?? "float32";
    if (options.affine ?? true) {
      this.registerParameter("weight", () => ones([numFeatures], { dtype }));
      this.registerParameter("bias", () => zeros([numFeatures], { dtype }));
    }
  }

  forward(x: Tensor): Tensor {
    if (x.ndim !== 2 || x.shape[1] !== this.numFeatures) {
      throw new ShapeError(`LayerNorm: expected input [N, ${this.numFeatures}] but received [${x.shape.join(", ")}]`);
    }
    const w = this.paramOpt("weight");
    const b = this.paramOpt("bias");
    if (this.mode === "node") return layerNorm(x, [this.numFeatures], w, b, this.eps);
    const centred = x.sub(x.mean());
    let y = centred.div(centred.std(undefined, false).add(this.eps));
    if (w !== undefined) y = y.mul(w);
    if (b !== undefined) y = y.add(b);
    return y;
  }

  protected override extraRepr(): string {
    return `${this.numFeatures}, mode=${this.mode}`;
  }
}
