/**
 * The steps of one epoch, kept out of the Trainer's loop (src/train/Trainer.ts): full batch (one step)
 * or neighbour-sampled mini-batches (train.batchSize > 0; docs/scale.md), optionally as one of W
 * data-parallel ranks (src/train/dataParallel.ts), with the schedules read per step and the progress
 * of an unfinished epoch kept for the interrupt checkpoint.
 *
 * Mini-batch: the seeds are the epoch's random permutation of the nodes (drawn from the run's
 * generator at the start of the epoch, so a resumed run draws the same one), cut into
 * ceil(N / (W x batchSize)) consecutive global batches of near-equal size (equal sizes rather than a
 * short last batch, which could hold a single node and break BatchNorm or VICReg's variance); rank r
 * trains on the r-th slice of each (`rankSeeds`). The schedules stay defined per epoch, as the presets'
 * warm-up and cosine decay are, and are read at the fractional epoch e + k / steps at step k: warm-up
 * ends and the decay reaches 0 at the same epochs as in full batch, while every optimizer step gets its
 * own lr and EMA momentum (a constant lr across an epoch's steps would make the first epoch of a
 * warm-up from 0 train nothing). With one step per epoch this is at(e): full batch is unchanged.
 *
 * @example
 * ```ts
 * const epochs = EpochSteps.forConfig(cfg, { objective, optimizer, regularizers, graph: deviceGraph, generator }, graph.numNodes);
 * const r = epochs.runEpoch(true);   // trains epoch 0: r.loss is the mean over its steps
 * epochs.epoch;                      // 1
 * ```
 */
import { ConfigError } from "../errors.js";
import type { ProcessGroup } from "../dist/ProcessGroup.js";
import type { Generator } from "../tensor/Generator.js";
import { tidy } from "../tensor/tidy.js";
import type { EpochProgress } from "./checkpoint/runCheckpoints.js";
import { meanOverRanks, rankSeeds } from "./dataParallel.js";
import type { Config } from "../experiment/config.js";
import type { Tensor } from "../tensor/Tensor.js";
import { trainingSchedule, type TrainingSchedule } from "./trainingSchedule.js";
import { makeTrainStep, type StepResult, type TrainStep, type TrainStepParts } from "./trainStep.js";

/** An epoch's result: the mean loss and terms over its steps, and its first step's lr and momentum. */
export type EpochResult = StepResult & { lr: number; momentum: number };

export interface EpochStepsOptions {
  step: TrainStep;
  schedule: TrainingSchedule;
  /** The run's generator (permutations; the step draws its augmentations from it too). */
  generator: Generator;
  numNodes: number;
  /** train.batchSize (0 = full batch). */
  batchSize: number;
  /** One data-parallel rank of this group (checked by checkProcessGroup). */
  processGroup?: ProcessGroup | undefined;
}

export class EpochSteps {
  /** The epoch the next step trains (0-based; equals the number of finished epochs). */
  epoch = 0;
  /** The steps taken of an unfinished mini-batch epoch (undefined at an epoch boundary). */
  partial: EpochProgress | undefined;
  readonly #o: EpochStepsOptions;

  constructor(o: EpochStepsOptions) {
    this.#o = o;
  }

  /**
   * A config's epochs: its training step over `parts` (augmentations, clipping, precision, fanouts
   * from the config; with a group, ONE bucketed all-reduce averages every gradient before clipping
   * and the optimizer step), its schedules and batch size.
   */
  static forConfig(c: Config, parts: Pick<TrainStepParts, "objective" | "optimizer" | "regularizers" | "graph" | "generator">, numNodes: number, pg?: ProcessGroup): EpochSteps {
    const { augment, optim, train } = c;
    const step = makeTrainStep({
      ...parts,
      augment,
      clipGradNorm: optim.clipGradNorm,
      matmulPrecision: train.matmulPrecision,
      ...(train.fanouts ? { fanouts: train.fanouts } : {}),
      ...(pg ? { reduceGradients: (grads: Tensor[]): void => void pg.allReduceMean(grads) } : {}),
    });
    return new EpochSteps({ step, schedule: trainingSchedule(c), generator: parts.generator, numNodes, batchSize: train.batchSize, processGroup: pg });
  }

  /**
   * Continues from a checkpoint's epoch and unfinished-epoch progress; `from` names the checkpoint in
   * the error when it stopped mid-epoch on another number of ranks (a step's seeds depend on it).
   */
  resume(epoch: number, batch: EpochProgress | undefined, from: string): void {
    this.epoch = epoch;
    // JSON writes an unread (NaN) loss as null.
    this.partial = batch ? { ...batch, loss: batch.loss ?? NaN } : undefined;
    const stoppedWith = batch?.ranks ?? 1;
    const world = this.#o.processGroup?.worldSize ?? 1;
    if (batch && stoppedWith !== world) {
      throw new ConfigError(
        `${from}: the run stopped in the middle of an epoch on ${stoppedWith} rank(s); resume it with the same number of ranks (--nproc ${stoppedWith}): a step's seeds depend on it`,
      );
    }
  }

  /** Trains the current epoch to its end (the loss and terms are read, a host sync per step, when `read`; else NaN). */
  runEpoch(read: boolean): EpochResult {
    const steps = this.steps(read);
    for (let r = steps.next(); ; r = steps.next()) if (r.done) return r.value;
  }

  /** The current epoch's steps, pausing (yield) after each but the last so a caller can let the event loop run or stop. */
  *steps(read: boolean): Iterator<void, EpochResult, undefined> {
    const { step, schedule, numNodes: n, batchSize, processGroup: pg } = this.#o;
    const e = this.epoch;
    const [lr, momentum] = [schedule.lr.at(e), schedule.momentum.at(e)];
    if (batchSize <= 0) {
      const out = step({ lr, momentum }, read);
      this.epoch += 1;
      return { ...out, lr, momentum };
    }
    const [rank, world] = pg ? [pg.rank, pg.worldSize] : [0, 1];
    const steps = Math.ceil(n / (batchSize * world));
    // An epoch interrupted after some steps (stopped, or resumed from such a checkpoint) goes on where it stopped.
    const p: EpochProgress = this.partial ?? { step: 0, epochGenerator: Buffer.from(this.#o.generator.getState()).toString("base64"), loss: 0, terms: {}, ...(world > 1 ? { ranks: world } : {}) };
    const order = this.#order(p);
    for (let k = p.step; k < steps; k++) {
      const t = e + k / steps;
      const r0 = step({ lr: schedule.lr.at(t), momentum: schedule.momentum.at(t) }, read, rankSeeds(order, k, steps, rank, world));
      const r = pg && read ? meanOverRanks(pg, r0) : r0;
      p.loss = (p.loss ?? NaN) + r.loss / steps;
      for (const [name, v] of Object.entries(r.terms)) p.terms[name] = (p.terms[name] ?? 0) + v / steps;
      p.step = k + 1;
      if (k + 1 < steps) {
        this.partial = p;
        yield;
      }
    }
    this.partial = undefined;
    this.epoch += 1;
    return { loss: read ? (p.loss ?? NaN) : NaN, terms: p.terms, lr, momentum };
  }

  /**
   * The epoch's node permutation: drawn from the generator at the epoch's start, or, in an epoch
   * that already took steps, drawn again from the generator's state at its start (then restored).
   */
  #order(p: EpochProgress): Int32Array {
    const gen = this.#o.generator;
    const draw = (): Int32Array => tidy(() => gen.randperm(this.#o.numNodes, { dtype: "int32" }).toTypedArray()) as Int32Array;
    if (p.step === 0) return draw();
    const now = gen.getState();
    gen.setState(new Uint8Array(Buffer.from(p.epochGenerator, "base64")));
    try {
      return draw();
    } finally {
      gen.setState(now);
    }
  }
}
