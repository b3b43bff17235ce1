/**
 * Gradient-mode scopes, as torch.no_grad / torch.enable_grad.
 *
 * @example
 * ```ts
 * import { noGrad } from "werank-native";
 * noGrad(() => param.add_(grad, -lr));  // an update that autograd does not record
 * ```
 */
import { ArgumentError } from "../errors.js";
import { loadNative } from "../native/addon.js";

function withGrad<T>(on: boolean, fn: () => T): T {
  const N = loadNative();
  const prev = N.setGradEnabled(on);
  try {
    const r = fn();
    if (r instanceof Promise) throw new ArgumentError("noGrad/enableGrad: the function must be synchronous");
    return r;
  } finally {
    N.setGradEnabled(prev);
  }
}

/** Runs `fn` without recording operations for autograd. */
export function noGrad<T>(fn: () => T): T {
  return withGrad(false, fn);
}

/** Runs `fn` with autograd recording on (inside a noGrad block). */
export function enableGrad<T>(fn: () => T): T {
  return withGrad(true, fn);
}

export function isGradEnabled(): boolean {
  return loadNative().isGradEnabled();
}

/** Drops `.grad` of many tensors in one native call. */
export function zeroGrads(tensors: readonly { _h: number }[]): void {
  loadNative().zeroGrads(Int32Array.from(tensors, (t) => t._h));
}
