/**
 * The events a training run emits (Trainer.fit() yields them; `--json` prints them; metrics.jsonl
 * stores epoch / eval / warning ones) and the summary it ends with (summary.json). Types only, here
 * so that the trainer, the run recorder, the CLI and the report (src/report/runData.ts) can share
 * them without the report depending on the training loop.
 *
 * @example
 * ```ts
 * import type { TrainEvent } from "werank-native";
 * const onEvent = (ev: TrainEvent): void => { if (ev.type === "epoch") console.log(ev.epoch, ev.loss); };
 * ```
 */
import type { RegularizerDescription } from "./trainingLabel.js";

/** One logged training epoch. */
export interface EpochEvent {
  type: "epoch";
  epoch: number;
  loss: number;
  lr: number;
  momentum: number;
  /** Named parts of the loss (objective terms and regularizers). */
  terms: Record<string, number>;
  /** Seconds this step took. */
  seconds: number;
}
export interface EvalEvent {
  type: "eval";
  epoch: number;
  probe: { mean: number; std: number; splits: number; protocol: string; solver: string; converged: boolean };
}
export interface SpectraEvent {
  type: "spectra";
  epoch: number;
  effectiveRank: { representation: number; embedding: number; target: number | null };
  /** erank(target) - erank(online) of the embeddings (RDM's sign); null without a target branch. */
  rankDifferential: number | null;
  meanPairwiseCosine: number;
}
export interface CheckpointEvent {
  type: "checkpoint";
  epoch: number;
  path: string;
  reason: "periodic" | "final" | "interrupt";
}
export interface WarningEvent {
  type: "warning";
  epoch: number;
  message: string;
}
export type TrainEvent = EpochEvent | EvalEvent | SpectraEvent | CheckpointEvent | WarningEvent;

/** What summary.json holds (the CLI prints it; `collect` aggregates it). */
export interface TrainSummary {
  type: "summary";
  status: "completed" | "interrupted";
  dataset: string;
  objective: string;
  /** What was trained, e.g. "bgrl + WERank (encoder, alphas 0.5/0.01, gram smaller)" (src/experiment/trainingLabel.ts). */
  label: string;
  /** The resolved regularizers (null: off), WERank with its alpha per selected weight. */
  regularizers: RegularizerDescription;
  epochs: number;
  epochsRun: number;
  /** train.batchSize: seed nodes per mini-batch step (0: full batch); absent in summaries written before mini-batch training. */
  batchSize: number;
  /** train.fanouts: neighbours sampled per layer in mini-batch steps (null: full batch). */
  fanouts: number[] | null;
  finalLoss: number;
  secondsPerEpoch: number;
  seconds: number;
  probe: { mean: number; std: number; splits: number; protocol: string; solver: string; converged: boolean };
  effectiveRank: { representation: number; embedding: number; target: number | null };
  /** erank(target) - erank(online) of the embeddings (RDM's sign); null without a target branch. */
  rankDifferential: number | null;
  meanPairwiseCosine: number;
  warnings: string[];
  runDir: string | null;
  device: string;
  /** Data-parallel ranks that trained the run (1: one process); absent in summaries written before ranks. */
  ranks?: number;
  /** BatchNorm statistics synchronized over the ranks (encoder.syncBatchNorm with more than one rank); absent before it existed. */
  syncBatchNorm?: boolean;
}
