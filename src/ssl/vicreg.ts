/**
 * VICReg: Variance-Invariance-Covariance Regularization (Bardes, Ponce & LeCun, ICLR 2022), on node
 * embeddings z1, z2 [N, d] of two views (optionally through a projector/"expander"):
 *
 *   inv  = mean_{i,j} (z1_ij - z2_ij)^2                                   (F.mse_loss)
 *   var  = (v(z1) + v(z2)) / 2,  v(z) = mean_j relu(gamma - sqrt(Var(z_j) + eps))   (unbiased Var)
 *   cov  = c(z1) + c(z2),        c(z) = sum_{j != k} C(z)_jk^2 / d,  C(z) = (z - mean)^T (z - mean) / (N - 1)
 *   L    = lambda * inv + mu * var + nu * cov
 *
 * as the official code (facebookresearch/vicreg, main_vicreg.py: `std_loss = mean(relu(1 - std_x)) / 2
 * + mean(relu(1 - std_y)) / 2`, `cov_loss = off_diagonal(cov_x).pow(2).sum() / d + (same for y)`).
 * Defaults lambda = mu = 25, nu = 1, gamma = 1, eps = 1e-4. The variance hinge is shared with
 * {@link VarianceRegularizer}.
 *
 * @example
 * ```ts
 * const vic = new VICReg({ encoder: { type: "gcn", inputDim: 500, layers: [512, 512] }, projector: { dims: [512, 512] } });
 * const { loss, terms } = vic.forward([v1, v2]);   // terms.invariance, terms.variance, terms.covariance
 * ```
 */
import { ConfigError } from "../errors.js";
import type { MLP } from "../nn/MLP.js";
import { varianceHinge } from "../regularizers/variance.js";
import { mseLoss } from "../tensor/functional.js";
import type { Tensor } from "../tensor/Tensor.js";
import { BaseObjective, type HeadSpec, type ObjectiveOptions, type ObjectiveResult, type View } from "./Objective.js";

export interface VICRegWeights {
  /** Invariance weight lambda (default 25). */
  lambda?: number;
  /** Variance weight mu (default 25). */
  mu?: number;
  /** Covariance weight nu (default 1). */
  nu?: number;
  /** Target std gamma (default 1). */
  gamma?: number;
  /** Variance eps (default 1e-4). */
  eps?: number;
}

export interface VICRegOptions extends ObjectiveOptions, VICRegWeights {
  /** Optional projector after the encoder (default none). */
  projector?: HeadSpec;
}

/** Sum of squared off-diagonal entries of the covariance of z, divided by d. */
export function covariancePenalty(z: Tensor): Tensor {
  const n = z.shape[0]!;
  const d = z.shape[1]!;
  const c = z.sub(z.mean(0, true));
  const cov = c
    .t()
    .matmul(c)
    .div(n - 1);
  return cov.square().sum().sub(cov.diagonal().square().sum()).div(d);
}

/** The three VICReg terms (unweighted) and the weighted loss. */
export function vicregLoss(z1: Tensor, z2: Tensor, w: VICRegWeights = {}): { loss: Tensor; invariance: Tensor; variance: Tensor; covariance: Tensor } {
  const gamma = w.gamma ?? 1;
  const eps = w.eps ?? 1e-4;
  const invariance = mseLoss(z1, z2);
  const variance = varianceHinge(z1, gamma, eps)
    .add(varianceHinge(z2, gamma, eps))
    .mul(0.5);
  const covariance = covariancePenalty(z1).add(covariancePenalty(z2));
  const loss = invariance
    .mul(w.lambda ?? 25)
    .add(variance.mul(w.mu ?? 25))
    .add(covariance.mul(w.nu ?? 1));
  return { loss, invariance, variance, covariance };
}

export class VICReg extends BaseObjective {
  readonly name: string = "vicreg";
  readonly weights: Required<VICRegWeights>;
  readonly projector: MLP | undefined;

  constructor(options: VICRegOptions) {
    super(options);
    this.weights = { lambda: options.lambda ?? 25, mu: options.mu ?? 25, nu: options.nu ?? 1, gamma: options.gamma ?? 1, eps: options.eps ?? 1e-4 };
    const bad = Object.entries(this.weights).find(([, v]) => !(Number.isFinite(v) && v >= 0));
    if (bad) {
      this.dispose();
      throw new ConfigError(`vicreg.${bad[0]}: expected a finite value >= 0 but received ${bad[1]}`);
    }
    this.projector = options.projector ? this.head("projector", options.projector) : undefined;
  }

  forward(views: readonly [View, View]): ObjectiveResult {
    const [h1, h2] = this.encodeBoth(views);
    const z1 = this.projector ? this.projector.forward(h1) : h1;
    const z2 = this.projector ? this.projector.forward(h2) : h2;
    const r = vicregLoss(z1, z2, this.weights);
    return {
      loss: r.loss,
      terms: { invariance: r.invariance.detach(), variance: r.variance.detach(), covariance: r.covariance.detach() },
      outputs: { online: [z1, z2], representation: [h1, h2] },
    };
  }
}
