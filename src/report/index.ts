/** Figures and HTML reports. */
export { renderSvg, type VegaLiteSpec } from "./plots.js";
export { readRun, type RunData } from "./runData.js";
export { writeReport, renderReport, writeComparison, renderComparison, runFigures, writeRunFigures } from "./writeReport.js";
export { comparisonRows, formatComparisonTable, type ComparisonRow } from "./comparisonTable.js";
export { writeSweepReport, writeSweepSvgs, sweepFigures } from "./sweepReport.js";
export { pairedEffectFigure, rankAccuracyFigure } from "./sweepFigures.js";
export { pairRuns, formatPairedRuns, type PairedRuns } from "./pairedRuns.js";
