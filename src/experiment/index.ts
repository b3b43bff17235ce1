/** Experiment flow: configuration, presets, run directories, graph loading, sweeps. */
export type { Config, ConfigInput } from "./config.js";
export { resolveConfig, defaultConfig, readConfigFile, type ConfigSources } from "./resolveConfig.js";
export { presetConfig, PRESET_NAMES, GRACE_PRESET_NAMES, WERANK_PRESET_ALPHA } from "./presets.js";
export { PUBLISHED_BGRL, PUBLISHED_GRACE, type PublishedResult, type PublishedBgrl, type PublishedGrace } from "./published.js";
export { RunDir, type EnvironmentInfo } from "./RunDir.js";
export { loadGraphForConfig } from "./loadGraphForConfig.js";
export { embedRun, type EmbedRunOptions, type EmbedRunResult } from "./embedRun.js";
export { buildObjective, encoderSpec } from "./buildObjective.js";
export { buildOptimizer } from "./buildOptimizer.js";
export { RunModel } from "./RunModel.js";
export { trainingLabel, type RegularizerDescription } from "./trainingLabel.js";
export { planSweep, saveSweep, loadSweep, type SweepPlan, type Trial, type GridAxis, type PlanOptions } from "./sweep.js";
export { runLocal, submitSlurm, slurmScript, type SlurmOptions, type SlurmResources, type LocalOptions, type TrialResult } from "./executors.js";
export { trainSlurmScript, type TrainSlurmOptions } from "./trainSlurmScript.js";
export { collectSweep, type Collected, type CollectedRow, type CollectedRun, type CollectOptions, type PairedComparison, type RunSummary, type Stat } from "./collect.js";
