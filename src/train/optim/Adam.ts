/**
 * Adam (Kingma & Ba, 2015) as torch.optim.Adam: L2 weight decay is added to the gradient.
 *
 *   g = grad + weightDecay * p
 *   m = beta1 * m + (1 - beta1) * g;   v = beta2 * v + (1 - beta2) * g^2
 *   p = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 *
 * One native call updates all parameters (fused, one memory pass per parameter on CPU).
 *
 * @example
 * ```ts
 * import { Adam } from "werank-native";
 * const opt = new Adam(model.parameters(), { lr: 1e-3 });
 * // per step: loss.backward(); opt.step(); opt.zeroGrad();
 * ```
 */
import type { Tensor } from "../../tensor/Tensor.js";
import { Optimizer, type OptimizerHyper } from "./Optimizer.js";

export interface AdamOptions {
  /** Learning rate (default 1e-3). */
  lr?: number;
  /** Decay rates of the first and second moment estimates (default [0.9, 0.999]). */
  betas?: readonly [number, number];
  /** Added to the denominator for stability (default 1e-8). */
  eps?: number;
  /** Adam: L2 penalty added to the gradient (default 0). AdamW: decoupled decay (default 1e-2). */
  weightDecay?: number;
}

/** @internal the hyper-parameters of Adam and AdamW with PyTorch's defaults. */
export function adamHyper(options: AdamOptions, defaultWeightDecay: number): OptimizerHyper {
  return {
    lr: options.lr ?? 1e-3,
    beta1: options.betas?.[0] ?? 0.9,
    beta2: options.betas?.[1] ?? 0.999,
    eps: options.eps ?? 1e-8,
    weightDecay: options.weightDecay ?? defaultWeightDecay,
    momentum: 0,
    dampening: 0,
    nesterov: false,
  };
}

export class Adam extends Optimizer {
  constructor(params: readonly Tensor[], options: AdamOptions = {}) {
    super("Adam", params, adamHyper(options, 0));
  }
}
