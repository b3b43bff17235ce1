/**
 * InfoNCE of the toy experiments, with the three similarity forms that the sources use:
 *
 * - "cosine": s_ij = ẑ1_i · ẑ2_j / tau with ẑ = z / ||z|| (SimCLR; DirectCLR's loss "on this
 *   normalized subvector"; default tau 0.1);
 * - "l2":     s_ij = -||z1_i - z2_j||^2 / (2 tau), the form of Jing et al.'s Eqn. 2 (tau = 1 there,
 *   the default here), under which the weights of a two-layer model grow and align (Theorem 2);
 * - "dot":    s_ij = z1_i · z2_j / tau on unnormalized embeddings (the official toy scripts'
 *   `infoNCE`, tau 0.1).
 *
 *   L = ( CE(S, diag) + CE(S^T, diag) ) / 2      (cross-entropy against the positives i = j,
 *                                                 in-batch other-view negatives, both directions)
 *
 * Shapes: z1, z2 [N, d] -> S [N, N] -> scalar.
 *
 * @example
 * ```ts
 * const loss = toyInfoNCE(z1, z2, { similarity: "l2" });
 * ```
 */
import { ConfigError, unknownName } from "../errors.js";
import { arange } from "../tensor/creation.js";
import { crossEntropy } from "../tensor/functional.js";
import type { Tensor } from "../tensor/Tensor.js";

export type ToySimilarity = "cosine" | "l2" | "dot";
export const TOY_SIMILARITIES: readonly ToySimilarity[] = ["cosine", "l2", "dot"];

/** Default temperature of each similarity form. */
export function defaultTau(similarity: ToySimilarity): number {
  return similarity === "l2" ? 1 : 0.1;
}

/** The similarity matrix S [N, N] between the rows of z1 and z2. */
export function pairLogits(z1: Tensor, z2: Tensor, similarity: ToySimilarity, tau: number): Tensor {
  if (!(tau > 0)) throw new ConfigError(`Expected a temperature tau > 0 but received ${tau}`);
  if (similarity === "cosine") return z1.normalize(2, 1).matmul(z2.normalize(2, 1).t()).div(tau);
  if (similarity === "dot") return z1.matmul(z2.t()).div(tau);
  if (similarity === "l2") {
    // -||a - b||^2 / 2 = a·b - ||a||^2 / 2 - ||b||^2 / 2, without an [N, N, d] difference tensor
    const sq1 = z1.square().sum(1, true).mul(0.5);
    const sq2 = z2.square().sum(1).unsqueeze(0).mul(0.5);
    return z1.matmul(z2.t()).sub(sq1).sub(sq2).div(tau);
  }
  throw new ConfigError(unknownName("similarity", String(similarity), TOY_SIMILARITIES));
}

/** Symmetric InfoNCE with in-batch negatives; see the file comment for the similarity forms. */
export function toyInfoNCE(z1: Tensor, z2: Tensor, o: { similarity?: ToySimilarity; tau?: number } = {}): Tensor {
  const similarity = o.similarity ?? "cosine";
  const s = pairLogits(z1, z2, similarity, o.tau ?? defaultTau(similarity));
  const labels = arange(z1.shape[0]!, undefined, 1, { device: z1.device });
  return crossEntropy(s, labels).add(crossEntropy(s.t(), labels)).mul(0.5);
}
