/**
 * Mean pairwise cosine similarity: the complete-collapse detector (DESIGN D7). All embeddings
 * pointing the same way give 1 even when the effective rank of the centred matrix stays high.
 *
 * Over the N (N - 1) ordered pairs of distinct rows, with u_i = x_i / ||x_i||:
 *
 *     mean_{i != j} u_i . u_j = (||sum_i u_i||^2 - sum_i ||u_i||^2) / (N (N - 1))
 *
 * computed natively in O(N D) memory and time, never forming the N x N similarity matrix. Zero rows
 * have u_i = 0 (their pairs count as cosine 0).
 *
 * @example
 * ```ts
 * import { randn, meanPairwiseCosine } from "werank-native";
 * meanPairwiseCosine(randn([10000, 64]));   // about 0
 * ```
 */
import { ArgumentError } from "../errors.js";
import { loadNative } from "../native/addon.js";
import { type Tensor, th } from "../tensor/Tensor.js";

/** Mean pairwise cosine of the rows of each matrix, in one native call. */
export function meanPairwiseCosines(xs: readonly Tensor[]): number[] {
  if (!Array.isArray(xs) || xs.length === 0) throw new ArgumentError("meanPairwiseCosines: expected a non-empty array of tensors");
  const N = loadNative();
  const h = N.meanPairwiseCosine(
    xs.map((x, i) => th(x, `meanPairwiseCosine (tensor ${i})`)),
    1e-12,
  );
  try {
    return Array.from(N.toTypedArray(h) as Float64Array);
  } finally {
    N.dispose(h);
  }
}

/** Mean cosine similarity over all pairs of distinct rows of x [N, D]. */
export function meanPairwiseCosine(x: Tensor): number {
  return meanPairwiseCosines([x])[0]!;
}
