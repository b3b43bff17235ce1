/**
 * VICReg's variance term as a stand-alone embedding regularizer (Bardes, Ponce & LeCun, ICLR 2022;
 * see ../shared/seeds/svmax-vicreg-article.txt): a hinge on the standard deviation of every
 * embedding dimension over the batch (here: the nodes),
 *
 *   v(Z) = mean_j relu(gamma - sqrt(Var(Z_{:, j}) + eps)),    loss = weight * v(Z)
 *
 * with the unbiased variance (divide by N - 1), gamma = 1 and eps = 1e-4 as the official VICReg
 * code (`torch.sqrt(x.var(dim=0) + 0.0001)`, `F.relu(1 - std_x)`). A dimension whose std is 0 is
 * collapsed (always the same value); the hinge pushes each std up to gamma and no further.
 *
 * Shapes: Z [N, d] -> scalar.
 *
 * @example
 * ```ts
 * const reg = new VarianceRegularizer({ weight: 25 });
 * const { loss, terms } = reg.forward(z);   // terms.meanStd, terms.hinge
 * ```
 */
import { ArgumentError, ShapeError } from "../errors.js";
import type { Tensor } from "../tensor/Tensor.js";
import type { EmbeddingRegularizer, RegularizerResult } from "./EmbeddingRegularizer.js";

/** Per-dimension std over rows: sqrt(Var(Z, dim 0, unbiased) + eps), shape [d]. */
export function columnStd(z: Tensor, eps = 1e-4): Tensor {
  if (z.ndim !== 2 || z.shape[0]! < 2) throw new ShapeError(`variance: expected an embedding [N >= 2, d] but received [${z.shape.join(", ")}]`);
  return z.var(0, true).add(eps).sqrt();
}

/** mean_j relu(gamma - sqrt(Var(Z_j) + eps)). */
export function varianceHinge(z: Tensor, gamma = 1, eps = 1e-4): Tensor {
  return columnStd(z, eps).rsub(gamma).relu().mean();
}

export interface VarianceOptions {
  /** Multiplier of the hinge in the loss (default 1). */
  weight?: number;
  /** Target std (default 1). */
  gamma?: number;
  /** Added to the variance (default 1e-4). */
  eps?: number;
}

export class VarianceRegularizer implements EmbeddingRegularizer {
  readonly name = "variance";
  readonly weight: number;
  readonly gamma: number;
  readonly eps: number;

  constructor(options: VarianceOptions = {}) {
    this.weight = options.weight ?? 1;
    this.gamma = options.gamma ?? 1;
    this.eps = options.eps ?? 1e-4;
    if (!Number.isFinite(this.weight) || !(this.gamma > 0) || !(this.eps >= 0)) {
      throw new ArgumentError(`variance: expected finite weight, gamma > 0 and eps >= 0 but received ${this.weight}, ${this.gamma}, ${this.eps}`);
    }
  }

  forward(z: Tensor): RegularizerResult {
    const std = columnStd(z, this.eps);
    const hinge = std.rsub(this.gamma).relu().mean();
    return { loss: hinge.mul(this.weight), terms: { hinge: hinge.detach(), meanStd: std.detach().mean() } };
  }
}
