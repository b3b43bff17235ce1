/**
 * Lifetime of native graph / sparse-matrix ids (native/graph/sparse.h): GraphHandles into the native
 * handle table, which the native side tells from tensor handles. The owning JS object frees its id with dispose(); a
 * FinalizationRegistry is only a safety net (DESIGN D3).
 */
import { DisposedError } from "../errors.js";
import { type GraphHandle, N } from "../native/addon.js";

const registry = new FinalizationRegistry<GraphHandle>((id) => {
  if (N !== undefined) N.sparseDispose(id);
});

/** Product kinds shared with native/graph/sparse.h. */
export const KIND = { raw: 0, gcn: 1, mean: 2 } as const;

/** One native id owned by one JS object. */
export class SparseId {
  #id: GraphHandle;
  readonly #what: string;

  constructor(id: GraphHandle, owner: object, what: string) {
    this.#id = id;
    this.#what = what;
    registry.register(owner, id, this);
  }

  /** The id; throws ERR_DISPOSED once released. */
  get id(): GraphHandle {
    if (this.#id < 0) throw new DisposedError(`Expected a live ${this.#what} but it was disposed`);
    return this.#id;
  }

  get released(): boolean {
    return this.#id < 0;
  }

  /** Frees the native object now (idempotent). */
  release(): void {
    if (this.#id < 0) return;
    registry.unregister(this);
    N.sparseDispose(this.#id);
    this.#id = -1 as GraphHandle;
  }
}

/** Host copies of a native CSR: indptr, indices and the values when stored. */
export function csrArrays(id: GraphHandle): { indptr: Int32Array; indices: Int32Array; values?: Float32Array } {
  const [hp, hi, hv] = N.sparseCsr(id);
  try {
    const out: { indptr: Int32Array; indices: Int32Array; values?: Float32Array } = {
      indptr: N.toTypedArray(hp) as Int32Array,
      indices: N.toTypedArray(hi) as Int32Array,
    };
    if (hv >= 0) out.values = N.toTypedArray(hv) as Float32Array;
    return out;
  } finally {
    N.disposeMany(Int32Array.from([hp, hi, hv].filter((h) => h >= 0)));
  }
}

/** Live graph / sparse objects and the bytes their tensors and caches hold (tests check it returns to baseline). */
export function graphMemory(): { objects: number; bytes: number } {
  return N.sparseStats();
}
