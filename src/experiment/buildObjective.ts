/**
 * From a resolved config to the objective (with its encoder): the one place that maps config keys
 * onto the options of src/nn and src/ssl.
 *
 * @example
 * ```ts
 * const objective = buildObjective(cfg, graph.features.cols);
 * ```
 */
import type { EncoderSpec } from "../nn/GraphEncoder.js";
import { createObjective } from "../ssl/objectives.js";
import type { Objective } from "../ssl/Objective.js";
import type { Config } from "./config.js";

export function encoderSpec(cfg: Config, inputDim: number): EncoderSpec {
  const e = cfg.encoder;
  return {
    type: e.type,
    inputDim,
    layers: e.layers,
    norm: e.norm,
    act: e.act,
    dropout: e.dropout,
    weightStandardization: e.weightStandardization,
    heads: e.heads,
    batchNormMomentum: e.batchNormMomentum,
    layerNormMode: e.layerNormMode,
  };
}

export function buildObjective(cfg: Config, inputDim: number): Objective {
  const o = cfg.objective;
  const encoder = encoderSpec(cfg, inputDim);
  const projector = !("projectorHidden" in o) || o.projectorHidden === null ? undefined : { dims: [o.projectorHidden, o.projectorHidden] };
  switch (o.name) {
    case "bgrl":
      return createObjective("bgrl", { encoder, predictorHidden: o.predictorHidden, predictorNorm: o.predictorNorm, targetInit: o.targetInit });
    case "simsiam":
      return createObjective("simsiam", { encoder, predictorHidden: o.predictorHidden, projector });
    case "grace":
      return createObjective("grace", { encoder, tau: o.tau ?? undefined, projector: projector && { ...projector, act: "elu" as const } });
    case "directclr":
      return createObjective("directclr", { encoder, tau: o.tau ?? undefined, dim: o.d0 ?? undefined });
    case "vicreg":
      return createObjective("vicreg", { encoder, projector, lambda: o.invariance, mu: o.variance, nu: o.covariance, gamma: o.gamma });
    case "barlow":
      return createObjective("barlow", { encoder, projector, lambda: o.barlowLambda ?? undefined });
    case "rdm":
      return createObjective("rdm", {
        encoder,
        base: o.rdmBase,
        filter: o.rdmFilter,
        sigma: o.rdmSigma,
        location: o.rdmLocation,
        predictorHidden: o.rdmPredictorHidden || undefined,
        targetInit: o.targetInit,
      });
  }
}
