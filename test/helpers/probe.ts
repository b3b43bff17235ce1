/**
 * A tiny ridge-regression classifier in float64 TS (one-vs-all least squares on one-hot targets,
 * solved by Cholesky) and GCN propagation Â X with Â = D^-1/2 (A + I) D^-1/2, for tests that need
 * to show that a graph carries signal without the native addon.
 */
import type { Graph } from "../../src/graph/Graph.js";
import { randn, tensor, tidy, type Tensor } from "../../src/index.js";
import { createRng } from "../../src/data/rng.js";

/** Â X for dense X [n, F] (row-major). */
export function gcnPropagate(g: Graph, x: ArrayLike<number>, F: number): Float64Array {
  const n = g.numNodes;
  const out = new Float64Array(n * F);
  const dinv = new Float64Array(n);
  for (let i = 0; i < n; i++) dinv[i] = 1 / Math.sqrt(g.indptr[i + 1]! - g.indptr[i]! + 1);
  for (let i = 0; i < n; i++) {
    const self = dinv[i]! * dinv[i]!;
    for (let k = 0; k < F; k++) out[i * F + k]! += self * x[i * F + k]!;
    for (let p = g.indptr[i]!; p < g.indptr[i + 1]!; p++) {
      const j = g.indices[p]!;
      const w = dinv[i]! * dinv[j]!;
      for (let k = 0; k < F; k++) out[i * F + k]! += w * x[j * F + k]!;
    }
  }
  return out;
}

/** Test accuracy of a ridge classifier (with bias, penalty lambda on weights) fit on `train`. */
export function ridgeAccuracy(x: ArrayLike<number>, F: number, labels: Int32Array, C: number, train: Int32Array, test: Int32Array, lambda = 1): number {
  const D = F + 1;
  const A = new Float64Array(D * D);
  const B = new Float64Array(D * C);
  const row = new Float64Array(D);
  for (const i of train) {
    for (let a = 0; a < F; a++) row[a] = x[i * F + a]!;
    row[F] = 1;
    for (let a = 0; a < D; a++) {
      for (let b = 0; b < D; b++) A[a * D + b]! += row[a]! * row[b]!;
      B[a * C + labels[i]!]! += row[a]!;
    }
  }
  for (let a = 0; a < F; a++) A[a * D + a]! += lambda;
  const L = new Float64Array(D * D);
  for (let i = 0; i < D; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * D + j]!;
      for (let k = 0; k < j; k++) s -= L[i * D + k]! * L[j * D + k]!;
      L[i * D + j] = i === j ? Math.sqrt(Math.max(s, 1e-12)) : s / L[j * D + j]!;
    }
  }
  const W = new Float64Array(D * C);
  const y = new Float64Array(D);
  for (let c = 0; c < C; c++) {
    for (let i = 0; i < D; i++) {
      let s = B[i * C + c]!;
      for (let k = 0; k < i; k++) s -= L[i * D + k]! * y[k]!;
      y[i] = s / L[i * D + i]!;
    }
    for (let i = D - 1; i >= 0; i--) {
      let s = y[i]!;
      for (let k = i + 1; k < D; k++) s -= L[k * D + i]! * W[k * C + c]!;
      W[i * C + c] = s / L[i * D + i]!;
    }
  }
  let correct = 0;
  for (const i of test) {
    let best = -1;
    let bestScore = -Infinity;
    for (let c = 0; c < C; c++) {
      let s = W[F * C + c]!;
      for (let a = 0; a < F; a++) s += x[i * F + a]! * W[a * C + c]!;
      if (s > bestScore) {
        bestScore = s;
        best = c;
      }
    }
    if (best === labels[i]) correct++;
  }
  return correct / test.length;
}

/** Gaussian blobs: class k has mean `sep` on coordinate k (n nodes, d features, k classes). */
export function blobs(n: number, d: number, k: number, sep: number, seed: number): { x: Tensor; y: Int32Array } {
  const rng = createRng(seed);
  const y = Int32Array.from({ length: n }, () => rng.int(k));
  const means = new Float32Array(n * d);
  for (let i = 0; i < n; i++) means[i * d + y[i]!] = sep;
  return { x: tidy(() => randn([n, d]).add(tensor(means, { shape: [n, d] }))), y };
}

/** Fisher-Yates with the protocols' own generator (mirrors crossValidatedProbe's and graceProbe's shuffle). */
export function shuffled(ids: Int32Array, seed: number): Int32Array {
  const rng = createRng(seed);
  const p = Int32Array.from(ids);
  for (let i = p.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [p[i], p[j]] = [p[j]!, p[i]!];
  }
  return p;
}

/** Rows of `val` whose one-vs-rest prediction {k : w_k.x + b_k > 0} (l2-normalized x) is exactly {label}, from one fit's coefficients (plain loops). */
export function subsetCorrect(xs: Float32Array, d: number, y: Int32Array, val: Int32Array, coef: { classes: number; weight: Float64Array; intercept: Float64Array }): number {
  let ok = 0;
  for (const i of val) {
    let norm = 0;
    for (let j = 0; j < d; j++) norm += xs[i * d + j]! ** 2;
    norm = Math.max(Math.sqrt(norm), 1e-12);
    let exact = true;
    for (let k = 0; k < coef.classes; k++) {
      let z = coef.intercept[k]!;
      for (let j = 0; j < d; j++) z += (coef.weight[k * d + j]! * xs[i * d + j]!) / norm;
      if (z > 0 !== (y[i] === k)) exact = false;
    }
    if (exact) ok++;
  }
  return ok;
}
