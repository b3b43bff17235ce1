/**
 * Alignment matrices between consecutive layers (Jing, Vincent, LeCun, Tian, "Understanding
 * Dimensional Collapse in Contrastive Self-supervised Learning", ICLR 2022, Theorem 2 and Fig. 5).
 * For consecutive weights W_l [out_l, in_l] and W_{l+1} [out_{l+1}, out_l] (torch.nn.Linear layout,
 * z = W_{l+1} W_l x) with SVDs W_l = U_l S_l V_l^T,
 *
 *     A = V_{l+1}^T U_l     shape [min(out_{l+1}, out_l), min(out_l, in_l)]
 *
 * the right singular vectors of the next layer against the left singular vectors of this one. The
 * paper shows A converges to the identity during training (the layers align). The sign of each
 * singular pair is fixed (largest-magnitude entry of u_i, resp. v_i, positive), so a layer aligned
 * with itself is exactly I: when V_{l+1} = U_l, e.g. alignment(W, W^T) = U^T U = I.
 * With repeated singular values the singular vectors are only defined up to a rotation of their
 * subspace; A is then orthogonal within that block rather than diagonal.
 *
 * @example
 * ```ts
 * import { randn, alignmentMatrix, alignmentSummary } from "werank-native";
 * const w = randn([16, 16]);
 * alignmentMatrix(w, w.t());       // identity (up to rounding)
 * ```
 */
import { ArgumentError } from "../errors.js";
import { loadNative, type TensorHandle } from "../native/addon.js";
import { type Tensor, th } from "../tensor/Tensor.js";

/** A dense host matrix, row-major. */
export interface HostMatrix {
  rows: number;
  cols: number;
  data: Float64Array;
}

function toHost(h: TensorHandle): HostMatrix {
  const N = loadNative();
  try {
    const [rows, cols] = N.shape(h) as [number, number];
    return { rows, cols, data: N.toTypedArray(h) as Float64Array };
  } finally {
    N.dispose(h);
  }
}

/** Alignment matrices of a chain of layers [W_0, W_1, ...]: L - 1 matrices, one native call. */
export function alignmentChain(weights: readonly Tensor[]): HostMatrix[] {
  if (!Array.isArray(weights) || weights.length < 2) throw new ArgumentError("alignmentChain: expected an array of at least 2 weight matrices");
  const N = loadNative();
  const hs = N.alignmentChain(weights.map((w, i) => th(w, `alignmentChain (tensor ${i})`)));
  return hs.map(toHost);
}

/** A = V_{l+1}^T U_l for W_l = `w` and W_{l+1} = `next` (weights [out, in]). */
export function alignmentMatrix(w: Tensor, next: Tensor): HostMatrix {
  return alignmentChain([w, next])[0]!;
}

export interface AlignmentSummary {
  /** Mean |A_ii| over the diagonal (1 = perfectly aligned). */
  diagonalAbsMean: number;
  /** Share of the squared Frobenius norm on the diagonal, sum_i A_ii^2 / ||A||_F^2 (1 = diagonal). */
  diagonalEnergy: number;
}

/** Scalars that say how close an alignment matrix is to the identity. */
export function alignmentSummary(a: HostMatrix): AlignmentSummary {
  const k = Math.min(a.rows, a.cols);
  let diagAbs = 0;
  let diagSq = 0;
  let total = 0;
  for (let i = 0; i < a.data.length; i++) total += a.data[i]! * a.data[i]!;
  for (let i = 0; i < k; i++) {
    const v = a.data[i * a.cols + i]!;
    diagAbs += Math.abs(v);
    diagSq += v * v;
  }
  return { diagonalAbsMean: k > 0 ? diagAbs / k : 0, diagonalEnergy: total > 0 ? diagSq / total : 0 };
}

/** Nested arrays of a host matrix (for JSON), or of its leading `block` x `block` corner. */
export function hostMatrixToArray(a: HostMatrix, block = Infinity): number[][] {
  const rows = Math.min(a.rows, block);
  const cols = Math.min(a.cols, block);
  const out: number[][] = [];
  for (let r = 0; r < rows; r++) out.push(Array.from(a.data.subarray(r * a.cols, r * a.cols + cols)));
  return out;
}
