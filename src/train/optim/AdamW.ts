/**
 * AdamW (Loshchilov & Hutter, 2019) as torch.optim.AdamW: weight decay is decoupled from the
 * gradient — the parameter shrinks by (1 - lr * weightDecay) before the Adam update. BGRL trains
 * with AdamW (lr 5e-4 to 1e-5 by dataset, weight decay 1e-5).
 *
 *   p = p * (1 - lr * weightDecay)
 *   m = beta1 * m + (1 - beta1) * grad;   v = beta2 * v + (1 - beta2) * grad^2
 *   p = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 *
 * @example
 * ```ts
 * import { AdamW, WarmupCosineSchedule } from "werank-native";
 * const opt = new AdamW(params, { lr: 5e-4, weightDecay: 1e-5 });
 * const lr = new WarmupCosineSchedule(5e-4, 1000, 10000);
 * // per epoch e: opt.lr = lr.at(e); ...; opt.step();
 * ```
 */
import type { Tensor } from "../../tensor/Tensor.js";
import { type AdamOptions, adamHyper } from "./Adam.js";
import { Optimizer } from "./Optimizer.js";

/** As {@link AdamOptions}; `weightDecay` is decoupled and defaults to 1e-2, as in PyTorch. */
export type AdamWOptions = AdamOptions;

export class AdamW extends Optimizer {
  constructor(params: readonly Tensor[], options: AdamWOptions = {}) {
    super("AdamW", params, adamHyper(options, 1e-2));
  }
}
