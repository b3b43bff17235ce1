// Over 400 lines on purpose: the whole config is one schema, each key with its doc comment and range, that validation, --help and the docs read in one place.
/**
 * The experiment configuration: ONE zod schema that holds every default and validates every key
 * (DESIGN D5). Config files (YAML or JSON), presets and `--set key=value` overrides are merged and
 * then parsed here; a misspelled key or value is a ConfigError naming the valid choices.
 *
 * The defaults are the main job: BGRL + WERank on the embedded synthetic graph, on the CPU, in well
 * under two minutes on two cores.
 *
 * @example
 * ```ts
 * import { resolveConfig } from "werank-native";
 * const cfg = resolveConfig({ preset: "amazon-computers+werank", set: ["optim.lr=1e-4"] });
 * cfg.encoder.layers; // [256, 128]
 * ```
 */
import { isDeepStrictEqual } from "node:util";
import { z } from "zod";
import { WERANK_GRAMS, WERANK_SCALES } from "../regularizers/werank.js";
import { MATMUL_PRECISIONS } from "../runtime.js";

const prob = z.number().min(0).max(1);
const posInt = z.number().int().positive();
const nonNegInt = z.number().int().nonnegative();

export const ENCODER_TYPES = ["gcn", "sage", "gat", "mlp"] as const;
export const NORMS = ["batch", "layer", "none"] as const;
export const ACTIVATIONS = ["prelu", "relu", "elu", "none"] as const;
export const OBJECTIVE_NAMES = ["bgrl", "simsiam", "grace", "directclr", "vicreg", "barlow", "rdm"] as const;
export const OPTIMIZERS = ["adamw", "adam", "sgd"] as const;
export const WERANK_LAYERS = ["encoder", "predictor", "projector", "encoder+predictor", "encoder+projector", "all"] as const;
export const PROTOCOLS = ["random", "public", "bgrl", "grace"] as const;
export const CLASSIFIERS = ["multinomial", "ovr"] as const;
export const FEATURE_NORMS = ["none", "row", "zscore", "row+zscore"] as const;

/** Synthetic contextual stochastic block model (the embedded default graph). */
/** Synthetic contextual stochastic block model (the embedded default graph); see src/data/syntheticGraph.ts. */
export const syntheticSchema = z.strictObject({
  nodes: posInt.default(2500),
  classes: posInt.default(5),
  features: posInt.default(128),
  avgDegree: z.number().nonnegative().default(8),
  homophily: prob.default(0.7),
  /** Norm of the class mean in feature space (noise is unit Gaussian). */
  featureSignal: z.number().nonnegative().default(1.25),
  seed: nonNegInt.default(0),
});

export const datasetSchema = z.strictObject({
  /** A registered dataset name (see `werank-native datasets`). */
  name: z.string().default("synthetic"),
  /** Folder with the dataset files (else WERANK_DATA_DIR, else ./data). */
  dataDir: z.string().optional(),
  /** Feature preprocessing: row-normalize (BGRL's NormalizeFeatures), z-score columns (WikiCS), both, or none. */
  featureNorm: z.enum(FEATURE_NORMS).default("row"),
  /** Feature storage on the device: dense, CSR (sparse rows), or chosen by density. */
  featureFormat: z.enum(["auto", "dense", "sparse"]).default("auto"),
  synthetic: syntheticSchema.prefault({}),
});

export const encoderSchema = z.strictObject({
  type: z.enum(ENCODER_TYPES).default("gcn"),
  /** Output sizes of each layer; the last is the representation size. */
  layers: z.array(posInt).min(1).default([256, 128]),
  norm: z.enum(NORMS).default("batch"),
  act: z.enum(ACTIVATIONS).default("prelu"),
  /** Below 1: dropout scales the kept entries by 1 / (1 - p). */
  dropout: z.number().min(0).lt(1).default(0),
  /** PyTorch semantics (running = (1 - m) * running + m * batch); BGRL passes 0.99 to PyG's BatchNorm. */
  batchNormMomentum: prob.default(0.99),
  /**
   * Data-parallel ranks (train --nproc N): every BatchNorm of the model (encoders, predictor,
   * projector) normalizes with the statistics of all ranks' rows, as torch.nn.SyncBatchNorm (one
   * all-reduce per BatchNorm forward and one per backward). Without it each rank uses its own rows.
   * One process: plain BatchNorm. Needs encoder.norm = batch (else a ConfigError).
   */
  syncBatchNorm: z.boolean().default(false),
  weightStandardization: z.boolean().default(false),
  /** GAT heads per layer. */
  heads: posInt.default(1),
  /** LayerNorm per node, or over the whole graph as PyG's LayerNorm (BGRL's layernorm option). */
  layerNormMode: z.enum(["node", "graph"]).default("node"),
});

/**
 * Objective settings: one section per objective, told apart by `name` (a discriminated union), each
 * with only the keys that objective reads. `null` means "derived": tau = 0.5 for GRACE (its default)
 * and 0.1 for DirectCLR (its paper); d0 = round(d * 360 / 2048) (DirectCLR's 360 of 2048);
 * projectorHidden = the representation width for GRACE, no projector for VICReg / Barlow Twins /
 * SimSiam; barlowLambda = 1 / d (Graph Barlow Twins).
 */
const predictorHidden = posInt.default(512);
/** EMA target init: re-initialized like BGRL's code, or a copy of the online encoder. */
const targetInit = z.enum(["reinit", "copy"]).default("reinit");
/** Projector width (GRACE, VICReg, Barlow Twins, SimSiam). */
const projectorHidden = posInt.nullable().default(null);
/** InfoNCE temperature (GRACE, DirectCLR). */
const tau = z.number().positive().nullable().default(null);

export const bgrlObjectiveSchema = z.strictObject({
  name: z.literal("bgrl"),
  predictorHidden,
  /** BatchNorm in the predictor (BGRL's predictor has none). */
  predictorNorm: z.enum(NORMS).default("none"),
  targetInit,
});

export const simsiamObjectiveSchema = z.strictObject({ name: z.literal("simsiam"), predictorHidden, projectorHidden });

export const graceObjectiveSchema = z.strictObject({ name: z.literal("grace"), tau, projectorHidden });

export const directclrObjectiveSchema = z.strictObject({
  name: z.literal("directclr"),
  tau,
  /** The loss uses the first d0 representation dimensions. */
  d0: posInt.nullable().default(null),
});

export const vicregObjectiveSchema = z.strictObject({
  name: z.literal("vicreg"),
  projectorHidden,
  /** VICReg weights: invariance lambda, variance mu, covariance nu; gamma the target std. */
  invariance: z.number().nonnegative().default(25),
  variance: z.number().nonnegative().default(25),
  covariance: z.number().nonnegative().default(1),
  gamma: z.number().positive().default(1),
});

export const barlowObjectiveSchema = z.strictObject({
  name: z.literal("barlow"),
  projectorHidden,
  /** Barlow Twins off-diagonal weight. */
  barlowLambda: z.number().nonnegative().nullable().default(null),
});

export const rdmObjectiveSchema = z.strictObject({
  name: z.literal("rdm"),
  /** Base method, spectral filter g (poly = s^sigma, log, log1 = log(1+s), log2), and filtered branch. */
  rdmBase: z.enum(["bgrl", "simsiam"]).default("bgrl"),
  rdmFilter: z.enum(["poly", "log", "log1", "log2"]).default("poly"),
  rdmSigma: z.number().positive().default(1),
  rdmLocation: z.enum(["online", "target"]).default("online"),
  /** Add a learnable MLP predictor of this width (0 = none, as the official code). */
  rdmPredictorHidden: nonNegInt.default(0),
  targetInit,
});

/** The section schema of each objective. */
export const OBJECTIVE_SCHEMAS = {
  bgrl: bgrlObjectiveSchema,
  simsiam: simsiamObjectiveSchema,
  grace: graceObjectiveSchema,
  directclr: directclrObjectiveSchema,
  vicreg: vicregObjectiveSchema,
  barlow: barlowObjectiveSchema,
  rdm: rdmObjectiveSchema,
} as const satisfies Record<ObjectiveName, z.ZodObject>;

export type ObjectiveName = (typeof OBJECTIVE_NAMES)[number];

/** The objectives whose section has `key` (e.g. tau -> grace, directclr). */
export function objectivesWithKey(key: string): ObjectiveName[] {
  return OBJECTIVE_NAMES.filter((n) => key !== "name" && Object.hasOwn(OBJECTIVE_SCHEMAS[n].shape, key));
}

/** Each objective key's default (one value per key: keys shared by objectives share their default). */
const OBJECTIVE_KEY_DEFAULTS: Record<string, unknown> = Object.assign({}, ...OBJECTIVE_NAMES.map((n) => OBJECTIVE_SCHEMAS[n].parse({ name: n })));

/**
 * Before the union: a missing name is "bgrl", and keys of OTHER objectives are dropped when they hold
 * that key's default, which is what configs written before the union (one flat section with every
 * objective's keys, e.g. an old `--print-config`) contain. Any other value of a foreign key is refused
 * (it would be silently ignored), naming the objectives it belongs to.
 */
function normalizeObjectiveSection(input: unknown, ctx: z.core.ParsePayload): unknown {
  if (input === null || typeof input !== "object" || Array.isArray(input)) return input;
  const o: Record<string, unknown> = { ...(input as Record<string, unknown>) };
  if (o.name === undefined) o.name = "bgrl";
  if (typeof o.name !== "string" || !Object.hasOwn(OBJECTIVE_SCHEMAS, o.name)) return o;
  const own = OBJECTIVE_SCHEMAS[o.name as ObjectiveName].shape;
  for (const key of Object.keys(o)) {
    const owners = objectivesWithKey(key);
    if (Object.hasOwn(own, key) || owners.length === 0) continue; // own keys, and unknown keys (zod names those)
    if (isDeepStrictEqual(o[key], OBJECTIVE_KEY_DEFAULTS[key])) delete o[key];
    else {
      const valid = Object.keys(own).join(", ");
      ctx.issues.push({
        code: "custom",
        path: [key],
        input: o[key],
        message: `objective.${key} is a key of ${owners.join(", ")}, not of ${o.name}; valid keys under 'objective': ${valid} (the keys of ${o.name})`,
        params: { foreignObjectiveKey: true },
      });
    }
  }
  return o;
}

const objectiveUnion = z.discriminatedUnion("name", Object.values(OBJECTIVE_SCHEMAS) as unknown as [typeof bgrlObjectiveSchema, ...(typeof OBJECTIVE_SCHEMAS)[ObjectiveName][]]);

/** What users write for the objective: any objective's section; without a name it is BGRL's. */
export type ObjectiveInput = z.input<typeof objectiveUnion> | (Omit<z.input<typeof bgrlObjectiveSchema>, "name"> & { name?: "bgrl" });

export const objectiveSchema = z.preprocess(normalizeObjectiveSection, objectiveUnion) as unknown as z.ZodType<z.output<typeof objectiveUnion>, ObjectiveInput>;

export const augmentSchema = z.strictObject({
  /** Edge-drop probability for view 1 and view 2 (BGRL's p_e1, p_e2). */
  dropEdge: z.tuple([prob, prob]).default([0.2, 0.2]),
  /** Feature-column masking probability for view 1 and view 2 (p_f1, p_f2). */
  dropFeature: z.tuple([prob, prob]).default([0.2, 0.2]),
  /** Extra per-entry feature dropout (0 = off). */
  featureDropout: z.number().min(0).lt(1).default(0),
});

/** Default WERank coefficient (chosen on Cora without augmentation: docs/results.md, "Choosing alpha"). */
export const DEFAULT_WERANK_ALPHA = 0.1;

/** Which output an embedding regularizer (SVMax, variance) acts on. */
export const REGULARIZER_TARGETS = ["representation", "embedding"] as const;

export const werankSchema = z.strictObject({
  /** Coefficient alpha of sum_l alpha_l ||G_l - I||_F; 0 disables WERank (unless perLayer is set). */
  alpha: z.number().nonnegative().default(DEFAULT_WERANK_ALPHA),
  /** Which weights are regularized (weight matrices only: biases, norm scales and GAT attention vectors are not). */
  layers: z.enum(WERANK_LAYERS).default("encoder"),
  /** Per-layer alphas (replace alpha; WERank is on when any is > 0), in the order of the chosen layers. */
  perLayer: z.array(z.number().nonnegative()).nullable().default(null),
  /** Use ||.||_F^2 instead of ||.||_F. */
  squared: z.boolean().default(false),
  /**
   * G_l: "smaller" (default) = the smaller Gram matrix (W W^T for wide [out, in] weights, W^T W for
   * tall), which is 0 exactly at (semi-)orthonormal W; "wtw" = the paper's literal W^T W [in, in],
   * which on a wide layer can never go below sqrt(in - out); "wwt" = W W^T [out, out].
   */
  gram: z.enum(WERANK_GRAMS).default("smaller"),
  /**
   * "none": alpha_l as given; "width": alpha_l / min(out, in) of each layer, so one alpha fits layers
   * of different widths (see WERANK_SCALES in src/regularizers/werank.ts).
   */
  scale: z.enum(WERANK_SCALES).default("none"),
});

export const svmaxSchema = z.strictObject({
  /** Weight of -s_mu (mean singular value of the l2-normalized output); 0 disables. */
  lambda: z.number().nonnegative().default(0),
  /** The online output it acts on (both views, averaged): the encoder's representation or the embedding the loss compares. */
  on: z.enum(REGULARIZER_TARGETS).default("embedding"),
});

export const varianceRegSchema = z.strictObject({
  /** Weight of VICReg's variance hinge; 0 disables. */
  weight: z.number().nonnegative().default(0),
  gamma: z.number().positive().default(1),
  /** The online output it acts on (both views, averaged): the encoder's representation or the embedding the loss compares. */
  on: z.enum(REGULARIZER_TARGETS).default("embedding"),
});

export const optimSchema = z.strictObject({
  name: z.enum(OPTIMIZERS).default("adamw"),
  lr: z.number().positive().default(5e-3),
  weightDecay: z.number().nonnegative().default(1e-5),
  /** SGD momentum. */
  momentum: z.number().min(0).max(1).default(0.9),
  /** Learning-rate schedule: linear warm-up then cosine decay to 0 (BGRL), or constant (GRACE's code). */
  schedule: z.enum(["warmup-cosine", "constant"]).default("warmup-cosine"),
  /** Linear warm-up epochs before the cosine decay (a preset's is scaled with --epochs: see resolveConfig). */
  warmupEpochs: nonNegInt.default(10),
  /** Clip the total gradient 2-norm to this value; 0 disables. */
  clipGradNorm: z.number().nonnegative().default(0),
});

export const emaSchema = z.strictObject({
  /** Base momentum m0 of the target network; schedule "cosine" raises it to 1 (BGRL). */
  momentum: prob.default(0.99),
  schedule: z.enum(["cosine", "constant"]).default("cosine"),
});

/** A neighbour count: positive, or -1 for all neighbours. */
const fanout = z
  .number()
  .int()
  .refine((f) => f === -1 || f > 0, { message: "expected a positive count or -1 (all neighbours)" });

export const trainSchema = z.strictObject({
  epochs: posInt.default(150),
  /** Model seed (initialization); the data seed drives augmentations and splits. */
  seed: nonNegInt.default(0),
  dataSeed: nonNegInt.default(0),
  /** auto | cpu | cuda | cuda:<i> (else WERANK_DEVICE). */
  device: z
    .string()
    .refine((d) => /^(auto|cpu|cuda(:\d+)?)$/.test(d), { message: "expected one of auto, cpu, cuda, cuda:<index>" })
    .default("auto"),
  /**
   * float32 products in training steps (see setMatmulPrecision): highest = float32; high = TF32 on CUDA;
   * medium = also bfloat16 products on CPUs with native bf16 (AVX512_BF16/AMX). Evaluation stays float32.
   */
  matmulPrecision: z.enum(MATMUL_PRECISIONS).default("highest"),
  logEvery: posInt.default(1),
  /** Linear-probe evaluation every N epochs (0 = only at the end). */
  evalEvery: nonNegInt.default(0),
  /** Spectra and ranks to spectra.jsonl every N epochs (0 = only at the end). */
  spectraEvery: nonNegInt.default(10),
  /** Checkpoint every N epochs (0 = only at the end and on SIGINT). */
  checkpointEvery: nonNegInt.default(0),
  /**
   * Seed nodes per step of neighbour-sampled mini-batch training (0 = full batch: one step per epoch
   * on the whole graph). An epoch is one pass over all nodes in a shuffled order: ceil(N / batchSize)
   * steps. See docs/scale.md, "Mini-batch training".
   */
  batchSize: nonNegInt.default(0),
  /**
   * Neighbours sampled per message-passing layer in mini-batch training, e.g. [15, 10] (-1 = all of
   * them); one count per encoder layer (none for an MLP encoder). Required when batchSize > 0.
   */
  fanouts: z
    .preprocess((v) => (typeof v === "number" ? [v] : v), z.array(fanout))
    .nullable()
    .default(null),
});

export const evalSchema = z.strictObject({
  /**
   * random = fresh train/val/test splits by fraction (C selected on val); public = the dataset's own
   * splits; bgrl = BGRL's code: train = trainFraction + valFraction (20%), C by 5-fold cross-validation
   * inside it, refit, test on the rest (see src/eval/crossValidatedProbe.ts).
   */
  protocol: z.enum(PROTOCOLS).default("random"),
  splits: posInt.default(20),
  trainFraction: z.number().gt(0).lt(1).default(0.1),
  valFraction: z.number().min(0).lt(1).default(0.1),
  stratified: z.boolean().default(false),
  classifier: z.enum(CLASSIFIERS).default("multinomial"),
  /** Inverse L2 strengths C (sklearn convention), selected on the validation split. */
  grid: z
    .array(z.number().positive())
    .min(1)
    .default(Array.from({ length: 21 }, (_, i) => 2 ** (i - 10))),
  tol: z.number().positive().default(1e-6),
  maxIter: posInt.default(500),
  /** l2-normalize embeddings before the probe (BGRL's protocol). */
  normalize: z.boolean().default(true),
  /**
   * Embeddings for the probe and diagnostics layer by layer in chunks of this many nodes
   * (src/nn/layerwiseInference.ts; the same values as one forward over the whole graph). 0: one
   * forward for full-batch training, chunks of 4096 nodes for mini-batch training (train.batchSize > 0).
   */
  chunkSize: nonNegInt.default(0),
});

/** The layer-wise inference chunk of eval.chunkSize = 0 in mini-batch training. */
export const DEFAULT_INFERENCE_CHUNK = 4096;

export const outputSchema = z.strictObject({
  /** Parent folder of run directories. */
  dir: z.string().default("runs"),
  /** Run name (default: <objective>-<dataset>). */
  name: z.string().optional(),
  /** Write report.html at the end. */
  report: z.boolean().default(true),
});

/** An #SBATCH value: sbatch reads it to the end of the line, so a newline would start a line bash runs. */
// eslint-disable-next-line no-control-regex
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
const sbatchValue = z.string().regex(/^[^\u0000-\u001f\u007f]*$/, "must not contain control characters (newlines, tabs, ...)");

/**
 * Slurm settings for `werank-native sweep --executor slurm` (one job array) and `werank-native
 * slurm-script train` (flags override them). nodes x ntasksPerNode > 1 runs each trial (or the train
 * job) as that many data-parallel ranks under `srun` (mini-batch training only).
 */
export const slurmSchema = z.strictObject({
  partition: sbatchValue.optional(),
  time: sbatchValue.optional(),
  /** GPUs per trial, as `--gres=gpu:N` (one node); for ranks use gpusPerNode. */
  gpus: nonNegInt.default(0),
  mem: sbatchValue.optional(),
  /** CPUs per task (per rank); also each rank's WERANK_NUM_THREADS. */
  cpusPerTask: posInt.default(2),
  account: sbatchValue.optional(),
  /** Array tasks running at once (0 = no limit). */
  parallel: nonNegInt.default(0),
  /** Nodes per trial (`--nodes`). */
  nodes: posInt.default(1),
  /** Tasks (ranks) per node (`--ntasks-per-node`). */
  ntasksPerNode: posInt.default(1),
  /** GPUs per node (`--gpus-per-node`; 0: none requested). */
  gpusPerNode: nonNegInt.default(0),
});

export const configSchema = z.strictObject({
  /** Preset the config started from (recorded, resolved already). */
  preset: z.string().optional(),
  dataset: datasetSchema.prefault({}),
  encoder: encoderSchema.prefault({}),
  objective: objectiveSchema.prefault({}),
  augment: augmentSchema.prefault({}),
  werank: werankSchema.prefault({}),
  svmax: svmaxSchema.prefault({}),
  varianceReg: varianceRegSchema.prefault({}),
  optim: optimSchema.prefault({}),
  ema: emaSchema.prefault({}),
  train: trainSchema.prefault({}),
  eval: evalSchema.prefault({}),
  output: outputSchema.prefault({}),
  slurm: slurmSchema.prefault({}),
});

/**
 * What is wrong with a config's mini-batch settings (train.batchSize, train.fanouts), or undefined:
 * fanouts must give one count per message-passing layer of the encoder (an MLP encoder has none) and
 * are required when batchSize > 0. A cross-key rule, so it is checked here rather than in one key's schema.
 */
export function miniBatchProblem(c: Pick<Config, "train" | "encoder">): string | undefined {
  const { batchSize, fanouts } = c.train;
  const layers = c.encoder.type === "mlp" ? 0 : c.encoder.layers.length;
  const example = layers === 0 ? "--fanouts '[]'" : `--fanouts ${Array(layers).fill(10).join(",")}`;
  if (fanouts === null) {
    if (batchSize === 0) return undefined;
    return `train.fanouts must be set when train.batchSize > 0: one neighbour count per message-passing layer of the encoder (${layers}), e.g. ${example} (-1 = all neighbours)`;
  }
  if (fanouts.length === layers) return undefined;
  const what =
    c.encoder.type === "mlp"
      ? "an mlp encoder has no message-passing layers"
      : `the ${c.encoder.type} encoder has ${layers} message-passing layers (encoder.layers = [${c.encoder.layers.join(", ")}])`;
  return `train.fanouts has ${fanouts.length} entries ([${fanouts.join(", ")}]) but ${what}: give one neighbour count per layer, e.g. ${example} (-1 = all neighbours)`;
}

/**
 * What is wrong with encoder.syncBatchNorm, or undefined: it synchronizes BatchNorm, so with
 * encoder.norm other than batch it is a mistake (refused rather than ignored), even though a
 * predictor or projector with BatchNorm of its own would be synchronized too.
 */
export function syncBatchNormProblem(c: Pick<Config, "encoder">): string | undefined {
  if (!c.encoder.syncBatchNorm || c.encoder.norm === "batch") return undefined;
  return `encoder.syncBatchNorm synchronizes BatchNorm statistics over data-parallel ranks but encoder.norm is '${c.encoder.norm}': set encoder.norm = batch, or leave encoder.syncBatchNorm false`;
}

/** A fully resolved configuration (every default filled in). */
export type Config = z.infer<typeof configSchema>;
/** What users write: any subset. */
export type ConfigInput = z.input<typeof configSchema>;
