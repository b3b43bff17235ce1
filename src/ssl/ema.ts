/**
 * The one place objectives update an exponential-moving-average target (BGRL/BYOL):
 *
 *   target <- m * target + (1 - m) * online      for every parameter pair
 *
 * `emaUpdate` dispatches to the implementation set with {@link setEmaUpdate}. The default is
 * {@link emaUpdateFallback}, written with tensor ops (two native calls per parameter); the fused
 * native op of src/train/ema.ts (one call for the whole list) replaces it by registering itself
 * here, or by changing the default below — no objective needs to change.
 *
 * @example
 * ```ts
 * emaUpdate(target.parameters(), online.parameters(), 0.99);
 * ```
 */
import { ArgumentError, ShapeError } from "../errors.js";
import { noGrad } from "../tensor/autograd.js";
import type { Tensor } from "../tensor/Tensor.js";

export type EmaUpdateFn = (target: readonly Tensor[], online: readonly Tensor[], momentum: number) => void;

/** Tensor-op EMA: per parameter `target.mul_(m).add_(online, 1 - m)` without autograd. */
export function emaUpdateFallback(target: readonly Tensor[], online: readonly Tensor[], momentum: number): void {
  noGrad(() => {
    for (let i = 0; i < target.length; i++) target[i]!.mul_(momentum).add_(online[i]!, 1 - momentum);
  });
}

let impl: EmaUpdateFn = emaUpdateFallback;

/** Replaces the EMA implementation (the fused native op registers itself here). Returns the previous one. */
export function setEmaUpdate(fn: EmaUpdateFn): EmaUpdateFn {
  if (typeof fn !== "function") throw new ArgumentError("setEmaUpdate: expected a function (target, online, momentum) => void");
  const prev = impl;
  impl = fn;
  return prev;
}

/** target <- m target + (1 - m) online, element-wise for each pair; m in [0, 1]. */
export function emaUpdate(target: readonly Tensor[], online: readonly Tensor[], momentum: number): void {
  if (!(momentum >= 0 && momentum <= 1)) throw new ArgumentError(`emaUpdate: expected a momentum in [0, 1] but received ${momentum}`);
  if (target.length !== online.length) throw new ShapeError(`emaUpdate: expected as many target as online parameters but received ${target.length} and ${online.length}`);
  for (let i = 0; i < target.length; i++) {
    const a = target[i]!.shape;
    const b = online[i]!.shape;
    if (a.length !== b.length || a.some((s, k) => s !== b[k])) {
      throw new ShapeError(`emaUpdate: expected matching shapes for parameter ${i} but received [${a.join(", ")}] and [${b.join(", ")}]`);
    }
  }
  impl(target, online, momentum);
}
