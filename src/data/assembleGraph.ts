/**
 * The preprocessing every loader shares, in the published order (PyG `read_npz` / BGRL / GRACE):
 * drop self-loops, symmetrize (A + Aᵀ > 0), merge duplicates, keep isolated nodes; optionally
 * row-normalize or z-score the features; store features dense or CSR by density. Each step is
 * recorded in `provenance.preprocessing`, and the result is checked with {@link validateGraph}.
 *
 * @example
 * ```ts
 * const g = assembleGraph({ name: "toy", numNodes: 3, src, dst, features, labels, numClasses: 2,
 *   provenance: { format: "plain", files: [], preprocessing: [] } }, { rowNormalize: true });
 * ```
 */
import type { Features, Graph, Provenance, Split } from "../graph/Graph.js";
import { validateGraph } from "../graph/validateGraph.js";
import { buildAdjacency } from "./buildAdjacency.js";
import { DEFAULT_DENSE_THRESHOLD, type FeatureFormat, featureDensity, rowNormalize, withFeatureFormat, zScore } from "./features.js";

/** Preprocessing options accepted by every loader. */
export interface PreprocessOptions {
  /** Make the graph undirected (A + Aᵀ > 0). Default true; false keeps it directed (`graph.directed`). */
  symmetrize?: boolean;
  /** Drop self-loops. Default true (GCN layers add their own). */
  removeSelfLoops?: boolean;
  /** Feature storage: "auto" (by density), "dense" or "csr". Default "auto". */
  featureFormat?: FeatureFormat;
  /** Density at or above which "auto" stores features dense. Default 0.1. */
  denseThreshold?: number;
  /** Divide each feature row by its L1 norm. Default false (the BGRL presets turn it on). */
  rowNormalize?: boolean;
  /** Standardize each feature column (WikiCS in GRACE/BGRL). Default false. */
  zScore?: boolean;
}

/** A loader's raw result, before the shared preprocessing. */
export interface RawGraph {
  name: string;
  numNodes: number;
  /** Edges src[e] → dst[e], ids already range-checked by the loader. */
  src: Int32Array;
  dst: Int32Array;
  weights?: Float32Array;
  features: Features;
  labels: Int32Array;
  numClasses: number;
  publicSplits?: Split[];
  /** Format and files; `preprocessing` may already hold loader steps (e.g. a label cast). */
  provenance: Provenance;
}

/** Applies {@link PreprocessOptions} to a loader's raw result and validates the graph. */
export function assembleGraph(raw: RawGraph, options: PreprocessOptions = {}): Graph {
  const steps = [...raw.provenance.preprocessing];
  const symmetrize = options.symmetrize ?? true;
  const removeSelfLoops = options.removeSelfLoops ?? true;
  const adj = buildAdjacency(raw.numNodes, raw.src, raw.dst, { symmetrize, removeSelfLoops, ...(raw.weights ? { weights: raw.weights } : {}) });
  if (removeSelfLoops) steps.push(`remove-self-loops(removed=${adj.selfLoopsRemoved})`);
  if (symmetrize) steps.push("symmetrize");
  steps.push(`deduplicate(merged=${adj.duplicatesMerged})`);
  let isolated = 0;
  for (let i = 0; i < raw.numNodes; i++) if (adj.indptr[i + 1] === adj.indptr[i]) isolated++;
  // Isolated nodes are kept so node counts match the published ones (Amazon Computers has 281).
  steps.push(`keep-isolated(count=${isolated})`);
  let features = raw.features;
  if (options.rowNormalize) {
    features = rowNormalize(features);
    steps.push("row-normalize(l1)");
  }
  if (options.zScore) {
    features = zScore(features);
    steps.push("z-score(columns)");
  }
  const format = options.featureFormat ?? "auto";
  const threshold = options.denseThreshold ?? DEFAULT_DENSE_THRESHOLD;
  const density = featureDensity(features);
  features = withFeatureFormat(features, format, threshold);
  steps.push(`features-${features.kind}(density=${density.toPrecision(3)}${format === "auto" ? `, auto threshold ${threshold}` : ", forced"})`);
  const g: Graph = {
    name: raw.name,
    numNodes: raw.numNodes,
    indptr: adj.indptr,
    indices: adj.indices,
    features,
    labels: raw.labels,
    numClasses: raw.numClasses,
    provenance: { ...raw.provenance, preprocessing: steps },
  };
  if (adj.weights) g.weights = adj.weights;
  if (!symmetrize) g.directed = true;
  if (raw.publicSplits) g.publicSplits = raw.publicSplits;
  return validateGraph(g);
}
