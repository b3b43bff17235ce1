/**
 * Sweeps (DESIGN D9): a base configuration, a grid over config keys and a number of seeds expand
 * into trials, each with its own run directory under `<sweepDir>/trials/`. Trials run as separate
 * processes: locally N at a time, or as one Slurm job array whose task i runs trial i.
 *
 * @example
 * ```ts
 * const sweep = planSweep({ dir: "sweeps/werank", base: { preset: "coauthor-cs" }, grid: ["werank=0,0.1,1"], seeds: 5 });
 * sweep.trials.length; // 15
 * ```
 */
import fs from "node:fs";
import path from "node:path";
import { ConfigError } from "../errors.js";
import { atomicWriteJson } from "../util/atomicWrite.js";
import { readRegularTextFile } from "../util/regularFile.js";
import type { Config } from "./config.js";
import type { ConfigSources } from "./resolveConfig.js";
import { resolveConfig, SHORT_FLAGS } from "./resolveConfig.js";
import { parseValue } from "./overrides.js";
import { trainingLabel } from "./trainingLabel.js";

export interface GridAxis {
  /** Dotted config key (short aliases such as `werank` are expanded). */
  key: string;
  values: unknown[];
}

export interface Trial {
  index: number;
  id: string;
  /** Grid values of this trial, by dotted key. */
  params: Record<string, unknown>;
  seed: number;
  /** Run directory (absolute). */
  dir: string;
  /** `--set` assignments that turn the base into this trial. */
  set: string[];
  /** What the trial trains, from its resolved config (src/experiment/trainingLabel.ts). */
  label?: string;
}

export interface SweepPlan {
  version: 1;
  dir: string;
  created: string;
  base: ConfigSources;
  grid: GridAxis[];
  seeds: number[];
  trials: Trial[];
  slurm?: { jobId: string; script: string; submitted: string };
}

/** Parses `key=v1,v2,v3` (or `key=[json,...]` for array values) into a grid axis. */
export function parseGridAxis(text: string): GridAxis {
  const eq = text.indexOf("=");
  if (eq <= 0) throw new ConfigError(`Expected --grid KEY=V1,V2,... but received '${text}' (e.g. --grid werank=0,0.1,1)`);
  const rawKey = text.slice(0, eq).trim();
  const key = SHORT_FLAGS[rawKey] ?? rawKey;
  const rawVals = text.slice(eq + 1).trim();
  let values: unknown[];
  if (rawVals.startsWith("[")) {
    try {
      values = JSON.parse(rawVals) as unknown[];
    } catch {
      throw new ConfigError(`Expected a JSON list for --grid ${rawKey}=[...] but received '${rawVals}'`);
    }
    if (!Array.isArray(values)) throw new ConfigError(`Expected a JSON list for --grid ${rawKey}`);
  } else {
    values = rawVals.split(",").map((v) => parseValue(v));
  }
  if (values.length === 0) throw new ConfigError(`--grid ${rawKey} has no values`);
  return { key, values };
}

function slug(v: unknown): string {
  return (typeof v === "string" ? v : JSON.stringify(v)).replace(/[^A-Za-z0-9.+-]+/g, "_");
}

export interface PlanOptions {
  dir: string;
  base: ConfigSources;
  grid: string[];
  /** Number of seeds (0..n-1) or explicit seeds. */
  seeds: number | number[];
}

/** A trial's resolved configuration: the sweep's base with the trial's `--set` assignments. */
export function trialConfig(base: ConfigSources, set: readonly string[]): Config {
  return resolveConfig({ ...base, set: [...(base.set ?? []), ...set] });
}

/** Expands a sweep into trials and validates every trial's configuration up front. */
export function planSweep(o: PlanOptions): SweepPlan {
  const grid = o.grid.map(parseGridAxis);
  const seeds = Array.isArray(o.seeds) ? o.seeds : Array.from({ length: Math.max(1, o.seeds) }, (_, i) => i);
  const dir = path.resolve(o.dir);
  let combos: Record<string, unknown>[] = [{}];
  for (const axis of grid) combos = combos.flatMap((c) => axis.values.map((v) => ({ ...c, [axis.key]: v })));
  const trials: Trial[] = [];
  for (const params of combos) {
    for (const seed of seeds) {
      const index = trials.length;
      const parts = Object.entries(params).map(([k, v]) => `${k.split(".").pop()}=${slug(v)}`);
      const id = [`t${String(index).padStart(4, "0")}`, ...parts, `seed=${seed}`].join("-");
      const set = [...Object.entries(params).map(([k, v]) => `${k}=${JSON.stringify(v)}`), `train.seed=${seed}`];
      // Fail before anything runs: a bad key or value in the grid is a usage error now, not N failures later.
      const cfg = trialConfig(o.base, set);
      trials.push({ index, id, params, seed, dir: path.join(dir, "trials", id), set, label: trainingLabel(cfg) });
    }
  }
  return { version: 1, dir, created: new Date().toISOString(), base: o.base, grid, seeds, trials };
}

export function sweepFile(dir: string): string {
  return path.join(path.resolve(dir), "sweep.json");
}

export function saveSweep(plan: SweepPlan): void {
  fs.mkdirSync(path.join(plan.dir, "trials"), { recursive: true });
  atomicWriteJson(sweepFile(plan.dir), plan);
}

export function loadSweep(dir: string): SweepPlan {
  const f = sweepFile(dir);
  if (!fs.existsSync(f)) throw new ConfigError(`No sweep at ${path.resolve(dir)} (expected ${f}; create one with 'werank-native sweep')`);
  try {
    return JSON.parse(readRegularTextFile(f, { what: "sweep plan", code: "ERR_CONFIG", maxBytes: 256 * 2 ** 20 })) as SweepPlan;
  } catch (e) {
    throw new ConfigError(`Cannot read ${f}: ${(e as Error).message}`);
  }
}

/** The CLI arguments that run trial `t` with `werank-native train`. */
export function trialArgs(plan: SweepPlan, t: Trial): string[] {
  // --overwrite: the trial directory already holds the executor's stdout/stderr logs (and a rerun replaces the trial).
  const args = ["train", "--run-dir", t.dir, "--overwrite", "--json"];
  if (plan.base.preset) args.push("--preset", plan.base.preset);
  for (const f of plan.base.files ?? []) args.push("--config", path.resolve(f));
  if (plan.base.noAugment) args.push("--no-augment");
  for (const [k, v] of Object.entries(plan.base.flags ?? {})) if (v !== undefined) args.push(`--${k}`, String(v));
  for (const s of [...(plan.base.set ?? []), ...t.set]) args.push("--set", s);
  return args;
}
