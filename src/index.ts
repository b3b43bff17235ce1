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
 */
export * from "./tensor/index.js";
export * from "./errors.js";
export { loadNative, addonPath, type NativeInfo, type NativeMemory } from "./native/addon.js";
export { info, setNumThreads, cudaAvailable, resolveDevice, synchronize, setMatmulPrecision, matmulPrecision, MATMUL_PRECISIONS } from "./runtime.js";
export type { MatmulPrecision, RuntimeInfo } from "./runtime.js";
export * from "./nn/index.js";
export * from "./ssl/index.js";
export { SVMax, svmaxBounds, meanSingularValue, type SVMaxOptions } from "./regularizers/svmax.js";
export { VarianceRegularizer, varianceHinge, columnStd, type VarianceOptions } from "./regularizers/variance.js";
export type { EmbeddingRegularizer, RegularizerResult } from "./regularizers/EmbeddingRegularizer.js";
export * from "./graph/Graph.js";
export { validateGraph } from "./graph/validateGraph.js";
export * from "./data/index.js";
export * from "./eval/index.js";
export * from "./metrics/index.js";
// optim: fused optimizers, EMA, clipping, schedules, WERank, checkpoints
export * from "./train/optim/index.js";
export { EMA, emaUpdate, type EMABuffers } from "./nn/ema.js";
export { clipGradNorm, type ClipGradNormOptions } from "./train/clip.js";
export { makeTrainStep, augmentViews, type TrainStep, type TrainStepParts, type StepHyper, type StepResult } from "./train/trainStep.js";
export { composeLoss, type LossRegularizers, type AppliedRegularizer } from "./train/composeLoss.js";
export { WarmupCosineSchedule, MomentumCosineSchedule, ConstantSchedule, type Schedule } from "./train/schedules.js";
export { trainingSchedule, type TrainingSchedule, type ScheduleEvent } from "./train/trainingSchedule.js";
export { WERank, werank, groupOf, checkGram, WERANK_GROUPS, WERANK_GRAMS, type WERankGram, type WERankGroup, type WERankWeight, type WERankOptions, type WERankSelection, type WERankResult, type HasNamedParameters } from "./regularizers/werank.js";
export { writeAtomic } from "./util/atomicWrite.js";
export { encodeSafetensors, decodeSafetensors, writeSafetensors, readSafetensors, parseSafetensorsHeader, MAX_HEADER_BYTES, type SafetensorsDType, type SafetensorsEntry, type SafetensorsHeader } from "./train/checkpoint/safetensors.js";
export { saveCheckpoint, loadCheckpoint, checkpointFiles, prefixed, unprefixed, CHECKPOINT_FORMAT, CHECKPOINT_VERSION, type CheckpointData, type LoadedCheckpoint } from "./train/checkpoint/checkpoint.js";
export { latestCheckpoint, listCheckpoints } from "./train/checkpoint/runCheckpoints.js";
export { exportEncoder, ENCODER_PREFIX, type ExportEncoderOptions, type ExportedEncoder } from "./train/checkpoint/exportEncoder.js";
export { Generator } from "./tensor/Generator.js";
export * from "./graph/index.js";
export * from "./experiment/index.js";
export { Trainer, type TrainEvent, type EpochEvent, type EvalEvent, type SpectraEvent, type CheckpointEvent, type WarningEvent, type TrainSummary, type TrainerOptions } from "./train/Trainer.js";
export * from "./report/index.js";
export * from "./toy/index.js";
