/**
 * Singular-value spectra of embeddings and weights (DESIGN D7). Many matrices are decomposed in one
 * native call that stacks the matrices of one shape into a single batched decomposition
 * (native/linalg/spectra.cc); the values come back as float64 host arrays, sorted descending.
 *
 * A matrix X of shape [N, D] has min(N, D) singular values s_i. With `center`, each column's mean
 * is subtracted first, so s_i^2 / (N - 1) are the eigenvalues of the covariance matrix.
 * Tall or wide matrices (one side at least twice the other) are decomposed through their Gram
 * matrix in float64: values are accurate to about 1e-8 * s_max, below the resolution of float32 data.
 *
 * @example
 * ```ts
 * import { randn, spectrum, covarianceSpectrum } from "werank-native";
 * const z = randn([1000, 64]);
 * spectrum(z);             // Float64Array(64), descending
 * covarianceSpectrum(z);   // eigenvalues of the covariance, about 1 each
 * ```
 */
import { ArgumentError } from "../errors.js";
import { loadNative } from "../native/addon.js";
import { Tensor, th } from "../tensor/Tensor.js";

/** A matrix, or its singular values (a 1-d tensor or a host array). */
export type SpectrumInput = Tensor | ArrayLike<number>;

export interface SpectrumOptions {
  /** Subtract each column's mean first (covariance spectrum). Default false. */
  center?: boolean;
  /** l2-normalize each row first (SVMax's embedding). Default false. */
  rowNormalize?: boolean;
}

/** Number of singular values of a matrix-shaped tensor (dims after the first are flattened). */
export function spectrumLength(shape: readonly number[]): number {
  const rows = shape[0] ?? 0;
  const cols = shape.slice(1).reduce((a, b) => a * b, 1);
  return Math.min(rows, cols);
}

/**
 * Singular values of several matrices in one native call (one batched decomposition per shape).
 * @example spectra([w1, w2, w3])  // [Float64Array, Float64Array, Float64Array]
 */
export function spectra(xs: readonly Tensor[], options: SpectrumOptions = {}): Float64Array[] {
  if (!Array.isArray(xs) || xs.length === 0) throw new ArgumentError("spectra: expected a non-empty array of tensors");
  const N = loadNative();
  const hs = xs.map((x, i) => th(x, `spectra (tensor ${i})`));
  const h = N.spectraByShape(hs, options.center ?? false, options.rowNormalize ?? false);
  let flat: Float64Array;
  try {
    flat = N.toTypedArray(h) as Float64Array;
  } finally {
    N.dispose(h);
  }
  const out: Float64Array[] = [];
  let pos = 0;
  for (const x of xs) {
    const len = spectrumLength(x.shape);
    out.push(flat.slice(pos, pos + len));
    pos += len;
  }
  return out;
}

/**
 * Singular values (descending) of a matrix [N, D] (more dims are flattened to [N, -1]).
 * @example spectrum(z, { center: true })
 */
export function spectrum(x: Tensor, options: SpectrumOptions = {}): Float64Array {
  return spectra([x], options)[0]!;
}

/** Eigenvalues (descending) of the covariance of the rows of x [N, D]: s_i^2 / (N - 1) of the centred x. */
export function covarianceSpectrum(x: Tensor): Float64Array {
  const n = x.shape[0] ?? 0;
  if (n < 2) throw new ArgumentError(`covarianceSpectrum: expected at least 2 rows but received shape [${x.shape.join(", ")}]`);
  return spectrum(x, { center: true }).map((s) => (s * s) / (n - 1));
}

/**
 * The singular values behind a metric: a 2-d tensor is decomposed (with the options), a 1-d tensor
 * or a host array is taken as singular values already. Negative or non-finite values are rejected.
 */
export function singularValuesOf(x: SpectrumInput, options: SpectrumOptions = {}, op = "spectrum"): Float64Array {
  let s: Float64Array;
  if (x instanceof Tensor) {
    if (x.ndim >= 2) return spectrum(x, options);
    if (x.ndim !== 1) throw new ArgumentError(`${op}: expected a matrix or a 1-d tensor of singular values but received shape [${x.shape.join(", ")}]`);
    s = Float64Array.from(x.toTypedArray() as ArrayLike<number>);
  } else if (x !== null && typeof x === "object" && typeof (x as ArrayLike<number>).length === "number") {
    s = Float64Array.from(x);
  } else {
    throw new ArgumentError(`${op}: expected a Tensor or an array of singular values but received ${typeof x}`);
  }
  for (let i = 0; i < s.length; i++) {
    if (!(s[i]! >= 0) || !Number.isFinite(s[i]!)) throw new ArgumentError(`${op}: expected non-negative finite singular values but value ${i} is ${s[i]}`);
  }
  return s;
}
