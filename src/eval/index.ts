/** Linear-probe evaluation (BGRL's protocol, fitted natively). */
export {
  linearProbe,
  fitProbe,
  DEFAULT_C_GRID,
  PROBE_DEFAULTS,
  PROBE_SOLVERS,
  PROBE_OPTIMIZERS,
  type ProbeSolver,
  type ProbeOptimizer,
  type ProbeOptions,
  type ProbeTargets,
  type ProbeGridPoint,
  type ProbeSplitResult,
  type ProbeFit,
  type ProbeSettings,
  type ProbeResult,
} from "./linearProbe.js";
export { probeSplits, probeGraph, bgrlUsesPresetSplits, PROBE_PROTOCOLS, type ProbeProtocol, type ProbeGraphOptions } from "./probeSplits.js";
export { summarizeProbes, type ProbeSummary } from "./summarizeProbes.js";
export { crossValidatedProbe, bgrlSplits, type CrossValidatedProbeOptions, type BgrlRepeatSplit } from "./crossValidatedProbe.js";
export { presetSplitsProbe } from "./presetSplitsProbe.js";
export { graceProbe, GRACE_C_GRID, type GraceProbeOptions } from "./graceProbe.js";
