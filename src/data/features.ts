/**
 * Node-feature utilities on the host: dense ⇄ CSR conversion, the density rule that picks a storage
 * format, and the two published preprocessing steps (row normalization, z-scoring).
 *
 * @example
 * ```ts
 * const f = rowNormalize(graph.features);          // each row sums to 1 (non-negative features)
 * const z = zScore(graph.features);                // zero mean, unit variance per column (dense)
 * const d = toDenseFeatures(f);                    // [rows * cols] row-major Float32Array
 * ```
 */
import type { CsrFeatures, DenseFeatures, Features } from "../graph/Graph.js";

/** Storage format for features: "auto" picks by density (see {@link DEFAULT_DENSE_THRESHOLD}). */
export type FeatureFormat = "auto" | "dense" | "csr";

/**
 * Features at least this dense are stored dense. Dense matmul beats SpMM well below 50% density,
 * and CSR costs 8 bytes a non-zero vs 4 a dense entry; at 10% bag-of-words data (Cora 1.3%,
 * Coauthor CS 0.9%) stays CSR and Amazon (35%), WikiCS and OGB (dense embeddings) go dense.
 */
export const DEFAULT_DENSE_THRESHOLD = 0.1;

/** Non-zero count. */
export function featureNnz(f: Features): number {
  if (f.kind === "csr") return f.indptr[f.rows]!;
  let nnz = 0;
  for (let k = 0; k < f.data.length; k++) if (f.data[k] !== 0) nnz++;
  return nnz;
}

/** Fraction of non-zero entries (0 for an empty matrix). */
export function featureDensity(f: Features): number {
  const total = f.rows * f.cols;
  return total === 0 ? 0 : featureNnz(f) / total;
}

/** Dense copy (or the same object when already dense). Repeated CSR entries are summed, as scipy does. */
export function toDenseFeatures(f: Features): DenseFeatures {
  if (f.kind === "dense") return f;
  const data = new Float32Array(f.rows * f.cols);
  for (let r = 0; r < f.rows; r++) {
    const base = r * f.cols;
    for (let p = f.indptr[r]!; p < f.indptr[r + 1]!; p++) data[base + f.indices[p]!]! += f.data[p]!;
  }
  return { kind: "dense", rows: f.rows, cols: f.cols, data };
}

/** CSR copy keeping the non-zeros (or the same object when already CSR). */
export function toCsrFeatures(f: Features): CsrFeatures {
  if (f.kind === "csr") return f;
  const nnz = featureNnz(f);
  const indptr = new Int32Array(f.rows + 1);
  const indices = new Int32Array(nnz);
  const data = new Float32Array(nnz);
  let p = 0;
  for (let r = 0; r < f.rows; r++) {
    const base = r * f.cols;
    for (let c = 0; c < f.cols; c++) {
      const v = f.data[base + c]!;
      if (v !== 0) {
        indices[p] = c;
        data[p++] = v;
      }
    }
    indptr[r + 1] = p;
  }
  return { kind: "csr", rows: f.rows, cols: f.cols, indptr, indices, data };
}

/** Converts to the requested format; "auto" picks dense when density >= threshold. */
export function withFeatureFormat(f: Features, format: FeatureFormat = "auto", threshold = DEFAULT_DENSE_THRESHOLD): Features {
  const want = format === "auto" ? (featureDensity(f) >= threshold ? "dense" : "csr") : format;
  return want === "dense" ? toDenseFeatures(f) : toCsrFeatures(f);
}

/**
 * Divides each row by its L1 norm (sum of |x|), the feature normalization of GCN/Planetoid
 * pipelines (PyG's `NormalizeFeatures`, identical for the non-negative benchmark features). Rows
 * that are all zero stay zero. Returns a new matrix in the same format.
 */
export function rowNormalize(f: Features): Features {
  const data = new Float32Array(f.data);
  if (f.kind === "csr") {
    for (let r = 0; r < f.rows; r++) {
      let s = 0;
      for (let p = f.indptr[r]!; p < f.indptr[r + 1]!; p++) s += Math.abs(data[p]!);
      if (s > 0) for (let p = f.indptr[r]!; p < f.indptr[r + 1]!; p++) data[p]! /= s;
    }
    return { ...f, data };
  }
  for (let r = 0; r < f.rows; r++) {
    const base = r * f.cols;
    let s = 0;
    for (let c = 0; c < f.cols; c++) s += Math.abs(data[base + c]!);
    if (s > 0) for (let c = 0; c < f.cols; c++) data[base + c]! /= s;
  }
  return { ...f, data };
}

/**
 * Standardizes each column to zero mean and unit variance over the nodes (population standard
 * deviation, as scikit-learn's StandardScaler; constant columns are only centred). This is the
 * WikiCS feature preprocessing of GRACE/BGRL. The result is dense (centring destroys sparsity).
 */
export function zScore(f: Features): DenseFeatures {
  const d = toDenseFeatures(f);
  const { rows, cols } = d;
  const data = new Float32Array(d.data);
  const mean = new Float64Array(cols);
  const sq = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) mean[c]! += data[base + c]!;
  }
  for (let c = 0; c < cols; c++) mean[c]! /= Math.max(rows, 1);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) {
      const x = data[base + c]! - mean[c]!;
      sq[c]! += x * x;
    }
  }
  const inv = new Float64Array(cols);
  for (let c = 0; c < cols; c++) {
    const sd = Math.sqrt(sq[c]! / Math.max(rows, 1));
    inv[c] = sd > 0 ? 1 / sd : 1;
  }
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) data[base + c] = (data[base + c]! - mean[c]!) * inv[c]!;
  }
  return { kind: "dense", rows, cols, data };
}

/** CSR identity features (one-hot node ids), used when a dataset ships no features. */
export function identityFeatures(n: number): CsrFeatures {
  const indptr = new Int32Array(n + 1);
  const indices = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    indptr[i + 1] = i + 1;
    indices[i] = i;
  }
  return { kind: "csr", rows: n, cols: n, indptr, indices, data: new Float32Array(n).fill(1) };
}
