/**
 * Resolving a configuration from its sources, lowest priority first: schema defaults, preset,
 * config files (YAML or JSON), short CLI flags, `--set key=value` overrides. Errors name the key,
 * the valid choices and a "did you mean".
 *
 * @example
 * ```ts
 * const cfg = resolveConfig({ files: ["base.yaml"], set: ["objective.tau=0.5"], flags: { objective: "grace", epochs: 100 } });
 * ```
 */
import fs from "node:fs";
import path from "node:path";
import YAML from "yaml";
import type { z } from "zod";
import { canonicalDatasetName, datasetRegistry } from "../data/datasetRegistry.js";
import { ConfigError, closest, unknownName } from "../errors.js";
import { readRegularTextFile } from "../util/regularFile.js";
import { type Config, type ConfigInput, configSchema, miniBatchProblem, OBJECTIVE_NAMES, syncBatchNormProblem, OBJECTIVE_SCHEMAS, type ObjectiveName, objectivesWithKey } from "./config.js";
import { deepMerge, FORBIDDEN_KEYS, getPath, parseAssignment, setPath } from "./overrides.js";
import { presetConfig } from "./presets.js";

/** Short CLI flags and the config keys they set. */
export const SHORT_FLAGS: Record<string, string> = {
  dataset: "dataset.name",
  "data-dir": "dataset.dataDir",
  objective: "objective.name",
  werank: "werank.alpha",
  epochs: "train.epochs",
  device: "train.device",
  "matmul-precision": "train.matmulPrecision",
  seed: "train.seed",
  "data-seed": "train.dataSeed",
  out: "output.dir",
  name: "output.name",
  lr: "optim.lr",
  "batch-size": "train.batchSize",
  fanouts: "train.fanouts",
};

export interface ConfigSources {
  preset?: string;
  files?: string[];
  /** Short flags by name (see SHORT_FLAGS), values already parsed. */
  flags?: Record<string, unknown>;
  /** `key=value` assignments. */
  set?: string[];
  /** Drop all augmentation (BGRL's weak-augmentation setting). */
  noAugment?: boolean;
  /** An object merged after the files (programmatic use). */
  overrides?: ConfigInput;
}

/** Largest config file read (real ones are a few kB). */
export const MAX_CONFIG_FILE_BYTES = 4 * 2 ** 20;

/** Reads a YAML or JSON config file; syntax errors name the file and line. */
export function readConfigFile(file: string): Record<string, unknown> {
  // Regular files only: /dev/zero would be read until memory runs out, a FIFO would block forever.
  let text: string;
  try {
    text = readRegularTextFile(file, { what: "config file", code: "ERR_CONFIG", maxBytes: MAX_CONFIG_FILE_BYTES });
  } catch (e) {
    throw new ConfigError(`Cannot read config file ${file}: ${(e as Error).message}`, { cause: e });
  }
  const ext = path.extname(file).toLowerCase();
  try {
    const v = ext === ".json" ? JSON.parse(text) : YAML.parse(text, { prettyErrors: true });
    if (v === null || v === undefined) return {};
    if (typeof v !== "object" || Array.isArray(v)) throw new Error("the top level must be a mapping of keys");
    return v as Record<string, unknown>;
  } catch (e) {
    throw new ConfigError(`Invalid ${ext === ".json" ? "JSON" : "YAML"} in ${file}: ${(e as Error).message.split("\n")[0]}`);
  }
}

type ZodDef = { innerType?: unknown; type?: string; out?: unknown; discriminator?: string; options?: { shape: Record<string, unknown> }[] };

/**
 * A schema with its default/prefault/optional/nullable wrappers and preprocess pipes removed; a
 * discriminated union (the objective section) becomes the variant `raw` selects at `at` (BGRL
 * without a name, as the schema's preprocess does).
 */
function unwrap(s: unknown, raw: unknown, at: readonly PropertyKey[]): unknown {
  for (let i = 0; i < 8; i++) {
    const def = (s as { _zod?: { def?: ZodDef } } | undefined)?._zod?.def;
    if (def?.innerType) s = def.innerType;
    else if (def?.type === "pipe" && def.out) s = def.out;
    else if (def?.discriminator && def.options) {
      const d = def.discriminator;
      const literal = (o: { shape: Record<string, unknown> }): unknown[] => (o.shape[d] as { _zod?: { def?: { values?: unknown[] } } })._zod?.def?.values ?? [];
      const want = getPath(raw, [...at.map(String), d]) ?? literal(def.options[0]!)[0];
      s = def.options.find((o) => literal(o).includes(want));
      if (!s) return undefined;
    } else break;
  }
  return s;
}

/** The zod object schema at a config path (unwrapping defaults), or undefined. */
function objectShapeAt(path: readonly PropertyKey[], raw: unknown = undefined): Record<string, z.ZodType> | undefined {
  let s: unknown = configSchema;
  for (const [i, k] of path.entries()) {
    s = unwrap(s, raw, path.slice(0, i));
    const shape = (s as { shape?: Record<string, unknown> } | undefined)?.shape;
    if (!shape || !(String(k) in shape)) return undefined;
    s = shape[String(k)];
  }
  return (unwrap(s, raw, path) as { shape?: Record<string, z.ZodType> } | undefined)?.shape;
}

/** The field schema at a config path with its default/optional wrappers removed, or undefined. */
function fieldAt(path: readonly PropertyKey[], raw: unknown): unknown {
  return unwrap(objectShapeAt(path.slice(0, -1), raw)?.[String(path[path.length - 1])], raw, path);
}

/** What a failed check expected, in words: "an integer > 0", "a number <= 1", "a string". */
function expectation(i: z.core.$ZodIssue, raw: unknown): string {
  const isInt = (fieldAt(i.path, raw) as { isInt?: boolean } | undefined)?.isInt === true;
  const a = isInt ? "an integer" : "a number";
  if (i.code === "too_small" && i.origin === "number") return `${a} ${i.inclusive ? ">=" : ">"} ${String(i.minimum)}`;
  if (i.code === "too_big" && i.origin === "number") return `${a} ${i.inclusive ? "<=" : "<"} ${String(i.maximum)}`;
  if (i.code === "invalid_type") return i.expected === "int" ? "an integer" : `a ${i.expected}`;
  return i.message.replace(/^expected /, "");
}

/**
 * Turns zod issues into one readable ConfigError. `flags` maps config keys set by a short flag to
 * the flag (e.g. "train.epochs" -> "epochs"): their issues read "Expected ... for --epochs but received ...".
 */
export function configError(issues: readonly z.core.$ZodIssue[], raw: unknown = undefined, flags: Record<string, string> = {}): ConfigError {
  const lines = issues.map((i) => {
    const where = i.path.join(".") || "(top level)";
    const flag = Object.hasOwn(flags, where) ? flags[where] : undefined;
    if (flag !== undefined && i.code !== "unrecognized_keys" && i.code !== "invalid_value" && i.code !== "invalid_union") {
      return `Expected ${expectation(i, raw)} for --${flag} ('${where}') but received ${JSON.stringify(getPath(raw, i.path.map(String)))}`;
    }
    if (i.code === "custom" && i.params?.foreignObjectiveKey) return i.message; // names the key and its objectives
    if (i.code === "unrecognized_keys") {
      const shape = objectShapeAt(i.path, raw);
      const valid = shape ? Object.keys(shape) : [];
      // Under 'objective', a misspelling may be of another objective's key: say whose it is.
      const objective = where === "objective" ? String(getPath(raw, ["objective", "name"]) ?? "bgrl") : undefined;
      const candidates = objective ? [...new Set([...valid, ...OBJECTIVE_NAMES.flatMap((n) => Object.keys(OBJECTIVE_SCHEMAS[n].shape))])] : valid;
      return i.keys
        .map((k) => {
          const full = [...i.path, k].join(".");
          const guess = closest(k, candidates);
          const owners = guess && !valid.includes(guess) ? ` a key of ${objectivesWithKey(guess).join(", ")}` : "";
          return `unknown key '${full}'${guess ? ` (did you mean '${[...i.path, guess].join(".")}'?${owners})` : ""}; valid keys${i.path.length ? ` under '${where}'` : ""}: ${valid.join(", ")}${objective ? ` (the keys of ${objective})` : ""}`;
        })
        .join("\n  ");
    }
    // An unknown objective name fails the union's discriminator: reported like any bad enum value.
    const choices = i.code === "invalid_value" && "values" in i ? i.values : i.code === "invalid_union" && "options" in i ? (i.options as unknown[]) : undefined;
    if (choices) {
      const vals = choices.map(String);
      const got = getPath(raw, i.path.map(String));
      const guess = typeof got === "string" ? closest(got, vals) : undefined;
      return `invalid value '${String(got)}' for '${where}'${guess ? ` (did you mean '${guess}'?)` : ""}: expected one of ${vals.join(", ")}`;
    }
    const got = getPath(raw, i.path.map(String));
    // A one-element list on the command line parses as a scalar: say how to write it.
    const hint = i.code === "invalid_type" && i.expected === "array" && !Array.isArray(got) && got !== undefined ? ` (write a one-element list as [${JSON.stringify(got)}])` : "";
    return `invalid value ${JSON.stringify(got)} for '${where}': ${i.message}${hint}`;
  });
  return new ConfigError(`Invalid configuration:\n  ${lines.join("\n  ")}`);
}

/** Deeper than any config (sections are 3 levels at most): deeper input is refused before it is walked. */
const MAX_CONFIG_DEPTH = 32;

/**
 * `__proto__`, `constructor` and `prototype` are never config keys; deepMerge drops them (they would
 * reach Object.prototype), so they are refused here first, at every level, as the unknown keys they
 * are. Iterative, with a depth limit: a file of 5000 nested lists must not overflow the stack.
 */
function rejectPrototypeKeys(value: unknown): void {
  const stack: [unknown, string[]][] = [[value, []]];
  while (stack.length > 0) {
    const [v, at] = stack.pop()!;
    if (v === null || typeof v !== "object") continue;
    if (at.length > MAX_CONFIG_DEPTH) throw new ConfigError(`Invalid configuration: nested deeper than ${MAX_CONFIG_DEPTH} levels at '${at.slice(0, 4).join(".")}...'`);
    if (Array.isArray(v)) {
      for (const x of v) stack.push([x, [...at, "[]"]]);
      continue;
    }
    for (const k of Object.keys(v)) {
      if (FORBIDDEN_KEYS.has(k)) throw configError([{ code: "unrecognized_keys", keys: [k], path: at, message: "", input: v } as z.core.$ZodIssue]);
      stack.push([(v as Record<string, unknown>)[k], [...at, k]]);
    }
  }
}

/**
 * A registered dataset name as users type it ("Cora", "wiki-cs": the registry's own spelling is
 * returned), or a path that exists (loaded by its format); anything else is refused here, before a
 * run directory is created, with the valid names.
 */
function checkDatasetName(name: string, flag: string | undefined): string {
  const canonical = canonicalDatasetName(name);
  if (canonical !== undefined) return canonical;
  if (/[\\/.]/.test(name) && fs.existsSync(name)) return name;
  const where = flag ? `--${flag} (dataset.name)` : "dataset.name";
  throw new ConfigError(
    `Invalid configuration:\n  ${where}: ${unknownName("dataset", name, Object.keys(datasetRegistry))}; or the path of an .npz file, a WikiCS .json file, an OGB folder or a Planetoid folder`,
  );
}

/**
 * `acc` (the sources merged so far) before `layer` is merged onto it: when the layer picks another
 * objective than `acc` has (BGRL when unnamed), `acc`'s objective keys that the new objective lacks are
 * dropped. A base config or preset tuned for BGRL (predictorHidden: 16) then serves a sweep over
 * objectives, while a foreign key written with the objective it does not fit is still refused.
 */
function switchObjective(acc: Record<string, unknown>, layer: unknown): Record<string, unknown> {
  const name = getPath(layer, ["objective", "name"]);
  const section = acc.objective;
  if (typeof name !== "string" || !(OBJECTIVE_NAMES as readonly string[]).includes(name) || section === null || typeof section !== "object" || Array.isArray(section)) return acc;
  if (name === ((section as Record<string, unknown>).name ?? "bgrl")) return acc;
  const keep = OBJECTIVE_SCHEMAS[name as ObjectiveName].shape;
  return { ...acc, objective: Object.fromEntries(Object.entries(section).filter(([k]) => Object.hasOwn(keep, k))) };
}

/** Merges all sources and validates them into a full Config. */
export function resolveConfig(sources: ConfigSources = {}): Config {
  // `user` holds what the sources other than the preset set (to tell a preset's value from a chosen one).
  let user: Record<string, unknown> = {};
  const fileData = (sources.files ?? []).map(readConfigFile);
  for (const d of fileData) rejectPrototypeKeys(d);
  rejectPrototypeKeys(sources.overrides);
  const presetName = sources.preset ?? (fileData.map((d) => d.preset).find((p) => typeof p === "string") as string | undefined);
  for (const d of fileData) user = deepMerge(switchObjective(user, d), d);
  if (sources.overrides) user = deepMerge(switchObjective(user, sources.overrides), sources.overrides as Record<string, unknown>);
  if (sources.noAugment) user = deepMerge(user, { augment: { dropEdge: [0, 0], dropFeature: [0, 0], featureDropout: 0 } });
  const flagOf: Record<string, string> = {};
  for (const [flag, value] of Object.entries(sources.flags ?? {})) {
    const key = SHORT_FLAGS[flag];
    if (!key) throw new ConfigError(`Unknown flag --${flag}`);
    if (value !== undefined) user = setPath(switchObjective(user, setPath({}, key.split("."), value)), key.split("."), value);
    if (value !== undefined) flagOf[key] = flag;
  }
  for (const a of sources.set ?? []) {
    const { path: at, value } = parseAssignment(a);
    user = setPath(switchObjective(user, setPath({}, at, value)), at, value);
    delete flagOf[a.slice(0, a.indexOf("=")).trim()]; // --set wins over the flag
  }
  const preset = presetName ? (presetConfig(presetName) as Record<string, unknown>) : {};
  const raw = deepMerge(switchObjective(preset, user), user);
  if (presetName) {
    raw.preset = presetName;
    scalePresetWarmup(raw, preset, user);
  }
  const r = configSchema.safeParse(raw);
  if (!r.success) throw configError(r.error.issues, raw, flagOf);
  r.data.dataset.name = checkDatasetName(r.data.dataset.name, flagOf["dataset.name"]);
  const miniBatch = miniBatchProblem(r.data);
  if (miniBatch) throw new ConfigError(miniBatch);
  const syncBn = syncBatchNormProblem(r.data);
  if (syncBn) throw new ConfigError(syncBn);
  return r.data;
}

/**
 * A preset shortened (or lengthened) by `--epochs` keeps its schedule's shape: when the epochs differ
 * from the preset's and the warm-up is not set explicitly, the warm-up is scaled by the same factor
 * (BGRL: 1,000 of 10,000 epochs, so `--epochs 500` warms up for 50). Without this a short run would be
 * all warm-up. Writes `raw.optim.warmupEpochs`; a no-op when the preset has no warm-up of its own.
 */
function scalePresetWarmup(raw: Record<string, unknown>, preset: Record<string, unknown>, user: Record<string, unknown>): void {
  const presetEpochs = getPath(preset, ["train", "epochs"]);
  const presetWarmup = getPath(preset, ["optim", "warmupEpochs"]);
  const epochs = getPath(raw, ["train", "epochs"]);
  if (typeof presetEpochs !== "number" || typeof presetWarmup !== "number" || typeof epochs !== "number") return;
  if (getPath(user, ["optim", "warmupEpochs"]) !== undefined || epochs === presetEpochs || !(epochs > 0)) return;
  setPath(raw, ["optim", "warmupEpochs"], Math.round((presetWarmup * epochs) / presetEpochs));
}

/** The defaults (the main job's config). */
export function defaultConfig(): Config {
  return configSchema.parse({});
}
