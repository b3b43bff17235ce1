/** The host-side data pipeline: loaders, registry, synthetic graphs, preprocessing and splits (DESIGN D6). */
export { loadDataset, summarizeDataset, type LoadDatasetOptions, type DatasetSummary } from "./loadDataset.js";
export {
  listDatasets,
  datasetInfo,
  locateDataset,
  resolveDataDir,
  type DatasetInfo,
  type DatasetFormat,
  type DatasetLocation,
} from "./datasetRegistry.js";
export { loadNpz, type LoadNpzOptions, type NpzSummary } from "./loadNpz.js";
export { loadWikiCS, type LoadWikiCSOptions } from "./loadWikiCS.js";
export { loadOgb, type LoadOgbOptions } from "./loadOgb.js";
export { loadPlain, type LoadPlainOptions } from "./loadPlain.js";
export { loadPlanetoid, type LoadPlanetoidOptions } from "./loadPlanetoid.js";
export { syntheticGraph, SYNTHETIC_DEFAULTS, type SyntheticParams } from "./syntheticGraph.js";
export { randomSplits, type RandomSplitOptions } from "./randomSplits.js";
export { assembleGraph, type PreprocessOptions, type RawGraph } from "./assembleGraph.js";
export type { Adjacency, AdjacencyOptions } from "./buildAdjacency.js";
export { rowNormalize, zScore, type FeatureFormat } from "./features.js";
