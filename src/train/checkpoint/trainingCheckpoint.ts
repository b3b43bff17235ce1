/**
 * Saving and restoring the state of a training run in a checkpoint (`<base>.safetensors` + sidecar):
 * the model (`model.<role>.<name>`: every module of the objective, the EMA target included), the
 * optimizer (`optim.*` tensors, scalars in the sidecar), the augmentation generator's state, the
 * epoch and the step timings — everything a resume needs to continue the same trajectory.
 * {@link restoreTrainingCheckpoint} without an optimizer or generator loads the model only (`eval`,
 * `embed`), after the same validation.
 *
 * @example
 * ```ts
 * saveTrainingCheckpoint(run.path("checkpoints", "epoch-10"), { objective, optimizer, generator }, { epoch: 10, stepSeconds, lastLoss, config });
 * const state = restoreTrainingCheckpoint(file, { objective }, cfg.train.epochs);   // model only
 * ```
 */
import { DataError, WerankError } from "../../errors.js";
import type { Objective } from "../../ssl/Objective.js";
import type { Generator } from "../../tensor/Generator.js";
import type { Tensor } from "../../tensor/Tensor.js";
import type { Optimizer } from "../optim/Optimizer.js";
import { loadCheckpoint, saveCheckpoint } from "./checkpoint.js";
import { checkCheckpointTensors, type EpochProgress, parseTrainerState, prepareRunForResume, type TrainerState } from "./runCheckpoints.js";

/** What a checkpoint holds tensors or state of. */
export interface TrainingParts {
  objective: Objective;
  optimizer?: Optimizer | undefined;
  generator?: Generator | undefined;
}

/** The sidecar fields besides the optimizer scalars and the generator. */
export interface TrainingProgress {
  epoch: number;
  stepSeconds: number[];
  lastLoss: number;
  config: { objective: { name: string } } & Record<string, unknown>;
  /** Where a mini-batch epoch was interrupted (absent at an epoch boundary). */
  batch?: EpochProgress | undefined;
}

function modelTensors(objective: Objective): [string, Tensor][] {
  return Object.entries(objective.modules()).flatMap(([role, m]) => Object.entries(m.stateDict()).map(([n, t]) => [`model.${role}.${n}`, t] as [string, Tensor]));
}

/** Writes a checkpoint of the model, optimizer and generator at `base` (no extension); returns `base`. */
export function saveTrainingCheckpoint(base: string, parts: Required<TrainingParts>, progress: TrainingProgress): string {
  const tensors: Record<string, Tensor> = Object.fromEntries(modelTensors(parts.objective));
  const opt = parts.optimizer.stateDict();
  for (const [n, t] of Object.entries(opt.tensors)) tensors[`optim.${n}`] = t;
  saveCheckpoint(base, {
    tensors,
    sidecar: {
      epoch: progress.epoch,
      optimizer: opt.scalars,
      generator: Buffer.from(parts.generator.getState()).toString("base64"),
      stepSeconds: progress.stepSeconds,
      lastLoss: progress.lastLoss,
      config: progress.config,
      ...(progress.batch ? { batch: progress.batch } : {}),
    },
    metadata: { format: "werank-native checkpoint", epoch: String(progress.epoch), objective: progress.config.objective.name },
  });
  return base;
}

export interface RestoreOptions {
  /** The run's total epochs (the recorded epoch must not exceed it). */
  epochs: number;
  /** Resuming into this run directory: cut its logs back to the checkpoint (src/train/checkpoint/runCheckpoints.ts). */
  runDir?: string | undefined;
}

/**
 * Loads a checkpoint into the model (and the optimizer and generator when given) after validating
 * every tensor and sidecar field; returns the recorded progress. What the model, optimizer or
 * generator refuse came from the checkpoint: ERR_DATA.
 */
export function restoreTrainingCheckpoint(file: string, parts: TrainingParts, options: RestoreOptions): TrainerState {
  const ck = loadCheckpoint(file);
  try {
    const side = parseTrainerState(ck.sidecar, file, options.epochs);
    const expected = new Map<string, Tensor>(modelTensors(parts.objective));
    // The optimizer's state slots have their parameter's dtype and shape.
    (parts.optimizer?.params ?? parts.objective.trainableParameters()).forEach((p, i) => {
      for (const slot of ["exp_avg", "exp_avg_sq", "momentum_buffer"]) expected.set(`optim.state.${i}.${slot}`, p);
    });
    checkCheckpointTensors(ck.tensors, expected, file, (n) => n.startsWith("model."));
    for (const [role, m] of Object.entries(parts.objective.modules())) {
      const prefix = `model.${role}.`;
      const own = Object.fromEntries(
        Object.entries(ck.tensors)
          .filter(([k]) => k.startsWith(prefix))
          .map(([k, t]) => [k.slice(prefix.length), t]),
      );
      m.loadStateDict(own);
    }
    if (parts.optimizer) {
      const optTensors = Object.fromEntries(
        Object.entries(ck.tensors)
          .filter(([k]) => k.startsWith("optim."))
          .map(([k, t]) => [k.slice("optim.".length), t]),
      );
      parts.optimizer.loadStateDict({ tensors: optTensors, scalars: side.optimizer as unknown } as Parameters<Optimizer["loadStateDict"]>[0]);
    }
    parts.generator?.setState(new Uint8Array(Buffer.from(side.generator, "base64")));
    if (options.runDir !== undefined) prepareRunForResume(options.runDir, side.epoch, options.epochs);
    return side;
  } catch (e) {
    const fromCheckpoint = !(e instanceof WerankError) || ["ERR_ARGUMENT", "ERR_SHAPE", "ERR_DTYPE"].includes(e.code);
    if (!fromCheckpoint) throw e;
    throw new DataError(`Cannot resume from ${file}: ${(e as Error).message}`, { cause: e });
  } finally {
    for (const t of Object.values(ck.tensors)) t.dispose();
  }
}
