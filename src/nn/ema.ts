/**
 * Exponential moving average of a parameter list in ONE native call — the target network of
 * BYOL / BGRL (Grill et al., 2020; Thakoor et al., 2022):
 *
 *   target = m * target + (1 - m) * online          for every parameter pair (same shapes)
 *
 * computed as BGRL's `target.mul_(m).add_(online, alpha=1 - m)`; optional buffers (e.g. batch-norm
 * running statistics) are copied from the online network. BGRL's official code averages the
 * parameters only and lets the target's batch norm keep its own statistics; pass buffers only
 * when you want them shared.
 *
 * @example
 * ```ts
 * import { EMA, MomentumCosineSchedule } from "werank-native";
 * const ema = new EMA(target.parameters(), online.parameters());
 * const mm = new MomentumCosineSchedule(0.99, 10000);
 * // after each optimizer step at epoch e:
 * ema.update(mm.at(e));
 * ```
 */
import { ArgumentError } from "../errors.js";
import { loadNative } from "../native/addon.js";
import { type Tensor, th } from "../tensor/Tensor.js";

function handles(list: readonly Tensor[], what: string): Int32Array {
  if (!Array.isArray(list)) throw new ArgumentError(`emaUpdate: expected an array of tensors for ${what} but received ${String(list)}`);
  return Int32Array.from(list, (t) => th(t, `emaUpdate (${what})`));
}

function checkMomentum(m: number): number {
  if (typeof m !== "number" || !(m >= 0 && m <= 1)) throw new ArgumentError(`emaUpdate: expected a momentum 0 <= m <= 1 but received ${String(m)}`);
  return m;
}

/** Buffers copied from the online to the target network on each update. */
export interface EMABuffers {
  target: readonly Tensor[];
  online: readonly Tensor[];
}

/** One EMA update (one native call): target = m * target + (1 - m) * online; buffers copied. */
export function emaUpdate(target: readonly Tensor[], online: readonly Tensor[], momentum: number, buffers?: EMABuffers): void {
  const N = loadNative();
  if (buffers === undefined) N.emaUpdate(handles(target, "target"), handles(online, "online"), checkMomentum(momentum));
  else N.emaUpdate(handles(target, "target"), handles(online, "online"), checkMomentum(momentum), handles(buffers.target, "target buffers"), handles(buffers.online, "online buffers"));
}

/** A fixed pairing of target and online tensors, updated with one native call per {@link update}. */
export class EMA {
  readonly target: readonly Tensor[];
  readonly online: readonly Tensor[];
  readonly buffers: EMABuffers | undefined;

  constructor(target: readonly Tensor[], online: readonly Tensor[], options: { buffers?: EMABuffers } = {}) {
    if (!Array.isArray(target) || !Array.isArray(online) || target.length !== online.length) {
      throw new ArgumentError(
        `EMA: expected as many target as online parameters but received ${Array.isArray(target) ? target.length : String(target)} and ${Array.isArray(online) ? online.length : String(online)}`,
      );
    }
    this.target = Object.freeze([...target]);
    this.online = Object.freeze([...online]);
    this.buffers = options.buffers;
  }

  /** target = m * target + (1 - m) * online for every pair (and buffers copied). */
  update(momentum: number): void {
    emaUpdate(this.target, this.online, momentum, this.buffers);
  }

  /** Makes the target an exact copy of the online network (m = 0). */
  copyOnline(): void {
    emaUpdate(this.target, this.online, 0, this.buffers);
  }
}
