/** Collapse diagnostics (DESIGN D7): spectra, rank measures, alignment, SVMax, WERank terms, report. */
export { spectrum, spectra, covarianceSpectrum, singularValuesOf, spectrumLength, type SpectrumInput, type SpectrumOptions } from "./spectrum.js";
export { effectiveRank, spectralEntropy } from "./effectiveRank.js";
export { rankMe, RANKME_EPS } from "./rankMe.js";
export { numericalRank, DEFAULT_RANK_RTOL } from "./numericalRank.js";
export { normalizedRank, maxCenteredRank } from "./normalizedRank.js";
export { meanPairwiseCosine, meanPairwiseCosines } from "./meanPairwiseCosine.js";
export { svmaxStats, svmaxFromSingularValues, type SvmaxStats } from "./svmaxStats.js";
export { weightSpectra, werankFromSingularValues, namedWeightList, type NamedWeights, type WeightSpectrum, type WERankTermOptions } from "./weightSpectra.js";
export { alignmentMatrix, alignmentChain, alignmentSummary, hostMatrixToArray, type HostMatrix, type AlignmentSummary } from "./alignmentMatrix.js";
export { rankDifferential } from "./rankDifferential.js";
export {
  collapseReport,
  spectraLine,
  SPECTRA_FORMAT_VERSION,
  COMPLETE_COLLAPSE_RELATIVE_VARIANCE,
  DIMENSIONAL_COLLAPSE_NORMALIZED_RANK,
  DIMENSIONAL_COLLAPSE_MIN_RANK,
  RANK_DIFFERENTIAL_DEFINITION,
  type CollapseReport,
  type CollapseReportInputs,
  type CollapseReportOptions,
  type OutputDiagnostics,
  type WeightDiagnostics,
  type AlignmentDiagnostics,
} from "./collapseReport.js";
export { collapseWarnings, diagnosticRows, spectraNumbers, LOSS_FLOOR_WARNING, DIAGNOSTIC_ROWS, type CollapseWarningContext, type SpectraNumbers } from "./trainingDiagnostics.js";
