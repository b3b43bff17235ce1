/**
 * SVMax (Taha, Hanson, Shrivastava & Davis, 2021, "SVMax: A Feature Embedding Regularizer"; see
 * ../shared/seeds/svmax-vicreg-article.txt): maximize the mean singular value s_mu of the
 * l2-normalized embedding E in R^{b x d} (here b = nodes), which spreads the rows over many
 * directions instead of a few:
 *
 *   s_mu = mean(svdvals(E)),    loss = -weight * s_mu     (weight is the paper's lambda)
 *
 * Bounds (reported with every call; they make lambda easy to tune and s_mu comparable across
 * runs). With unit rows, ||E||_F^2 = sum_i s_i^2 = b, and E has k = min(b, d) singular values:
 *
 *   lower = sqrt(b) / k        (sum s_i >= sqrt(sum s_i^2); equality iff rank(E) = 1: collapse)
 *   upper = sqrt(b / k)        (sum s_i <= sqrt(k) sqrt(sum s_i^2); equality iff all s_i equal)
 *
 * These are the official implementation's bounds (ahmdtaha/svmax, svmax_pytorch.py:
 * `svmax_lower_bound = sqrt(b) / d`, `svmax_upper_bound = sqrt(b d / max(b, d)) sqrt(b) / d`),
 * which assumes b > d so that k = d; here k = min(b, d) keeps them valid for b <= d too (there the
 * official formulas divide by d although only b singular values exist). The bounds assume non-zero
 * rows: an all-zero row stays zero after normalization and lowers ||E||_F.
 *
 * Cost: one SVD of [b, d] per call (differentiable; gradients are undefined where singular values
 * coincide exactly, which random embeddings avoid).
 *
 * @example
 * ```ts
 * const reg = new SVMax({ weight: 0.1 });
 * const { loss, terms, info } = reg.forward(h);   // terms.meanSingularValue; info.lowerBound, info.upperBound
 * ```
 */
import { ArgumentError, ShapeError } from "../errors.js";
import type { Tensor } from "../tensor/Tensor.js";
import type { EmbeddingRegularizer, RegularizerResult } from "./EmbeddingRegularizer.js";

/** SVMax's bounds on the mean singular value of a b x d matrix with unit rows (k = min(b, d)). */
export function svmaxBounds(b: number, d: number): { lower: number; upper: number } {
  if (!Number.isInteger(b) || !Number.isInteger(d) || b < 1 || d < 1) throw new ArgumentError(`svmaxBounds: expected positive integer sizes but received ${b} x ${d}`);
  const k = Math.min(b, d);
  return { lower: Math.sqrt(b) / k, upper: Math.sqrt(b / k) };
}

/** Mean singular value of E (rows l2-normalized first unless `normalize: false`); differentiable. */
export function meanSingularValue(e: Tensor, normalize = true): Tensor {
  if (e.ndim !== 2) throw new ShapeError(`svmax: expected an embedding [N, d] but received [${e.shape.join(", ")}]`);
  return (normalize ? e.normalize(2, 1) : e).svdvals().mean();
}

export interface SVMaxOptions {
  /** lambda: the loss is -weight * s_mu (default 1). */
  weight?: number;
  /** l2-normalize rows first (default true; the bounds assume it). */
  normalize?: boolean;
}

export class SVMax implements EmbeddingRegularizer {
  readonly name = "svmax";
  readonly weight: number;
  readonly normalize: boolean;

  constructor(options: SVMaxOptions = {}) {
    this.weight = options.weight ?? 1;
    this.normalize = options.normalize ?? true;
    if (!Number.isFinite(this.weight)) throw new ArgumentError(`svmax: expected a finite weight but received ${this.weight}`);
  }

  forward(e: Tensor): RegularizerResult & { info: { lowerBound: number; upperBound: number } } {
    const sMu = meanSingularValue(e, this.normalize);
    const { lower, upper } = svmaxBounds(e.shape[0]!, e.shape[1]!);
    return { loss: sMu.mul(-this.weight), terms: { meanSingularValue: sMu.detach() }, info: { lowerBound: lower, upperBound: upper } };
  }
}
