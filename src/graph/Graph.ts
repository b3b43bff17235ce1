/**
 * The host-side graph every loader produces (DESIGN D6): typed arrays only, no tensors, so it can be
 * validated, cached and moved to a device in one copy ({@link DeviceGraph}).
 *
 * Invariants after loading (the loaders and {@link validateGraph} guarantee them):
 * - `indptr` has `numNodes + 1` entries, starts at 0, is non-decreasing, ends at `indices.length`;
 * - `indices` are in [0, numNodes), sorted and unique within each row; no self-loops;
 *   symmetric (i in row j iff j in row i) unless `directed` is set;
 * - `features` has `numNodes` rows; finite values;
 * - `labels` (single-label) are in [0, numClasses); multi-label data uses `multiLabels` instead.
 *
 * @example
 * ```ts
 * import { loadDataset } from "werank-native";
 * const g = await loadDataset("cora", { dataDir: "../shared/data" });
 * console.log(g.numNodes, g.indices.length / 2, g.features.cols, g.numClasses); // 2708 5278 1433 7
 * ```
 */

/** Node features as a dense row-major matrix. */
export interface DenseFeatures {
  kind: "dense";
  rows: number;
  cols: number;
  /** rows * cols values, row-major. */
  data: Float32Array;
}

/** Node features as a CSR matrix (bag-of-words data is ~1% dense). */
export interface CsrFeatures {
  kind: "csr";
  rows: number;
  cols: number;
  indptr: Int32Array;
  indices: Int32Array;
  data: Float32Array;
}

export type Features = DenseFeatures | CsrFeatures;

/** One train/validation/test split as node ids. */
export interface Split {
  name: string;
  train: Int32Array;
  val: Int32Array;
  test: Int32Array;
  /** WikiCS's early-stopping nodes, where the dataset has them. */
  stopping?: Int32Array;
}

/** Where a graph came from and what was done to it (saved in the run's config.json). */
export interface Provenance {
  /** Loader: "npz", "wikics", "ogb", "plain", "synthetic". */
  format: string;
  /** Files read (absolute paths). */
  files: string[];
  /** Synthetic generator parameters, when synthetic. */
  params?: Record<string, unknown>;
  /** Preprocessing steps applied, in order (e.g. "symmetrize", "remove-self-loops", "row-normalize"). */
  preprocessing: string[];
}

export interface Graph {
  name: string;
  numNodes: number;
  /** CSR adjacency (see invariants above). */
  indptr: Int32Array;
  indices: Int32Array;
  /** Optional edge weights aligned with `indices` (absent = all 1). */
  weights?: Float32Array;
  /** True for graphs deliberately kept directed (not the benchmark datasets). */
  directed?: boolean;
  features: Features;
  /** Class id per node (single-label data). */
  labels: Int32Array;
  numClasses: number;
  /** Multi-label targets (PPI-style), [numNodes, numLabels] row-major 0/1; `labels` is then empty. */
  multiLabels?: { numLabels: number; data: Uint8Array };
  /** Public splits shipped with the dataset (WikiCS: 20, OGB: 1). */
  publicSplits?: Split[];
  provenance: Provenance;
}

/** Number of undirected edges of a symmetric graph (distinct unordered pairs). */
export function undirectedEdgeCount(g: Graph): number {
  return g.directed ? g.indices.length : g.indices.length / 2;
}
