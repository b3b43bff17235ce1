/**
 * Reading a run directory back (DESIGN D8) for reports and comparisons: config.json, env.json,
 * metrics.jsonl (epoch / eval / warning events), spectra.jsonl (collapse reports), summary.json.
 *
 * @example
 * ```ts
 * const run = readRun("runs/bgrl-cora-20261122-101500");
 * run.epochs.map((e) => e.loss);
 * ```
 */
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { ConfigError, DataError } from "../errors.js";
import type { CollapseReport } from "../metrics/collapseReport.js";
import { configSchema } from "../experiment/config.js";
import { trainingLabel } from "../experiment/trainingLabel.js";
import { MAX_RUN_FILE_BYTES, readJsonl } from "../util/jsonl.js";
import { readRegularTextFile } from "../util/regularFile.js";
import type { EpochEvent, EvalEvent, TrainSummary, WarningEvent } from "../experiment/runEvents.js";

export interface RunData {
  dir: string;
  name: string;
  config: Record<string, unknown> | undefined;
  env: Record<string, unknown> | undefined;
  epochs: EpochEvent[];
  evals: EvalEvent[];
  warnings: WarningEvent[];
  spectra: CollapseReport[];
  summary: TrainSummary | undefined;
}

// What reports and comparisons read from each record, checked when the run is read: a malformed file
// is a DataError naming it, not a TypeError deep inside a figure. NaN is written as null by JSON.
const num = z.number().nullable();
const output = z.looseObject({ effectiveRank: num, covarianceSpectrum: z.array(num) });
const spectraSchema = z.looseObject({
  type: z.literal("spectra"),
  epoch: z.number().optional(),
  representations: z.record(z.string(), output),
  embeddings: z.record(z.string(), output),
  rankDifferential: z.looseObject({ embeddings: num, representations: num }),
  weights: z.array(z.looseObject({ name: z.string(), shape: z.array(z.number()), singularValues: z.array(num) })),
  alignment: z.array(z.looseObject({ from: z.string(), to: z.string(), matrix: z.array(z.array(num)).optional() })).optional(),
});
const metricSchemas: Record<string, z.ZodType> = {
  epoch: z.looseObject({ epoch: z.number(), loss: num, terms: z.record(z.string(), num).optional() }),
  eval: z.looseObject({ epoch: z.number(), probe: z.looseObject({ mean: num, std: num }) }),
  warning: z.looseObject({ epoch: z.number(), message: z.string() }),
};
const summarySchema = z.looseObject({
  status: z.enum(["completed", "interrupted"]),
  dataset: z.string(),
  // Runs written before the label existed (summaries had werankAlpha) get theirs from config.json.
  label: z.string().optional(),
  epochs: z.number(),
  epochsRun: z.number(),
  secondsPerEpoch: num,
  probe: z.looseObject({ mean: num, std: num, splits: z.number(), protocol: z.string(), solver: z.string() }),
  effectiveRank: z.looseObject({ representation: num, embedding: num, target: num }),
  rankDifferential: num,
  meanPairwiseCosine: num,
  warnings: z.array(z.string()),
  device: z.string(),
});

/** The fields `collect` reads from each trial's summary.json (a subset of {@link summarySchema}). */
const collectedSummarySchema = z.looseObject({
  probe: z.looseObject({ mean: num, std: num, splits: z.number() }),
  effectiveRank: z.looseObject({ representation: num, embedding: num }),
  secondsPerEpoch: num,
});

function check<T>(schema: z.ZodType, value: unknown, where: string): T {
  const r = schema.safeParse(value);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new DataError(`${where}: ${i.path.length ? `"${i.path.join(".")}" ` : ""}${i.message}: not a file werank-native wrote, or a damaged one`);
  }
  return value as T;
}

/** Checks a parsed summary.json against the fields reports and `collect` read (DataError naming `file`). */
export function checkRunSummary(value: unknown, file: string): TrainSummary {
  return check<TrainSummary>(summarySchema, value, file);
}

/** Checks a parsed summary.json against the fields `collect` reads (DataError naming `file`). */
export function checkCollectedSummary<T>(value: unknown, file: string): T {
  return check<T>(collectedSummarySchema, value, file);
}

function readJson(file: string): Record<string, unknown> | undefined {
  if (!fs.existsSync(file)) return undefined;
  const text = readRegularTextFile(file, { what: "run file", code: "ERR_DATA", maxBytes: MAX_RUN_FILE_BYTES });
  try {
    const v = JSON.parse(text) as unknown;
    return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Reads everything a run wrote; a directory without any run file is a ConfigError. */
export function readRun(dir: string): RunData {
  const abs = path.resolve(dir);
  if (!fs.existsSync(abs) || !fs.statSync(abs).isDirectory()) throw new ConfigError(`No run directory at ${abs}`);
  const metricsFile = path.join(abs, "metrics.jsonl");
  const metrics = readJsonl<{ type: string }>(metricsFile).filter((m, i) => {
    const schema = m !== null && typeof m === "object" ? metricSchemas[m.type] : undefined;
    return schema !== undefined && check(schema, m, `${metricsFile} record ${i + 1}`) !== undefined;
  });
  const spectraFile = path.join(abs, "spectra.jsonl");
  const summaryFile = path.join(abs, "summary.json");
  const summary = readJson(summaryFile);
  const run: RunData = {
    dir: abs,
    name: path.basename(abs),
    config: readJson(path.join(abs, "config.json")),
    env: readJson(path.join(abs, "env.json")),
    epochs: metrics.filter((m) => m.type === "epoch") as EpochEvent[],
    evals: metrics.filter((m) => m.type === "eval") as EvalEvent[],
    warnings: metrics.filter((m) => m.type === "warning") as WarningEvent[],
    spectra: readJsonl<CollapseReport>(spectraFile)
      .filter((s) => s !== null && typeof s === "object" && s.type === "spectra")
      .map((s, i) => check<CollapseReport>(spectraSchema, s, `${spectraFile} record ${i + 1}`)),
    summary: summary === undefined ? undefined : checkRunSummary(summary, summaryFile),
  };
  if (!run.config && !run.summary && run.epochs.length === 0 && run.spectra.length === 0) {
    throw new ConfigError(`${abs} is not a run directory (no config.json, summary.json, metrics.jsonl or spectra.jsonl)`);
  }
  if (run.summary && typeof run.summary.label !== "string") run.summary.label = runLabel(run);
  return run;
}

/** A short label for a run in comparisons: objective and regularizers (src/experiment/trainingLabel.ts), augmentation. */
export function runLabel(run: RunData): string {
  if (!run.config) return run.name;
  const c = configSchema.safeParse(run.config);
  if (!c.success) return run.name;
  const aug = [...c.data.augment.dropEdge, ...c.data.augment.dropFeature].every((p) => p === 0) ? " (no augment)" : "";
  return `${trainingLabel(c.data)}${aug}`;
}
