/**
 * The figures of a run report and of a comparison, as vega-lite specs built from run data:
 * weight singular values over training, log-scale representation/embedding spectra, effective rank
 * of representation and embedding vs epoch (both branches; the RDM rank differential), loss and
 * probe accuracy vs epoch, alignment matrices.
 *
 * @example
 * ```ts
 * const svg = await renderSvg(effectiveRankFigure(readRun("runs/a")));
 * ```
 */
import type { CollapseReport } from "../metrics/collapseReport.js";
import { heatmap, hconcat, intervalChart, lineChart, type Point, type VegaLiteSpec } from "./plots.js";
import { runLabel, type RunData } from "./runData.js";

/** At most `k` items spread evenly over a list, always including the last. */
export function spread<T>(xs: readonly T[], k: number): T[] {
  if (xs.length <= k) return [...xs];
  const out: T[] = [];
  for (let i = 0; i < k; i++) out.push(xs[Math.round((i * (xs.length - 1)) / (k - 1))]!);
  return [...new Set(out)];
}

const epochOf = (s: CollapseReport): number => s.epoch ?? 0;

/** Loss terms the trainer adds to the objective's loss, with how each is weighted (config keys). */
const REGULARIZER_TERMS: Record<string, (c: RunConfig | undefined) => string> = {
  werank: (c) =>
    `WERank, alpha-weighted: ${c?.werank?.perLayer ? `per-layer alphas ${c.werank.perLayer.join(", ")}` : `alpha ${c?.werank?.alpha ?? "?"}`} × Σ‖WᵀW − I‖${c?.werank?.squared ? "²" : ""}`,
  svmax: (c) => `SVMax, lambda-weighted: −${c?.svmax?.lambda ?? "?"} × mean singular value`,
  variance: (c) => `variance hinge, weighted: ${c?.varianceReg?.weight ?? "?"} × hinge`,
};

interface RunConfig {
  objective?: { name?: string };
  werank?: { alpha?: number; perLayer?: number[] | null; squared?: boolean };
  svmax?: { lambda?: number };
  varianceReg?: { weight?: number };
}

/** The panel titles of the loss figure: total, objective terms, then one per regularizer (as added to the loss). */
export function lossPanels(run: RunData): string[] {
  const c = run.config as RunConfig | undefined;
  const terms = Object.keys(groupTerms(run));
  const panels = ["total loss (what is minimized)"];
  if (terms.some((t) => !(t in REGULARIZER_TERMS))) panels.push(`objective terms (${c?.objective?.name ?? "objective"}, unweighted as logged)`);
  for (const t of Object.keys(REGULARIZER_TERMS)) if (terms.includes(t)) panels.push(REGULARIZER_TERMS[t]!(c));
  return panels;
}

/** The loss, the objective's own terms and each regularizer term on separate panels (own y scales). */
export function lossFigure(run: RunData): VegaLiteSpec | undefined {
  if (run.epochs.length === 0) return undefined;
  const c = run.config as RunConfig | undefined;
  const [total, objective] = lossPanels(run);
  const points: Point[] = run.epochs.filter((e) => Number.isFinite(e.loss)).map((e) => ({ x: e.epoch, y: e.loss, series: "loss", facet: total }));
  for (const [term, vals] of Object.entries(groupTerms(run))) {
    const facet = term in REGULARIZER_TERMS ? REGULARIZER_TERMS[term]!(c) : objective!;
    for (const [x, y] of vals) points.push({ x, y, series: term, facet });
  }
  return lineChart({ title: "Training loss, objective terms and regularizers", x: "epoch", y: "value", points, seriesTitle: "term", facetOrder: lossPanels(run), columns: 2, width: 340, height: 170 });
}

function groupTerms(run: RunData): Record<string, [number, number][]> {
  const out: Record<string, [number, number][]> = {};
  for (const e of run.epochs) for (const [k, v] of Object.entries(e.terms ?? {})) if (Number.isFinite(v)) (out[k] ??= []).push([e.epoch, v]);
  return out;
}

/** Accuracies in percent; the y axis spans at least 10 points so small differences stay small. */
const ACCURACY_AXIS = { minYSpan: 10, yBounds: [0, 100] as const };

const probePoint = (e: RunData["evals"][number], series: string): Point => ({
  x: e.epoch,
  y: 100 * e.probe.mean,
  yLo: 100 * (e.probe.mean - e.probe.std),
  yHi: 100 * (e.probe.mean + e.probe.std),
  series,
});

/** Probe accuracy at every evaluation, mean ± std over the splits. */
export function probeFigure(run: RunData): VegaLiteSpec | undefined {
  if (run.evals.length === 0) return undefined;
  const points: Point[] = run.evals.map((e) => probePoint(e, "test accuracy (mean ± std over splits)"));
  return lineChart({ title: "Linear-probe accuracy at each evaluation", x: "epoch", y: "accuracy (%)", points, markers: true, seriesTitle: "", ...ACCURACY_AXIS });
}

export function effectiveRankFigure(run: RunData): VegaLiteSpec | undefined {
  if (run.spectra.length === 0) return undefined;
  const points: Point[] = [];
  for (const s of run.spectra) {
    for (const [kind, outs] of [
      ["representation", s.representations],
      ["embedding", s.embeddings],
    ] as const) {
      for (const [branch, d] of Object.entries(outs)) points.push({ x: epochOf(s), y: d.effectiveRank, series: `${kind} (${branch})` });
    }
  }
  return lineChart({ title: "Effective rank over training", x: "epoch", y: "effective rank", points, markers: run.spectra.length < 30, seriesTitle: "output (branch)" });
}

/** The RDM paper's quantity: erank(target) - erank(online) over training (positive when the target branch has the higher rank). */
export function rankDifferentialFigure(run: RunData): VegaLiteSpec | undefined {
  const pts: Point[] = [];
  for (const s of run.spectra) {
    // Format 1 logged online - target: flip it to the paper's sign.
    const sign = s.version < 2 ? -1 : 1;
    if (s.rankDifferential.embeddings !== null) pts.push({ x: epochOf(s), y: sign * s.rankDifferential.embeddings, series: "embedding: target - predictor output" });
    if (s.rankDifferential.representations !== null) pts.push({ x: epochOf(s), y: sign * s.rankDifferential.representations, series: "representation: target encoder - online" });
  }
  if (pts.length === 0) return undefined;
  return lineChart({
    title: "Rank differential (RDM): target minus online effective rank",
    x: "epoch",
    y: "effective-rank difference",
    points: pts,
    markers: run.spectra.length < 30,
    seriesTitle: "",
  });
}

/**
 * Covariance spectra (log scale) at initialization (epoch 0, dashed) and at the last diagnostics,
 * one panel for the representation and one for the embedding, one line per branch.
 */
export function spectrumFigure(run: RunData): VegaLiteSpec | undefined {
  const last = run.spectra[run.spectra.length - 1];
  if (!last) return undefined;
  const first = run.spectra[0]!;
  const shown = first === last ? [last] : [first, last];
  const label = (s: CollapseReport): string => `epoch ${epochOf(s)}${epochOf(s) === 0 ? " (initialization)" : ""}`;
  const points: Point[] = [];
  for (const s of shown) {
    for (const [kind, outs] of [
      ["representation", s.representations],
      ["embedding", s.embeddings],
    ] as const) {
      for (const [branch, d] of Object.entries(outs)) {
        // relative to the largest: the scale of the outputs changes a lot in training, the shape is what collapses
        const top = d.covarianceSpectrum[0] ?? 0;
        if (top > 0) d.covarianceSpectrum.forEach((v, i) => points.push({ x: i + 1, y: v / top, series: branch, facet: kind, dash: label(s) }));
      }
    }
  }
  if (points.length === 0) return undefined;
  return lineChart({
    // Format 1 logged the covariance of the outputs as they are, not DirectCLR's l2-normalized rows.
    title: `Covariance spectra of the ${last.version < 2 ? "unnormalized" : "l2-normalized (DirectCLR Fig. 2)"} outputs, ${shown.map(label).join(" → ")} (relative to the largest, log scale)`,
    x: "singular value index",
    y: "singular value / largest",
    points,
    logY: true,
    seriesTitle: "branch",
    dashTitle: "when",
    dashOrder: [...shown].reverse().map(label),
    facetOrder: ["representation", "embedding"],
    columns: 2,
    width: 340,
    height: 220,
  });
}

/** Singular values of every weight matrix at up to six epochs (one panel per matrix). */
export function weightSpectraFigure(run: RunData): VegaLiteSpec | undefined {
  const reports = spread(
    run.spectra.filter((s) => s.weights.length > 0),
    6,
  );
  if (reports.length === 0) return undefined;
  const points: Point[] = [];
  for (const s of reports) for (const w of s.weights) w.singularValues.forEach((v, i) => points.push({ x: i + 1, y: v, series: epochOf(s), facet: `${w.name} [${w.shape.join("×")}]` }));
  return lineChart({
    title: "Weight singular values over training (log scale)",
    x: "index",
    y: "singular value",
    points,
    logY: true,
    seriesTitle: "epoch",
    sequential: true,
    columns: 3,
    width: 240,
    height: 170,
  });
}

/** Alignment matrices A = V_{l+1}^T U_l of the last diagnostics: whole, or their logged leading block (the top singular directions). */
export function alignmentFigure(run: RunData): VegaLiteSpec | undefined {
  const last = run.spectra[run.spectra.length - 1];
  const mats = (last?.alignment ?? []).filter((a) => a.matrix);
  if (mats.length === 0) return undefined;
  return hconcat(
    `Alignment matrices at epoch ${epochOf(last!)}`,
    mats.slice(0, 3).map((a) => {
      const [rows, cols] = [a.matrix!.length, a.matrix![0]?.length ?? 0];
      const part = rows < a.shape[0] || cols < a.shape[1] ? ` (top ${rows}×${cols} of ${a.shape[0]}×${a.shape[1]})` : "";
      return heatmap({ title: `${a.to} vs ${a.from}${part}`, matrix: a.matrix!, diverging: true, size: 200 });
    }),
  );
}

// ---- comparisons ---------------------------------------------------------------------------------

export function compareRankFigure(runs: readonly RunData[], kind: "representation" | "embedding"): VegaLiteSpec | undefined {
  const points: Point[] = [];
  for (const r of runs) {
    const label = runLabel(r);
    for (const s of r.spectra) {
      const d = kind === "representation" ? s.representations.online : s.embeddings.online;
      if (d) points.push({ x: epochOf(s), y: d.effectiveRank, series: label });
    }
  }
  if (points.length === 0) return undefined;
  return lineChart({ title: `Effective rank of the ${kind} (online branch)`, x: "epoch", y: "effective rank", points, seriesTitle: "run" });
}

export function compareLossFigure(runs: readonly RunData[]): VegaLiteSpec | undefined {
  const points: Point[] = runs.flatMap((r) => r.epochs.filter((e) => Number.isFinite(e.loss)).map((e) => ({ x: e.epoch, y: e.loss, series: runLabel(r) })));
  return points.length ? lineChart({ title: "Training loss", x: "epoch", y: "loss", points, seriesTitle: "run" }) : undefined;
}

export function compareSpectrumFigure(runs: readonly RunData[], kind: "representation" | "embedding"): VegaLiteSpec | undefined {
  const points: Point[] = [];
  for (const r of runs) {
    const last = r.spectra[r.spectra.length - 1];
    const d = last && (kind === "representation" ? last.representations.online : last.embeddings.online);
    d?.covarianceSpectrum.forEach((v, i) => points.push({ x: i + 1, y: v, series: runLabel(r) }));
  }
  return points.length
    ? lineChart({ title: `Final ${kind} covariance spectrum, l2-normalized rows (log scale)`, x: "index", y: "covariance eigenvalue", points, logY: true, seriesTitle: "run" })
    : undefined;
}

/** Probe accuracy over the evaluations of each run (mean ± std), when some run evaluated more than once. */
export function compareProbeFigure(runs: readonly RunData[]): VegaLiteSpec | undefined {
  if (!runs.some((r) => r.evals.length > 1)) return undefined;
  const points: Point[] = runs.flatMap((r) => r.evals.map((e) => probePoint(e, runLabel(r))));
  return lineChart({ title: "Linear-probe accuracy at each evaluation", x: "epoch", y: "accuracy (%)", points, markers: true, seriesTitle: "run", ...ACCURACY_AXIS });
}

/** Final probe accuracy of each run, mean ± std over the splits, on an axis at least 10 points wide. */
export function compareAccuracyFigure(runs: readonly RunData[]): VegaLiteSpec | undefined {
  const labels = runs.map(runLabel);
  const items = runs.flatMap((r, i) => {
    const p = r.summary?.status === "completed" ? r.summary.probe : undefined;
    // runs with the same settings (seeds) get their directory name too, so each has its own row
    const label = labels.indexOf(labels[i]!) !== labels.lastIndexOf(labels[i]!) ? `${labels[i]} · ${r.name}` : labels[i]!;
    return p ? [{ label, value: 100 * p.mean, lo: 100 * (p.mean - p.std), hi: 100 * (p.mean + p.std) }] : [];
  });
  return items.length
    ? intervalChart({ title: "Linear-probe accuracy (mean ± std over splits)", x: "accuracy (%)", items, minSpan: ACCURACY_AXIS.minYSpan, bounds: ACCURACY_AXIS.yBounds })
    : undefined;
}
