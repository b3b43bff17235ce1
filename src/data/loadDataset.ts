/**
 * `loadDataset(name)`: the one entry point the trainer and the CLI use. A registry name
 * ({@link datasetRegistry}) is looked up under the data directory and loaded with its format's
 * loader; "synthetic" is generated; a path to an `.npz` file, a WikiCS-style `.json` file, an OGB
 * folder, or a Planetoid folder (one holding `ind.<name>.x` and its seven siblings) or its
 * `ind.<name>.x` file is loaded directly.
 *
 * @example
 * ```ts
 * import { loadDataset, randomSplits } from "werank-native";
 * const g = await loadDataset("amazon-computers", { dataDir: "../shared/data", rowNormalize: true });
 * const splits = randomSplits(g, { numSplits: 20 });
 * const s = await loadDataset("synthetic", { synthetic: { numNodes: 5000, seed: 3 } });
 * ```
 */
import fs from "node:fs";
import path from "node:path";
import { ConfigError, unknownName, WerankError } from "../errors.js";
import { type Graph, undirectedEdgeCount } from "../graph/Graph.js";
import type { PreprocessOptions } from "./assembleGraph.js";
import { canonicalDatasetName, datasetRegistry, type DatasetFormat, type DatasetLocation, locateDataset, missingDatasetMessage, requireDataset } from "./datasetRegistry.js";
import { loadNpz, summarizeNpz } from "./loadNpz.js";
import { loadOgb, summarizeOgb } from "./loadOgb.js";
import { loadPlanetoid, planetoidPrefixes } from "./loadPlanetoid.js";
import { loadWikiCS } from "./loadWikiCS.js";
import { SYNTHETIC_DEFAULTS, type SyntheticParams, syntheticGraph } from "./syntheticGraph.js";

export interface LoadDatasetOptions extends PreprocessOptions {
  /** Data directory (default: WERANK_DATA_DIR, else ./data). */
  dataDir?: string;
  /** Parameters for "synthetic". */
  synthetic?: SyntheticParams;
  /** OGB split folder (default: the dataset's only/first one). */
  splitScheme?: string;
}

/** Format of a path given instead of a registry name, or undefined. */
function formatOfPath(p: string): DatasetFormat | undefined {
  let st: fs.Stats;
  try {
    st = fs.statSync(p);
  } catch {
    return undefined;
  }
  if (st.isDirectory()) return fs.existsSync(path.join(p, "raw")) ? "ogb" : planetoidPrefixes(p).length > 0 ? "planetoid" : undefined;
  if (/(^|[\\/])ind\.[^\\/]+\.x$/.test(p)) return "planetoid";
  if (/\.npz$/i.test(p)) return "npz";
  if (/\.json$/i.test(p)) return "wikics";
  return undefined;
}

function loadFormat(format: DatasetFormat, file: string, name: string, options: LoadDatasetOptions): Promise<Graph> {
  const { dataDir: _d, synthetic: _s, splitScheme, ...pre } = options;
  switch (format) {
    case "npz":
      return loadNpz(file, { ...pre, name });
    case "wikics":
      return loadWikiCS(file, { ...pre, name });
    case "ogb":
      return loadOgb(file, { ...pre, name, ...(splitScheme !== undefined ? { splitScheme } : {}) });
    case "planetoid":
      return loadPlanetoidPath(file, name, pre);
    case "synthetic":
      return Promise.resolve(syntheticGraph(options.synthetic, pre));
  }
}

/** A Planetoid folder (named after its file prefix), or its `ind.<prefix>.x` file (named `name`). */
function loadPlanetoidPath(file: string, name: string, pre: PreprocessOptions): Promise<Graph> {
  const m = /^ind\.(.+)\.x$/.exec(path.basename(file));
  if (m && !fs.statSync(file).isDirectory()) return loadPlanetoid(path.dirname(file), { ...pre, name, prefix: m[1]! });
  return loadPlanetoid(file, pre);
}

/** Loads a dataset by registry name (or path) into a validated Graph; see the module comment. */
export async function loadDataset(name: string, options: LoadDatasetOptions = {}): Promise<Graph> {
  if (typeof name !== "string" || name.length === 0) throw new ConfigError(unknownName("dataset", String(name), Object.keys(datasetRegistry)));
  if (canonicalDatasetName(name) === undefined) {
    const f = formatOfPath(name);
    if (f)
      return loadFormat(
        f,
        name,
        path
          .basename(name)
          .replace(/\.(npz|json)$/i, "")
          .replace(/^ind\.(.+)\.x$/, "$1"),
        options,
      );
  }
  const loc = requireDataset(name, options.dataDir);
  return loadFormat(loc.info.format, loc.path, loc.info.name, options);
}

/** One line of `werank-native datasets`. */
export interface DatasetSummary {
  name: string;
  format: DatasetFormat;
  found: boolean;
  /** The file or folder found. */
  path?: string;
  /** Paths looked at when missing. */
  expected?: string[];
  origin: string;
  nodes?: number;
  /** Undirected edges (distinct unordered pairs, no self-loops). */
  edges?: number;
  features?: number;
  classes?: number;
  /** Set when the file exists but could not be read. */
  error?: string;
}

/** Counts for one dataset, reading only what they need (an .npz's feature values are skipped). */
export async function summarizeDataset(name: string, options: { dataDir?: string } = {}): Promise<DatasetSummary> {
  const loc: DatasetLocation = locateDataset(name, options.dataDir);
  const base: DatasetSummary = { name, format: loc.info.format, found: loc.info.format === "synthetic" || loc.path !== undefined, origin: loc.info.origin };
  if (!base.found) return { ...base, expected: loc.tried, error: missingDatasetMessage(loc) };
  if (loc.path) base.path = loc.path;
  try {
    switch (loc.info.format) {
      case "npz":
        return { ...base, ...summarizeNpz(loc.path!) };
      case "ogb":
        return { ...base, ...(await summarizeOgb(loc.path!)) };
      case "wikics":
      case "planetoid":
      case "synthetic": {
        const g = loc.info.format === "synthetic" ? syntheticGraph(SYNTHETIC_DEFAULTS) : loc.info.format === "planetoid" ? await loadPlanetoidPath(loc.path!, name, {}) : await loadWikiCS(loc.path!);
        return { ...base, nodes: g.numNodes, edges: undirectedEdgeCount(g), features: g.features.cols, classes: g.numClasses };
      }
    }
  } catch (e) {
    if (e instanceof WerankError) return { ...base, error: `${e.code}: ${e.message}` };
    throw e;
  }
}
