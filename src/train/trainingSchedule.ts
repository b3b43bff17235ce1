/**
 * The learning-rate and EMA-momentum schedules a config asks for, and the one-line description
 * `werank-native train` and `reproduce` print at the start (also a `{"type":"schedule"}` JSON event),
 * so a shortened preset shows its warm-up before it trains.
 *
 * @example
 * ```ts
 * const s = trainingSchedule(resolveConfig({ preset: "coauthor-cs", flags: { epochs: 500 } }));
 * s.event.warmupEpochs;  // 50 (the preset's 10 %)
 * s.line;                // "schedule: lr 1e-5 (adamw), linear warm-up 50 epochs (10 %), cosine decay to 0 at epoch 500; EMA momentum 0.99 -> 1 (cosine)"
 * ```
 */
import type { Config } from "../experiment/config.js";
import { ConstantSchedule, MomentumCosineSchedule, type Schedule, WarmupCosineSchedule } from "./schedules.js";

/** The `{"type":"schedule"}` event: what the run's schedules are. */
export interface ScheduleEvent {
  type: "schedule";
  epochs: number;
  lr: number;
  optimizer: string;
  lrSchedule: "warmup-cosine" | "constant";
  /** Warm-up epochs actually used (0 for a constant schedule; at most `epochs`). */
  warmupEpochs: number;
  /** EMA base momentum and its schedule (used only by objectives with a target network: BGRL, RDM on BGRL). */
  emaMomentum: number;
  emaSchedule: "cosine" | "constant";
}

export interface TrainingSchedule {
  lr: Schedule;
  momentum: Schedule;
  event: ScheduleEvent;
  line: string;
}

/** Builds the schedules of `config` (see the module comment). */
export function trainingSchedule(config: Config): TrainingSchedule {
  const { optim: o, train, ema } = config;
  const epochs = train.epochs;
  const warmup = o.schedule === "constant" ? 0 : Math.min(o.warmupEpochs, epochs);
  const lr = o.schedule === "constant" ? new ConstantSchedule(o.lr) : new WarmupCosineSchedule(o.lr, warmup, epochs);
  const momentum = ema.schedule === "cosine" ? new MomentumCosineSchedule(ema.momentum, epochs) : new ConstantSchedule(ema.momentum);
  const event: ScheduleEvent = { type: "schedule", epochs, lr: o.lr, optimizer: o.name, lrSchedule: o.schedule, warmupEpochs: warmup, emaMomentum: ema.momentum, emaSchedule: ema.schedule };
  const pct = Math.round((1000 * warmup) / epochs) / 10;
  const lrPart =
    o.schedule === "constant" ? `lr ${o.lr} (${o.name}), constant for ${epochs} epochs` : `lr ${o.lr} (${o.name}), linear warm-up ${warmup} epochs (${pct} %), cosine decay to 0 at epoch ${epochs}`;
  // Only objectives with an EMA target network (BGRL, RDM on BGRL) use the momentum.
  const ob = config.objective;
  const usesEma = ob.name === "bgrl" || (ob.name === "rdm" && ob.rdmBase === "bgrl");
  const emaPart = !usesEma ? "" : ema.schedule === "cosine" ? `; EMA momentum ${ema.momentum} -> 1 (cosine)` : `; EMA momentum ${ema.momentum} (constant)`;
  return { lr, momentum, event, line: `schedule: ${lrPart}${emaPart}` };
}
