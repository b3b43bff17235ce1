/**
 * Effective rank (Roy & Vetterli, "The effective rank: a measure of effective dimensionality",
 * EUSIPCO 2007): with singular values s_1..s_k of a matrix and p_i = s_i / sum_j s_j,
 *
 *     erank = exp(H(p)),   H(p) = -sum_i p_i log p_i   (0 log 0 = 0).
 *
 * 1 <= erank <= k; erank(I_n) = n; a rank-1 matrix has erank 1. A zero matrix gets 0.
 *
 * @example
 * ```ts
 * import { eye, effectiveRank } from "werank-native";
 * effectiveRank(eye(8));                 // 8
 * effectiveRank([3, 1, 0]);              // from singular values
 * effectiveRank(z, { center: true });    // of the centred embedding (as in collapseReport)
 * ```
 */
import { singularValuesOf, type SpectrumInput, type SpectrumOptions } from "./spectrum.js";

/** Shannon entropy (nats) of p_i = s_i / sum(s), plus `eps` added to each p_i (RankMe's form). */
export function spectralEntropy(s: ArrayLike<number>, eps = 0): number {
  let total = 0;
  for (let i = 0; i < s.length; i++) total += s[i]!;
  if (!(total > 0)) return Number.NaN;
  let h = 0;
  for (let i = 0; i < s.length; i++) {
    const p = s[i]! / total + eps;
    if (p > 0) h -= p * Math.log(p);
  }
  return h;
}

/** Effective rank of a matrix [N, D] (options: centre / row-normalize first) or of its singular values. */
export function effectiveRank(x: SpectrumInput, options: SpectrumOptions = {}): number {
  const s = singularValuesOf(x, options, "effectiveRank");
  const h = spectralEntropy(s);
  return Number.isNaN(h) ? 0 : Math.exp(h);
}
