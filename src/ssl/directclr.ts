/**
 * DirectCLR (Jing, Vincent, LeCun & Tian, ICLR 2022, "Understanding Dimensional Collapse in
 * Contrastive Self-supervised Learning"): InfoNCE applied directly to the first d0 dimensions of
 * the representation, with no projector, so the gradient reaches the representation without a
 * trainable projector in between (facebookresearch/directclr, main.py: `z = r[:, :dim]`,
 * `loss = infoNCE(z1, z2) / 2 + infoNCE(z2, z1) / 2`, temperature 0.1):
 *
 *   infoNCE(a, b) = mean_i -log( e^{â_i·b̂_i / tau} / sum_j e^{â_i·b̂_j / tau} )   (â = a / ||a||)
 *
 * Only inter-view negatives (cross-entropy of â b̂^T / tau against the diagonal). The default d0
 * keeps the paper's ratio 360 / 2048 of the representation width (at least 1).
 *
 * Shapes: r [N, d] -> z = r[:, :d0].
 *
 * @example
 * ```ts
 * const obj = new DirectCLR({ encoder: { type: "gcn", inputDim: 500, layers: [512, 512] }, dim: 96 });
 * ```
 */
import { ConfigError } from "../errors.js";
import { arange } from "../tensor/creation.js";
import { crossEntropy } from "../tensor/functional.js";
import type { Tensor } from "../tensor/Tensor.js";
import { BaseObjective, type ObjectiveOptions, type ObjectiveResult, type View } from "./Objective.js";

export interface DirectCLROptions extends ObjectiveOptions {
  /** Sub-vector width d0 (default round(d * 360 / 2048)). */
  dim?: number;
  /** Temperature (default 0.1). */
  tau?: number;
}

/** One-directional InfoNCE with in-batch (other-view) negatives, as DirectCLR's `infoNCE`. */
export function infoNCE(a: Tensor, b: Tensor, tau = 0.1): Tensor {
  const logits = a.normalize(2, 1).matmul(b.normalize(2, 1).t()).div(tau);
  return crossEntropy(logits, arange(a.shape[0]!, undefined, 1, { device: a.device }));
}

/** DirectCLR loss on the first `dim` columns: infoNCE(z1, z2) / 2 + infoNCE(z2, z1) / 2. */
export function directclrLoss(r1: Tensor, r2: Tensor, dim: number, tau = 0.1): Tensor {
  const z1 = r1.narrow(1, 0, dim);
  const z2 = r2.narrow(1, 0, dim);
  return infoNCE(z1, z2, tau)
    .add(infoNCE(z2, z1, tau))
    .mul(0.5);
}

export class DirectCLR extends BaseObjective {
  readonly name: string = "directclr";
  readonly dim: number;
  readonly tau: number;

  constructor(options: DirectCLROptions) {
    super(options);
    const d = this.encoder.representationDim;
    this.dim = options.dim ?? Math.max(1, Math.round((d * 360) / 2048));
    this.tau = options.tau ?? 0.1;
    if (!Number.isInteger(this.dim) || this.dim < 1 || this.dim > d) {
      this.dispose();
      throw new ConfigError(`directclr.dim: expected an integer in [1, ${d}] (the representation width) but received ${options.dim}`);
    }
    if (!(this.tau > 0)) {
      this.dispose();
      throw new ConfigError(`directclr.tau: expected a value > 0 but received ${this.tau}`);
    }
  }

  forward(views: readonly [View, View]): ObjectiveResult {
    const [h1, h2] = this.encodeBoth(views);
    const loss = directclrLoss(h1, h2, this.dim, this.tau);
    return { loss, terms: { infoNCE: loss.detach() }, outputs: { online: [h1.narrow(1, 0, this.dim), h2.narrow(1, 0, this.dim)], representation: [h1, h2] } };
  }
}
