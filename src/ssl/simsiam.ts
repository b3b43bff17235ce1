/**
 * SimSiam on graphs (Chen & He, CVPR 2021): one shared encoder, a predictor on one side and a
 * stop-gradient on the other, no EMA and no negatives. With z_k = f(v_k) (optionally through a
 * projector) and p_k = h(z_k):
 *
 *   L = -(mean_i cos(p1_i, sg(z2_i)) + mean_i cos(p2_i, sg(z1_i))) / 2
 *
 * (SimSiam's D(p, z) = -cos(p, sg(z)), symmetrized with 1/2). Predictor as SimSiam's bottleneck
 * MLP: Linear(d, hidden) -> BatchNorm1d -> ReLU -> Linear(hidden, d), hidden = 512 by default.
 *
 * Shapes: x [N, F] -> z, p [N, d].
 *
 * @example
 * ```ts
 * const sim = new SimSiam({ encoder: { type: "gcn", inputDim: 500, layers: [256, 256] } });
 * const { loss } = sim.forward([v1, v2]);
 * ```
 */
import type { MLP } from "../nn/MLP.js";
import type { Tensor } from "../tensor/Tensor.js";
import { crossViewCosines } from "./bgrl.js";
import { BaseObjective, type HeadSpec, type ObjectiveOptions, type ObjectiveResult, type View } from "./Objective.js";

export interface SimSiamOptions extends ObjectiveOptions {
  /** Predictor hidden width (default 512). */
  predictorHidden?: number;
  /** Optional projector after the encoder (default none). */
  projector?: HeadSpec;
}

/** -(mean cos(p1, sg(z2)) + mean cos(p2, sg(z1))) / 2. Rows are nodes. */
export function simsiamLoss(p1: Tensor, z2: Tensor, p2: Tensor, z1: Tensor): Tensor {
  return simsiamLossTerms(p1, z2, p2, z1).loss;
}

/** SimSiam's loss with its two cosine terms: loss = -(c12 + c21) / 2 (also RDM's loss on a SimSiam base). */
export function simsiamLossTerms(p1: Tensor, z2: Tensor, p2: Tensor, z1: Tensor): { loss: Tensor; c12: Tensor; c21: Tensor } {
  const { c12, c21 } = crossViewCosines(p1, z2, p2, z1);
  return { loss: c12.add(c21).mul(-0.5), c12, c21 };
}

export class SimSiam extends BaseObjective {
  readonly name: string = "simsiam";
  readonly projector: MLP | undefined;
  readonly predictor: MLP;

  constructor(options: SimSiamOptions) {
    super(options);
    this.projector = options.projector ? this.head("projector", options.projector) : undefined;
    const d = this.projector?.outputDim ?? this.encoder.representationDim;
    this.predictor = this.head("predictor", { dims: [options.predictorHidden ?? 512, d], norm: "batch", act: "relu" }, d);
  }

  forward(views: readonly [View, View]): ObjectiveResult {
    const [h1, h2] = this.encodeBoth(views);
    const z1 = this.projector ? this.projector.forward(h1) : h1;
    const z2 = this.projector ? this.projector.forward(h2) : h2;
    const p1 = this.predictor.forward(z1);
    const p2 = this.predictor.forward(z2);
    const loss = simsiamLoss(p1, z2, p2, z1);
    return { loss, terms: { negCos: loss.detach() }, outputs: { online: [p1, p2], target: [z1.detach(), z2.detach()], representation: [h1, h2] } };
  }
}
