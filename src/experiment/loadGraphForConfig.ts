/**
 * Loads the graph a configuration names, with its preprocessing (symmetrized, self-loops removed,
 * duplicates merged, isolated nodes kept; features row-normalized and/or z-scored; dense or CSR).
 *
 * @example
 * ```ts
 * const graph = await loadGraphForConfig(resolveConfig({ preset: "coauthor-cs" }));
 * ```
 */
import { loadDataset } from "../data/loadDataset.js";
import type { Graph } from "../graph/Graph.js";
import type { Config } from "./config.js";

export async function loadGraphForConfig(cfg: Config): Promise<Graph> {
  const d = cfg.dataset;
  const s = d.synthetic;
  return loadDataset(d.name, {
    dataDir: d.dataDir,
    rowNormalize: d.featureNorm === "row" || d.featureNorm === "row+zscore",
    zScore: d.featureNorm === "zscore" || d.featureNorm === "row+zscore",
    featureFormat: d.featureFormat === "sparse" ? "csr" : d.featureFormat,
    synthetic: {
      numNodes: s.nodes,
      numClasses: s.classes,
      numFeatures: s.features,
      avgDegree: s.avgDegree,
      homophily: s.homophily,
      featureSignal: s.featureSignal,
      seed: s.seed,
    },
  });
}
