/**
 * The toy experiments' figures, drawn like the papers' (vega-lite specs for src/report/plots.ts):
 *
 * - {@link trainingSpectraFigure}: singular values of every weight matrix and of the embedding
 *   covariance over training, one line per singular-value index, log scale, one row of panels per
 *   run (WERank Figures 1 and 5: without and with WERank);
 * - {@link spectrumVsKFigure}: final singular values of each weight matrix in sorted order, log
 *   scale, one line per augmentation amplitude k, WERank runs dashed (Jing et al. Figure 3, WERank
 *   Figure 2);
 * - {@link alignmentFigure}: |A| = |V_2^T U_1| of a two-layer model as a heat map (Jing et al. Figure 5).
 *
 * @example
 * ```ts
 * const svg = await renderSvg(spectrumVsKFigure(runs));
 * ```
 */
import { ArgumentError } from "../errors.js";
import { heatmap, lineChart, type Point, type VegaLiteSpec } from "../report/plots.js";
import type { ToyRun } from "./trainToy.js";

const matrixNames = (run: ToyRun): string[] => [...run.summary.weights.map((w) => w.name), "embedding cov"];
const pad = (i: number, n: number): string => String(i).padStart(String(n).length, "0");
const werankStyle = (werank: number): string => (werank > 0 ? `WERank α=${werank}` : "no regularizer");

/** Singular values (log) of W_1..W_L and of the embedding covariance vs epoch, a row of panels per run. */
export function trainingSpectraFigure(runs: readonly ToyRun[], title?: string): VegaLiteSpec {
  const points: Point[] = [];
  const order: string[] = [];
  for (const run of runs) {
    const names = matrixNames(run);
    for (const name of names) order.push(`${name} · ${run.summary.label}`);
    for (const s of run.history) {
      const spectra = [...s.weights, s.embedding];
      spectra.forEach((values, m) => {
        const facet = `${names[m]} · ${run.summary.label}`;
        values.forEach((y, i) => points.push({ x: s.epoch, y, series: pad(i + 1, values.length), facet }));
      });
    }
  }
  const first = runs[0]!.summary;
  return lineChart({
    title: title ?? `Spectra during training: ${first.objective}, ${first.layers} layer(s)`,
    x: "epoch",
    y: "singular value",
    points,
    logY: true,
    sequential: true,
    seriesTitle: "index",
    columns: matrixNames(runs[0]!).length,
    facetOrder: order,
    width: 220,
    height: 160,
  });
}

/** Final sorted singular values (log) of each weight matrix, one line per k; WERank runs dashed. */
export function spectrumVsKFigure(runs: readonly ToyRun[], title?: string): VegaLiteSpec {
  const points: Point[] = [];
  for (const run of runs) {
    for (const w of run.summary.weights) {
      w.singularValues.forEach((y, i) => points.push({ x: i + 1, y, series: `k=${run.summary.k}`, dash: werankStyle(run.summary.werank), facet: w.name }));
    }
  }
  const first = runs[0]!.summary;
  return lineChart({
    title: title ?? `Weight spectrum vs augmentation amplitude k: ${first.objective}, ${first.layers} layer(s)`,
    x: "singular value index",
    y: "singular value",
    points,
    logY: true,
    seriesTitle: "augmentation",
    seriesOrder: [...new Set(runs.map((r) => `k=${r.summary.k}`))],
    dashTitle: "regularizer",
    dashOrder: [...new Set(runs.map((r) => werankStyle(r.summary.werank)))].sort((a, b) => Number(a.startsWith("WERank")) - Number(b.startsWith("WERank"))),
    columns: first.layers,
    facetOrder: first.weights.map((w) => w.name),
    width: 300,
    height: 220,
  });
}

/** |V_2^T U_1| of a run with at least two layers. */
export function alignmentFigure(run: ToyRun, title?: string): VegaLiteSpec {
  const a = run.summary.alignment;
  if (a === undefined) throw new ArgumentError(`alignmentFigure: expected a run with at least two layers but received ${run.summary.layers}`);
  return heatmap({
    title: title ?? `|A| = |V2ᵀ U1| after training (${run.summary.label})`,
    matrix: a.matrix.map((row) => row.map(Math.abs)),
    xTitle: "k' (left singular vector of W1)",
    yTitle: "k (right singular vector of W2)",
    domain: [0, 1],
    valueTitle: "|A|",
  });
}
