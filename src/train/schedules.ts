/**
 * Schedules for the learning rate and the EMA momentum (pure TypeScript), matching BGRL's
 * official code (nerdslab/bgrl, bgrl/scheduler.py `CosineDecayScheduler` and its use in
 * train_transductive.py), where the step is the 0-based epoch (0 .. total - 1):
 *
 *   lr(s) = base * s / warmup                                              s < warmup
 *   lr(s) = base * (1 + cos((s - warmup) * pi / (total - warmup))) / 2     warmup <= s <= total
 *   m(s)  = 1 - (1 - m0) * (1 + cos(s * pi / total)) / 2                   (0.99 -> 1)
 *
 * Steps outside [0, total] raise ERR_ARGUMENT, as BGRL's scheduler does past the end.
 *
 * @example
 * ```ts
 * import { WarmupCosineSchedule, MomentumCosineSchedule } from "werank-native";
 * const lr = new WarmupCosineSchedule(5e-4, 1000, 10000);
 * const mm = new MomentumCosineSchedule(0.99, 10000);
 * lr.at(0);     // 0
 * lr.at(1000);  // 5e-4
 * mm.at(0);     // 0.99
 * ```
 */
import { ArgumentError, ConfigError } from "../errors.js";

/** A value per step (learning rate, momentum, loss weight, ...). */
export interface Schedule {
  at(step: number): number;
}

function finite(owner: string, name: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isFinite(v)) throw new ConfigError(`${owner}: expected a finite number for ${name} but received ${String(v)}`);
  return v;
}

/**
 * Linear warm-up from 0 to `maxValue` over `warmupSteps`, then a half-cosine down to 0 at
 * `totalSteps` (BGRL's CosineDecayScheduler; warmupSteps 0 gives a plain cosine decay).
 */
export class WarmupCosineSchedule implements Schedule {
  constructor(
    readonly maxValue: number,
    readonly warmupSteps: number,
    readonly totalSteps: number,
  ) {
    finite("WarmupCosineSchedule", "maxValue", maxValue);
    finite("WarmupCosineSchedule", "warmupSteps", warmupSteps);
    finite("WarmupCosineSchedule", "totalSteps", totalSteps);
    if (!(totalSteps > 0)) throw new ConfigError(`WarmupCosineSchedule: expected totalSteps > 0 but received ${totalSteps}`);
    if (!(warmupSteps >= 0 && warmupSteps <= totalSteps)) {
      throw new ConfigError(`WarmupCosineSchedule: expected 0 <= warmupSteps <= totalSteps (${totalSteps}) but received ${warmupSteps}`);
    }
  }

  at(step: number): number {
    const { maxValue: v, warmupSteps: w, totalSteps: t } = this;
    if (typeof step !== "number" || !(step >= 0 && step <= t)) {
      throw new ArgumentError(`WarmupCosineSchedule: expected a step in [0, ${t}] but received ${String(step)}`);
    }
    if (step < w) return (v * step) / w;
    // BGRL divides 0 by 0 here when warm-up fills the whole run; the limit is the peak value.
    if (t === w) return v;
    return (v * (1 + Math.cos(((step - w) * Math.PI) / (t - w)))) / 2;
  }
}

/**
 * EMA momentum rising from `base` (e.g. 0.99) to 1 along a half-cosine over `totalSteps`
 * (BGRL: `1 - CosineDecayScheduler(1 - mm, 0, epochs).get(step)`).
 */
export class MomentumCosineSchedule implements Schedule {
  private readonly decay: WarmupCosineSchedule;
  constructor(
    readonly base: number,
    readonly totalSteps: number,
  ) {
    finite("MomentumCosineSchedule", "base", base);
    if (!(base >= 0 && base <= 1)) throw new ConfigError(`MomentumCosineSchedule: expected 0 <= base <= 1 but received ${base}`);
    this.decay = new WarmupCosineSchedule(1 - base, 0, finite("MomentumCosineSchedule", "totalSteps", totalSteps));
  }

  at(step: number): number {
    if (typeof step !== "number" || !(step >= 0 && step <= this.totalSteps)) {
      throw new ArgumentError(`MomentumCosineSchedule: expected a step in [0, ${this.totalSteps}] but received ${String(step)}`);
    }
    return 1 - this.decay.at(step);
  }
}

/** The same value at every step. */
export class ConstantSchedule implements Schedule {
  constructor(readonly value: number) {
    finite("ConstantSchedule", "value", value);
  }
  at(_step: number): number {
    return this.value;
  }
}
