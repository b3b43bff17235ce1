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
import { ConfigError } from "../errors.js";
import type { CollapseReport } from "../metrics/collapseReport.js";
import { configSchema } from "../experiment/config.js";
import { readJsonl } from "../experiment/RunDir.js";
import { trainingLabel } from "../experiment/trainingLabel.js";
import type { EpochEvent, EvalEvent, TrainSummary, WarningEvent } from "../train/Trainer.js";

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

function readJson(file: string): Record<string, unknown> | undefined {
  if (!fs.existsSync(file)) return undefined;
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** Reads everything a run wrote; a directory without any run file is a ConfigError. */
export function readRun(dir: string): RunData {
  const abs = path.resolve(dir);
  if (!fs.existsSync(abs) || !fs.statSync(abs).isDirectory()) throw new ConfigError(`No run directory at ${abs}`);
  const metrics = readJsonl<{ type: string }>(path.join(abs, "metrics.jsonl"));
  const run: RunData = {
    dir: abs,
    name: path.basename(abs),
    config: readJson(path.join(abs, "config.json")),
    env: readJson(path.join(abs, "env.json")),
    epochs: metrics.filter((m) => m.type === "epoch") as EpochEvent[],
    evals: metrics.filter((m) => m.type === "eval") as EvalEvent[],
    warnings: metrics.filter((m) => m.type === "warning") as WarningEvent[],
    spectra: readJsonl<CollapseReport>(path.join(abs, "spectra.jsonl")).filter((s) => s.type === "spectra"),
    summary: readJson(path.join(abs, "summary.json")) as TrainSummary | undefined,
  };
  if (!run.config && !run.summary && run.epochs.length === 0 && run.spectra.length === 0) {
    throw new ConfigError(`${abs} is not a run directory (no config.json, summary.json, metrics.jsonl or spectra.jsonl)`);
  }
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
