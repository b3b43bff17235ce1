/** Figures and HTML reports. */
export { lineChart, heatmap, hconcat, renderSvg, type Point, type LineChartOptions, type HeatmapOptions, type VegaLiteSpec } from "./plots.js";
export { readRun, runLabel, type RunData } from "./runData.js";
export { writeReport, renderReport, writeComparison, renderComparison, runFigures, writeRunFigures } from "./writeReport.js";
export { comparisonRows, formatComparisonTable, type ComparisonRow } from "./comparisonTable.js";
export { writeSweepReport, writeSweepSvgs, sweepFigures } from "./sweepReport.js";
export { pairedEffectFigure, rankAccuracyFigure } from "./sweepFigures.js";
