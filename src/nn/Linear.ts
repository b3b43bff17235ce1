/**
 * Fully connected layer, as torch.nn.Linear: y = x W^T + b.
 *
 * Shapes: x [N, in] (or {@link SparseRows} with `cols = in`) -> y [N, out]; W [out, in]; b [out].
 * Init: W ~ kaiming_uniform(a = sqrt(5)) = U(±1/sqrt(in)), b ~ U(±1/sqrt(in)) (PyTorch's default),
 * or glorot for W and zeros for b with `init: "glorot"` (PyG's choice for message-passing layers).
 *
 * @example
 * ```ts
 * const lin = new Linear(1433, 512);
 * const h = lin.forward(x);   // [N, 512]
 * ```
 */
import { ShapeError } from "../errors.js";
import { isSparseRows, type NodeInput } from "../graph/GraphOps.js";
import { zeros } from "../tensor/creation.js";
import type { DType } from "../tensor/dtype.js";
import { linear } from "../tensor/functional.js";
import type { Tensor } from "../tensor/Tensor.js";
import { fanInUniform, glorotUniform, kaimingUniform } from "./init.js";
import { freeIntermediate } from "./freeIntermediate.js";
import { Module } from "./Module.js";

export interface LinearOptions {
  /** Add a bias (default true). */
  bias?: boolean;
  /** "kaiming" (torch.nn.Linear, default) or "glorot" (PyG; bias zeros). */
  init?: "kaiming" | "glorot";
  dtype?: DType;
}

export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;

  constructor(inFeatures: number, outFeatures: number, options: LinearOptions = {}) {
    super();
    checkDims("Linear", inFeatures, outFeatures);
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    const dtype = options.dtype ?? "float32";
    const glorot = options.init === "glorot";
    this.registerParameter("weight", () => (glorot ? glorotUniform([outFeatures, inFeatures], dtype) : kaimingUniform([outFeatures, inFeatures], inFeatures, dtype)));
    if (options.bias ?? true) this.registerParameter("bias", () => (glorot ? zeros([outFeatures], { dtype }) : fanInUniform([outFeatures], inFeatures, dtype)));
  }

  /** [out, in]. */
  get weight(): Tensor {
    return this.param("weight");
  }
  get bias(): Tensor | undefined {
    return this.paramOpt("bias");
  }

  /** x W^T + b; sparse rows are multiplied by W^T natively. */
  forward(x: NodeInput): Tensor {
    if (!isSparseRows(x)) {
      this.checkInput(x);
      return linear(x, this.weight, this.bias);
    }
    const h = this.project(x);
    const b = this.bias;
    if (b === undefined) return h;
    const out = h.add(b);
    h.dispose();
    return out;
  }

  /** x W^T without the bias (for layers that aggregate before adding it). */
  project(x: NodeInput): Tensor {
    if (isSparseRows(x)) {
      if (x.cols !== this.inFeatures) throw new ShapeError(`Linear: expected ${this.inFeatures} input columns but received ${x.cols}`);
      const wt = this.weight.t();
      const h = x.matmul(wt);
      freeIntermediate(wt, h);
      return h;
    }
    this.checkInput(x);
    return linear(x, this.weight);
  }

  private checkInput(x: Tensor): void {
    if (x.ndim < 1 || x.shape[x.ndim - 1] !== this.inFeatures) {
      throw new ShapeError(`Linear: expected input [..., ${this.inFeatures}] but received [${x.shape.join(", ")}]`);
    }
  }

  protected override extraRepr(): string {
    return `${this.inFeatures}, ${this.outFeatures}, bias=${this.bias !== undefined}`;
  }
}

/** Validates layer sizes (positive integers). */
export function checkDims(layer: string, ...dims: number[]): void {
  for (const d of dims) {
    if (!Number.isInteger(d) || d <= 0) throw new ShapeError(`${layer}: expected positive integer sizes but received ${dims.join(", ")}`);
  }
}
