/**
 * Regularizers that act on an embedding matrix (SVMax, VICReg's variance term), as opposed to
 * weight regularizers (WERank). Each returns a loss to add to the objective's and named scalars
 * for logging.
 *
 * In training (src/train/Trainer.ts) each acts on BOTH views' online outputs, the mean of the two
 * losses, on the tensor the config's `on` picks: `embedding` (default: what the objective's loss
 * compares, e.g. BGRL's predictor output) or `representation` (the encoder output that is evaluated).
 *
 * @example
 * ```ts
 * const reg: EmbeddingRegularizer = new SVMax({ weight: 0.1 });
 * const { loss, terms } = reg.forward(h);    // add `loss` to the SSL loss
 * ```
 */
import type { Tensor } from "../tensor/Tensor.js";

export interface RegularizerResult {
  /** Scalar to add to the training loss (already weighted). */
  loss: Tensor;
  /** Named scalars for logging (detached). */
  terms: Record<string, Tensor>;
  /** Host-side numbers that need no device read (SVMax's bounds). */
  info?: Record<string, number>;
}

export interface EmbeddingRegularizer {
  readonly name: string;
  /** The regularizer on an embedding [N, d]; call inside tidy(). */
  forward(embedding: Tensor): RegularizerResult;
}
