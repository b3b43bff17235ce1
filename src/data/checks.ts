/**
 * Checks shared by the loaders and {@link validateGraph}: each throws an ERR_DATA that names the
 * file (and array) and the first offending position, so a user can find the bad value. The hot
 * checks take one typed-array type each, so V8 keeps their element access monomorphic (a check
 * that sees Int32Array and Float32Array alike runs several times slower on 10M values).
 *
 * @example
 * ```ts
 * checkRange(indices, 0, numNodes, "cora.npz array 'adj_indices'", "node ids");
 * // DataError: Expected node ids in [0, 2708) in cora.npz array 'adj_indices' but received 9999 at position 17
 * ```
 */
import { DataError } from "../errors.js";

/** Every value in [lo, hi). */
export function checkRange(a: Int32Array, lo: number, hi: number, where: string, what: string): void {
  for (let k = 0; k < a.length; k++) {
    const v = a[k]!;
    if (!(v >= lo && v < hi)) throw new DataError(`Expected ${what} in [${lo}, ${hi}) in ${where} but received ${v} at position ${k}`);
  }
}

/** Every value finite (no NaN or ±Inf); `cols` turns the flat position into (row, column). */
export function checkFinite(a: Float32Array, where: string, what: string, cols?: number): void {
  for (let k = 0; k < a.length; k++) {
    const v = a[k]!;
    if (v - v !== 0) {
      const pos = cols ? `position ${k} (row ${Math.floor(k / cols)}, column ${k % cols})` : `position ${k}`;
      throw new DataError(`Expected finite ${what} in ${where} but received ${v} at ${pos}`);
    }
  }
}

/** CSR row pointers: `rows + 1` entries, starting at 0, non-decreasing, ending at `nnz`. */
export function checkIndptr(indptr: Int32Array, rows: number, nnz: number, where: string): void {
  if (indptr.length !== rows + 1) throw new DataError(`Expected ${rows + 1} row pointers (rows + 1) in ${where} but received ${indptr.length}`);
  if (indptr[0] !== 0) throw new DataError(`Expected the first row pointer in ${where} to be 0 but received ${indptr[0]} at position 0`);
  for (let k = 1; k <= rows; k++) {
    if (!(indptr[k]! >= indptr[k - 1]!)) {
      throw new DataError(`Expected non-decreasing row pointers in ${where} but received ${indptr[k]} after ${indptr[k - 1]} at position ${k}`);
    }
  }
  if (indptr[rows] !== nnz) throw new DataError(`Expected the last row pointer in ${where} to equal the ${nnz} stored entries but received ${indptr[rows]} at position ${rows}`);
}

/**
 * Class labels: integers in 0..C−1, where C is the number of distinct labels present, with at least
 * `minClasses` (default 2) classes. C is therefore bounded by the node count and by the labels
 * themselves: a gap in the class ids (labels {0, 1, 5}) or one stray huge id would otherwise make
 * numClasses max + 1, and all-equal labels (all 3) would look like 4 classes and give a 100 % probe.
 * Non-contiguous label sets are refused rather than remapped, so class ids in results keep meaning
 * what the file says. Returns C.
 */
export function checkLabels(labels: ArrayLike<number>, where: string, minClasses = 2): number {
  const n = labels.length;
  const seen = new Uint8Array(n);
  let distinct = 0;
  for (let k = 0; k < n; k++) {
    const v = labels[k]!;
    if (!(Number.isInteger(v) && v >= 0)) throw new DataError(`Expected non-negative integer class labels in ${where} but received ${v} at position ${k}`);
    if (v >= n) throw new DataError(`Expected class labels in [0, ${n}) (fewer classes than the ${n} nodes) in ${where} but received ${v} at position ${k}`);
    if (!seen[v]) {
      seen[v] = 1;
      distinct++;
    }
  }
  for (let k = 0; k < n; k++) {
    const v = labels[k]!;
    if (v >= distinct) {
      let missing = 0;
      while (seen[missing]) missing++;
      throw new DataError(
        `Expected class labels 0..${distinct - 1} (the ${distinct} distinct labels present, every class id used) in ${where} but received ${v} at position ${k} while class ${missing} has no node`,
      );
    }
  }
  if (distinct < minClasses) {
    throw new DataError(`Expected at least ${minClasses} distinct class labels in ${where} but received ${distinct === 0 ? "none (no nodes)" : `only class ${labels[0]} for all ${n} nodes`}`);
  }
  return distinct;
}

/** Labels as Int32Array after {@link checkLabels}. */
export function labelsToInt32(labels: ArrayLike<number>, where: string, minClasses = 2): { labels: Int32Array; numClasses: number } {
  const numClasses = checkLabels(labels, where, minClasses);
  return { labels: labels instanceof Int32Array ? labels : Int32Array.from(labels), numClasses };
}

/**
 * Edge weights: finite and in (0, {@link MAX_EDGE_WEIGHT}]. A zero or negative weight has no meaning
 * in the GCN normalization D^-1/2 A D^-1/2 (a negative degree has no square root), and weights
 * near float32's limit (3e38) overflow the degree sums to Infinity.
 */
export function checkWeights(w: Float32Array, where: string): void {
  for (let k = 0; k < w.length; k++) {
    const v = w[k]!;
    if (!(v > 0 && v <= MAX_EDGE_WEIGHT)) throw new DataError(`Expected edge weights in (0, ${MAX_EDGE_WEIGHT.toExponential()}] in ${where} but received ${v} at position ${k}`);
  }
}

/** The largest accepted edge weight: sums of up to 2^31 of them stay far below float32's 3.4e38. */
export const MAX_EDGE_WEIGHT = 1e20;

/** The largest node count: node ids are int32 and CSR row pointers need N + 1 entries. */
export const MAX_NODES = 2147483646;
