/**
 * What the training loop observes between steps, as events: epoch losses, diagnostic passes with
 * their collapse warnings (each warning emitted once), probe evaluations, and the summary built from
 * the last of them. Every event goes through the {@link RunRecorder} (when the run has a directory)
 * before the loop yields it.
 *
 * @example
 * ```ts
 * const monitor = new RunMonitor(cfg, recorder);
 * yield* monitor.diagnose(model, epoch);   // spectra event, then new warnings
 * yield monitor.evaluate(model, epoch);     // eval event
 * ```
 */
import type { ProbeResult } from "../eval/linearProbe.js";
import type { Config } from "../experiment/config.js";
import type { RunModel } from "../experiment/RunModel.js";
import type { EpochEvent, EvalEvent, TrainEvent, TrainSummary } from "../experiment/runEvents.js";
import type { CollapseReport } from "../metrics/collapseReport.js";
import { collapseWarnings, spectraNumbers } from "../metrics/trainingDiagnostics.js";
import type { RunRecorder } from "./RunRecorder.js";
import { makeTrainSummary, probeNumbers } from "./trainSummary.js";

export class RunMonitor {
  /** Seconds of every step (a resumed run starts from its checkpoint's). */
  stepSeconds: number[] = [];
  /** The last logged loss (NaN: none yet). */
  lastLoss = NaN;
  #lastReport: CollapseReport | undefined;
  #lastProbe: ProbeResult | undefined;
  #warnings: string[] = [];

  constructor(
    readonly config: Config,
    readonly recorder: RunRecorder | undefined,
  ) {}

  /** Records an event in the run directory (before it is yielded) and returns it. */
  emit<E extends TrainEvent>(ev: E, report?: CollapseReport): E {
    this.recorder?.record(ev, report);
    return ev;
  }

  /** A logged epoch: its loss becomes the last loss. */
  epoch(ev: EpochEvent): EpochEvent {
    this.lastLoss = ev.loss;
    return this.emit(ev);
  }

  #warningsOf(rep: CollapseReport, epoch: number): string[] {
    const c = this.config;
    return collapseWarnings(rep, { epoch, warmupEpochs: c.optim.warmupEpochs, epochs: c.train.epochs, objective: c.objective.name, lastLoss: this.lastLoss });
  }

  /** A diagnostic pass and the warnings not seen before; `warn` = false at initialization, where they say nothing yet. */
  *diagnose(model: RunModel, epoch: number, warn = true): Iterable<TrainEvent> {
    const rep = model.diagnostics(epoch);
    this.#lastReport = rep;
    yield this.emit({ type: "spectra", epoch, ...spectraNumbers(rep) }, rep);
    if (!warn) return;
    for (const w of this.#warningsOf(rep, epoch)) {
      if (this.#warnings.includes(w)) continue;
      this.#warnings.push(w);
      yield this.emit({ type: "warning", epoch, message: w });
    }
  }

  /** The configured linear probe of the model. */
  evaluate(model: RunModel, epoch: number): EvalEvent {
    const p = model.evaluate();
    this.#lastProbe = p;
    return this.emit({ type: "eval", epoch, probe: probeNumbers(p, this.config) });
  }

  /** The run's summary (written to summary.json). */
  summary(model: RunModel, o: { status: TrainSummary["status"]; seconds: number; epochsRun: number; runDir: string | null; ranks: number; syncBatchNorm: boolean }): TrainSummary {
    const report = this.#lastReport;
    const s = makeTrainSummary({
      ...o,
      config: this.config,
      dataset: model.graph.name,
      stepSeconds: this.stepSeconds,
      lastLoss: this.lastLoss,
      werankNames: model.werank?.names,
      probe: this.#lastProbe,
      report,
      // Warnings that still hold at the end; transient ones (early training) stay in metrics.jsonl.
      warnings: report ? this.#warningsOf(report, o.epochsRun) : [],
      device: model.device,
    });
    this.recorder?.summary(s);
    return s;
  }
}
