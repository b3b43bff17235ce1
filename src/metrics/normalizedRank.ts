/**
 * Normalized rank (DESIGN D7): the effective rank of the centred embedding divided by the largest
 * rank a centred [N, D] matrix can have, min(N - 1, D) (centring removes one dimension, so dividing
 * by min(N, D) would understate collapse-free embeddings with N <= D). 1 = no collapse, 1/min(N-1, D)
 * = complete dimensional collapse.
 *
 * @example
 * ```ts
 * import { randn, normalizedRank } from "werank-native";
 * normalizedRank(randn([5000, 16]));   // close to 1
 * ```
 */
import { ArgumentError } from "../errors.js";
import type { Tensor } from "../tensor/Tensor.js";
import { effectiveRank } from "./effectiveRank.js";
import { spectrum } from "./spectrum.js";

/** Largest rank of a centred [n, d] matrix. */
export function maxCenteredRank(n: number, d: number): number {
  return Math.max(0, Math.min(n - 1, d));
}

/** effectiveRank(centred x) / min(N - 1, D); `singularValues` may pass the centred spectrum already computed. */
export function normalizedRank(x: Tensor, options: { singularValues?: ArrayLike<number> } = {}): number {
  const n = x.shape[0] ?? 0;
  const d = x.shape.slice(1).reduce((a, b) => a * b, 1);
  if (x.ndim < 2 || n < 2) throw new ArgumentError(`normalizedRank: expected a matrix [N, D] with N >= 2 but received shape [${x.shape.join(", ")}]`);
  const s = options.singularValues ?? spectrum(x, { center: true });
  return effectiveRank(s) / maxCenteredRank(n, d);
}
