/** The config options shared by `train`, `sweep` and `reproduce`: --config, --preset, --set, short flags. */
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
  set: { type: "string", multiple: true, arg: "KEY=VALUE", help: "any config key, e.g. --set objective.tau=0.5 --set encoder.layers=512,256", group: GROUP },
  "no-augment": { type: "boolean", help: "no edge dropping or feature masking", group: GROUP },
  ...Object.fromEntries(
    Object.entries(SHORT_FLAGS).map(([k, key]) => [k, { type: "string" as const, arg: SHORT_FLAG_HELP[k]?.arg ?? "VALUE", help: SHORT_FLAG_HELP[k]?.help ?? key, group: GROUP }]),
  ),
};

/** The paragraph before the option list of the commands that take CONFIG_OPTIONS. */
export const CONFIG_HELP = `Configuration options (listed below) are merged lowest priority first: defaults, --preset,
--config files, short flags (--dataset, --epochs, ...), --set.
Regularizers (through --set): werank.perLayer=A1,A2 werank.layers=encoder|predictor|projector|all...
  werank.squared=true werank.gram=smaller|wtw|wwt (wtw: the paper's literal W^T W, floor sqrt(in - out) on wide layers)
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
