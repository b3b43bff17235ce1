/**
 * Rank differential between the two branches of a non-contrastive method (Zhuo, Wang, Ma, Wang,
 * "Towards a Unified Theoretical Understanding of Non-contrastive Learning via Rank Differential
 * Mechanism", ICLR 2023): the asymmetric designs (predictor, stop-gradient, EMA target, centring)
 * keep the effective ranks of the online and target outputs apart, the target branch's above the
 * online one's (the online predictor, or RDM's spectral filter on the online branch, lowers it; a
 * filter on the target branch raises the target's). Following the paper's sign,
 *
 *     rank differential = erank(target output) - erank(online output)     (> 0 when RDM holds)
 *
 * with both effective ranks taken of the centred [N, D] outputs (as in collapseReport). For BYOL /
 * BGRL pass the predictor output as `online` and the target projector output as `target`.
 *
 * @example
 * ```ts
 * import { rankDifferential } from "werank-native";
 * const rdm = rankDifferential(predictorOut, targetProjection);
 * ```
 */
import type { Tensor } from "../tensor/Tensor.js";
import { effectiveRank } from "./effectiveRank.js";
import { spectra, type SpectrumInput } from "./spectrum.js";

/** erank(target) - erank(online); tensors are centred first (one batched native call), spectra are used as given. */
export function rankDifferential(online: SpectrumInput, target: SpectrumInput, options: { center?: boolean } = {}): number {
  const center = options.center ?? true;
  const isMat = (x: SpectrumInput): x is Tensor => typeof (x as Tensor).ndim === "number" && (x as Tensor).ndim >= 2;
  if (isMat(online) && isMat(target)) {
    const [a, b] = spectra([online, target], { center });
    return effectiveRank(b!) - effectiveRank(a!);
  }
  return effectiveRank(target, { center }) - effectiveRank(online, { center });
}
