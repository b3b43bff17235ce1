/**
 * Free functions over tensors: joining, selection and the NN functional ops (as torch.nn.functional).
 *
 * @example
 * ```ts
 * import { randn, tensor, crossEntropy, cosineSimilarity } from "werank-native";
 * const logits = randn([4, 3], { requiresGrad: true });
 * const loss = crossEntropy(logits, tensor(new Int32Array([0, 2, 1, 1])));
 * const sim = cosineSimilarity(randn([4, 8]), randn([4, 8]));   // shape [4]
 * ```
 */
import { ArgumentError } from "../errors.js";
import { N, type H } from "../native/addon.js";
import { full } from "./creation.js";
import { Tensor, th, thOpt } from "./Tensor.js";

type T = Tensor;

export type Reduction = "none" | "mean" | "sum";
const RED: Record<Reduction, number> = { none: 0, mean: 1, sum: 2 };
function red(r: Reduction): number {
  const c = RED[r];
  if (c === undefined) throw new ArgumentError(`Unknown reduction '${String(r)}'. Valid choices: none, mean, sum`);
  return c;
}

function handles(ts: readonly T[], op: string): H[] {
  if (!Array.isArray(ts) || ts.length === 0) throw new ArgumentError(`${op}: expected a non-empty array of tensors`);
  return ts.map((t) => th(t, op));
}

/** Concatenates along an existing dim. */
export function cat(tensors: readonly T[], dim = 0): T {
  return new Tensor(N.cat(handles(tensors, "cat"), dim));
}
/** Stacks along a new dim. */
export function stack(tensors: readonly T[], dim = 0): T {
  return new Tensor(N.stack(handles(tensors, "stack"), dim));
}
/** `a` where `cond` (bool) is true, else `b`; either branch may be a number (two numbers give float32, as tensor() does). */
export function where(cond: T, a: T | number, b: T | number): T {
  const c = th(cond, "where");
  if (typeof a !== "number" && typeof b !== "number") return new Tensor(N.where(c, th(a, "where"), th(b, "where")));
  if (typeof a !== "number") return new Tensor(N.whereScalar(c, th(a, "where"), b as number));
  if (typeof b !== "number") {
    const notC = cond.logicalNot();
    try {
      return new Tensor(N.whereScalar(notC._h, th(b, "where"), a));
    } finally {
      notC.dispose();
    }
  }
  const fa = full(cond.shape, a);
  try {
    return new Tensor(N.whereScalar(c, fa._h, b));
  } finally {
    fa.dispose();
  }
}
export function matmul(a: T, b: T): T {
  return a.matmul(b);
}
/** beta * bias + alpha * (a @ b). */
export function addmm(bias: T, a: T, b: T, beta = 1, alpha = 1): T {
  return new Tensor(N.addmm(th(bias, "addmm"), th(a, "addmm"), th(b, "addmm"), beta, alpha));
}
export function softmax(x: T, dim: number): T {
  return x.softmax(dim);
}
export function logSoftmax(x: T, dim: number): T {
  return x.logSoftmax(dim);
}
/** Cross-entropy of logits [N, C] against class indices [N] (int32/int64). */
export function crossEntropy(logits: T, target: T, options: { reduction?: Reduction; labelSmoothing?: number } = {}): T {
  return new Tensor(N.crossEntropy(th(logits, "crossEntropy"), th(target, "crossEntropy"), red(options.reduction ?? "mean"), options.labelSmoothing ?? 0));
}
/** Negative log-likelihood of log-probabilities [N, C] against class indices [N]. */
export function nllLoss(logProbs: T, target: T, reduction: Reduction = "mean"): T {
  return new Tensor(N.nllLoss(th(logProbs, "nllLoss"), th(target, "nllLoss"), red(reduction)));
}
export function mseLoss(a: T, b: T, reduction: Reduction = "mean"): T {
  return new Tensor(N.mseLoss(th(a, "mseLoss"), th(b, "mseLoss"), red(reduction)));
}
/** Binary cross-entropy on logits (multi-label); targets in [0, 1] of the same shape. */
export function binaryCrossEntropyWithLogits(logits: T, targets: T, reduction: Reduction = "mean"): T {
  return new Tensor(N.binaryCrossEntropyWithLogits(th(logits, "binaryCrossEntropyWithLogits"), th(targets, "binaryCrossEntropyWithLogits"), red(reduction)));
}
/** Cosine similarity along `dim` (broadcasting): a·b / max(||a|| ||b||, eps). */
export function cosineSimilarity(a: T, b: T, dim = 1, eps = 1e-8): T {
  return new Tensor(N.cosineSimilarity(th(a, "cosineSimilarity"), th(b, "cosineSimilarity"), dim, eps));
}
/** x / max(||x||_p, eps) along `dim`. */
export function normalize(x: T, p = 2, dim = 1, eps = 1e-12): T {
  return x.normalize(p, dim, eps);
}
/** Inverted dropout: zeroes entries with probability p and scales the rest by 1/(1-p) when training. */
export function dropout(x: T, p = 0.5, training = true): T {
  return new Tensor(N.dropout(th(x, "dropout"), p, training));
}
export interface BatchNormOptions {
  runningMean?: T | null;
  runningVar?: T | null;
  weight?: T | null;
  bias?: T | null;
  training?: boolean;
  /** PyTorch semantics: running = (1 - momentum) * running + momentum * batch. */
  momentum?: number;
  eps?: number;
}
/** Batch normalization over dim 1 of [N, C, ...]; updates the running statistics in place when training. */
export function batchNorm(x: T, o: BatchNormOptions = {}): T {
  return new Tensor(
    N.batchNorm(
      th(x, "batchNorm"),
      thOpt(o.runningMean, "batchNorm"),
      thOpt(o.runningVar, "batchNorm"),
      thOpt(o.weight, "batchNorm"),
      thOpt(o.bias, "batchNorm"),
      o.training ?? true,
      o.momentum ?? 0.1,
      o.eps ?? 1e-5,
    ),
  );
}
/** Layer normalization over the trailing `normalizedShape` dims. */
export function layerNorm(x: T, normalizedShape: readonly number[], weight?: T | null, bias?: T | null, eps = 1e-5): T {
  return new Tensor(N.layerNorm(th(x, "layerNorm"), normalizedShape, thOpt(weight, "layerNorm"), thOpt(bias, "layerNorm"), eps));
}
/** x W^T + b with W of shape [out, in]. */
export function linear(x: T, weight: T, bias?: T | null): T {
  return new Tensor(N.linear(th(x, "linear"), th(weight, "linear"), thOpt(bias, "linear")));
}
