/**
 * Gradient-norm clipping over a whole parameter list in ONE native call, as
 * torch.nn.utils.clip_grad_norm_: the total norm is the p-norm of all gradients taken together
 * (as if concatenated), every gradient is scaled by min(1, maxNorm / (total + 1e-6)), and the
 * pre-clip total is returned. Parameters without a gradient are skipped.
 *
 * @example
 * ```ts
 * import { clipGradNorm } from "werank-native";
 * loss.backward();
 * const norm = clipGradNorm(params, 1.0);   // log it; the gradients are clipped in place
 * opt.step();
 * ```
 */
import { ArgumentError } from "../errors.js";
import { loadNative } from "../native/addon.js";
import { type Tensor, th } from "../tensor/Tensor.js";

export interface ClipGradNormOptions {
  /** Order of the norm: any p > 0, or Infinity for the max-abs norm (default 2). */
  normType?: number;
  /** Raise ERR_ARGUMENT instead of clipping when the total norm is nan or infinite (default false, as PyTorch). */
  errorIfNonfinite?: boolean;
}

/** Clips the gradients of `params` in place to a total norm of at most `maxNorm`; returns the norm before clipping. */
export function clipGradNorm(params: readonly Tensor[], maxNorm: number, options: ClipGradNormOptions = {}): number {
  if (!Array.isArray(params)) throw new ArgumentError(`clipGradNorm: expected an array of parameter tensors but received ${String(params)}`);
  if (typeof maxNorm !== "number" || !(maxNorm >= 0)) throw new ArgumentError(`clipGradNorm: expected maxNorm >= 0 but received ${String(maxNorm)}`);
  const p = options.normType ?? 2;
  if (typeof p !== "number" || !(p > 0)) throw new ArgumentError(`clipGradNorm: expected normType > 0 or Infinity but received ${String(p)}`);
  return loadNative().clipGradNorm(
    Int32Array.from(params, (t) => th(t, "clipGradNorm")),
    maxNorm,
    p,
    options.errorIfNonfinite ?? false,
  );
}
