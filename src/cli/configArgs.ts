/** The config options shared by `train`, `sweep` and `reproduce`: --config, --preset, --set, short flags. */
import { OBJECTIVE_NAMES, OBJECTIVE_SCHEMAS } from "../experiment/config.js";
import type { ConfigSources } from "../experiment/resolveConfig.js";
import { SHORT_FLAGS } from "../experiment/resolveConfig.js";
import { parseValue } from "../experiment/overrides.js";
import type { OptionSpec, Parsed } from "./args.js";

/** Value name and description of each short flag in --help; a flag missing here is listed with its config key. */
const SHORT_FLAG_HELP: Record<string, { arg: string; help?: string }> = {
  dataset: { arg: "NAME" },
  "data-dir": { arg: "DIR", help: "dataset.dataDir (default: WERANK_DATA_DIR, else ./data)" },
  objective: { arg: "NAME" },
  werank: { arg: "ALPHA", help: "werank.alpha (0 = off unless werank.perLayer is set)" },
  epochs: { arg: "N" },
  device: { arg: "DEV", help: "train.device (auto|cpu|cuda[:i])" },
  "matmul-precision": { arg: "P", help: "train.matmulPrecision (highest|high|medium: medium = bfloat16\nproducts on CPUs with bf16, see 'werank-native info')" },
  seed: { arg: "N" },
  "data-seed": { arg: "N" },
  out: { arg: "DIR" },
  name: { arg: "NAME" },
  lr: { arg: "LR" },
  "batch-size": { arg: "N", help: "train.batchSize: seed nodes per step of neighbour-sampled mini-batch\ntraining (0 = full batch, the default); needs --fanouts" },
  fanouts: { arg: "F1,F2", help: "train.fanouts: neighbours sampled per encoder layer (-1 = all),\ne.g. 15,10 for a 2-layer encoder" },
};

const GROUP = "Configuration";

export const CONFIG_OPTIONS: OptionSpec = {
  preset: {
    type: "string",
    arg: "NAME",
    help: "a published setting, each also as NAME+werank (--epochs scales its warm-up):\nBGRL: amazon-computers, amazon-photo, coauthor-cs, coauthor-physics, wikics,\nogbn-arxiv (BGRL's paper), cora (ours); GRACE: grace-cora, grace-citeseer, grace-pubmed",
    group: GROUP,
  },
  config: { type: "string", multiple: true, arg: "FILE", help: "YAML or JSON config file", group: GROUP },
  set: {
    type: "string",
    multiple: true,
    arg: "KEY=VALUE",
    help: "any config key, e.g. --set optim.warmupEpochs=0 --set encoder.layers=512,256 (objective keys: those of the chosen --objective)",
    group: GROUP,
  },
  "no-augment": { type: "boolean", help: "no edge dropping or feature masking", group: GROUP },
  ...Object.fromEntries(Object.entries(SHORT_FLAGS).map(([k, key]) => [k, { type: "string" as const, arg: SHORT_FLAG_HELP[k]?.arg ?? "VALUE", help: SHORT_FLAG_HELP[k]?.help ?? key, group: GROUP }])),
};

/** A config key as help lists it: `key`, or `key=a|b|c` for a choice (default first). */
function keyWithChoices(key: string, field: unknown): string {
  let f = field as { _zod?: { def?: { innerType?: unknown; defaultValue?: unknown; entries?: Record<string, string> } } } | undefined;
  const dflt = f?._zod?.def?.defaultValue;
  while (f?._zod?.def?.innerType) f = f._zod.def.innerType as typeof f;
  const entries = f?._zod?.def?.entries;
  if (!entries) return key;
  const values = Object.values(entries);
  return `${key}=${[...values.filter((v) => v === dflt), ...values.filter((v) => v !== dflt)].join("|")}`;
}

/** Each objective's keys, from its schema (so the help cannot miss one). */
export const OBJECTIVE_KEYS_HELP = `Objective keys (through --set objective.KEY=VALUE; only the chosen --objective's are accepted):
${OBJECTIVE_NAMES.map((n) => {
  const keys = Object.entries(OBJECTIVE_SCHEMAS[n].shape).filter(([k]) => k !== "name");
  const lines = [`  ${n.padEnd(10)}`];
  for (const k of keys.map(([k, f]) => keyWithChoices(k, f))) {
    if (lines.at(-1)!.length + k.length > 100) lines.push(" ".repeat(12));
    lines[lines.length - 1] += `${/\S$/.test(lines.at(-1)!) ? " " : ""}${k}`;
  }
  return lines.join("\n");
}).join("\n")}`;

/** The paragraph before the option list of the commands that take CONFIG_OPTIONS. */
export const CONFIG_HELP = `Configuration options (listed below) are merged lowest priority first: defaults, --preset,
--config files, short flags (--dataset, --epochs, ...), --set.
${OBJECTIVE_KEYS_HELP}
Regularizers (through --set): werank.perLayer=A1,A2 werank.layers=encoder|predictor|projector|all...
  werank.squared=true werank.gram=smaller|wtw|wwt (wtw: the paper's literal W^T W, floor sqrt(in - out) on wide layers)
  werank.scale=none|width (width: each layer's alpha divided by its min(out, in))
  svmax.lambda=L varianceReg.weight=W, each with .on=embedding|representation (both views, averaged)`;

export function configSources(p: Parsed): ConfigSources {
  const flags: Record<string, unknown> = {};
  for (const k of Object.keys(SHORT_FLAGS)) {
    const v = p.values[k];
    if (typeof v === "string") flags[k] = parseValue(v);
  }
  // names stay strings even when they look like numbers
  for (const k of ["dataset", "data-dir", "objective", "device", "out", "name"]) {
    if (typeof p.values[k] === "string") flags[k] = p.values[k];
  }
  return {
    preset: p.values.preset as string | undefined,
    files: (p.values.config as string[] | undefined) ?? [],
    flags,
    set: (p.values.set as string[] | undefined) ?? [],
    noAugment: p.values["no-augment"] === true,
  };
}
