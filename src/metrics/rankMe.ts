/**
 * RankMe (Garrido, Balestriero, Najman, LeCun, "RankMe: Assessing the downstream performance of
 * pretrained self-supervised representations by their rank", ICML 2023): for the embedding matrix
 * Z [N, D] (not centred) with singular values sigma_k,
 *
 *     p_k = sigma_k / ||sigma||_1 + eps,   RankMe(Z) = exp(-sum_k p_k log p_k),   eps = 1e-7.
 *
 * It is the effective rank with the paper's eps (which keeps log finite for zero values).
 *
 * @example
 * ```ts
 * import { randn, rankMe } from "werank-native";
 * rankMe(randn([2000, 32]));   // close to 32
 * ```
 */
import { spectralEntropy } from "./effectiveRank.js";
import { singularValuesOf, type SpectrumInput } from "./spectrum.js";

/** The paper's epsilon. */
export const RANKME_EPS = 1e-7;

/** RankMe of an embedding matrix (uncentred, as in the paper) or of its singular values. */
export function rankMe(x: SpectrumInput, options: { eps?: number } = {}): number {
  const s = singularValuesOf(x, {}, "rankMe");
  const h = spectralEntropy(s, options.eps ?? RANKME_EPS);
  return Number.isNaN(h) ? 0 : Math.exp(h);
}
