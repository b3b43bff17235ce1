/**
 * WERank (Saheb Pasand, Moravej, Biparva & Ghodsi, 2024, "WERank: Towards Rank Degradation
 * Prevention for Self-Supervised Learning Using Weight Regularization") on the toy weights:
 *
 *   L_reg = sum_l alpha ||W_l^T W_l - I||_F        (Frobenius norm, not squared; one alpha for all layers)
 *
 * It pulls every singular value of every W_l towards 1. This is the toy's single call site: the
 * fused native op of src/regularizers/werank.ts replaces the body once it is merged.
 *
 * Shapes: W_l [d_out, d_in] -> scalar.
 *
 * @example
 * ```ts
 * const reg = toyWerank(net.weights, 0.5);   // add to the loss
 * ```
 */
import { ArgumentError } from "../errors.js";
import { eye, scalar } from "../tensor/creation.js";
import type { Tensor } from "../tensor/Tensor.js";

export function toyWerank(weights: readonly Tensor[], alpha: number): Tensor {
  if (!(Number.isFinite(alpha) && alpha >= 0)) throw new ArgumentError(`toyWerank: expected alpha >= 0 but received ${alpha}`);
  if (weights.length === 0) return scalar(0);
  let sum: Tensor | undefined;
  for (const w of weights) {
    const n = w.shape[1]!;
    const term = w.t().matmul(w).sub(eye(n, n, { dtype: w.dtype, device: w.device })).norm("fro");
    sum = sum === undefined ? term : sum.add(term);
  }
  return sum!.mul(alpha);
}
