/** The config options shared by `train`, `sweep` and `reproduce`: --config, --preset, --set, short flags. */
import type { ConfigSources } from "../experiment/resolveConfig.js";
import { SHORT_FLAGS } from "../experiment/resolveConfig.js";
import { parseValue } from "../experiment/overrides.js";
import type { OptionSpec, Parsed } from "./args.js";

export const CONFIG_OPTIONS: OptionSpec = {
  config: { type: "string", multiple: true },
  preset: { type: "string" },
  set: { type: "string", multiple: true },
  "no-augment": { type: "boolean" },
  ...Object.fromEntries(Object.keys(SHORT_FLAGS).map((k) => [k, { type: "string" as const }])),
};

export const CONFIG_HELP = `Configuration (lowest priority first: defaults, --preset, --config files, short flags, --set):
  --preset NAME         a published setting, each also as NAME+werank (--epochs scales its warm-up):
                        BGRL: amazon-computers, amazon-photo, coauthor-cs, coauthor-physics, wikics,
                        ogbn-arxiv (BGRL's paper), cora (ours); GRACE: grace-cora, grace-citeseer,
                        grace-pubmed
  --config FILE         YAML or JSON config file (repeatable)
  --set KEY=VALUE       any config key, e.g. --set objective.tau=0.5 --set encoder.layers=512,256
  --dataset NAME        dataset.name          --data-dir DIR    dataset.dataDir
  --objective NAME      objective.name        --werank ALPHA    werank.alpha (0 = off unless werank.perLayer is set)
  --epochs N            train.epochs          --device DEV      train.device (auto|cpu|cuda[:i])
  --seed N              train.seed            --data-seed N     train.dataSeed
  --lr LR               optim.lr              --out DIR         output.dir
  --name NAME           output.name           --no-augment      no edge dropping or feature masking
  --matmul-precision P  train.matmulPrecision (highest|high|medium: medium = bfloat16 products on CPUs with bf16)
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
