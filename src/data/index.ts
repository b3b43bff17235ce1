/** The host-side data pipeline: loaders, registry, synthetic graphs, preprocessing and splits (DESIGN D6). */
export { loadDataset, summarizeDataset, type LoadDatasetOptions, type DatasetSummary } from "./loadDataset.js";
export {
  datasetRegistry,
  listDatasets,
  datasetInfo,
  canonicalDatasetName,
  DATASET_ALIASES,
  locateDataset,
  resolveDataDir,
  type DatasetInfo,
  type DatasetFormat,
  type DatasetLocation,
} from "./datasetRegistry.js";
export { loadNpz, loadNpzSync, summarizeNpz, type LoadNpzOptions, type NpzSummary } from "./loadNpz.js";
export { loadWikiCS, wikiCSFromJson, type LoadWikiCSOptions } from "./loadWikiCS.js";
export { loadOgb, summarizeOgb, ogbSplitSchemes, type LoadOgbOptions } from "./loadOgb.js";
export { loadPlain, type LoadPlainOptions } from "./loadPlain.js";
export { loadPlanetoid, planetoidPrefixes, type LoadPlanetoidOptions } from "./loadPlanetoid.js";
export { readPickle, ALLOWED_GLOBALS, type PyValue, type PyObject, type PyTuple, type PyGlobal, type PyKey } from "./pickle.js";
export { syntheticGraph, SYNTHETIC_DEFAULTS, type SyntheticParams } from "./syntheticGraph.js";
export { randomSplits, type RandomSplitOptions } from "./randomSplits.js";
export { assembleGraph, type PreprocessOptions, type RawGraph } from "./assembleGraph.js";
export { buildAdjacency, type Adjacency, type AdjacencyOptions } from "./buildAdjacency.js";
export {
  rowNormalize,
  zScore,
  toDenseFeatures,
  toCsrFeatures,
  withFeatureFormat,
  featureDensity,
  featureNnz,
  DEFAULT_DENSE_THRESHOLD,
  type FeatureFormat,
} from "./features.js";
export { parseNpy, type NpyArray, type NpyDType } from "./npy.js";
export { encodeNpy } from "./encodeNpy.js";
export { readNumberTable, parseNumberTable, type NumberTable, type TableOptions } from "./numberTable.js";
export { createRng, deriveSeed, type Rng } from "./rng.js";
