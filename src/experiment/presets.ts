/**
 * Presets reproducing the published BGRL settings (Thakoor et al., ICLR 2022; the official configs
 * in github.com/nerdslab/bgrl/config/*.cfg): encoder sizes, learning rate, epochs, warm-up,
 * augmentation probabilities per view, weight decay, EMA schedule. Each has a `+werank` variant
 * that adds WERank (Pasand et al.) on the encoder weights.
 *
 * The official repository has no ogbn-arXiv or Cora config. The Cora preset is ours (a small check
 * with Coauthor-CS's augmentations and 2,000 epochs). The ogbn-arXiv preset follows the BGRL paper
 * (Table 8 and Appendix F), every value marked `paper` below.
 *
 * GRACE presets (`grace-cora`, `grace-citeseer`, `grace-pubmed`; Zhu et al., 2020) copy CRIPAC-DIG/GRACE config.yaml:
 * encoder widths (2 x num_hidden, num_hidden), activation, projector, tau, the four drop rates, Adam
 * with a constant lr, epochs; Planetoid data with row-normalized features; GRACE's evaluation code
 * (eval protocol "grace", src/eval/graceProbe.ts).
 *
 * When `--epochs` changes a preset's epochs and the warm-up is not set, the warm-up is scaled with it
 * (resolveConfig), so a shortened schedule keeps its shape.
 *
 * @example
 * ```ts
 * presetConfig("coauthor-cs+werank").werank; // { alpha: WERANK_PRESET_ALPHA, layers: "encoder" }
 * ```
 */
import { ConfigError, unknownName } from "../errors.js";
import { DEFAULT_WERANK_ALPHA, type ConfigInput } from "./config.js";

/** The WERank coefficient of the `+werank` presets (see docs/results.md for how it was chosen). */
export const WERANK_PRESET_ALPHA = DEFAULT_WERANK_ALPHA;

interface BgrlSettings {
  dataset: string;
  layers: number[];
  lr: number;
  /** Encoder norm (default BatchNorm); "layer" is PyG's graph-wise LayerNorm, as BGRL's layernorm. */
  norm?: "batch" | "layer";
  weightStandardization?: boolean;
  predictorHidden?: number;
  dropEdge: [number, number];
  dropFeature: [number, number];
  featureNorm?: "none" | "row" | "row+zscore";
  protocol?: "random" | "public";
  epochs?: number;
  weightDecay?: number;
  warmupEpochs?: number;
  source: string;
}

const BGRL: Record<string, BgrlSettings> = {
  "amazon-computers": { dataset: "amazon-computers", layers: [256, 128], lr: 5e-4, dropEdge: [0.5, 0.4], dropFeature: [0.2, 0.1], source: "nerdslab/bgrl config/amazon-computers.cfg" },
  "amazon-photo": { dataset: "amazon-photo", layers: [256, 128], lr: 1e-4, dropEdge: [0.4, 0.1], dropFeature: [0.1, 0.2], source: "nerdslab/bgrl config/amazon-photos.cfg" },
  "coauthor-cs": { dataset: "coauthor-cs", layers: [512, 256], lr: 1e-5, dropEdge: [0.3, 0.2], dropFeature: [0.3, 0.4], source: "nerdslab/bgrl config/coauthor-cs.cfg" },
  "coauthor-physics": { dataset: "coauthor-physics", layers: [256, 128], lr: 1e-5, dropEdge: [0.4, 0.1], dropFeature: [0.1, 0.4], source: "nerdslab/bgrl config/coauthor-physics.cfg" },
  wikics: {
    dataset: "wikics",
    layers: [512, 256],
    lr: 5e-4,
    dropEdge: [0.2, 0.3],
    dropFeature: [0.2, 0.1],
    featureNorm: "row+zscore",
    protocol: "public",
    source: "nerdslab/bgrl config/wiki-cs.cfg (features row-normalized then z-scored as bgrl/data.py)",
  },
  cora: {
    dataset: "cora",
    layers: [512, 256],
    lr: 5e-4,
    dropEdge: [0.3, 0.2],
    dropFeature: [0.3, 0.4],
    epochs: 2000,
    warmupEpochs: 200,
    source: "ours: BGRL published no Cora setting (Coauthor-CS augmentations, 2,000 epochs; a small check)",
  },
  // BGRL paper, Table 8 / Appendix F (paper): 3-layer GCN 256-256-256, LayerNorm, weight standardization,
  // PReLU, predictor hidden 256, edge drop 0.6 in both views, no feature masking, AdamW lr 1e-2, wd 1e-5,
  // 1,000 warm-up epochs of 10,000 (the defaults above), public split. Raw features (ours: the paper names
  // no feature normalization for arXiv, whose features are 128-d word2vec averages, not counts).
  "ogbn-arxiv": {
    dataset: "ogbn-arxiv",
    layers: [256, 256, 256],
    norm: "layer",
    weightStandardization: true,
    predictorHidden: 256,
    lr: 1e-2,
    dropEdge: [0.6, 0.6],
    dropFeature: [0, 0],
    weightDecay: 1e-5,
    epochs: 10000,
    warmupEpochs: 1000,
    featureNorm: "none",
    protocol: "public",
    source: "BGRL paper Table 8 / App. F (paper: encoder, LayerNorm, weight standardization, predictor 256, augmentations, lr, wd, warm-up, epochs, public split; ours: raw features)",
  },
};

interface GraceSettings {
  dataset: string;
  /** GRACE's num_hidden; its 2-layer encoder is GCNConv(in, 2 h) -> GCNConv(2 h, h). */
  hidden: number;
  projectorHidden: number;
  act: "relu" | "prelu";
  tau: number;
  lr: number;
  dropEdge: [number, number];
  dropFeature: [number, number];
  epochs: number;
  source: string;
}

/** CRIPAC-DIG/GRACE config.yaml (weight_decay 1e-5 and Adam for all). */
const GRACE: Record<string, GraceSettings> = {
  "grace-cora": {
    dataset: "cora-planetoid",
    hidden: 128,
    projectorHidden: 128,
    act: "relu",
    tau: 0.4,
    lr: 5e-4,
    dropEdge: [0.2, 0.4],
    dropFeature: [0.3, 0.4],
    epochs: 200,
    source: "CRIPAC-DIG/GRACE config.yaml (Cora)",
  },
  "grace-citeseer": {
    dataset: "citeseer-planetoid",
    hidden: 256,
    projectorHidden: 256,
    act: "prelu",
    tau: 0.9,
    lr: 1e-3,
    dropEdge: [0.2, 0.0],
    dropFeature: [0.3, 0.2],
    epochs: 200,
    source: "CRIPAC-DIG/GRACE config.yaml (CiteSeer; GRACE shares one PReLU across layers, here one per layer)",
  },
  "grace-pubmed": {
    dataset: "pubmed-planetoid",
    hidden: 256,
    projectorHidden: 256,
    act: "relu",
    tau: 0.7,
    lr: 1e-3,
    dropEdge: [0.4, 0.1],
    dropFeature: [0.0, 0.2],
    epochs: 1500,
    source: "CRIPAC-DIG/GRACE config.yaml (PubMed)",
  },
};

function gracePreset(s: GraceSettings): ConfigInput {
  return {
    dataset: { name: s.dataset, featureNorm: "row" },
    encoder: { type: "gcn", layers: [2 * s.hidden, s.hidden], norm: "none", act: s.act },
    objective: { name: "grace", tau: s.tau, projectorHidden: s.projectorHidden },
    augment: { dropEdge: s.dropEdge, dropFeature: s.dropFeature },
    werank: { alpha: 0 },
    optim: { name: "adam", lr: s.lr, weightDecay: 1e-5, schedule: "constant", warmupEpochs: 0 },
    train: { epochs: s.epochs, evalEvery: 0, spectraEvery: 20, checkpointEvery: 0 },
    // GRACE's eval.py: 10 % train (C by 5-fold CV, 2^-10..2^9), 90 % test, 3 repeats, one-vs-rest.
    eval: { protocol: "grace", splits: 3, trainFraction: 0.1, valFraction: 0, classifier: "ovr", grid: Array.from({ length: 20 }, (_, i) => 2 ** (i - 10)) },
  };
}

function bgrlPreset(s: BgrlSettings): ConfigInput {
  return {
    dataset: { name: s.dataset, featureNorm: s.featureNorm ?? "row" },
    encoder: {
      type: "gcn",
      layers: s.layers,
      norm: s.norm ?? "batch",
      act: "prelu",
      batchNormMomentum: 0.99,
      ...(s.norm === "layer" ? { layerNormMode: "graph" as const } : {}),
      weightStandardization: s.weightStandardization ?? false,
    },
    objective: { name: "bgrl", predictorHidden: s.predictorHidden ?? 512 },
    augment: { dropEdge: s.dropEdge, dropFeature: s.dropFeature },
    werank: { alpha: 0 },
    optim: { name: "adamw", lr: s.lr, weightDecay: s.weightDecay ?? 1e-5, warmupEpochs: s.warmupEpochs ?? 1000 },
    ema: { momentum: 0.99, schedule: "cosine" },
    train: { epochs: s.epochs ?? 10000, evalEvery: 1000, spectraEvery: 250, checkpointEvery: 1000 },
    eval: { protocol: s.protocol ?? "random", splits: 20, trainFraction: 0.1, valFraction: 0.1, classifier: "ovr" },
  };
}

/** Names of all presets (each BGRL and GRACE preset and its +werank variant). */
export const PRESET_NAMES: readonly string[] = ["synthetic", ...[...Object.keys(BGRL), ...Object.keys(GRACE)].flatMap((k) => [k, `${k}+werank`])];

/** Names of the GRACE presets (`reproduce grace`). */
export const GRACE_PRESET_NAMES: readonly string[] = Object.keys(GRACE);

/** Where a preset's numbers come from. */
export function presetSource(name: string): string {
  const base = name.replace(/\+werank$/, "");
  return base === "synthetic" ? "werank-native defaults (the main job)" : (BGRL[base]?.source ?? GRACE[base]?.source ?? "unknown");
}

/** The config fragment of a preset (merged under files and flags). */
export function presetConfig(name: string): ConfigInput {
  if (name === "synthetic") return { preset: name };
  const werank = name.endsWith("+werank");
  const base = werank ? name.slice(0, -"+werank".length) : name;
  const s = Object.hasOwn(BGRL, base) ? BGRL[base] : undefined;
  const g = Object.hasOwn(GRACE, base) ? GRACE[base] : undefined;
  if (!s && !g) throw new ConfigError(unknownName("preset", name, PRESET_NAMES));
  const cfg = structuredClone(s ? bgrlPreset(s) : gracePreset(g!)); // callers may edit it: never hand out the table's arrays
  cfg.preset = name;
  if (werank) cfg.werank = { alpha: WERANK_PRESET_ALPHA, layers: "encoder" };
  return cfg;
}
