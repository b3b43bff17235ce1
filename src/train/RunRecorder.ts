/**
 * Writes what a training run emits into its run directory (DESIGN D8): epoch, eval and warning events
 * to metrics.jsonl, each diagnostic pass's full collapse report to spectra.jsonl, the summary to
 * summary.json. The Trainer hands every event here before it yields it, so what a consumer sees is
 * already on disk (a killed run's logs end at its last event).
 *
 * @example
 * ```ts
 * const rec = new RunRecorder(RunDir.create("runs", "bgrl-cora"));
 * rec.record({ type: "epoch", epoch: 1, loss: 1.2, lr: 1e-3, momentum: 0.99, terms: {}, seconds: 0.1 });
 * ```
 */
import type { RunDir } from "../experiment/RunDir.js";
import type { TrainEvent, TrainSummary } from "../experiment/runEvents.js";
import type { CollapseReport } from "../metrics/collapseReport.js";

export class RunRecorder {
  constructor(readonly runDir: RunDir) {}

  /** Logs one event; a spectra event logs `report`, the full diagnostics it summarizes. */
  record(ev: TrainEvent, report?: CollapseReport): void {
    if (ev.type === "spectra") {
      if (report) this.runDir.appendJsonl("spectra.jsonl", report);
    } else if (ev.type !== "checkpoint") this.runDir.appendJsonl("metrics.jsonl", ev);
  }

  summary(s: TrainSummary): void {
    this.runDir.writeJson("summary.json", s);
  }
}
