/**
 * BGRL: Bootstrapped Graph Latents (Thakoor et al., ICLR 2022), the graph version of BYOL.
 *
 * Online encoder f_θ and predictor p_θ; target encoder f_ξ, an exponential moving average of f_θ
 * that receives no gradient. For views v1, v2 with h_k = f_θ(v_k), q_k = p_θ(h_k), y_k = f_ξ(v_k):
 *
 *   L = 2 - mean_i cos(q1_i, sg(y2_i)) - mean_i cos(q2_i, sg(y1_i))
 *
 * exactly as the official training loop (nerdslab/bgrl, train_transductive.py:
 * `loss = 2 - cosine_similarity(q1, y2.detach(), dim=-1).mean() - cosine_similarity(q2, y1.detach(), dim=-1).mean()`),
 * i.e. not BYOL's 2 - 2 cos per pair (the two differ by a factor 2 and a constant). After each
 * optimizer step ξ <- m ξ + (1 - m) θ (parameters only; BatchNorm running statistics of the target
 * are its own, updated by its forward passes in training mode, as in the official code).
 *
 * Predictor: nerdslab/bgrl `MLP_Predictor` = Linear(d, 512) -> PReLU(1) -> Linear(512, d) with
 * torch.nn.Linear's init and no norm (`predictorNorm: "batch"` inserts BatchNorm1d as BYOL's).
 * Target initialization: the official code deep-copies the online encoder and then calls
 * `reset_parameters()` on the copy, so the target starts from an *independent* random init
 * (`targetInit: "reinit"`, the default here); `"copy"` starts it equal to the online encoder (BYOL).
 *
 * Shapes: views' x [N, F]; h, q, y [N, d] with d the encoder's representation width.
 *
 * @example
 * ```ts
 * const bgrl = new BGRL({ encoder: { type: "gcn", inputDim: 745, layers: [256, 128] }, predictorHidden: 512 });
 * tidy(() => bgrl.forward([v1, v2]).loss.backward());
 * adam.step(); bgrl.afterStep(0.99);
 * ```
 */
import { ArgumentError, unknownName } from "../errors.js";
import type { GraphEncoder } from "../nn/GraphEncoder.js";
import type { MLP } from "../nn/MLP.js";
import type { NormName } from "../nn/makeNorm.js";
import { noGrad } from "../tensor/autograd.js";
import { cat, cosineSimilarity } from "../tensor/functional.js";
import type { Tensor } from "../tensor/Tensor.js";
import { emaUpdate } from "../nn/ema.js";
import { BaseObjective, encodeView, type ObjectiveOptions, type ObjectiveResult, type View } from "./Objective.js";

export interface BGRLOptions extends ObjectiveOptions {
  /** Predictor hidden width (default 512, BGRL's `predictor_hidden_size`). */
  predictorHidden?: number;
  /** Norm inside the predictor (default "none" as BGRL; "batch" as BYOL). */
  predictorNorm?: NormName;
  /** "reinit" (official BGRL code, default) or "copy" (BYOL). */
  targetInit?: "reinit" | "copy";
}

/** mean cos(q1, sg(y2)) and mean cos(q2, sg(y1)) (targets detached here): the terms of BGRL's, SimSiam's and RDM's losses. */
export function crossViewCosines(q1: Tensor, y2: Tensor, q2: Tensor, y1: Tensor): { c12: Tensor; c21: Tensor } {
  return { c12: cosineSimilarity(q1, y2.detach(), -1).mean(), c21: cosineSimilarity(q2, y1.detach(), -1).mean() };
}

/** BGRL's loss with its two cosine terms: loss = 2 - c12 - c21 (what {@link BGRL.forward} trains). */
export function bgrlLossTerms(q1: Tensor, y2: Tensor, q2: Tensor, y1: Tensor): { loss: Tensor; c12: Tensor; c21: Tensor } {
  const { c12, c21 } = crossViewCosines(q1, y2, q2, y1);
  return { loss: c12.add(c21).rsub(2), c12, c21 };
}

/** 2 - mean cos(q1, sg(y2)) - mean cos(q2, sg(y1)) (targets are detached here). Rows are nodes. */
export function bgrlLoss(q1: Tensor, y2: Tensor, q2: Tensor, y1: Tensor): Tensor {
  return bgrlLossTerms(q1, y2, q2, y1).loss;
}

/** Target network for EMA objectives: an independent init (BGRL's code) or a copy of the online encoder. */
export function makeTargetEncoder(online: GraphEncoder, init: "reinit" | "copy"): GraphEncoder {
  if (init !== "reinit" && init !== "copy") throw new ArgumentError(unknownName("targetInit", String(init), ["reinit", "copy"]));
  return online.clone({ copyState: init === "copy" });
}

export class BGRL extends BaseObjective {
  readonly name: string = "bgrl";
  readonly predictor: MLP;
  readonly target: GraphEncoder;
  private readonly predictorBatchNorm: boolean;

  constructor(options: BGRLOptions) {
    super(options);
    const d = this.encoder.representationDim;
    this.predictorBatchNorm = (options.predictorNorm ?? "none") === "batch";
    this.predictor = this.head("predictor", { dims: [options.predictorHidden ?? 512, d], act: "prelu", norm: options.predictorNorm ?? "none" });
    this.target = this.own("target", makeTargetEncoder(this.encoder, options.targetInit ?? "reinit"), true);
  }

  forward(views: readonly [View, View]): ObjectiveResult {
    const [h1, h2] = this.encodeBoth(views);
    const [q1, q2] = this.predict(h1, h2);
    const [y1, y2] = targetForward(this.target, views);
    const { loss, c12, c21 } = bgrlLossTerms(q1, y2, q2, y1);
    return {
      loss,
      terms: { cos12: c12.detach(), cos21: c21.detach() },
      outputs: { online: [q1, q2], target: [y1, y2], representation: [h1, h2] },
    };
  }

  /**
   * Predictor outputs of both views. A predictor without BatchNorm acts row by row, so both views
   * go through it as one [2N, d] batch: the same values, with GEMMs twice as tall (faster on
   * small graphs). With BatchNorm each view keeps its own batch statistics.
   */
  private predict(h1: Tensor, h2: Tensor): [Tensor, Tensor] {
    if (this.predictorBatchNorm) return [this.predictor.forward(h1), this.predictor.forward(h2)];
    const n = h1.shape[0]!;
    const q = this.predictor.forward(cat([h1, h2], 0));
    return [q.narrow(0, 0, n), q.narrow(0, n, h2.shape[0]!)];
  }

  afterStep(momentum: number): void {
    emaUpdate(this.target.parameters(), this.encoder.parameters(), momentum);
  }
}

/** Target outputs of both views, without autograd (also standardizes the target's weights when enabled). */
export function targetForward(target: GraphEncoder, views: readonly [View, View]): [Tensor, Tensor] {
  target.startStep();
  return noGrad(() => [encodeView(target, views[0]), encodeView(target, views[1])] as [Tensor, Tensor]);
}
