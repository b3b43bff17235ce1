/**
 * Aggregating a sweep: every trial's `summary.json` grouped by configuration (the grid values,
 * seeds pooled), reported as mean ± std in Markdown, CSV and JSON. With `paired` (`--paired KEY=VALUE`),
 * each configuration is also compared with its baseline (the same grid values but KEY = VALUE) seed by
 * seed: runs pair when they share the model seed and the data seed (`train.seed`, `train.dataSeed` of
 * each trial's config.json), and the mean paired difference gets a 95 % Student-t interval over seeds
 * (see pairedDifference.ts). A seed that has no partner is listed, never silently dropped.
 *
 * @example
 * ```ts
 * const table = collectSweep("sweeps/werank", { paired: "werank=0" });
 * console.log(table.markdown);
 * table.rows[1].paired?.accuracy.ci95;   // [lo, hi] of accuracy(alpha) − accuracy(0), fractions
 * ```
 */
import fs from "node:fs";
import path from "node:path";
import { ConfigError } from "../errors.js";
import { atomicWriteFile, atomicWriteJson } from "../util/atomicWrite.js";
import { readRegularTextFile } from "../util/regularFile.js";
import { checkCollectedSummary } from "../report/runData.js";
import { MAX_RUN_FILE_BYTES } from "./RunDir.js";
import { parseValue } from "./overrides.js";
import { formatCi95, formatSigned, pairedDifference, type PairedDifference } from "../metrics/pairedDifference.js";
import { SHORT_FLAGS } from "./resolveConfig.js";
import { loadSweep, type SweepPlan } from "./sweep.js";

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

/** One finished trial as collect sees it (for figures over all runs). */
export interface CollectedRun {
  id: string;
  params: Record<string, unknown>;
  /** Model seed and data seed (`train.seed`, `train.dataSeed`): the pairing key. */
  seed: number;
  dataSeed: number;
  accuracy: number;
  erankRepresentation: number;
  erankEmbedding: number;
}

/** A configuration against its baseline, paired by seed (see the module comment). */
export interface PairedComparison {
  /** The baseline's grid values (this row's values with the paired key set to the baseline value). */
  baseline: Record<string, unknown>;
  /** Probe accuracy difference (fractions, this − baseline). */
  accuracy: PairedDifference;
  /** Effective-rank differences (representation, embedding). */
  erankRepresentation: PairedDifference;
  erankEmbedding: PairedDifference;
  /** Seeds ("seed/dataSeed") finished in only one of the two configurations, with the reason. */
  unpaired: { seed: string; reason: string }[];
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
  /** Present with `paired` on every row that is not a baseline and has at least one seed pair. */
  paired?: PairedComparison;
}

export interface Collected {
  rows: CollectedRow[];
  runs: CollectedRun[];
  missing: { id: string; dir: string; reason: string }[];
  /** The `paired` option resolved: dotted key and baseline value. */
  pairedOn?: { key: string; value: unknown };
  markdown: string;
  csv: string;
}

export interface CollectOptions {
  /** Write results.{md,csv,json} into the sweep directory (default true). */
  write?: boolean;
  /** `KEY=VALUE`: compare every configuration with the one where KEY = VALUE, paired by seed. */
  paired?: string;
}

/** Mean and sample standard deviation (n - 1). */
export function stat(xs: readonly number[]): Stat {
  const n = xs.length;
  if (n === 0) return { mean: NaN, std: NaN, n };
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const std = n > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, std, n };
}

/** Model seed and data seed of a trial, from its config.json (falling back to the plan's seed). */
function trialSeeds(dir: string, fallback: number): { seed: number; dataSeed: number } {
  try {
    const c = JSON.parse(readRegularTextFile(path.join(dir, "config.json"), { what: "trial config", maxBytes: MAX_RUN_FILE_BYTES })) as { train?: { seed?: unknown; dataSeed?: unknown } };
    const seed = typeof c.train?.seed === "number" ? c.train.seed : fallback;
    const dataSeed = typeof c.train?.dataSeed === "number" ? c.train.dataSeed : 0;
    return { seed, dataSeed };
  } catch {
    return { seed: fallback, dataSeed: 0 };
  }
}

/** Parses `--paired KEY=VALUE` against the sweep's grid (short keys such as `werank` expand). */
export function parsePairedOption(text: string, plan: SweepPlan): { key: string; value: unknown } {
  const eq = text.indexOf("=");
  if (eq <= 0) throw new ConfigError(`Expected --paired KEY=VALUE but received '${text}' (e.g. --paired werank=0)`);
  const raw = text.slice(0, eq).trim();
  const key = SHORT_FLAGS[raw] ?? raw;
  const axis = plan.grid.find((a) => a.key === key);
  if (!axis) throw new ConfigError(`--paired ${raw}: the sweep has no grid axis ${key}; its axes are ${plan.grid.map((a) => a.key).join(", ") || "(none)"}`);
  const value = parseValue(text.slice(eq + 1).trim());
  if (!axis.values.some((v) => JSON.stringify(v) === JSON.stringify(value))) {
    throw new ConfigError(`--paired ${raw}=${JSON.stringify(value)}: not a value of the grid; valid values: ${axis.values.map((v) => JSON.stringify(v)).join(", ")}`);
  }
  return { key, value };
}

export function readSummary(dir: string): RunSummary | string {
  const f = path.join(dir, "summary.json");
  if (!fs.existsSync(f)) return fs.existsSync(dir) ? "no summary.json (failed or still running)" : "not started";
  try {
    return checkCollectedSummary<RunSummary>(JSON.parse(readRegularTextFile(f, { what: "summary", maxBytes: MAX_RUN_FILE_BYTES })), f);
  } catch (e) {
    return `unreadable summary.json: ${(e as Error).message}`;
  }
}

const fmt = (s: Stat, scale = 1, digits = 2): string => (Number.isNaN(s.mean) ? "–" : `${(s.mean * scale).toFixed(digits)} ± ${(s.std * scale).toFixed(digits)}`);

const seedKey = (s: { seed: number; dataSeed: number }): string => `${s.seed}/${s.dataSeed}`;

/** Pairs every non-baseline group with its baseline group by seed (see the module comment). */
function pairGroups(
  groups: Map<string, { params: Record<string, unknown>; runs: Map<string, CollectedRun>; missing: Map<string, string> }>,
  on: { key: string; value: unknown },
): Map<string, PairedComparison> {
  const out = new Map<string, PairedComparison>();
  for (const [k, g] of groups) {
    if (JSON.stringify(g.params[on.key]) === JSON.stringify(on.value)) continue;
    const baseParams = { ...g.params, [on.key]: on.value };
    const base = groups.get(JSON.stringify(baseParams));
    const pairs: [CollectedRun, CollectedRun][] = [];
    const unpaired: PairedComparison["unpaired"] = [];
    for (const [s, r] of g.runs) {
      const b = base?.runs.get(s);
      if (b) pairs.push([r, b]);
      else unpaired.push({ seed: s, reason: base ? `baseline run ${base.missing.get(s) ?? "missing"}` : "no baseline configuration in the sweep" });
    }
    for (const [s, why] of g.missing) if (base?.runs.has(s)) unpaired.push({ seed: s, reason: `this run ${why}` });
    if (pairs.length === 0) {
      if (unpaired.length) out.set(k, { baseline: baseParams, accuracy: none(), erankRepresentation: none(), erankEmbedding: none(), unpaired });
      continue;
    }
    const diff = (f: (r: CollectedRun) => number): PairedDifference =>
      pairedDifference(
        pairs.map(([a]) => f(a)),
        pairs.map(([, b]) => f(b)),
      );
    out.set(k, { baseline: baseParams, accuracy: diff((r) => r.accuracy), erankRepresentation: diff((r) => r.erankRepresentation), erankEmbedding: diff((r) => r.erankEmbedding), unpaired });
  }
  return out;
}

const none = (): PairedDifference => ({ mean: NaN, sd: NaN, ci95: [NaN, NaN], n: 0 });

/**
 * Aggregates the trials of a sweep directory and writes results.{md,csv,json} into it.
 * (`collectSweep(dir, false)` is the older form of `{ write: false }`.)
 */
export function collectSweep(dir: string, options: CollectOptions | boolean = {}): Collected {
  const o: CollectOptions = typeof options === "boolean" ? { write: options } : options;
  const write = o.write ?? true;
  const plan = loadSweep(dir);
  const pairedOn = o.paired !== undefined ? parsePairedOption(o.paired, plan) : undefined;
  const groups = new Map<string, { params: Record<string, unknown>; label: string | undefined; seeds: number[]; s: RunSummary[]; runs: Map<string, CollectedRun>; missing: Map<string, string> }>();
  const missing: Collected["missing"] = [];
  const runs: CollectedRun[] = [];
  for (const t of plan.trials) {
    const key = JSON.stringify(t.params);
    if (!groups.has(key)) groups.set(key, { params: t.params, label: t.label, seeds: [], s: [], runs: new Map(), missing: new Map() });
    const g = groups.get(key)!;
    const seeds = trialSeeds(t.dir, t.seed);
    const s = readSummary(t.dir);
    if (typeof s === "string") {
      missing.push({ id: t.id, dir: t.dir, reason: s });
      g.missing.set(seedKey(seeds), s);
      continue;
    }
    g.seeds.push(t.seed);
    g.s.push(s);
    // Sweeps planned before trials carried labels: the runs' own summaries say what they trained.
    if (g.label === undefined && typeof s.label === "string") g.label = s.label;
    const run: CollectedRun = { id: t.id, params: t.params, ...seeds, accuracy: s.probe.mean, erankRepresentation: s.effectiveRank.representation, erankEmbedding: s.effectiveRank.embedding };
    g.runs.set(seedKey(seeds), run);
    runs.push(run);
  }
  const paired = pairedOn ? pairGroups(groups, pairedOn) : new Map<string, PairedComparison>();
  const rows: CollectedRow[] = [...groups.entries()].map(([k, g]) => ({
    params: g.params,
    label: g.label ?? "?",
    seeds: g.seeds,
    accuracy: stat(g.s.map((s) => s.probe.mean)),
    erankRepresentation: stat(g.s.map((s) => s.effectiveRank.representation)),
    erankEmbedding: stat(g.s.map((s) => s.effectiveRank.embedding)),
    secondsPerEpoch: stat(g.s.map((s) => s.secondsPerEpoch)),
    ...(paired.has(k) ? { paired: paired.get(k)! } : {}),
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
  let markdown =
    [`| ${head.join(" | ")} |`, `| ${head.map(() => "---").join(" | ")} |`, ...body.map((b) => `| ${b.join(" | ")} |`)].join("\n") +
    (missing.length ? `\n\n${missing.length} trial(s) without results: ${missing.map((m) => `${m.id} (${m.reason})`).join(", ")}\n` : "\n");
  if (pairedOn) markdown += pairedMarkdown(rows, keys, pairedOn);
  const pairedCsv = pairedOn
    ? ["paired_n", "delta_accuracy_mean", "delta_accuracy_ci95_lo", "delta_accuracy_ci95_hi", "delta_erank_repr_mean", "delta_erank_repr_ci95_lo", "delta_erank_repr_ci95_hi", "unpaired_seeds"]
    : [];
  const csvHead = [...keys, "trained", "runs", "accuracy_mean", "accuracy_std", "erank_repr_mean", "erank_repr_std", "erank_emb_mean", "erank_emb_std", "seconds_per_epoch_mean", ...pairedCsv];
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
      ...(pairedOn ? pairedCsvCells(r.paired) : []),
    ]
      .map((v) => (typeof v === "string" && /[",]/.test(v) ? `"${v.replace(/"/g, '""')}"` : String(v)))
      .join(","),
  );
  const csv = `${[csvHead.join(","), ...csvRows].join("\n")}\n`;
  if (write) {
    atomicWriteFile(path.join(plan.dir, "results.md"), markdown);
    atomicWriteFile(path.join(plan.dir, "results.csv"), csv);
    atomicWriteJson(path.join(plan.dir, "results.json"), { rows, runs, missing, ...(pairedOn ? { pairedOn } : {}) });
  }
  return { rows, runs, missing, ...(pairedOn ? { pairedOn } : {}), markdown, csv };
}

function pairedCsvCells(p: PairedComparison | undefined): (string | number)[] {
  if (!p) return ["", "", "", "", "", "", "", ""];
  const num = (x: number): string | number => (Number.isFinite(x) ? x : "");
  return [
    p.accuracy.n,
    num(p.accuracy.mean),
    num(p.accuracy.ci95[0]),
    num(p.accuracy.ci95[1]),
    num(p.erankRepresentation.mean),
    num(p.erankRepresentation.ci95[0]),
    num(p.erankRepresentation.ci95[1]),
    p.unpaired.map((u) => u.seed).join(" "),
  ];
}

function pairedMarkdown(rows: readonly CollectedRow[], keys: readonly string[], on: { key: string; value: unknown }): string {
  const head = [...keys, "trained", "seed pairs", "Δ accuracy (points)", "95 % CI", "Δ eff. rank repr.", "95 % CI", "Δ eff. rank emb."];
  const body = rows
    .filter((r) => r.paired)
    .map((r) => {
      const p = r.paired!;
      return [
        ...keys.map((k) => JSON.stringify(r.params[k])),
        r.label,
        String(p.accuracy.n),
        formatSigned(p.accuracy.mean, 100, 2),
        formatCi95(p.accuracy, 100, 2),
        formatSigned(p.erankRepresentation.mean, 1, 1),
        formatCi95(p.erankRepresentation, 1, 1),
        formatSigned(p.erankEmbedding.mean, 1, 1),
      ];
    });
  const unpaired = rows.flatMap((r) => (r.paired?.unpaired ?? []).map((u) => `${keys.map((k) => `${k}=${JSON.stringify(r.params[k])}`).join(" ")} seed ${u.seed}: ${u.reason}`));
  return [
    "",
    `Paired by seed against ${on.key} = ${JSON.stringify(on.value)} (same model seed and data seed; Δ = this − baseline;`,
    "95 % CI: Student's t over seed pairs, n − 1 degrees of freedom; – where fewer than 2 pairs):",
    "",
    `| ${head.join(" | ")} |`,
    `| ${head.map(() => "---").join(" | ")} |`,
    ...body.map((b) => `| ${b.join(" | ")} |`),
    ...(unpaired.length ? ["", `${unpaired.length} seed(s) without a partner (not in the statistics): ${unpaired.join("; ")}`] : []),
    "",
  ].join("\n");
}
