/**
 * Sparse node features on a device ({@link SparseRows}): bag-of-words rows are ~1% dense (Coauthor CS:
 * 0.9%), so a first layer multiplies them by its weight natively, X W with X in CSR, differentiable
 * w.r.t. W (backward: X^T dL/dY through the cached transpose of X).
 *
 * @example
 * ```ts
 * import { SparseFeatures, randn } from "werank-native";
 * const x = SparseFeatures.fromCsr(graph.features);            // graph.features.kind === "csr"
 * const w = randn([x.cols, 256], { requiresGrad: true });
 * const h = x.matmul(w);                                       // [rows, 256]
 * ```
 */
import { ArgumentError, IndexError } from "../errors.js";
import { type GraphHandle, loadNative, N } from "../native/addon.js";
import { deviceCode, deviceName, type Device } from "../tensor/device.js";
import { dtypeCode, type DType } from "../tensor/dtype.js";
import { Tensor, th } from "../tensor/Tensor.js";
import type { CsrFeatures } from "./Graph.js";
import type { SparseRows } from "./GraphOps.js";
import { csrArrays, KIND, SparseId } from "./nativeSparse.js";

export class SparseFeatures implements SparseRows {
  readonly kind = "sparse" as const;
  readonly rows: number;
  readonly cols: number;
  /** Stored entries. */
  readonly nnz: number;
  readonly device: Device;
  readonly #h: SparseId;
  /** Host copy of the CSR for {@link selectRows}. */
  #host: { indptr: Int32Array; indices: Int32Array; data: Float32Array } | undefined;

  /** @internal adopts a native sparse id of the given sizes. */
  constructor(id: GraphHandle, i: { rows: number; cols: number; nnz: number; device: Device }) {
    this.#h = new SparseId(id, this, "SparseFeatures");
    this.rows = i.rows;
    this.cols = i.cols;
    this.nnz = i.nnz;
    this.device = i.device;
  }

  /** @internal a masked copy made natively: same sizes and structure as this one. */
  _derived(id: GraphHandle): SparseFeatures {
    return new SparseFeatures(id, { rows: this.rows, cols: this.cols, nnz: this.nnz, device: this.device });
  }

  /** Copies host CSR features to `device` (validated: ERR_DATA names the bad array and position). */
  static fromCsr(features: CsrFeatures, options: { device?: Device } = {}): SparseFeatures {
    if (features?.kind !== "csr") throw new ArgumentError(`SparseFeatures.fromCsr: expected CSR features ({ kind: "csr", ... }) but received kind ${String(features?.kind)}`);
    const device = options.device ?? "cpu";
    const id = loadNative().sparseFromCsr(features.rows, features.cols, features.indptr, features.indices, features.data, deviceCode(device), false);
    return new SparseFeatures(id, { rows: features.rows, cols: features.cols, nnz: features.indices.length, device: deviceName(deviceCode(device)) });
  }

  /** @internal the native id. */
  get _id(): GraphHandle {
    return this.#h.id;
  }

  /** this @ w for w [cols, out] (float32 or float64) -> [rows, out], differentiable w.r.t. w. */
  matmul(w: Tensor): Tensor {
    return new Tensor(N.sparseMatmul(this.#h.id, KIND.raw, th(w, "SparseFeatures.matmul")));
  }

  /** A dense copy [rows, cols]. */
  toDense(dtype: DType = "float32"): Tensor {
    return new Tensor(N.sparseToDense(this.#h.id, KIND.raw, dtypeCode(dtype)));
  }

  /** Host copies of the CSR arrays (values after masking, for augmented views). */
  csr(): { indptr: Int32Array; indices: Int32Array; data: Float32Array } {
    const a = csrArrays(this.#h.id);
    return { indptr: a.indptr, indices: a.indices, data: a.values ?? new Float32Array(a.indices.length).fill(1) };
  }

  /**
   * The rows `rows` (in that order) as new sparse features on the same device: the rows of a
   * neighbour-sampled subgraph. Gathered from a host copy of the CSR made on the first call and kept
   * with this object (bag-of-words features are small: Coauthor CS's 1.1M entries take 9 MB).
   */
  selectRows(rows: Int32Array | BigInt64Array): SparseFeatures {
    const a = (this.#host ??= this.csr());
    const n = rows.length;
    const indptr = new Int32Array(n + 1);
    for (let k = 0; k < n; k++) {
      const r = Number(rows[k]);
      if (!(Number.isInteger(r) && r >= 0 && r < this.rows)) throw new IndexError(`SparseFeatures.selectRows: row ${k} is ${r} but the features have rows 0..${this.rows - 1}`);
      indptr[k + 1] = indptr[k]! + a.indptr[r + 1]! - a.indptr[r]!;
    }
    const indices = new Int32Array(indptr[n]!);
    const data = new Float32Array(indptr[n]!);
    for (let k = 0; k < n; k++) {
      const r = Number(rows[k]);
      indices.set(a.indices.subarray(a.indptr[r], a.indptr[r + 1]), indptr[k]);
      data.set(a.data.subarray(a.indptr[r], a.indptr[r + 1]), indptr[k]);
    }
    return SparseFeatures.fromCsr({ kind: "csr", rows: n, cols: this.cols, indptr, indices, data }, { device: this.device });
  }

  get isDisposed(): boolean {
    return this.#h.released;
  }

  /** Frees the native matrix and its caches (idempotent). */
  dispose(): void {
    this.#host = undefined;
    this.#h.release();
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}
