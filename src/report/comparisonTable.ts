/**
 * The results table of `compare`: one row per run (probe accuracy ± std over the splits, effective
 * ranks, rank differential, epochs, seconds per epoch), as data (`--json`, the API), as aligned
 * terminal text, and as the HTML table of compare.html. A run without summary.json (unfinished or
 * failed) is a row that says so instead of dashes.
 *
 * @example
 * ```ts
 * const rows = comparisonRows(["runs/a", "runs/b"].map(readRun));
 * console.log(formatComparisonTable(rows));
 * ```
 */
import { runLabel, type RunData } from "./runData.js";

export interface ComparisonRow {
  /** Objective, WERank alpha, augmentation (as in the figures' legends). */
  label: string;
  dir: string;
  dataset: string | null;
  /** "completed" / "interrupted" from summary.json; "unfinished" when there is none. */
  status: "completed" | "interrupted" | "unfinished";
  /** Linear-probe test accuracy (fractions) over `splits` splits; null when the run did not finish. */
  accuracy: { mean: number; std: number; splits: number } | null;
  effectiveRank: { representation: number; embedding: number } | null;
  rankDifferential: number | null;
  epochs: number | null;
  epochsRun: number | null;
  secondsPerEpoch: number | null;
}

/** One row per run, in the order given. */
export function comparisonRows(runs: readonly RunData[]): ComparisonRow[] {
  return runs.map((r) => {
    const s = r.summary;
    const dataset = s?.dataset ?? (r.config as { dataset?: { name?: string } } | undefined)?.dataset?.name ?? null;
    if (!s) {
      const lastEpoch = r.epochs.length ? r.epochs[r.epochs.length - 1]!.epoch : null;
      const epochs = (r.config as { train?: { epochs?: number } } | undefined)?.train?.epochs ?? null;
      return { label: runLabel(r), dir: r.dir, dataset, status: "unfinished", accuracy: null, effectiveRank: null, rankDifferential: null, epochs, epochsRun: lastEpoch, secondsPerEpoch: null };
    }
    return {
      label: runLabel(r),
      dir: r.dir,
      dataset,
      status: s.status,
      accuracy: s.status === "completed" ? { mean: s.probe.mean, std: s.probe.std, splits: s.probe.splits } : null,
      effectiveRank: s.status === "completed" ? { representation: s.effectiveRank.representation, embedding: s.effectiveRank.embedding } : null,
      rankDifferential: s.rankDifferential,
      epochs: s.epochs,
      epochsRun: s.epochsRun,
      secondsPerEpoch: s.secondsPerEpoch,
    };
  });
}

const fixed = (x: number | null | undefined, d: number): string => (x !== null && x !== undefined && Number.isFinite(x) ? x.toFixed(d) : "–");

/** The cells of a row as text, in COLUMNS order. */
export function comparisonCells(r: ComparisonRow): string[] {
  const acc = r.accuracy ? `${fixed(100 * r.accuracy.mean, 2)} ± ${fixed(100 * r.accuracy.std, 2)}` : r.status === "unfinished" ? "(unfinished: no summary.json)" : `(${r.status})`;
  const epochs = r.epochs === null ? "–" : r.epochsRun !== null && r.epochsRun !== r.epochs ? `${r.epochsRun}/${r.epochs}` : String(r.epochs);
  return [r.label, r.dataset ?? "–", acc, fixed(r.effectiveRank?.representation, 1), fixed(r.effectiveRank?.embedding, 1), fixed(r.rankDifferential, 2), epochs, fixed(r.secondsPerEpoch, 4), r.dir];
}

/** Column titles; the numeric ones are right-aligned. */
export const COMPARISON_COLUMNS: readonly { title: string; numeric: boolean }[] = [
  { title: "run", numeric: false },
  { title: "dataset", numeric: false },
  { title: "accuracy (%)", numeric: true },
  { title: "eff. rank repr.", numeric: true },
  { title: "eff. rank emb.", numeric: true },
  { title: "RDM (target − online)", numeric: true },
  { title: "epochs", numeric: true },
  { title: "s / epoch", numeric: true },
  { title: "directory", numeric: false },
];

/** The rows as an aligned plain-text table for the terminal. */
export function formatComparisonTable(rows: readonly ComparisonRow[]): string {
  const table = [COMPARISON_COLUMNS.map((c) => c.title), ...rows.map(comparisonCells)];
  const widths = COMPARISON_COLUMNS.map((_, j) => Math.max(...table.map((row) => row[j]!.length)));
  const line = (row: string[]): string =>
    row
      .map((cell, j) => (COMPARISON_COLUMNS[j]!.numeric ? cell.padStart(widths[j]!) : cell.padEnd(widths[j]!)))
      .join("  ")
      .trimEnd();
  return [line(table[0]!), widths.map((w) => "-".repeat(w)).join("  "), ...table.slice(1).map(line)].join("\n");
}
