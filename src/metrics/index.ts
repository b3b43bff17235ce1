/** Collapse diagnostics (DESIGN D7): spectra, rank measures, alignment, SVMax, WERank terms, report. */
export { spectrum, spectra, covarianceSpectrum, type SpectrumInput, type SpectrumOptions } from "./spectrum.js";
export { effectiveRank, spectralEntropy } from "./effectiveRank.js";
export { rankMe, RANKME_EPS } from "./rankMe.js";
export { numericalRank, DEFAULT_RANK_RTOL } from "./numericalRank.js";
export { normalizedRank, maxCenteredRank } from "./normalizedRank.js";
export { meanPairwiseCosine, meanPairwiseCosines } from "./meanPairwiseCosine.js";
export { svmaxStats, svmaxFromSingularValues, type SvmaxStats } from "./svmaxStats.js";
export { weightSpectra, werankFromSingularValues, type NamedWeights, type WeightSpectrum, type WERankTermOptions } from "./weightSpectra.js";
export { alignmentMatrix, alignmentChain, alignmentSummary, type HostMatrix, type AlignmentSummary } from "./alignmentMatrix.js";
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
export { pairedDifference, type PairedDifference } from "./pairedDifference.js";
