/**
 * What message-passing layers need from a graph (the contract between src/nn and src/graph).
 * {@link DeviceGraph} implements it with native CSR kernels; tests may implement it with a dense
 * adjacency matrix.
 *
 * @example
 * ```ts
 * const h = graph.gcn(x.matmul(w));     // Â (X W), Â = D^-1/2 (A + I) D^-1/2
 * ```
 */
import type { Tensor } from "../tensor/Tensor.js";

export interface GraphOps {
  readonly numNodes: number;
  /** Â X with Â = D^-1/2 (A + I) D^-1/2 (GCN), differentiable w.r.t. X. X: [numNodes, F] -> [numNodes, F]. */
  gcn(x: Tensor): Tensor;
  /** Mean over in-neighbours, D^-1 A X (rows of isolated nodes are 0), differentiable w.r.t. X. */
  mean(x: Tensor): Tensor;
  /**
   * Edge list as int64 tensors [E]: message from `src` to `dst` (CSR row = dst, column = src),
   * with one self-loop per node appended when `selfLoops` (GAT). Cached; do not dispose.
   */
  edges(selfLoops: boolean): { src: Tensor; dst: Tensor };
}

/**
 * Node features that are not a dense tensor (bag-of-words rows are ~1% dense). Layers multiply
 * them by a weight first: `features.matmul(w)` for w [cols, out], differentiable w.r.t. w.
 */
export interface SparseRows {
  readonly kind: "sparse";
  readonly rows: number;
  readonly cols: number;
  /** this @ w, w: [cols, out] -> [rows, out]. */
  matmul(w: Tensor): Tensor;
  /** A dense copy [rows, cols]. */
  toDense(): Tensor;
}

/** Input of a first encoder layer: dense [N, F] tensor or sparse rows. */
export type NodeInput = Tensor | SparseRows;

export function isSparseRows(x: unknown): x is SparseRows {
  return typeof x === "object" && x !== null && (x as SparseRows).kind === "sparse";
}
