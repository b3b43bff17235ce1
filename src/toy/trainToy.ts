/**
 * Trains one toy model (a {@link ToyLinear} network under one {@link ToyObjective}, optionally with
 * WERank) on the {@link ToyData} model and records the spectra over training: the singular values of
 * every weight matrix and of the covariance of the representation (layer-1 output) and the
 * embedding (last-layer output) on the clean evaluation set, at initialization and every
 * `logEvery` epochs. One epoch is one pass over the training set in minibatches (`samples / batch`
 * steps). The loop yields to the event loop between epochs.
 *
 * @example
 * ```ts
 * const run = await trainToy({ objective: "infonce", layers: 1, k: 1.5, werank: 0, epochs: 15 });
 * run.summary.weights[0].vanishing;     // singular values of W_1 below 1e-3 x the largest
 * ```
 */
import { ConfigError, unknownName } from "../errors.js";
import { noGrad } from "../tensor/autograd.js";
import { manualSeed, zeros } from "../tensor/creation.js";
import { keep, tidy } from "../tensor/tidy.js";
import type { Tensor } from "../tensor/Tensor.js";
import { covarianceSpectrum, effectiveRank } from "../metrics/index.js";
import { werank } from "../regularizers/werank.js";
import { Adam, SGD } from "../train/optim/index.js";
import { alignment, singularValues, vanishingCount, type Alignment } from "./spectra.js";
import { ToyData } from "./ToyData.js";
import { TOY_INITS, ToyLinear, type ToyInit } from "./ToyLinear.js";
import { createToyObjective, TOY_OBJECTIVES, type ToyObjectiveName } from "./toyObjectives.js";
import { defaultTau, TOY_SIMILARITIES, type ToySimilarity } from "./toyInfoNCE.js";

export interface ToyConfig {
  objective: ToyObjectiveName;
  /** Weight matrices L (1 or 2 in the papers). */
  layers: number;
  /** Augmentation amplitude (noise std on the augmented dimensions). */
  k: number;
  /** WERank coefficient alpha (0 = off). */
  werank: number;
  epochs: number;
  seed: number;
  lr: number;
  optimizer: ToyOptimizerKind;
  batch: number;
  samples: number;
  evalSamples: number;
  dim: number;
  /** Augmented (last) input dimensions B. */
  augDims: number;
  init: ToyInit;
  similarity: ToySimilarity;
  tau: number;
  d0: number;
  emaMomentum: number;
  logEvery: number;
  /** Relative threshold of the vanishing counts. */
  threshold: number;
  /** Relative threshold of the alignment matrix's leading part. */
  alignThreshold: number;
}

/** The papers train the toys with plain SGD (no momentum, no weight decay); Adam is an option. */
export type ToyOptimizerKind = "sgd" | "adam";
export const TOY_OPTIMIZERS: readonly ToyOptimizerKind[] = ["sgd", "adam"];

/** WERank on the toy weights, sum_l alpha ||W_l^T W_l - I||_F (square 16 x 16 weights: one fused native call). */
export function toyWerank(weights: readonly Tensor[], alpha: number): Tensor {
  if (!(Number.isFinite(alpha) && alpha >= 0)) throw new ConfigError(`Expected a WERank alpha >= 0 but received ${alpha}`);
  return werank(
    weights,
    weights.map(() => alpha),
  ).loss;
}

/** Learning rates that train each objective stably in the toy setting with SGD. */
export const TOY_DEFAULT_LR: Record<ToyObjectiveName, number> = { infonce: 0.1, directclr: 0.1, ema: 0.1, simsiam: 0.1, vicreg: 0.01 };

/** Fills defaults and validates (ERR_CONFIG with the valid choices on a bad value). */
export function resolveToyConfig(c: Partial<ToyConfig> = {}): ToyConfig {
  const objective = c.objective ?? "infonce";
  if (!TOY_OBJECTIVES.includes(objective)) throw new ConfigError(unknownName("toy objective", String(objective), TOY_OBJECTIVES));
  const similarity = c.similarity ?? "cosine";
  if (!TOY_SIMILARITIES.includes(similarity)) throw new ConfigError(unknownName("similarity", String(similarity), TOY_SIMILARITIES));
  const init = c.init ?? "uniform";
  if (!TOY_INITS.includes(init)) throw new ConfigError(unknownName("init", String(init), TOY_INITS));
  const optimizer = c.optimizer ?? "sgd";
  if (!TOY_OPTIMIZERS.includes(optimizer)) throw new ConfigError(unknownName("optimizer", String(optimizer), TOY_OPTIMIZERS));
  const dim = c.dim ?? 16;
  const r: ToyConfig = {
    objective,
    layers: c.layers ?? 1,
    k: c.k ?? 0.1,
    werank: c.werank ?? 0,
    epochs: c.epochs ?? 20,
    seed: c.seed ?? 0,
    lr: c.lr ?? TOY_DEFAULT_LR[objective],
    optimizer,
    batch: c.batch ?? 128,
    samples: c.samples ?? 10000,
    evalSamples: c.evalSamples ?? 1000,
    dim,
    augDims: c.augDims ?? Math.min(8, dim),
    init,
    similarity,
    tau: c.tau ?? defaultTau(similarity),
    d0: c.d0 ?? Math.max(1, Math.floor(dim / 2)),
    emaMomentum: c.emaMomentum ?? 0.99,
    logEvery: c.logEvery ?? 1,
    threshold: c.threshold ?? 1e-3,
    alignThreshold: c.alignThreshold ?? 0.1,
  };
  const int = (name: keyof ToyConfig, min: number, max = Infinity): void => {
    const v = r[name] as number;
    if (!Number.isInteger(v) || v < min || v > max) throw new ConfigError(`Expected an integer ${name} in ${min}..${max === Infinity ? "" : max} but received ${String(v)}`);
  };
  const num = (name: keyof ToyConfig, ok: (v: number) => boolean, what: string): void => {
    const v = r[name] as number;
    if (typeof v !== "number" || !Number.isFinite(v) || !ok(v)) throw new ConfigError(`Expected ${name} ${what} but received ${String(v)}`);
  };
  int("layers", 1, 8);
  int("epochs", 0);
  int("seed", 0);
  int("dim", 2, 1024);
  int("samples", 2);
  int("evalSamples", 2);
  int("batch", 2, r.samples);
  int("augDims", 1, dim);
  int("d0", 1, dim);
  int("logEvery", 1);
  num("k", (v) => v >= 0, ">= 0");
  num("werank", (v) => v >= 0, ">= 0");
  num("lr", (v) => v > 0, "> 0");
  num("tau", (v) => v > 0, "> 0");
  num("emaMomentum", (v) => v >= 0 && v <= 1, "in [0, 1]");
  num("threshold", (v) => v > 0 && v < 1, "in (0, 1)");
  num("alignThreshold", (v) => v > 0 && v < 1, "in (0, 1)");
  return r;
}

/** Spectra at one log point. */
export interface ToySnapshot {
  epoch: number;
  step: number;
  /** Mean objective loss over the epoch (without WERank); null at initialization. */
  loss: number | null;
  /** sum_l ||W_l^T W_l - I||_F (the WERank term before alpha). */
  werankTerm: number;
  /** Singular values of W_1 .. W_L. */
  weights: number[][];
  /** Covariance spectrum of the layer-1 outputs on the evaluation set. */
  representation: number[];
  /** Covariance spectrum of the last-layer outputs on the evaluation set. */
  embedding: number[];
}

export interface ToySpectrumSummary {
  singularValues: number[];
  vanishing: number;
  /** exp(entropy) of the singular values of the centred evaluation outputs (see spectra.ts). */
  effectiveRank: number;
}

export interface ToyRunSummary {
  /** "k=0.1" or "k=0.1 werank=0.5". */
  label: string;
  objective: ToyObjectiveName;
  layers: number;
  k: number;
  werank: number;
  seed: number;
  epochs: number;
  steps: number;
  finalLoss: number | null;
  /** True when the loss became non-finite: training stopped and the spectra are the last finite ones. */
  diverged: boolean;
  threshold: number;
  weights: { name: string; singularValues: number[]; vanishing: number }[];
  representation: ToySpectrumSummary;
  embedding: ToySpectrumSummary;
  /** |A| = |V_2^T U_1| of the first two layers (layers >= 2). */
  alignment?: Alignment;
}

export interface ToyRun {
  config: ToyConfig;
  history: ToySnapshot[];
  summary: ToyRunSummary;
}

export function toyRunLabel(k: number, werank: number): string {
  return werank > 0 ? `k=${k} werank=${werank}` : `k=${k}`;
}

function spectrumSummary(cov: number[], threshold: number): ToySpectrumSummary {
  return { singularValues: cov, vanishing: vanishingCount(cov, threshold), effectiveRank: effectiveRank(cov.map((v) => Math.sqrt(Math.max(v, 0)))) };
}

/** Trains one toy model; `onSnapshot` sees every log point (initialization included). */
export async function trainToy(partial: Partial<ToyConfig>, onSnapshot?: (s: ToySnapshot) => void): Promise<ToyRun> {
  const config = resolveToyConfig(partial);
  manualSeed(config.seed);
  const data = new ToyData({ k: config.k, dim: config.dim, augDims: config.augDims, samples: config.samples, evalSamples: config.evalSamples });
  const net = new ToyLinear({ layers: config.layers, dim: config.dim, init: config.init });
  const disposables: { dispose(): void }[] = [data, net];
  try {
    const objective = createToyObjective(config.objective, net, config);
    disposables.push(objective);
    const params = [...net.weights, ...objective.extraParameters];
    const optimizer = config.optimizer === "adam" ? new Adam(params, { lr: config.lr }) : new SGD(params, { lr: config.lr });
    disposables.push(optimizer);
    const lossSum = keep(zeros([]));
    disposables.push(lossSum);
    const history: ToySnapshot[] = [];
    let step = 0;
    let diverged = false;
    let lastLoss: number | null = null;

    const snapshot = (epoch: number, loss: number | null): ToySnapshot => {
      const [representation, embedding] = tidy(() => {
        const hs = noGrad(() => net.forward(data.evalX));
        return [Array.from(covarianceSpectrum(hs[0]!)), Array.from(covarianceSpectrum(hs[hs.length - 1]!))];
      });
      const werankTerm = tidy(() => noGrad(() => toyWerank(net.weights, 1).item()));
      const s: ToySnapshot = { epoch, step, loss, werankTerm, weights: net.weights.map(singularValues), representation: representation!, embedding: embedding! };
      history.push(s);
      onSnapshot?.(s);
      return s;
    };

    snapshot(0, null);
    for (let epoch = 1; epoch <= config.epochs && !diverged; epoch++) {
      const batches = data.epochBatches(config.batch);
      try {
        noGrad(() => lossSum.zero_());
        for (const idx of batches) {
          optimizer.zeroGrad();
          tidy(() => {
            const [x1, x2] = data.views(idx);
            const { loss } = objective.loss(net, x1, x2);
            const total = config.werank > 0 ? loss.add(toyWerank(net.weights, config.werank)) : loss;
            total.backward();
            noGrad(() => lossSum.add_(loss.detach()));
          });
          optimizer.step();
          objective.afterStep?.(net);
          step++;
        }
      } finally {
        for (const b of batches) b.dispose();
      }
      const mean = lossSum.item() / batches.length;
      // a diverged model has no spectra to read (SVD of NaN); the summary keeps the last good ones
      if (!Number.isFinite(mean)) diverged = true;
      else {
        lastLoss = mean;
        if (epoch % config.logEvery === 0 || epoch === config.epochs) snapshot(epoch, lastLoss);
      }
      await new Promise((r) => setImmediate(r));
    }

    const final = history[history.length - 1]!;
    const summary: ToyRunSummary = {
      label: toyRunLabel(config.k, config.werank),
      objective: config.objective,
      layers: config.layers,
      k: config.k,
      werank: config.werank,
      seed: config.seed,
      epochs: final.epoch,
      steps: step,
      finalLoss: lastLoss,
      diverged,
      threshold: config.threshold,
      weights: final.weights.map((s, i) => ({ name: `W${i + 1}`, singularValues: s, vanishing: vanishingCount(s, config.threshold) })),
      representation: spectrumSummary(final.representation, config.threshold),
      embedding: spectrumSummary(final.embedding, config.threshold),
      ...(config.layers >= 2 && !diverged ? { alignment: alignment(net.weights[0]!, net.weights[1]!, config.alignThreshold) } : {}),
    };
    return { config, history, summary };
  } finally {
    for (const d of disposables.reverse()) d.dispose();
  }
}
