/**
 * Parametric ReLU (He et al., 2015), as torch.nn.PReLU: y = max(0, x) + a * min(0, x).
 *
 * Shapes: x [N, C] -> [N, C]; `weight` [numParameters] (1 shared slope, PyTorch's and BGRL's
 * default, or one per channel), initialized to 0.25.
 *
 * @example
 * ```ts
 * const act = new PReLU();          // one learnable slope
 * const y = act.forward(h);
 * ```
 */
import { ShapeError } from "../errors.js";
import { full } from "../tensor/creation.js";
import type { DType } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/Tensor.js";
import { checkDims } from "./Linear.js";
import { Module } from "./Module.js";

export interface PReLUOptions {
  /** 1 (default) or the number of channels. */
  numParameters?: number;
  /** Initial slope (default 0.25). */
  init?: number;
  dtype?: DType;
}

export class PReLU extends Module {
  readonly numParameters: number;

  constructor(options: PReLUOptions = {}) {
    super();
    this.numParameters = options.numParameters ?? 1;
    checkDims("PReLU", this.numParameters);
    this.registerParameter("weight", () => full([this.numParameters], options.init ?? 0.25, { dtype: options.dtype ?? "float32" }));
  }

  get weight(): Tensor {
    return this.param("weight");
  }

  forward(x: Tensor): Tensor {
    if (this.numParameters > 1 && (x.ndim < 2 || x.shape[1] !== this.numParameters)) {
      throw new ShapeError(`PReLU: expected input [N, ${this.numParameters}] but received [${x.shape.join(", ")}]`);
    }
    return x.prelu(this.weight);
  }

  protected override extraRepr(): string {
    return `numParameters=${this.numParameters}`;
  }
}
