/**
 * Aggregating a sweep: every trial's `summary.json` grouped by configuration (the grid values,
 * seeds pooled), reported as mean ± std in Markdown, CSV and JSON.
 *
 * @example
 * ```ts
 * const table = collectSweep("sweeps/werank");
 * console.log(table.markdown);
 * ```
 */
import fs from "node:fs";
import path from "node:path";
import { atomicWriteFile, atomicWriteJson } from "../util/atomicWrite.js";
import { loadSweep } from "./sweep.js";

/** What a finished run writes to summary.json (the fields collect reads). */
export interface RunSummary {
  type: "summary";
  probe: { mean: number; std: number; splits: number };
  effectiveRank: { representation: number; embedding: number };
  epochs: number;
  secondsPerEpoch: number;
  runDir: string;
  [k: string]: unknown;
}

export interface Stat {
  mean: number;
  std: number;
  n: number;
}

export interface CollectedRow {
  params: Record<string, unknown>;
  /** What the configuration trains (objective and regularizers, src/experiment/trainingLabel.ts). */
  label: string;
  seeds: number[];
  accuracy: Stat;
  erankRepresentation: Stat;
  erankEmbedding: Stat;
  secondsPerEpoch: Stat;
}

export interface Collected {
  rows: CollectedRow[];
  missing: { id: string; dir: string; reason: string }[];
  markdown: string;
  csv: string;
}

/** Mean and sample standard deviation (n - 1). */
export function stat(xs: readonly number[]): Stat {
  const n = xs.length;
  if (n === 0) return { mean: NaN, std: NaN, n };
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const std = n > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, std, n };
}

export function readSummary(dir: string): RunSummary | string {
  const f = path.join(dir, "summary.json");
  if (!fs.existsSync(f)) return fs.existsSync(dir) ? "no summary.json (failed or still running)" : "not started";
  try {
    return JSON.parse(fs.readFileSync(f, "utf8")) as RunSummary;
  } catch (e) {
    return `unreadable summary.json: ${(e as Error).message}`;
  }
}

const fmt = (s: Stat, scale = 1, digits = 2): string => (Number.isNaN(s.mean) ? "–" : `${(s.mean * scale).toFixed(digits)} ± ${(s.std * scale).toFixed(digits)}`);

/** Aggregates the trials of a sweep directory and writes results.{md,csv,json} into it. */
export function collectSweep(dir: string, write = true): Collected {
  const plan = loadSweep(dir);
  const groups = new Map<string, { params: Record<string, unknown>; label: string | undefined; seeds: number[]; s: RunSummary[] }>();
  const missing: Collected["missing"] = [];
  for (const t of plan.trials) {
    const key = JSON.stringify(t.params);
    if (!groups.has(key)) groups.set(key, { params: t.params, label: t.label, seeds: [], s: [] });
    const s = readSummary(t.dir);
    if (typeof s === "string") {
      missing.push({ id: t.id, dir: t.dir, reason: s });
      continue;
    }
    const g = groups.get(key)!;
    g.seeds.push(t.seed);
    g.s.push(s);
    // Sweeps planned before trials carried labels: the runs' own summaries say what they trained.
    if (g.label === undefined && typeof s.label === "string") g.label = s.label;
  }
  const rows: CollectedRow[] = [...groups.values()].map((g) => ({
    params: g.params,
    label: g.label ?? "?",
    seeds: g.seeds,
    accuracy: stat(g.s.map((s) => s.probe.mean)),
    erankRepresentation: stat(g.s.map((s) => s.effectiveRank.representation)),
    erankEmbedding: stat(g.s.map((s) => s.effectiveRank.embedding)),
    secondsPerEpoch: stat(g.s.map((s) => s.secondsPerEpoch)),
  }));
  const keys = plan.grid.map((a) => a.key);
  const head = [...keys, "trained", "runs", "accuracy (%)", "eff. rank repr.", "eff. rank emb.", "s/epoch"];
  const body = rows.map((r) => [
    ...keys.map((k) => JSON.stringify(r.params[k])),
    r.label,
    String(r.accuracy.n),
    fmt(r.accuracy, 100),
    fmt(r.erankRepresentation, 1, 1),
    fmt(r.erankEmbedding, 1, 1),
    fmt(r.secondsPerEpoch, 1, 3),
  ]);
  const markdown =
    [`| ${head.join(" | ")} |`, `| ${head.map(() => "---").join(" | ")} |`, ...body.map((b) => `| ${b.join(" | ")} |`)].join("\n") +
    (missing.length ? `\n\n${missing.length} trial(s) without results: ${missing.map((m) => `${m.id} (${m.reason})`).join(", ")}\n` : "\n");
  const csvHead = [...keys, "trained", "runs", "accuracy_mean", "accuracy_std", "erank_repr_mean", "erank_repr_std", "erank_emb_mean", "erank_emb_std", "seconds_per_epoch_mean"];
  const csvRows = rows.map((r) =>
    [
      ...keys.map((k) => JSON.stringify(r.params[k])),
      r.label,
      r.accuracy.n,
      r.accuracy.mean,
      r.accuracy.std,
      r.erankRepresentation.mean,
      r.erankRepresentation.std,
      r.erankEmbedding.mean,
      r.erankEmbedding.std,
      r.secondsPerEpoch.mean,
    ]
      .map((v) => (typeof v === "string" && /[",]/.test(v) ? `"${v.replace(/"/g, '""')}"` : String(v)))
      .join(","),
  );
  const csv = [csvHead.join(","), ...csvRows].join("\n") + "\n";
  if (write) {
    atomicWriteFile(path.join(plan.dir, "results.md"), markdown);
    atomicWriteFile(path.join(plan.dir, "results.csv"), csv);
    atomicWriteJson(path.join(plan.dir, "results.json"), { rows, missing });
  }
  return { rows, missing, markdown, csv };
}
