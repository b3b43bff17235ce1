/**
 * Self-contained HTML reports (they open offline: inline SVG figures, inline CSS, no scripts):
 * `report.html` of one run, and a side-by-side comparison of several runs with a table of accuracy
 * and ranks (e.g. BGRL vs BGRL + WERank).
 *
 * @example
 * ```ts
 * await writeReport("runs/bgrl-cora-20261122-101500");                // -> .../report.html
 * await writeComparison(["runs/a", "runs/b"], "runs/compare.html");
 * ```
 */
import path from "node:path";
import { ConfigError } from "../errors.js";
import { atomicWriteFile } from "../util/atomicWrite.js";
import {
  alignmentFigure,
  compareAccuracyFigure,
  compareLossFigure,
  compareProbeFigure,
  compareRankFigure,
  compareSpectrumFigure,
  effectiveRankFigure,
  lossFigure,
  probeFigure,
  rankDifferentialFigure,
  spectrumFigure,
  weightSpectraFigure,
} from "./figures.js";
import { COMPARISON_COLUMNS, comparisonCells, comparisonRows } from "./comparisonTable.js";
import { renderSvg, type VegaLiteSpec } from "./plots.js";
import { readRun, runLabel, type RunData } from "./runData.js";

export const esc = (s: string): string => s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
const pct = (x: number | undefined): string => (x !== undefined && Number.isFinite(x) ? (100 * x).toFixed(2) : "–");
const num = (x: number | null | undefined, d = 1): string => (x !== undefined && x !== null && Number.isFinite(x) ? x.toFixed(d) : "–");

const CSS = `
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2em auto; max-width: 1100px; color: #222; padding: 0 1em; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { font-size: 1.2em; margin-top: 2em; border-bottom: 1px solid #ddd; }
.sub { color: #666; margin-top: 0; } table { border-collapse: collapse; margin: 1em 0; }
td, th { border: 1px solid #ddd; padding: 4px 10px; text-align: left; } th { background: #f5f5f5; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 1.5em 0; } figure svg { max-width: 100%; height: auto; }
.warn { background: #fff4e5; border-left: 4px solid #f0a030; padding: 0.5em 1em; margin: 0.5em 0; }
pre { background: #f7f7f7; padding: 1em; overflow-x: auto; font-size: 0.85em; }
.empty { color: #888; font-style: italic; }`;

/** A figure, or "" when there is no data for it (the page shows no empty placeholders). */
export async function figure(id: string, spec: VegaLiteSpec | undefined, caption: string): Promise<string> {
  if (!spec) return "";
  const svg = await renderSvg(spec);
  return `<figure id="${id}" data-figure="${id}">${svg}<figcaption>${esc(caption)}</figcaption></figure>`;
}

export function page(title: string, subtitle: string, body: string): string {
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title><style>${CSS}</style></head>\n<body><h1>${esc(title)}</h1><p class="sub">${esc(subtitle)}</p>\n${body}\n</body></html>\n`;
}

function summaryTable(run: RunData): string {
  const s = run.summary;
  if (!s) return `<p class="empty">No summary.json yet (the run has not finished).</p>`;
  const rows: [string, string][] = [
    ["status", s.status],
    ["dataset", s.dataset],
    ["objective", s.label],
    ["epochs", `${s.epochsRun} / ${s.epochs}`],
    ["linear-probe accuracy", `${pct(s.probe.mean)} ± ${pct(s.probe.std)} % (${s.probe.splits} ${s.probe.protocol} splits, ${s.probe.solver})`],
    ["effective rank: representation", num(s.effectiveRank.representation)],
    ["effective rank: embedding", num(s.effectiveRank.embedding)],
    ["effective rank: target representation", num(s.effectiveRank.target)],
    ["rank differential (RDM, embedding: erank target - erank online)", num(s.rankDifferential, 2)],
    ["mean pairwise cosine (embedding)", num(s.meanPairwiseCosine, 3)],
    ["seconds per epoch", num(s.secondsPerEpoch, 4)],
    ["device", s.device],
  ];
  return `<table>${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join("")}</table>`;
}

function warnings(run: RunData): string {
  const current = run.summary?.warnings ?? [];
  const past = run.warnings.filter((w) => !current.includes(w.message));
  return [
    ...current.map((w) => `<div class="warn">${esc(w)}</div>`),
    ...(past.length
      ? [
          `<details><summary>${past.length} warning(s) during training that no longer hold at the end</summary><ul>${past.map((w) => `<li>epoch ${w.epoch}: ${esc(w.message)}</li>`).join("")}</ul></details>`,
        ]
      : []),
  ].join("\n");
}

/** A heading and its figures, or "" when none of them has data. */
const section = (title: string, figures: string[]): string => (figures.some(Boolean) ? `<h2>${esc(title)}</h2>\n${figures.filter(Boolean).join("\n")}` : "");

/** The HTML of one run's report. */
export async function renderReport(run: RunData): Promise<string> {
  const parts = [
    warnings(run),
    `<h2>Summary</h2>${summaryTable(run)}`,
    section("Training", [
      await figure(
        "loss",
        lossFigure(run),
        "Per logged epoch: the total loss, the objective's own terms, and each regularizer term as added to the loss (weighted by its coefficient), each on its own scale",
      ),
      await figure(
        "probe",
        probeFigure(run),
        "Test accuracy of the linear probe on the frozen encoder at every evaluation; bars: ± one standard deviation over the splits (train.evalEvery sets how often)",
      ),
    ]),
    section("Dimensional collapse", [
      await figure(
        "effective-rank",
        effectiveRankFigure(run),
        "Effective rank (exp of the entropy of the normalized singular values, Roy & Vetterli) of the centred outputs, from initialization (epoch 0)",
      ),
      await figure("rank-differential", rankDifferentialFigure(run), "Rank differential of the two branches (Rank Differential Mechanism)"),
      await figure(
        "spectrum",
        spectrumFigure(run),
        "Singular values of the output covariance divided by the largest, at initialization (dashed) and at the end (solid), log scale: values that fall away are collapsed dimensions",
      ),
      await figure("weight-spectra", weightSpectraFigure(run), "Singular values of each weight matrix, log scale, coloured by epoch (epoch 0 = initialization)"),
      await figure("alignment", alignmentFigure(run), "Alignment matrices A = V_{l+1}^T U_l between consecutive layers (DirectCLR)"),
    ]),
    `<h2>Configuration</h2><details><summary>config.json</summary><pre>${esc(JSON.stringify(run.config ?? {}, null, 2))}</pre></details>`,
    `<details><summary>env.json</summary><pre>${esc(JSON.stringify(run.env ?? {}, null, 2))}</pre></details>`,
  ];
  const s = run.summary;
  const title = s ? `${s.label} on ${s.dataset}` : run.name;
  return page(title, `werank-native run report · ${run.dir}`, parts.join("\n"));
}

/** The report's figures by id (as in report.html), for exporting them as standalone SVG files. */
export function runFigures(run: RunData): Record<string, VegaLiteSpec | undefined> {
  return {
    loss: lossFigure(run),
    probe: probeFigure(run),
    "effective-rank": effectiveRankFigure(run),
    "rank-differential": rankDifferentialFigure(run),
    spectrum: spectrumFigure(run),
    "weight-spectra": weightSpectraFigure(run),
    alignment: alignmentFigure(run),
  };
}

/** Writes each available figure of a run as `<dir>/<id>.svg`; returns the files written. */
export async function writeRunFigures(runDir: string, dir: string): Promise<string[]> {
  const run = readRun(runDir);
  const out: string[] = [];
  for (const [id, spec] of Object.entries(runFigures(run))) {
    if (!spec) continue;
    const file = path.join(path.resolve(dir), `${id}.svg`);
    atomicWriteFile(file, await renderSvg(spec));
    out.push(file);
  }
  return out;
}

/** Writes (or rewrites) `<runDir>/report.html`; returns its path. */
export async function writeReport(runDir: string): Promise<string> {
  const run = readRun(runDir);
  const file = path.join(run.dir, "report.html");
  atomicWriteFile(file, await renderReport(run));
  return file;
}

/** The HTML comparing several runs side by side. */
export async function renderComparison(runs: readonly RunData[]): Promise<string> {
  const rows = comparisonRows(runs).map(
    (r) =>
      `<tr>${comparisonCells(r)
        .map((c, j) => `<td${COMPARISON_COLUMNS[j]!.numeric ? ' class="n"' : ""}>${esc(c)}</td>`)
        .join("")}</tr>`,
  );
  const table = `<table><tr>${COMPARISON_COLUMNS.map((c) => `<th>${esc(c.title)}</th>`).join("")}</tr>${rows.join("")}</table>`;
  const parts = [
    `<h2>Results</h2>${table}`,
    await figure("compare-accuracy", compareAccuracyFigure(runs), "Final linear-probe accuracy, mean ± one standard deviation over the splits; the axis spans at least 10 points"),
    await figure("compare-rank-representation", compareRankFigure(runs, "representation"), "Effective rank of the encoder output over training"),
    await figure("compare-rank-embedding", compareRankFigure(runs, "embedding"), "Effective rank of the predictor/projector output over training"),
    await figure("compare-spectrum-representation", compareSpectrumFigure(runs, "representation"), "Final representation spectra"),
    await figure("compare-spectrum-embedding", compareSpectrumFigure(runs, "embedding"), "Final embedding spectra"),
    await figure("compare-loss", compareLossFigure(runs), "Training loss"),
    await figure("compare-probe", compareProbeFigure(runs), "Linear-probe accuracy at each evaluation; bars: ± one standard deviation over the splits"),
  ];
  return page(`Comparison of ${runs.length} runs`, runs.map(runLabel).join(" · "), parts.join("\n"));
}

export async function writeComparison(runDirs: readonly string[], outFile: string): Promise<string> {
  if (runDirs.length < 1) throw new ConfigError("compare: expected at least one run directory");
  const runs = runDirs.map(readRun);
  const file = path.resolve(outFile);
  atomicWriteFile(file, await renderComparison(runs));
  return file;
}
