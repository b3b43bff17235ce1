/**
 * `werank-native toy`: the linear toy experiments of the dimensional-collapse papers (see
 * src/toy): trains 16 x 16 linear models under augmentation amplitude k, with and without WERank,
 * and writes spectra (JSONL), a summary and the papers' figures (SVG).
 */
import path from "node:path";
import { ConfigError, unknownName } from "../../errors.js";
import { RunDir } from "../../experiment/RunDir.js";
import { setNumThreads } from "../../runtime.js";
import { TOY_INITS, type ToyInit } from "../../toy/ToyLinear.js";
import { TOY_OBJECTIVES, type ToyObjectiveName } from "../../toy/toyObjectives.js";
import { TOY_OPTIMIZERS, type ToyOptimizerKind } from "../../toy/trainToy.js";
import { TOY_SIMILARITIES, type ToySimilarity } from "../../toy/toyInfoNCE.js";
import { runToyExperiment, type ToyEvent } from "../../toy/toyExperiment.js";
import { resolveToyConfig, type ToyConfig } from "../../toy/trainToy.js";
import { numberFlag, parseCommandArgs } from "../args.js";
import { EXIT, type Command } from "../command.js";

const OPTIONS = {
  objective: {
    type: "string",
    arg: "NAME",
    help: "infonce (symmetric InfoNCE on z), directclr (InfoNCE on z[:, :d0], no projector),\nema (BYOL: linear predictor + EMA target), simsiam (predictor + stop-gradient),\nvicreg (25/25/1) (default infonce)",
  },
  layers: { type: "string", arg: "1|2", help: "weight matrices (default 1)" },
  k: { type: "string", arg: "K", help: "augmentation amplitude: noise std on the augmented dims (default 0.1)" },
  "sweep-k": { type: "string", arg: "K1,K2,...", help: "several amplitudes, one model each; draws spectrum-vs-k.svg" },
  werank: { type: "string", arg: "ALPHA", help: "WERank alpha: sum_l alpha ||W_l^T W_l - I||_F; > 0 trains every k both without\nand with WERank (default 0)" },
  epochs: { type: "string", arg: "N", help: "default 20 (78 steps each)" },
  seed: { type: "string", arg: "S", help: "data and initialization seed (default 0)" },
  out: { type: "string", arg: "DIR", help: "output folder (default runs/toy-<objective>-<layers>l-<timestamp>)" },
  json: { type: "boolean", help: "print only JSONL events on stdout, then one summary line" },
  lr: { type: "string", arg: "LR", help: "learning rate (default 0.1; vicreg 0.01)" },
  optimizer: { type: "string", arg: "sgd|adam", help: "default sgd" },
  batch: { type: "string", arg: "N", help: "batch size (default 128)" },
  samples: { type: "string", arg: "N", help: "training samples (default 10000)" },
  "aug-dims": { type: "string", arg: "N", help: "augmented input dims, the last ones (default 8; 16 = isotropic noise)" },
  init: { type: "string", arg: "uniform|spectrum", help: "uniform (torch.nn.Linear) or spectrum (singular values exp(-0.35 i), the\nofficial two-layer init) (default uniform)" },
  similarity: {
    type: "string",
    arg: "cosine|l2|dot",
    help: "InfoNCE form: cosine (SimCLR, tau 0.1), l2 (the paper's Eqn. 2, tau 1), dot\n(official toy scripts, tau 0.1) (default cosine)",
  },
  tau: { type: "string", arg: "T", help: "InfoNCE temperature (default: by --similarity)" },
  d0: { type: "string", arg: "N", help: "directclr: the embedding dims the loss sees (default 8)" },
  ema: { type: "string", arg: "M", help: "ema: target momentum (default 0.99)" },
  threshold: { type: "string", arg: "T", help: "relative threshold of the vanishing counts (default 1e-3)" },
  "log-every": { type: "string", arg: "N", help: "log spectra every N epochs (default 1)" },
  threads: { type: "string", arg: "N", help: "LibTorch threads (default: WERANK_NUM_THREADS, else all cores)" },
} as const;

function choice<T extends string>(what: string, v: unknown, choices: readonly T[]): T | undefined {
  if (v === undefined) return undefined;
  if (!choices.includes(v as T)) throw new ConfigError(unknownName(what, String(v), choices));
  return v as T;
}

function kList(v: string): number[] {
  const ks = v
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  if (ks.length === 0) throw new ConfigError(`Expected a comma-separated list of amplitudes for --sweep-k (e.g. 0,0.5,1.5) but received '${v}'`);
  return ks.map((s) => numberFlag("sweep-k", s, { min: 0 })!);
}

const fmt = (v: number): string => (v === 0 ? "0" : Math.abs(v) >= 0.01 && Math.abs(v) < 1000 ? v.toPrecision(3) : v.toExponential(1));

export const toyCommand: Command = {
  name: "toy",
  summary: "linear toy models of dimensional collapse under augmentation strength k, with and without WERank",
  options: OPTIONS,
  help: `werank-native toy [--objective NAME] [--layers 1|2] [--k K | --sweep-k K1,K2,...] [--werank ALPHA] [options]

The linear toy setting of Jing et al. (ICLR 2022) and WERank: inputs x ~ N(0, I_16) (10000 fixed
samples), views x + k * noise on the last --aug-dims input dimensions (noise ~ N(0, I), one draw
per view), 16 x 16 bias-free weights (z = W1 x, or z = W2 W1 x), plain SGD. One epoch = one pass
over the samples in batches of --batch. Logs the singular values of every weight matrix and of the
embedding covariance (clean evaluation set, 1000 samples) at initialization and every --log-every
epochs.

Output: toy.jsonl, summary.json (final singular values per layer, vanishing counts, effective
ranks, alignment) and SVG figures: spectrum-vs-k.svg, spectra-training.svg, alignment.svg.

Examples:
  werank-native toy --objective infonce --layers 1 --sweep-k 0,0.5,1,1.5,2 --werank 1 --epochs 13
  werank-native toy --objective vicreg --layers 2 --k 0.1 --werank 1
  werank-native toy --objective infonce --layers 2 --similarity l2 --init spectrum --aug-dims 16 --k 0.001`,
  async run(args) {
    const { values: v } = parseCommandArgs("toy", args, OPTIONS);
    const str = (name: keyof typeof OPTIONS): string | undefined => v[name] as string | undefined;
    if (str("k") !== undefined && str("sweep-k") !== undefined) throw new ConfigError("toy: give either --k or --sweep-k, not both");
    const threads = numberFlag("threads", str("threads"), { integer: true, min: 1 });
    if (threads !== undefined) setNumThreads(threads);
    const config: Partial<ToyConfig> = {
      objective: choice<ToyObjectiveName>("toy objective", str("objective"), TOY_OBJECTIVES),
      layers: numberFlag("layers", str("layers"), { integer: true, min: 1 }),
      k: numberFlag("k", str("k"), { min: 0 }),
      werank: numberFlag("werank", str("werank"), { min: 0 }),
      epochs: numberFlag("epochs", str("epochs"), { integer: true, min: 0 }),
      seed: numberFlag("seed", str("seed"), { integer: true, min: 0 }),
      lr: numberFlag("lr", str("lr")),
      optimizer: choice<ToyOptimizerKind>("optimizer", str("optimizer"), TOY_OPTIMIZERS),
      batch: numberFlag("batch", str("batch"), { integer: true, min: 2 }),
      samples: numberFlag("samples", str("samples"), { integer: true, min: 2 }),
      augDims: numberFlag("aug-dims", str("aug-dims"), { integer: true, min: 1 }),
      init: choice<ToyInit>("init", str("init"), TOY_INITS),
      similarity: choice<ToySimilarity>("similarity", str("similarity"), TOY_SIMILARITIES),
      tau: numberFlag("tau", str("tau")),
      d0: numberFlag("d0", str("d0"), { integer: true, min: 1 }),
      emaMomentum: numberFlag("ema", str("ema")),
      threshold: numberFlag("threshold", str("threshold")),
      logEvery: numberFlag("log-every", str("log-every"), { integer: true, min: 1 }),
    };
    for (const key of Object.keys(config) as (keyof ToyConfig)[]) if (config[key] === undefined) delete config[key];
    const ks = str("sweep-k") !== undefined ? kList(str("sweep-k")!) : undefined;
    const json = v.json === true;
    for (const k of ks ?? [config.k]) resolveToyConfig({ ...config, k }); // bad values fail before a folder is made
    const out = str("out") ?? RunDir.create("runs", `toy-${config.objective ?? "infonce"}-${config.layers ?? 1}l`).dir;

    const say = (line: string): void => {
      if (!json) process.stdout.write(`${line}\n`);
    };
    const onEvent = (e: ToyEvent): void => {
      if (json) {
        process.stdout.write(`${JSON.stringify(e)}\n`);
        return;
      }
      if (e.event === "run-start") say(`${e.run}: training`);
      else if (e.event === "epoch" && e.loss !== null) say(`  ${e.run} epoch ${e.epoch} loss ${fmt(e.loss)}  W1 σ_min/σ_max ${fmt(e.weights[0]!.at(-1)! / e.weights[0]![0]!)}`);
      else if (e.event === "run-end" && e.summary.diverged) say(`${e.run}: DIVERGED (non-finite loss) after epoch ${e.summary.epochs}; lower --lr`);
      else if (e.event === "run-end") {
        const s = e.summary;
        const w = s.weights.map((x) => `${x.name} ${x.vanishing}/${x.singularValues.length}`).join(", ");
        say(
          `${e.run}: vanishing (< ${s.threshold} x max) ${w}; embedding effective rank ${fmt(s.embedding.effectiveRank)}${s.alignment ? `; alignment mean |diag| ${fmt(s.alignment.diagMean)} over ${s.alignment.leading}` : ""}`,
        );
      } else if (e.event === "figure") say(`  figure ${path.relative(process.cwd(), e.file)}`);
    };
    const result = await runToyExperiment({ ...config, ...(ks ? { ks } : {}), out, onEvent });
    if (json) process.stdout.write(`${JSON.stringify({ event: "summary", dir: result.dir, ...result.summary })}\n`);
    else say(`wrote ${path.relative(process.cwd(), result.dir!) || "."}/summary.json and toy.jsonl`);
    return result.runs.some((r) => r.summary.diverged) ? EXIT.failure : EXIT.ok;
  },
};
