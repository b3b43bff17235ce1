/** Experiment flow: configuration, presets, run directories, graph loading, sweeps. */
export {
  configSchema,
  datasetSchema,
  encoderSchema,
  objectiveSchema,
  augmentSchema,
  werankSchema,
  svmaxSchema,
  varianceRegSchema,
  REGULARIZER_TARGETS,
  optimSchema,
  emaSchema,
  trainSchema,
  evalSchema,
  outputSchema,
  slurmSchema,
  syntheticSchema,
  type Config,
  type ConfigInput,
} from "./config.js";
export { resolveConfig, defaultConfig, readConfigFile, configError, SHORT_FLAGS, type ConfigSources } from "./resolveConfig.js";
export { presetConfig, PRESET_NAMES, GRACE_PRESET_NAMES, presetSource, WERANK_PRESET_ALPHA } from "./presets.js";
export { PUBLISHED_BGRL, PUBLISHED_GRACE, type PublishedResult, type PublishedBgrl, type PublishedGrace } from "./published.js";
export { parseValue, parseAssignment, setPath, getPath, applyOverride, deepMerge } from "./overrides.js";
export { RunDir, readJsonl, environmentInfo, type EnvironmentInfo } from "./RunDir.js";
export { loadGraphForConfig } from "./loadGraphForConfig.js";
export { locateCheckpoint } from "./locateCheckpoint.js";
export { embedRun, type EmbedRunOptions, type EmbedRunResult } from "./embedRun.js";
export { buildObjective, encoderSpec } from "./buildObjective.js";
export { buildOptimizer } from "./buildOptimizer.js";
export { buildRegularizers, buildWerank } from "./buildRegularizers.js";
export { RunModel } from "./RunModel.js";
export { describeRegularizers, regularizerLabel, trainingLabel, runSlug, werankEnabled, type RegularizerDescription } from "./trainingLabel.js";
export { planSweep, saveSweep, loadSweep, parseGridAxis, trialArgs, type SweepPlan, type Trial, type GridAxis, type PlanOptions } from "./sweep.js";
export { runLocal, submitSlurm, slurmScript, trialAt, runTrialProcess, type SlurmOptions, type LocalOptions, type TrialResult } from "./executors.js";
export { collectSweep, stat, readSummary, parsePairedOption, type Collected, type CollectedRow, type CollectedRun, type CollectOptions, type PairedComparison, type RunSummary, type Stat } from "./collect.js";
export { pairedDifference, studentTQuantile, studentTCdf, type PairedDifference } from "./pairedDifference.js";
