/**
 * The summary a training run ends with (summary.json; the CLI prints it, `collect` aggregates it),
 * built from what the loop kept: the last probe, the last collapse report, the step timings.
 *
 * @example
 * ```ts
 * const s = makeTrainSummary({ config, dataset: "cora", status: "completed", seconds: 12, ... });
 * s.secondsPerEpoch;   // mean over the steady-state steps
 * ```
 */
import type { ProbeResult } from "../eval/linearProbe.js";
import type { Config } from "../experiment/config.js";
import type { EvalEvent, TrainSummary } from "../experiment/runEvents.js";
import { describeRegularizers, trainingLabel } from "../experiment/trainingLabel.js";
import type { CollapseReport } from "../metrics/collapseReport.js";
import { spectraNumbers } from "../metrics/trainingDiagnostics.js";

/** The logged numbers of a probe (an eval event's and the summary's `probe`). */
export function probeNumbers(p: ProbeResult, config: Config): EvalEvent["probe"] {
  return { mean: p.mean, std: p.std, splits: p.splits.length, protocol: config.eval.protocol, solver: p.solver, converged: p.converged };
}

export interface TrainSummaryInputs {
  config: Config;
  dataset: string;
  status: TrainSummary["status"];
  seconds: number;
  epochsRun: number;
  /** Seconds of every step run so far (resumed runs included). */
  stepSeconds: readonly number[];
  lastLoss: number;
  /** The names of the weights WERank regularizes (undefined: off). */
  werankNames: readonly string[] | undefined;
  probe: ProbeResult | undefined;
  report: CollapseReport | undefined;
  /** The collapse warnings that still hold at the end. */
  warnings: string[];
  runDir: string | null;
  device: string;
  /** Data-parallel ranks (the process group's world size; 1 without one). */
  ranks: number;
  /** BatchNorm synchronized over the ranks (encoder.syncBatchNorm and ranks > 1). */
  syncBatchNorm: boolean;
}

export function makeTrainSummary(i: TrainSummaryInputs): TrainSummary {
  const c = i.config;
  // The first steps include one-off work (allocator warm-up, caches): report the steady state.
  const steady = i.stepSeconds.length > 10 ? i.stepSeconds.slice(5) : i.stepSeconds;
  return {
    type: "summary",
    status: i.status,
    dataset: i.dataset,
    objective: c.objective.name,
    label: trainingLabel(c, i.werankNames),
    regularizers: describeRegularizers(c, i.werankNames),
    epochs: c.train.epochs,
    epochsRun: i.epochsRun,
    batchSize: c.train.batchSize,
    fanouts: c.train.fanouts,
    finalLoss: i.lastLoss,
    secondsPerEpoch: steady.length ? steady.reduce((a, b) => a + b, 0) / steady.length : NaN,
    seconds: i.seconds,
    probe: i.probe ? probeNumbers(i.probe, c) : { mean: NaN, std: NaN, splits: 0, protocol: c.eval.protocol, solver: c.eval.classifier, converged: false },
    ...spectraNumbers(i.report),
    warnings: i.warnings,
    runDir: i.runDir,
    device: i.device,
    ranks: i.ranks,
    syncBatchNorm: i.syncBatchNorm,
  };
}
