/**
 * Diagnostics of the toy runs, read out as plain numbers (a handful of d x d SVDs per log point):
 *
 * - weight spectrum: singular values of W_l (descending);
 * - covariance spectrum and effective rank: src/metrics (covarianceSpectrum, effectiveRank);
 * - vanishing count: #{i : s_i < rel * max_j s_j} for a stated relative threshold;
 * - alignment matrix (Jing et al. Sec. 5.3): A = V_2^T U_1 for W_1 = U_1 S_1 V_1^T, W_2 = U_2 S_2 V_2^T;
 *   its "leading part" is the indices k with σ_1^k >= `leading` * σ_1^1 (the directions that grew).
 *
 * SVDs run in float64 so that vanished values are not float32 round-off.
 *
 * @example
 * ```ts
 * const s = singularValues(net.weights[0]!);
 * vanishingCount(s, 1e-3);
 * const a = alignment(net.weights[0]!, net.weights[1]!);   // a.diagMean close to 1 once aligned
 * ```
 */
import { ArgumentError } from "../errors.js";
import { tidy } from "../tensor/tidy.js";
import type { Tensor } from "../tensor/Tensor.js";

const numbers = (t: Tensor): number[] => Array.from(t.toTypedArray() as Float64Array, Number);

/** Singular values of a matrix, descending. */
export function singularValues(w: Tensor): number[] {
  return tidy(() => numbers(w.detach().to("float64").svdvals()));
}

/** Number of values below `relative` times the largest. */
export function vanishingCount(s: readonly number[], relative: number): number {
  if (!(relative > 0 && relative < 1)) throw new ArgumentError(`vanishingCount: expected a relative threshold in (0, 1) but received ${relative}`);
  const max = Math.max(...s.map((v) => Math.abs(v)));
  return s.filter((v) => !(Math.abs(v) >= relative * max)).length;
}

export interface Alignment {
  /** A = V_2^T U_1 (signed; rows: right singular vectors of W_2, columns: left singular vectors of W_1). */
  matrix: number[][];
  /** Leading part size r: indices with σ_1^k >= threshold * σ_1^1. */
  leading: number;
  /** Relative threshold that defines the leading part. */
  threshold: number;
  /** mean_{k < r} |A_kk|. */
  diagMean: number;
  /** max_{i != j < r} |A_ij| (0 when r = 1). */
  offDiagMax: number;
}

/** The alignment matrix of two consecutive layers (h = W_1 x, z = W_2 h) and its summary. */
export function alignment(w1: Tensor, w2: Tensor, threshold = 0.1): Alignment {
  if (!(threshold > 0 && threshold < 1)) throw new ArgumentError(`alignment: expected a threshold in (0, 1) but received ${threshold}`);
  const { matrix, s1 } = tidy(() => {
    const a = w1.detach().to("float64").svd();
    const b = w2.detach().to("float64").svd();
    return { matrix: b.Vh.matmul(a.U).toArray() as number[][], s1: numbers(a.S) };
  });
  const r = Math.max(1, s1.filter((v) => v >= threshold * s1[0]!).length);
  let diag = 0;
  let off = 0;
  for (let i = 0; i < r; i++) {
    for (let j = 0; j < r; j++) {
      const v = Math.abs(matrix[i]![j]!);
      if (i === j) diag += v;
      else off = Math.max(off, v);
    }
  }
  return { matrix, leading: r, threshold, diagMean: diag / r, offDiagMax: off };
}
