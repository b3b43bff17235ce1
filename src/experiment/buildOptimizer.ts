/**
 * The optimizer of a resolved config (`optim.name`: sgd | adam | adamw) over the objective's trainable
 * parameters, beside {@link buildObjective}: one fused native optimizer for the whole list.
 *
 * @example
 * ```ts
 * const objective = buildObjective(cfg, graph.features.cols);
 * const optimizer = buildOptimizer(cfg, objective.trainableParameters());
 * ```
 */
import type { Tensor } from "../tensor/Tensor.js";
import { Adam, AdamW, SGD, type Optimizer } from "../train/optim/index.js";
import type { Config } from "./config.js";

export function buildOptimizer(cfg: Config, params: readonly Tensor[]): Optimizer {
  const opt = cfg.optim;
  if (opt.name === "sgd") return new SGD(params, { lr: opt.lr, momentum: opt.momentum, weightDecay: opt.weightDecay });
  if (opt.name === "adam") return new Adam(params, { lr: opt.lr, weightDecay: opt.weightDecay });
  return new AdamW(params, { lr: opt.lr, weightDecay: opt.weightDecay });
}
