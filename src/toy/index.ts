/** The linear toy experiments of the dimensional-collapse papers (Jing et al. 2022; WERank). */
export { ToyData, type ToyDataOptions } from "./ToyData.js";
export { ToyLinear, toyWeight, TOY_INITS, type ToyInit, type ToyLinearOptions } from "./ToyLinear.js";
export { toyInfoNCE, TOY_SIMILARITIES, type ToySimilarity } from "./toyInfoNCE.js";
export { createToyObjective, TOY_OBJECTIVES, type ToyObjective, type ToyObjectiveName, type ToyObjectiveOptions } from "./toyObjectives.js";
export { singularValues, vanishingCount, alignment, type Alignment } from "./spectra.js";
export {
  trainToy,
  resolveToyConfig,
  toyWerank,
  TOY_DEFAULT_LR,
  TOY_OPTIMIZERS,
  type ToyOptimizerKind,
  type ToyConfig,
  type ToyRun,
  type ToyRunSummary,
  type ToySnapshot,
  type ToySpectrumSummary,
} from "./trainToy.js";
export { trainingSpectraFigure, spectrumVsKFigure, alignmentFigure } from "./toyFigures.js";
export { runToyExperiment, type ToyEvent, type ToyExperimentOptions, type ToyExperimentResult, type ToyExperimentSummary } from "./toyExperiment.js";
