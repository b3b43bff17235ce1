/**
 * Loader for the gnn-benchmark `.npz` files (Shchur et al., "Pitfalls of Graph Neural Network
 * Evaluation"; github.com/shchur/gnn-benchmark): Cora, CiteSeer, Amazon Computers/Photo,
 * Coauthor CS/Physics — the files PyG's `Amazon`, `Coauthor` and `CitationFull` download.
 *
 * Format: a zip archive (np.savez: STORED members; np.savez_compressed: DEFLATE) of `.npy` arrays:
 * - `adj_data` (float32), `adj_indices`, `adj_indptr` (int32), `adj_shape` ([N, N]): the adjacency
 *   in CSR; not necessarily symmetric (Amazon and Cora are not), values all 1 in the benchmarks;
 * - `attr_data`, `attr_indices`, `attr_indptr`, `attr_shape` ([N, F]): features in CSR, or a dense
 *   `attr_matrix` [N, F]; neither present → one-hot identity features;
 * - `labels` [N]: class ids of any integer width (Cora int8, Amazon/Coauthor int64), 0..C−1 with
 *   every class present (checkLabels in checks.ts);
 * - `class_names`, `node_names`, `attr_names`: strings or, in Coauthor, an object array. They are
 *   never read: object arrays would need pickle, and this loader never unpickles.
 *
 * Index, pointer, shape and label arrays must have an integer dtype (bool and float ones are refused),
 * member names must be unique, edge weights in (0, 1e20], and no member may inflate beyond what the
 * shapes read before it allow (docs/data-formats.md lists it all).
 *
 * Then the shared preprocessing ({@link assembleGraph}): drop self-loops, symmetrize, deduplicate,
 * keep isolated nodes. Adjacency values are dropped when all equal 1 (the benchmarks' case).
 *
 * @example
 * ```ts
 * const g = await loadNpz("data/amazon-computers/amazon_electronics_computers.npz");
 * g.numNodes;             // 13752
 * g.indices.length / 2;   // 245861 undirected edges
 * ```
 */
import path from "node:path";
import { DataError } from "../errors.js";
import type { Features, Graph } from "../graph/Graph.js";
import { assembleGraph, type PreprocessOptions } from "./assembleGraph.js";
import { buildAdjacency, csrRowIds } from "./buildAdjacency.js";
import { checkFinite, checkIndptr, checkRange, checkWeights, labelsToInt32 } from "./checks.js";
import { identityFeatures } from "./features.js";
import { describeWhere, type NpyArray, type NpyDType, npyToFloat32, npyToInt32, parseNpy } from "./npy.js";
import { ZipArchive } from "./zip.js";

export interface LoadNpzOptions extends PreprocessOptions {
  /** Graph name (default: the file name without `.npz`). */
  name?: string;
  /** Name used for in-memory bytes in messages and provenance (default "<bytes>.npz"). */
  file?: string;
}

/** Room for an npy header (numpy pads it to 64 bytes; a few KB at most) when bounding a member's size. */
const NPY_HEADER_MAX = 1 << 16;

const INT_DTYPES: NpyDType[] = ["i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8"];
const VALUE_DTYPES: NpyDType[] = ["f2", "f4", "f8", ...INT_DTYPES, "b1"];
/**
 * Accepted dtypes per array (docs/data-formats.md): ids, pointers, shapes and labels are integers of any
 * width (a bool or float index array is a wrong file, not a value to cast); values may be any number.
 */
const DTYPES: Record<string, NpyDType[]> = {
  adj_indices: INT_DTYPES,
  adj_indptr: INT_DTYPES,
  adj_shape: INT_DTYPES,
  attr_indices: INT_DTYPES,
  attr_indptr: INT_DTYPES,
  attr_shape: INT_DTYPES,
  labels: INT_DTYPES,
  adj_data: VALUE_DTYPES,
  attr_data: VALUE_DTYPES,
  attr_matrix: VALUE_DTYPES,
};

/** Reads `.npy` members of an open archive by key (the member name without `.npy`). */
class NpzReader {
  constructor(
    readonly zip: ZipArchive,
    readonly file: string,
  ) {}
  has(key: string): boolean {
    return this.zip.has(`${key}.npy`);
  }
  keys(): string[] {
    return this.zip.names().map((n) => n.replace(/\.npy$/, ""));
  }
  /** Array `key`; `maxElements` (known from shapes already read) bounds the bytes inflated for it. */
  array(key: string, maxElements = Infinity): NpyArray {
    if (!this.has(key)) throw new DataError(`Expected an array '${key}' in ${this.file} but it has: ${this.keys().join(", ") || "(none)"}`);
    // ZipArchive.read returns memory we own, so the arrays may be views of it (no second copy).
    const bytes = this.zip.read(`${key}.npy`, NPY_HEADER_MAX + 8 * maxElements);
    const a = parseNpy(bytes, { file: this.file, array: key }, { share: true });
    const allowed = DTYPES[key];
    if (allowed && !allowed.includes(a.dtype)) {
      throw new DataError(`Expected dtype ${allowed.join("/")} for ${this.where(key)} but received '${a.dtype}' (see the accepted dtypes in docs/data-formats.md)`);
    }
    return a;
  }
  where(key: string): string {
    return describeWhere({ file: this.file, array: key });
  }
  /** A 1-D array of `len` entries. */
  vector(key: string, len?: number): NpyArray {
    const a = this.array(key, len);
    if (a.shape.length !== 1 || (len !== undefined && a.shape[0] !== len)) {
      throw new DataError(`Expected shape (${len ?? "n"},) for ${this.where(key)} but received (${a.shape.join(", ")})`);
    }
    return a;
  }
  int32(key: string, len?: number, what?: string): Int32Array {
    return npyToInt32(this.vector(key, len), { file: this.file, array: key }, what);
  }
  /** A 1-D int32 array of at most `max` entries (its exact length is checked by the caller). */
  int32AtMost(key: string, max: number, what: string): Int32Array {
    const a = this.array(key, max);
    if (a.shape.length !== 1) throw new DataError(`Expected a 1-D array for ${this.where(key)} but received shape (${a.shape.join(", ")})`);
    return npyToInt32(a, { file: this.file, array: key }, what);
  }
  /** An `*_shape` array: two non-negative int32-sized dimensions. */
  shape2(key: string): [number, number] {
    const s = this.int32(key, 2, "dimensions");
    if (s[0]! < 0 || s[1]! < 0 || s[0]! > 2147483646) throw new DataError(`Expected two non-negative dimensions in ${this.where(key)} but received (${s.join(", ")})`);
    return [s[0]!, s[1]!];
  }
}

function requireKeys(r: NpzReader, keys: string[], what: string): void {
  const missing = keys.filter((k) => !r.has(k));
  if (missing.length)
    throw new DataError(
      `Expected the ${what} arrays ${keys.join(", ")} in ${r.file} but ${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} missing (it has: ${r.keys().join(", ") || "none"})`,
    );
}

/** Reads and checks the adjacency CSR: returns N and the stored edges as COO. */
function readAdjacency(r: NpzReader): { n: number; src: Int32Array; dst: Int32Array; weights?: Float32Array } {
  requireKeys(r, ["adj_indices", "adj_indptr", "adj_shape"], "adjacency");
  const [n, n2] = r.shape2("adj_shape");
  if (n !== n2) throw new DataError(`Expected a square adjacency shape in ${r.where("adj_shape")} but received (${n}, ${n2})`);
  const indptr = r.int32("adj_indptr", n + 1, "row pointers");
  const indices = r.int32AtMost("adj_indices", Math.max(0, indptr[n]!), "node ids");
  checkIndptr(indptr, n, indices.length, r.where("adj_indptr"));
  checkRange(indices, 0, n, r.where("adj_indices"), "node ids");
  const out: { n: number; src: Int32Array; dst: Int32Array; weights?: Float32Array } = { n, src: csrRowIds(indptr), dst: indices };
  if (r.has("adj_data")) {
    const w = npyToFloat32(r.vector("adj_data", indices.length));
    checkWeights(w, r.where("adj_data"));
    let unit = true;
    for (let k = 0; k < w.length && unit; k++) unit = w[k] === 1;
    if (!unit) out.weights = w;
  }
  return out;
}

function readFeatures(r: NpzReader, n: number, steps: string[]): Features {
  if (r.has("attr_indptr") || r.has("attr_indices") || r.has("attr_data")) {
    requireKeys(r, ["attr_data", "attr_indices", "attr_indptr", "attr_shape"], "feature");
    const [rows, cols] = r.shape2("attr_shape");
    if (rows !== n) throw new DataError(`Expected ${n} feature rows (one per node, from adj_shape) in ${r.where("attr_shape")} but received ${rows}`);
    const indptr = r.int32("attr_indptr", n + 1, "row pointers");
    const indices = r.int32AtMost("attr_indices", Math.max(0, indptr[n]!), "column ids");
    checkIndptr(indptr, n, indices.length, r.where("attr_indptr"));
    checkRange(indices, 0, cols, r.where("attr_indices"), "column ids");
    const data = npyToFloat32(r.vector("attr_data", indices.length));
    checkFinite(data, r.where("attr_data"), "feature values");
    return { kind: "csr", rows: n, cols, indptr, indices, data };
  }
  if (r.has("attr_matrix")) {
    const a = r.array("attr_matrix");
    if (a.shape.length !== 2 || a.shape[0] !== n) throw new DataError(`Expected shape (${n}, F) for ${r.where("attr_matrix")} but received (${a.shape.join(", ")})`);
    const data = npyToFloat32(a);
    checkFinite(data, r.where("attr_matrix"), "feature values", a.shape[1]);
    return { kind: "dense", rows: n, cols: a.shape[1]!, data };
  }
  steps.push("features-identity(file has none)");
  return identityFeatures(n);
}

function readLabels(r: NpzReader, n: number, steps: string[]): { labels: Int32Array; numClasses: number } {
  const a = r.vector("labels", n);
  if (a.dtype !== "i4") steps.push(`cast-labels(${a.dtype}->int32)`);
  return labelsToInt32(npyToInt32(a, { file: r.file, array: "labels" }, "class labels"), r.where("labels"));
}

function withArchive<T>(source: string | Uint8Array, file: string, fn: (r: NpzReader) => T): T {
  const zip = typeof source === "string" ? ZipArchive.open(source) : ZipArchive.fromBytes(source, file);
  try {
    return fn(new NpzReader(zip, file));
  } finally {
    zip.close();
  }
}

function fileName(source: string | Uint8Array, options: { file?: string }): string {
  return typeof source === "string" ? path.resolve(source) : (options.file ?? "<bytes>.npz");
}

/**
 * Loads a gnn-benchmark `.npz` file (a path, or its bytes) into a validated {@link Graph}. See the
 * module comment for the format; every malformed input is an ERR_DATA naming file, array and position.
 */
export async function loadNpz(source: string | Uint8Array, options: LoadNpzOptions = {}): Promise<Graph> {
  return loadNpzSync(source, options);
}

/** Synchronous {@link loadNpz} (the format needs no streaming). */
export function loadNpzSync(source: string | Uint8Array, options: LoadNpzOptions = {}): Graph {
  const file = fileName(source, options);
  return withArchive(source, file, (r) => {
    const steps: string[] = [];
    const adj = readAdjacency(r);
    const features = readFeatures(r, adj.n, steps);
    const { labels, numClasses } = readLabels(r, adj.n, steps);
    const raw = {
      name: options.name ?? path.basename(file).replace(/\.npz$/i, ""),
      numNodes: adj.n,
      src: adj.src,
      dst: adj.dst,
      features,
      labels,
      numClasses,
      provenance: { format: "npz", files: [file], preprocessing: steps },
      ...(adj.weights ? { weights: adj.weights } : {}),
    };
    return assembleGraph(raw, options);
  });
}

/** Counts of an `.npz` graph read without its feature values (for `werank-native datasets`). */
export interface NpzSummary {
  nodes: number;
  /** Undirected edges after symmetrizing and dropping self-loops. */
  edges: number;
  features: number;
  classes: number;
}

/** Reads only the adjacency, the feature shape and the labels of an `.npz` file. */
export function summarizeNpz(source: string | Uint8Array, options: { file?: string } = {}): NpzSummary {
  const file = fileName(source, options);
  return withArchive(source, file, (r) => {
    const adj = readAdjacency(r);
    const features = r.has("attr_shape") ? r.shape2("attr_shape")[1] : r.has("attr_matrix") ? (r.array("attr_matrix").shape[1] ?? 0) : adj.n;
    const { numClasses } = readLabels(r, adj.n, []);
    const edges = buildAdjacency(adj.n, adj.src, adj.dst).indices.length / 2;
    return { nodes: adj.n, edges, features, classes: numClasses };
  });
}
