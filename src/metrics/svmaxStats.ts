/**
 * SVMax statistics (Taha, Hanson, Shrivastava, Davis, "SVMax: A Feature Embedding Regularizer",
 * 2021): the mean singular value s_mu of the l2-normalized embedding E [b, d] and its bounds.
 * With s = min(b, d) and ||E||_F^2 = sum_i s_i^2 (= b when no row is zero):
 *
 *     lower = ||E||_F / s         (rank 1: complete collapse, s_1 = ||E||_F)
 *     upper = ||E||_F / sqrt(s)   (all s_i equal: the embedding fills the space)
 *
 * i.e. sqrt(b)/s <= s_mu <= sqrt(b/s) as in the paper's code (nuclear norm between ||E||_F and
 * sqrt(rank) ||E||_F). `normalized` = (s_mu - lower) / (upper - lower) maps collapse to 0 and a
 * uniform spread to 1.
 *
 * @example
 * ```ts
 * import { randn, svmaxStats } from "werank-native";
 * const { mean, lower, upper, normalized } = svmaxStats(randn([512, 64]));
 * ```
 */
import { singularValuesOf, type SpectrumInput } from "./spectrum.js";

export interface SvmaxStats {
  /** Mean singular value s_mu of the row-normalized embedding. */
  mean: number;
  lower: number;
  upper: number;
  /** (mean - lower) / (upper - lower), in [0, 1]; NaN when the bounds coincide (s = 1). */
  normalized: number;
}

/** SVMax statistics from the singular values of the row-normalized embedding. */
export function svmaxFromSingularValues(s: ArrayLike<number>): SvmaxStats {
  const k = s.length;
  let sum = 0;
  let sq = 0;
  for (let i = 0; i < k; i++) {
    sum += s[i]!;
    sq += s[i]! * s[i]!;
  }
  const fro = Math.sqrt(sq);
  const mean = k > 0 ? sum / k : 0;
  const lower = k > 0 ? fro / k : 0;
  const upper = k > 0 ? fro / Math.sqrt(k) : 0;
  return { mean, lower, upper, normalized: upper > lower ? (mean - lower) / (upper - lower) : Number.NaN };
}

/** SVMax mean singular value and bounds of an embedding [b, d] (rows are l2-normalized here). */
export function svmaxStats(x: SpectrumInput): SvmaxStats {
  return svmaxFromSingularValues(singularValuesOf(x, { rowNormalize: true }, "svmaxStats"));
}
