/**
 * One toy experiment as the CLI runs it: one model per augmentation amplitude k (and, when
 * `werank > 0`, each k both without and with WERank, same seed, data and initialization), with
 * events streamed to `onEvent` and, given `out`, a run directory holding
 *
 *   toy.jsonl             every event (run start, spectra at each log point, run end)
 *   summary.json          the resolved config, the thresholds and each run's final summary
 *   spectra-training.svg  spectra over training, a row per run (single k only)
 *   spectrum-vs-k.svg     final weight spectra, a line per k, WERank dashed
 *   alignment.svg         |V2^T U1| of the unregularized two-layer model (single k, layers >= 2)
 *   alignment-werank.svg  the same with WERank
 *
 * @example
 * ```ts
 * const r = await runToyExperiment({ objective: "infonce", layers: 1, ks: [0, 0.5, 1.5, 2], werank: 1, out: "runs/toy" });
 * r.runs.map((x) => x.summary.weights[0].vanishing);
 * ```
 */
import { ConfigError } from "../errors.js";
import { RunDir } from "../experiment/RunDir.js";
import { renderSvg, type VegaLiteSpec } from "../report/plots.js";
import { alignmentFigure, spectrumVsKFigure, trainingSpectraFigure } from "./toyFigures.js";
import { resolveToyConfig, toyRunLabel, trainToy, type ToyConfig, type ToyRun, type ToyRunSummary, type ToySnapshot } from "./trainToy.js";

export type ToyEvent =
  | { event: "run-start"; run: string; k: number; werank: number }
  | ({ event: "epoch"; run: string; k: number; werank: number } & ToySnapshot)
  | { event: "run-end"; run: string; summary: ToyRunSummary }
  | { event: "figure"; file: string };

export interface ToyExperimentOptions extends Partial<ToyConfig> {
  /** Augmentation amplitudes, one model each (default [k]). */
  ks?: readonly number[];
  /** Output directory (created); no files when omitted. */
  out?: string;
  onEvent?: (e: ToyEvent) => void;
}

export interface ToyExperimentSummary {
  config: Omit<ToyConfig, "k">;
  ks: number[];
  /** How the counts and ranks in `runs` are defined. */
  definitions: Record<string, string>;
  runs: ToyRunSummary[];
}

export interface ToyExperimentResult {
  dir: string | undefined;
  runs: ToyRun[];
  summary: ToyExperimentSummary;
  /** Figure files written (absolute paths). */
  figures: string[];
}

export async function runToyExperiment(o: ToyExperimentOptions): Promise<ToyExperimentResult> {
  const { ks: ksOption, out, onEvent, ...partial } = o;
  const ks = [...(ksOption ?? [partial.k ?? resolveToyConfig(partial).k])];
  if (ks.length === 0) throw new ConfigError("Expected at least one augmentation amplitude k");
  const base = resolveToyConfig({ ...partial, k: ks[0] });
  for (const k of ks) resolveToyConfig({ ...base, k }); // validates every k before any training
  const dir = out === undefined ? undefined : new RunDir(out);
  const emit = (e: ToyEvent): void => {
    dir?.appendJsonl("toy.jsonl", e);
    onEvent?.(e);
  };

  const runs: ToyRun[] = [];
  for (const k of ks) {
    for (const werank of base.werank > 0 ? [0, base.werank] : [0]) {
      const run = toyRunLabel(k, werank);
      emit({ event: "run-start", run, k, werank });
      const r = await trainToy({ ...base, k, werank }, (s) => emit({ event: "epoch", run, k, werank, ...s }));
      emit({ event: "run-end", run, summary: r.summary });
      runs.push(r);
    }
  }

  const { k: _k, ...config } = base;
  const summary: ToyExperimentSummary = {
    config,
    ks,
    definitions: {
      vanishing: `number of singular values below ${base.threshold} x the largest of the same spectrum`,
      effectiveRank: "exp(entropy of p = σ / Σσ), σ the singular values of the centred evaluation outputs (square roots of the covariance spectrum)",
      representation: "covariance spectrum of the layer-1 outputs W1 x on the clean evaluation set",
      embedding: "covariance spectrum of the last-layer outputs on the clean evaluation set",
      alignment: `A = V2^T U1; diagMean and offDiagMax over the leading indices k with σ1^k >= ${base.alignThreshold} σ1^1`,
    },
    runs: runs.map((r) => r.summary),
  };

  const figures: string[] = [];
  if (dir !== undefined) {
    dir.writeJson("summary.json", summary);
    const draw = async (file: string, spec: VegaLiteSpec): Promise<void> => {
      dir.writeText(file, await renderSvg(spec));
      figures.push(dir.path(file));
      emit({ event: "figure", file: dir.path(file) });
    };
    const ok = runs.filter((r) => r.history.length > 1);
    if (ok.length > 0) await draw("spectrum-vs-k.svg", spectrumVsKFigure(ok));
    if (ks.length === 1 && ok.length > 0) {
      await draw("spectra-training.svg", trainingSpectraFigure(ok));
      for (const r of ok) {
        if (r.summary.alignment !== undefined) await draw(r.summary.werank > 0 ? "alignment-werank.svg" : "alignment.svg", alignmentFigure(r));
      }
    }
  }
  return { dir: dir?.dir, runs, summary, figures };
}
