/**
 * The regularizers of a resolved config, beside {@link buildObjective}: WERank over the weights the
 * config selects (`werank.layers`, per-layer alphas), SVMax and the variance hinge on the online
 * outputs. The target branch (EMA) is never regularized: it receives no gradient.
 *
 * @example
 * ```ts
 * const objective = buildObjective(cfg, graph.features.cols);
 * const regs = buildRegularizers(cfg, objective);   // { werank?, svmax?, variance? }
 * ```
 */
import { ConfigError } from "../errors.js";
import { SVMax } from "../regularizers/svmax.js";
import { VarianceRegularizer } from "../regularizers/variance.js";
import { WERank, type WERankGroup } from "../regularizers/werank.js";
import type { Objective } from "../ssl/Objective.js";
import type { Tensor } from "../tensor/Tensor.js";
import type { LossRegularizers } from "../train/composeLoss.js";
import type { Config } from "./config.js";
import { werankEnabled } from "./trainingLabel.js";

function groupsOf(layers: Config["werank"]["layers"]): WERankGroup[] {
  return layers === "all" ? ["encoder", "predictor", "projector"] : (layers.split("+") as WERankGroup[]);
}

/** WERank over the selected weights of the trained (non-target) modules; ERR_CONFIG when it selects none. */
export function buildWerank(cfg: Config, objective: Objective): WERank {
  const c = cfg.werank;
  const roles = Object.entries(objective.modules()).filter(([role]) => role !== "target");
  const named = { namedParameters: (): [string, Tensor][] => roles.flatMap(([role, m]) => m.namedParameters().map(([n, t]) => [`${role}.${n}`, t] as [string, Tensor])) };
  const groups = groupsOf(c.layers);
  let names: readonly string[];
  try {
    names = WERank.fromModule(named, { groups }, { squared: c.squared, gram: c.gram }).names;
  } catch (e) {
    throw new ConfigError(`werank.layers '${c.layers}' selects no weight matrix of objective '${cfg.objective.name}' (its trained modules: ${roles.map(([r]) => r).join(", ")})`, { cause: e });
  }
  let alpha: number | Record<string, number> = c.alpha;
  if (c.perLayer) {
    if (c.perLayer.length !== names.length) {
      throw new ConfigError(`werank.perLayer has ${c.perLayer.length} values but werank.layers '${c.layers}' selects ${names.length} weights: ${names.join(", ")}`);
    }
    alpha = Object.fromEntries(names.map((n, i) => [n, c.perLayer![i]!]));
  }
  return WERank.fromModule(named, { groups, alpha }, { squared: c.squared, gram: c.gram, scale: c.scale });
}

/** The configured regularizers (absent: off). */
export function buildRegularizers(cfg: Config, objective: Objective): LossRegularizers {
  return {
    werank: werankEnabled(cfg) ? buildWerank(cfg, objective) : undefined,
    svmax: cfg.svmax.lambda > 0 ? { regularizer: new SVMax({ weight: cfg.svmax.lambda }), on: cfg.svmax.on } : undefined,
    variance: cfg.varianceReg.weight > 0 ? { regularizer: new VarianceRegularizer({ weight: cfg.varianceReg.weight, gamma: cfg.varianceReg.gamma }), on: cfg.varianceReg.on } : undefined,
  };
}
