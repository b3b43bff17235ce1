/**
 * Stochastic gradient descent with momentum, dampening, Nesterov momentum and L2 weight decay,
 * as torch.optim.SGD:
 *
 *   d = grad + weightDecay * p
 *   buf = d (first step) | momentum * buf + (1 - dampening) * d
 *   d = nesterov ? d + momentum * buf : buf        (when momentum > 0)
 *   p = p - lr * d
 *
 * @example
 * ```ts
 * import { SGD } from "werank-native";
 * const opt = new SGD(params, { lr: 0.1, momentum: 0.9, nesterov: true });
 * ```
 */
import { ConfigError } from "../../errors.js";
import type { Tensor } from "../../tensor/Tensor.js";
import { Optimizer } from "./Optimizer.js";

export interface SGDOptions {
  /** Learning rate (required, as in PyTorch). */
  lr: number;
  /** Momentum factor (default 0). */
  momentum?: number;
  /** Dampening of the momentum (default 0). */
  dampening?: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay?: number;
  /** Nesterov momentum (default false; needs momentum > 0 and dampening 0). */
  nesterov?: boolean;
}

export class SGD extends Optimizer {
  constructor(params: readonly Tensor[], options: SGDOptions) {
    if (options?.lr === undefined) throw new ConfigError("SGD: expected a learning rate (options.lr) but received none");
    super("SGD", params, {
      lr: options.lr,
      beta1: 0,
      beta2: 0,
      eps: 0,
      weightDecay: options.weightDecay ?? 0,
      momentum: options.momentum ?? 0,
      dampening: options.dampening ?? 0,
      nesterov: options.nesterov ?? false,
    });
  }
}
