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
import { ArgumentError } from "../errors.js";
import { type GraphHandle, loadNative, N } from "../native/addon.js";
import { deviceCode, deviceName, type Device } from "../tensor/device.js";
import { dtypeCode, type DType } from "../tensor/dtype.js";
import { tensor } from "../tensor/creation.js";
import { Tensor, th } from "../tensor/Tensor.js";
import { tidy } from "../tensor/tidy.js";
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
   * neighbour-sampled subgraph. One native call gathers them with tensor ops on the features' device
   * (no host copy); a row outside 0..rows-1 is `ERR_INDEX`.
   *
   * @example
   * ```ts
   * const sub = features.selectRows(batch.nodes);   // the sampled nodes' rows, in their order
   * ```
   */
  selectRows(rows: Int32Array | BigInt64Array | Tensor): SparseFeatures {
    const select = (t: Tensor): [GraphHandle, number] => N.sparseSelectRows(this.#h.id, th(t, "SparseFeatures.selectRows"));
    const [id, nnz] = rows instanceof Tensor ? select(rows) : tidy(() => select(tensor(rows)));
    const n = rows instanceof Tensor ? rows.shape[0]! : rows.length;
    return new SparseFeatures(id, { rows: n, cols: this.cols, nnz, device: this.device });
  }

  get isDisposed(): boolean {
    return this.#h.released;
  }

  /** Frees the native matrix and its caches (idempotent). */
  dispose(): void {
    this.#h.release();
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}
