/**
 * Spectra of every weight matrix of a model, with the per-layer WERank term, in one native call that
 * stacks the weights of each shape into one batched decomposition (native/linalg/spectra.cc).
 *
 * Weights use the torch.nn.Linear layout [out, in] (y = W x); tensors with more dims are flattened
 * to [size(0), -1]; 1-d tensors (biases, PReLU slopes) have no spectrum and are skipped.
 *
 * WERank term (Saheb Pasand, Moravej, Biparva, Ghodsi, "WERank: Towards Rank Degradation Prevention
 * for Self-Supervised Learning Using Weight Regularization"), per layer ||G - I||_F (or its square)
 * for the Gram matrix G the regularizer trains (src/regularizers/werank.ts: by default the smaller of
 * W W^T and W^T W; `gram: "wtw"` the paper's literal W^T W [in, in]). From the singular values
 * s_1..s_r, r = min(out, in): G [k, k] has eigenvalues s_i^2 and k - r zeros, so
 *
 *     ||G - I||_F = sqrt( sum_i (s_i^2 - 1)^2 + (k - r) ),
 *
 * no extra matrix products needed; with the same options it equals the trained term exactly.
 *
 * @example
 * ```ts
 * import { weightSpectra } from "werank-native";
 * for (const w of weightSpectra(model.namedParameters())) console.log(w.name, w.effectiveRank, w.werank);
 * ```
 */
import { ArgumentError } from "../errors.js";
import { checkGram, type WERankGram } from "../regularizers/werank.js";
import { Tensor } from "../tensor/Tensor.js";
import { effectiveRank } from "./effectiveRank.js";
import { spectra } from "./spectrum.js";

/** Named weights: an object (insertion order), a Map, or [name, tensor] pairs. Order = layer order. */
export type NamedWeights = Readonly<Record<string, Tensor>> | ReadonlyMap<string, Tensor> | readonly (readonly [string, Tensor])[];

export interface WeightSpectrum {
  name: string;
  shape: number[];
  /** Singular values, descending. */
  singularValues: Float64Array;
  effectiveRank: number;
  /** ||G - I||_F (or squared) of the matrix, G as the options choose (default: the smaller Gram matrix). */
  werank: number;
}

/** Normalizes the accepted forms of named weights into [name, tensor] pairs, checking each is a Tensor. */
export function namedWeightList(weights: NamedWeights, op: string): [string, Tensor][] {
  let pairs: [string, Tensor][];
  if (Array.isArray(weights)) pairs = (weights as readonly (readonly [string, Tensor])[]).map(([n, t]) => [n, t]);
  else if (weights instanceof Map) pairs = [...weights.entries()];
  else if (weights !== null && typeof weights === "object") pairs = Object.entries(weights as Record<string, Tensor>);
  else throw new ArgumentError(`${op}: expected named weights (an object, a Map or [name, tensor] pairs)`);
  for (const [n, t] of pairs) {
    if (!(t instanceof Tensor)) throw new ArgumentError(`${op}: expected a Tensor for weight '${n}'`);
  }
  return pairs;
}

/** How the logged WERank term is formed: as the regularizer (src/regularizers/werank.ts) trains it. */
export interface WERankTermOptions {
  /** ||G - I||_F^2 instead of ||G - I||_F (default false). */
  squared?: boolean;
  /** "smaller" (default), "wtw" (W^T W [in, in]) or "wwt" (W W^T [out, out]). */
  gram?: WERankGram;
}

/** ||G - I||_F (or its square) of a weight of this shape ([out, in, ...] acts as [out, in * ...]) from its singular values. */
export function werankFromSingularValues(s: ArrayLike<number>, shape: readonly number[], options: WERankTermOptions = {}): number {
  const out = shape[0] ?? 0;
  const inDim = shape.slice(1).reduce((a, b) => a * b, 1);
  const gram = checkGram(options.gram ?? "smaller");
  const size = gram === "wtw" ? inDim : gram === "wwt" ? out : Math.min(out, inDim);
  let acc = Math.max(0, size - s.length);
  for (let i = 0; i < s.length; i++) {
    const e = s[i]! * s[i]! - 1;
    acc += e * e;
  }
  return options.squared ? acc : Math.sqrt(acc);
}

/**
 * Singular values, effective rank and WERank term (with `options`) of every matrix among the named
 * weights (1-d tensors are skipped). One native call in all.
 */
export function weightSpectra(weights: NamedWeights, options: WERankTermOptions = {}): WeightSpectrum[] {
  const mats = namedWeightList(weights, "weightSpectra").filter(([, t]) => t.ndim >= 2);
  if (mats.length === 0) return [];
  const ss = spectra(mats.map(([, t]) => t));
  return mats.map(([name, t], i) => {
    const shape = [...t.shape];
    const s = ss[i]!;
    return { name, shape, singularValues: s, effectiveRank: effectiveRank(s), werank: werankFromSingularValues(s, shape, options) };
  });
}
