/**
 * werank-native: self-supervised learning on graphs that keeps representations full-rank.
 *
 * @example
 * ```ts
 * import { tensor, tidy, memory } from "werank-native";
 * const w = tensor([[1, 2], [3, 4]], { requiresGrad: true });
 * const loss = tidy(() => w.matmul(w).sum());
 * loss.backward();            // w.grad is [[7, 11], [9, 13]]
 * memory().tensors;           // live tensor count
 * ```
 *
 * This barrel is the curated public API: what the README and docs/ document and what a user composes
 * (tensors and ops, modules, objectives, regularizers, metrics, probes, Trainer, config, data loaders,
 * errors, reports, sweeps). Helpers the library uses internally (atomic writes, checkpoint key prefixes,
 * the raw addon, parsers, schemas) stay out; code inside the package imports them by path. The list is
 * pinned by test/fixtures/public-api.txt (test/unit/public-api.test.ts); docs/architecture.md explains
 * the parts.
 */
export * from "./tensor/index.js";
export {
  WerankError,
  ShapeError,
  DTypeError,
  DeviceError,
  DataError,
  ConfigError,
  DisposedError,
  ArgumentError,
  IndexError,
  AutogradError,
  LinalgError,
  NativeMissingError,
  OutOfMemoryError,
  DistError,
  type ErrorCode,
} from "./errors.js";
export type { NativeInfo, NativeMemory } from "./native/addon.js";
export { info, setNumThreads, cudaAvailable, resolveDevice, synchronize, setMatmulPrecision, matmulPrecision, MATMUL_PRECISIONS } from "./runtime.js";
export type { MatmulPrecision, RuntimeInfo } from "./runtime.js";
export { blasInfo, type BlasInfo, type LoadedBlas, type BlasImplementation } from "./blasInfo.js";
export * from "./nn/index.js";
export * from "./ssl/index.js";
export { SVMax, svmaxBounds, meanSingularValue, type SVMaxOptions } from "./regularizers/svmax.js";
export { VarianceRegularizer, varianceHinge, columnStd, type VarianceOptions } from "./regularizers/variance.js";
export type { EmbeddingRegularizer, RegularizerResult } from "./regularizers/EmbeddingRegularizer.js";
export type { Graph, Features, DenseFeatures, CsrFeatures, Split, Provenance } from "./graph/Graph.js";
export { validateGraph } from "./graph/validateGraph.js";
export * from "./data/index.js";
export * from "./eval/index.js";
export * from "./metrics/index.js";
// optim: fused optimizers, EMA, clipping, schedules, WERank, checkpoints
export * from "./train/optim/index.js";
export { EMA, emaUpdate, type EMABuffers } from "./nn/ema.js";
export { clipGradNorm, type ClipGradNormOptions } from "./train/clip.js";
export { estimateFullBatchMemory, fullBatchMemoryInput, checkFullBatchMemory, availableMemory, type FullBatchMemoryInput, type MemoryEstimate } from "./train/memoryEstimate.js";
export { makeTrainStep, type TrainStep, type TrainStepParts, type StepHyper, type StepResult } from "./train/trainStep.js";
export { WarmupCosineSchedule, MomentumCosineSchedule, ConstantSchedule, type Schedule } from "./train/schedules.js";
export {
  WERank,
  werank,
  WERANK_GROUPS,
  WERANK_GRAMS,
  WERANK_SCALES,
  type WERankGram,
  type WERankScale,
  type WERankGroup,
  type WERankWeight,
  type WERankOptions,
  type WERankSelection,
  type WERankResult,
  type HasNamedParameters,
} from "./regularizers/werank.js";
export { encodeSafetensors, decodeSafetensors, writeSafetensors, readSafetensors, type SafetensorsDType, type SafetensorsEntry, type SafetensorsHeader } from "./train/checkpoint/safetensors.js";
export { saveCheckpoint, loadCheckpoint, CHECKPOINT_FORMAT, CHECKPOINT_VERSION, type CheckpointData, type LoadedCheckpoint } from "./train/checkpoint/checkpoint.js";
export { latestCheckpoint, listCheckpoints } from "./train/checkpoint/runCheckpoints.js";
export { exportEncoder, type ExportEncoderOptions, type ExportedEncoder } from "./train/checkpoint/exportEncoder.js";
export { Generator } from "./tensor/Generator.js";
export * from "./graph/index.js";
export * from "./experiment/index.js";
export { Trainer, type TrainEvent, type EpochEvent, type EvalEvent, type SpectraEvent, type CheckpointEvent, type WarningEvent, type TrainSummary, type TrainerOptions } from "./train/Trainer.js";
export * from "./report/index.js";
export * from "./toy/index.js";
export * from "./dist/index.js";
