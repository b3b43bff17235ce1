/**
 * GRACE: Deep Graph Contrastive Representation Learning (Zhu et al., 2020). InfoNCE between two
 * views with intra- and inter-view negatives, on a projection g (CRIPAC-DIG/GRACE model.py:
 * fc1 -> ELU -> fc2). With u = g(f(v1)), v = g(f(v2)) l2-normalized, s(a, b) = a·b / tau:
 *
 *   l(u_i, v_i) = -log( e^{s(u_i, v_i)} / ( sum_j e^{s(u_i, v_j)} + sum_{j != i} e^{s(u_i, u_j)} ) )
 *   L = mean_i ( l(u_i, v_i) + l(v_i, u_i) ) / 2
 *
 * (the official `semi_loss` and `loss(mean=True)`), computed with logsumexp, so small tau cannot
 * overflow. Projector default: hidden = output = representation width, as GRACE's
 * `num_proj_hidden`/`num_hidden` on Cora; tau default 0.5 (GRACE's default argument).
 *
 * Shapes: h [N, d] -> u, v [N, d_out]; the N x N similarity matrices make memory O(N^2).
 *
 * @example
 * ```ts
 * const grace = new GRACE({ encoder: { type: "gcn", inputDim: 1433, layers: [256, 128], norm: "none", act: "relu" }, tau: 0.4 });
 * ```
 */
import { ArgumentError, ConfigError } from "../errors.js";
import type { MLP } from "../nn/MLP.js";
import { eye } from "../tensor/creation.js";
import { cat } from "../tensor/functional.js";
import type { Tensor } from "../tensor/Tensor.js";
import { BaseObjective, type HeadSpec, type ObjectiveOptions, type ObjectiveResult, type View } from "./Objective.js";

export interface GRACEOptions extends ObjectiveOptions {
  /** Temperature (default 0.5). */
  tau?: number;
  /** Projector (default fc1 -> ELU -> fc2 with hidden = output = representation width). */
  projector?: HeadSpec;
}

/** Per-node GRACE term l(u_i, v_i) for every i, shape [N]. */
export function graceSemiLoss(u: Tensor, v: Tensor, tau: number): Tensor {
  const un = u.normalize(2, 1);
  const vn = v.normalize(2, 1);
  const between = un.matmul(vn.t()).div(tau); // [N, N]
  const n = u.shape[0]!;
  const self = eye(n, n, { dtype: u.dtype, device: u.device }).gt(0.5);
  const refl = un.matmul(un.t()).div(tau).maskedFill(self, -Infinity); // intra-view, without i = j
  return cat([between, refl], 1).logsumexp(1).sub(between.diagonal());
}

/** GRACE loss: mean over nodes of (l(u, v) + l(v, u)) / 2. */
export function graceLoss(u: Tensor, v: Tensor, tau = 0.5): Tensor {
  if (!(tau > 0)) throw new ArgumentError(`graceLoss: expected tau > 0 but received ${tau}`);
  return graceSemiLoss(u, v, tau)
    .add(graceSemiLoss(v, u, tau))
    .mul(0.5)
    .mean();
}

export class GRACE extends BaseObjective {
  readonly name: string = "grace";
  readonly tau: number;
  readonly projector: MLP;

  constructor(options: GRACEOptions) {
    super(options);
    this.tau = options.tau ?? 0.5;
    if (!(this.tau > 0)) {
      this.dispose();
      throw new ConfigError(`grace.tau: expected a value > 0 but received ${this.tau}`);
    }
    const d = this.encoder.representationDim;
    this.projector = this.head("projector", options.projector ?? { dims: [d, d], act: "elu" });
  }

  forward(views: readonly [View, View]): ObjectiveResult {
    const [h1, h2] = this.encodeBoth(views);
    const u = this.projector.forward(h1);
    const v = this.projector.forward(h2);
    const loss = graceLoss(u, v, this.tau);
    return { loss, terms: { infoNCE: loss.detach() }, outputs: { online: [u, v], representation: [h1, h2] } };
  }
}
