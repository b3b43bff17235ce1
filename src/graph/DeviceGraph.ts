/**
 * A graph on a device (DESIGN D6): CSR adjacency on the CPU or a CUDA device, node features dense or
 * sparse, and the native kernels message passing needs — implements {@link GraphOps}.
 *
 * - `gcn(x)`  = Â x with Â = D^-1/2 (A + I) D^-1/2, D = row sums of A + I (Kipf & Welling, GCN);
 * - `mean(x)` = D^-1 A x (rows of isolated nodes are 0);
 * - `sum(x)`  = A x.
 * A row of the CSR is a destination node, its columns the source nodes; x is [numNodes, F] (float32
 * or float64) and the products are differentiable w.r.t. x through LibTorch's autograd (backward
 * through the cached transpose; after edge dropping the adjacency is not symmetric). Normalizations
 * and the transpose are computed once per graph and freed with it.
 *
 * `augment()` makes one view per native call (BGRL, Thakoor et al. 2022): each stored directed edge is
 * dropped with probability `edgeDrop` (as PyG's dropout_adj) and the kept graph is GCN-renormalized
 * with self-loops; feature columns are zeroed with probability `featureMask` (one mask for all nodes)
 * and entries with probability `featureDropout`. The random decisions come from a key drawn from a
 * {@link Generator} and are counter-based, so a view depends only on the generator's state: not on the
 * device or the number of threads.
 *
 * @example
 * ```ts
 * import { DeviceGraph, Generator, loadDataset, randn, tidy } from "werank-native";
 * const g = DeviceGraph.fromGraph(await loadDataset("cora", { dataDir: "data" }), { device: "cpu" });
 * const gen = new Generator(0);
 * const view = g.augment({ edgeDrop: 0.2, featureMask: 0.3 }, gen);
 * const w = randn([g.numFeatures, 64], { requiresGrad: true });
 * const h = tidy(() => view.gcn(view.features.matmul(w)).relu());   // features: Tensor or SparseRows
 * view.dispose();
 * g.dispose();
 * ```
 */
import { ArgumentError, DataError, closest } from "../errors.js";
import { type GraphHandle, loadNative, N, NO_TENSOR, type TensorHandle } from "../native/addon.js";
import { deviceCode, deviceName, type Device } from "../tensor/device.js";
import { dtypeCode } from "../tensor/dtype.js";
import type { Generator } from "../tensor/Generator.js";
import { Tensor, th } from "../tensor/Tensor.js";
import { keep } from "../tensor/tidy.js";
import type { Features, Graph } from "./Graph.js";
import { type GraphOps, isSparseRows, type NodeInput } from "./GraphOps.js";
import { csrArrays, KIND, SparseId } from "./nativeSparse.js";
import { SparseFeatures } from "./SparseFeatures.js";

export type FloatDType = "float32" | "float64";

export interface DeviceGraphOptions {
  /** Where the graph lives (default "cpu"). */
  device?: Device;
  /** Dtype of dense features and of the normalization computed eagerly by augment() (default float32). */
  dtype?: FloatDType;
  /** "auto" keeps the features' own format; "dense" turns CSR features into a dense tensor. */
  features?: "auto" | "dense";
}

export interface AugmentOptions {
  /** Probability of dropping each stored (directed) edge; the kept graph is renormalized. Default 0. */
  edgeDrop?: number;
  /** Probability of zeroing each feature column, one mask for all nodes (BGRL). Default 0. */
  featureMask?: number;
  /** Probability of zeroing each feature entry independently (not rescaled). Default 0. */
  featureDropout?: number;
}

const AUGMENT_KEYS = ["edgeDrop", "featureMask", "featureDropout"];
/** The config's names for the same options (augment.dropEdge / dropFeature), a likely mix-up. */
const CONFIG_NAMES: Record<string, string> = { dropEdge: "edgeDrop", dropFeature: "featureMask" };

/** An unknown option would be ignored silently (its probability read as 0): refused with a did-you-mean. */
function checkAugmentKeys(options: AugmentOptions): void {
  if (options === null || typeof options !== "object") throw new ArgumentError(`augment: expected an options object but received ${String(options)}`);
  for (const k of Object.keys(options)) {
    if (AUGMENT_KEYS.includes(k)) continue;
    const guess = CONFIG_NAMES[k] ?? closest(k, AUGMENT_KEYS);
    throw new ArgumentError(`augment: unknown option '${k}'${guess ? ` (did you mean '${guess}'?)` : ""}; valid options: ${AUGMENT_KEYS.join(", ")}`);
  }
}

function prob(x: number | undefined, name: string): number {
  const p = x ?? 0;
  if (typeof p !== "number" || !(p >= 0 && p <= 1)) throw new ArgumentError(`augment: expected ${name} in [0, 1] but received ${String(x)}`);
  return p;
}

export class DeviceGraph implements GraphOps {
  readonly numNodes: number;
  readonly device: Device;
  readonly dtype: FloatDType;
  /** Node features on the device, owned by the graph (freed by dispose()); undefined when built without. */
  readonly features: NodeInput | undefined;
  readonly #h: SparseId;
  #edges: [Tensor, Tensor] | undefined;
  #edgesLoops: [Tensor, Tensor] | undefined;

  /** Stored (directed) adjacency entries; a symmetric graph stores each undirected edge twice. */
  readonly numEdges: number;

  /** @internal adopts a native graph id (of `numNodes` nodes and `numEdges` entries on `device`) and features it owns. */
  constructor(id: GraphHandle, numNodes: number, numEdges: number, device: Device, dtype: FloatDType, features: NodeInput | undefined) {
    this.#h = new SparseId(id, this, "DeviceGraph");
    this.numNodes = numNodes;
    this.numEdges = numEdges;
    this.device = device;
    this.dtype = dtype;
    this.features = features;
  }

  /**
   * Copies a host {@link Graph} (adjacency, optional edge weights, features) to `device` in one go.
   * The CSR is validated (ERR_DATA names the array and the first bad position).
   */
  static fromGraph(graph: Graph, options: DeviceGraphOptions = {}): DeviceGraph {
    if (graph === null || typeof graph !== "object" || !(graph.indptr instanceof Int32Array)) {
      throw new ArgumentError("DeviceGraph.fromGraph: expected a Graph (as returned by loadDataset) with Int32Array indptr/indices");
    }
    return DeviceGraph.fromCsr(graph.numNodes, graph.indptr, graph.indices, { ...options, weights: graph.weights, nodeFeatures: graph.features });
  }

  /** A graph from CSR arrays (row = destination, columns = sources); directed graphs are fine. */
  static fromCsr(numNodes: number, indptr: Int32Array, indices: Int32Array, options: DeviceGraphOptions & { weights?: Float32Array; nodeFeatures?: Features } = {}): DeviceGraph {
    const Nn = loadNative();
    if (!Number.isSafeInteger(numNodes) || numNodes < 0) throw new ArgumentError(`DeviceGraph: expected a non-negative node count but received ${numNodes}`);
    const device = options.device ?? "cpu";
    const dtype = options.dtype ?? "float32";
    if (dtype !== "float32" && dtype !== "float64") throw new ArgumentError(`DeviceGraph: expected dtype float32 or float64 but received ${String(dtype)}`);
    let features: NodeInput | undefined;
    const f = options.nodeFeatures;
    if (f !== undefined) {
      if (f.rows !== numNodes) throw new DataError(`Expected ${numNodes} feature rows (one per node) but received ${f.rows}`);
      if (f.kind === "csr" && options.features !== "dense") {
        features = SparseFeatures.fromCsr(f, { device });
      } else {
        features = keep(f.kind === "csr" ? denseFromCsr(f, dtype, device) : denseTensor(f.data, [f.rows, f.cols], dtype, device));
      }
    }
    let id: GraphHandle;
    try {
      id = Nn.sparseFromCsr(numNodes, numNodes, indptr, indices, options.weights ?? null, deviceCode(device), true);
    } catch (e) {
      disposeFeatures(features);
      throw e;
    }
    return new DeviceGraph(id, numNodes, indices.length, deviceName(deviceCode(device)), dtype, features);
  }

  /** @internal the native id. */
  get _id(): GraphHandle {
    return this.#h.id;
  }

  /** True when the adjacency (with its weights) is symmetric; augmented views usually are not. */
  get symmetric(): boolean {
    return N.sparseInfo(this.#h.id).symmetric;
  }

  /** Number of feature columns (0 without features). */
  get numFeatures(): number {
    const f = this.features;
    return f === undefined ? 0 : isSparseRows(f) ? f.cols : f.shape[1]!;
  }

  /** Â x with Â = D^-1/2 (A + I) D^-1/2; x [numNodes, F] -> [numNodes, F], differentiable w.r.t. x. */
  gcn(x: Tensor): Tensor {
    return new Tensor(N.sparseMatmul(this.#h.id, KIND.gcn, th(x, "gcn")));
  }

  /** D^-1 A x, the mean over in-neighbours (isolated nodes give 0 rows), differentiable w.r.t. x. */
  mean(x: Tensor): Tensor {
    return new Tensor(N.sparseMatmul(this.#h.id, KIND.mean, th(x, "mean")));
  }

  /** A x, the (weighted) sum over in-neighbours, differentiable w.r.t. x. */
  sum(x: Tensor): Tensor {
    return new Tensor(N.sparseMatmul(this.#h.id, KIND.raw, th(x, "sum")));
  }

  /**
   * Edge list as int64 tensors [E] (message from src to dst; CSR row = dst), with one self-loop per
   * node appended when `selfLoops`. Cached and owned by the graph: do not dispose.
   */
  edges(selfLoops: boolean): { src: Tensor; dst: Tensor } {
    let e = selfLoops ? this.#edgesLoops : this.#edges;
    if (e === undefined || e[0].isDisposed || e[1].isDisposed) {
      const [s, d] = N.graphEdges(this.#h.id, selfLoops);
      e = [keep(new Tensor(s)), keep(new Tensor(d))];
      if (selfLoops) this.#edgesLoops = e;
      else this.#edges = e;
    }
    return { src: e[0], dst: e[1] };
  }

  /** The dense matrix [numNodes, numNodes]: A ("adjacency"), Â ("gcn") or D^-1 A ("mean"). For tests and small graphs. */
  toDense(kind: "adjacency" | "gcn" | "mean" = "adjacency", dtype: FloatDType = this.dtype): Tensor {
    const k = kind === "adjacency" ? KIND.raw : kind === "gcn" ? KIND.gcn : kind === "mean" ? KIND.mean : -1;
    if (k < 0) throw new ArgumentError(`toDense: expected "adjacency", "gcn" or "mean" but received ${String(kind)}`);
    return new Tensor(N.sparseToDense(this.#h.id, k, dtypeCode(dtype)));
  }

  /** Host copies of the CSR (for a view: the kept edges). */
  csr(): { indptr: Int32Array; indices: Int32Array; weights?: Float32Array } {
    const a = csrArrays(this.#h.id);
    return a.values === undefined ? { indptr: a.indptr, indices: a.indices } : { indptr: a.indptr, indices: a.indices, weights: a.values };
  }

  /**
   * One augmented view in one native call: a new DeviceGraph (edges dropped, GCN normalization of the
   * kept graph precomputed) whose `features` are this graph's features masked. The view owns them:
   * dispose the view after the step. Same generator state, same view.
   */
  augment(options: AugmentOptions, generator: Generator): DeviceGraph {
    checkAugmentKeys(options);
    const pEdge = prob(options.edgeDrop, "edgeDrop");
    const pCol = prob(options.featureMask, "featureMask");
    const pEntry = prob(options.featureDropout, "featureDropout");
    const f = this.features;
    const [kind, ref] = f === undefined ? [0, NO_TENSOR] : isSparseRows(f) ? [2, (f as SparseFeatures)._id] : [1, th(f, "augment")];
    const [gid, fout, nnz] = N.graphAugment(this.#h.id, generator._id, pEdge, kind, ref, pCol, pEntry, dtypeCode(this.dtype));
    // The view's sizes are known here: no further native calls (a view is one call).
    const features = kind === 0 ? undefined : kind === 1 ? keep(new Tensor(fout as TensorHandle)) : (f as SparseFeatures)._derived(fout as GraphHandle);
    return new DeviceGraph(gid, this.numNodes, nnz, this.device, this.dtype, features);
  }

  get isDisposed(): boolean {
    return this.#h.released;
  }

  /** Frees the graph, its caches, its cached edge lists and its features (idempotent). */
  dispose(): void {
    if (this.#h.released) return;
    for (const e of [this.#edges, this.#edgesLoops]) e?.forEach((t) => t.dispose());
    this.#edges = this.#edgesLoops = undefined;
    disposeFeatures(this.features);
    this.#h.release();
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}

function disposeFeatures(f: NodeInput | undefined): void {
  if (f === undefined) return;
  if (isSparseRows(f)) (f as SparseFeatures).dispose();
  else f.dispose();
}

function denseTensor(data: Float32Array, shape: number[], dtype: FloatDType, device: Device): Tensor {
  if (data.length !== shape[0]! * shape[1]!) throw new DataError(`Expected ${shape[0]! * shape[1]!} dense feature values (${shape[0]} x ${shape[1]}) but received ${data.length}`);
  return new Tensor(N.fromData(data, shape, dtypeCode(dtype), deviceCode(device), false));
}

function denseFromCsr(f: Extract<Features, { kind: "csr" }>, dtype: FloatDType, device: Device): Tensor {
  const s = SparseFeatures.fromCsr(f, { device });
  try {
    return s.toDense(dtype);
  } finally {
    s.dispose();
  }
}
