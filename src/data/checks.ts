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

/** Class labels: non-negative integers. Returns numClasses = max + 1 (0 for no nodes). */
export function checkLabels(labels: ArrayLike<number>, where: string): number {
  let max = -1;
  for (let k = 0; k < labels.length; k++) {
    const v = labels[k]!;
    if (!(Number.isInteger(v) && v >= 0)) throw new DataError(`Expected non-negative integer class labels in ${where} but received ${v} at position ${k}`);
    if (v > max) max = v;
  }
  return max + 1;
}

/** Labels as Int32Array after {@link checkLabels}. */
export function labelsToInt32(labels: ArrayLike<number>, where: string): { labels: Int32Array; numClasses: number } {
  const numClasses = checkLabels(labels, where);
  if (numClasses > 2147483647) throw new DataError(`Expected class labels in int32 range in ${where} but the largest is ${numClasses - 1}`);
  return { labels: labels instanceof Int32Array ? labels : Int32Array.from(labels), numClasses };
}
