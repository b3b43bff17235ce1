/**
 * Neighbour sampling for mini-batch training (GraphSAGE, Hamilton et al. 2017; what PyG's
 * `NeighborLoader` does): around a batch of seed nodes, hop h draws up to `fanouts[h]` in-neighbours
 * of every node first reached in the previous hop (the seeds for hop 0), uniformly without
 * replacement; all of them when the degree is at most the fanout or the fanout is -1. One native call
 * (native/graph/neighbor_sampler.cc; CUDA kernels for a graph on a GPU) returns a {@link SampledSubgraph}:
 *
 * - `nodes` int64 [numNodes]: global ids; rows 0..numSeeds-1 are the seeds in input order, then each
 *   node the first time it is drawn (hop by hop);
 * - `graph` a {@link DeviceGraph} over local ids 0..numNodes-1 with the sampled edges, oriented as every
 *   DeviceGraph: row = destination (the node whose neighbours were drawn), columns = the drawn
 *   neighbours. Messages flow from a sampled neighbour to its target (PyG's edge_index convention),
 *   so `graph.gcn(x)` / `mean` / `sum` aggregate each node's sampled in-neighbours, with x gathered as
 *   features[nodes]. Rows of the nodes first reached in the last hop are empty; edge weights are kept;
 * - `edgeIds` int64 [numEdges]: each sampled edge's position in the source graph's CSR (PyG's e_id).
 *
 * Determinism: a node's draws depend only on (seed, hop, global node id), through the counter-based
 * RNG the augmentations use, so a seed gives the same subgraph with any number of threads and on CPU
 * and CUDA alike. A node in two batches with the same seed gets the same neighbours: draw a new seed
 * per batch (`generator` does). Seeds must be distinct node ids.
 *
 * Errors: ERR_INDEX for a seed outside [0, numNodes), ERR_ARGUMENT for no seeds, repeated seeds,
 * a fanout that is not a positive integer or -1, not exactly one of `seed` and `generator`, an
 * unknown option, or `features: true` on a graph without features; ERR_DTYPE / ERR_SHAPE for a seed tensor that is not an integer vector.
 *
 * @example
 * ```ts
 * import { DeviceGraph, loadDataset, sampleNeighbors, type Tensor } from "werank-native";
 * const g = DeviceGraph.fromGraph(await loadDataset("coauthor-cs", { dataDir: "data" }));
 * const batch = sampleNeighbors(g, Int32Array.of(0, 17, 42), [15, 10], { seed: 1 });
 * console.log(batch.numSeeds, batch.numNodes, batch.numEdges); // 3, then the sampled 2-hop neighbourhood
 * // Features of the sampled nodes (global ids, seeds first), one mean aggregation over the sampled edges:
 * const h = batch.graph.mean((g.features as Tensor).indexSelect(0, batch.nodes)); // rows 0..2: the seeds
 * batch.dispose();
 * ```
 */
import { ArgumentError, closest, IndexError } from "../errors.js";
import { type GeneratorHandle, type GraphHandle, N, NO_GENERATOR, type TensorHandle } from "../native/addon.js";
import { deviceCode } from "../tensor/device.js";
import type { Generator } from "../tensor/Generator.js";
import { tensor } from "../tensor/creation.js";
import { Tensor, th } from "../tensor/Tensor.js";
import { keep } from "../tensor/tidy.js";
import { DeviceGraph } from "./DeviceGraph.js";
import { isSparseRows, type NodeInput } from "./GraphOps.js";
import { SparseFeatures } from "./SparseFeatures.js";

export interface SampleNeighborsOptions {
  /** The 64-bit seed of the draws (a safe integer or a bigint): same seed, same sample. */
  seed?: number | bigint;
  /** Draws the seed from this generator instead (and advances it): a new sample per call. */
  generator?: Generator;
  /**
   * Also gather `graph.features` for the sampled nodes onto the subgraph (`batch.graph.features`,
   * rows aligned with `nodes`), so `batch.graph.augment(...)` and the encoders run on it as on a full
   * graph: dense features with one index_select on the device, sparse ones with
   * {@link SparseFeatures.selectRows}. Default false.
   */
  features?: boolean;
}

/** The result of {@link sampleNeighbors}; owns its graph and tensors (dispose() frees them). */
export class SampledSubgraph {
  /** Sampled edges over local ids (row = target, columns = its sampled in-neighbours). */
  readonly graph: DeviceGraph;
  /** Global node id of each local id, int64 [numNodes]; the seeds first. */
  readonly nodes: Tensor;
  /** Position of each sampled edge in the source graph's CSR, int64 [numEdges], aligned with graph's CSR. */
  readonly edgeIds: Tensor;
  /** The seeds are local ids 0..numSeeds-1. */
  readonly numSeeds: number;
  readonly numNodes: number;
  readonly numEdges: number;
  /** numSeeds, then the nodes first reached at each hop (PyG's num_sampled_nodes). */
  readonly numSampledNodes: readonly number[];
  /** The edges drawn at each hop (PyG's num_sampled_edges); they are stored in this order. */
  readonly numSampledEdges: readonly number[];

  /** @internal */
  constructor(graph: DeviceGraph, nodes: Tensor, edgeIds: Tensor, numSampledNodes: number[], numSampledEdges: number[]) {
    this.graph = graph;
    this.nodes = nodes;
    this.edgeIds = edgeIds;
    this.numSeeds = numSampledNodes[0]!;
    this.numNodes = graph.numNodes;
    this.numEdges = graph.numEdges;
    this.numSampledNodes = numSampledNodes;
    this.numSampledEdges = numSampledEdges;
  }

  get isDisposed(): boolean {
    return this.graph.isDisposed;
  }

  /** Frees the subgraph and its tensors (idempotent). */
  dispose(): void {
    this.graph.dispose();
    this.nodes.dispose();
    this.edgeIds.dispose();
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}

const INT32_MAX = 2147483647;
const OPTION_KEYS = ["seed", "generator", "features"];

/** The seed as two unsigned 32-bit halves (any integer, reduced modulo 2^64). */
function seedHalves(seed: number | bigint): [number, number] {
  if (typeof seed === "number" && !Number.isSafeInteger(seed)) throw new ArgumentError(`sampleNeighbors: expected an integer seed but received ${seed}`);
  if (typeof seed !== "number" && typeof seed !== "bigint") throw new ArgumentError(`sampleNeighbors: expected a number or bigint seed but received ${typeof seed}`);
  const s = BigInt.asUintN(64, BigInt(seed));
  return [Number(s >> 32n), Number(s & 0xffffffffn)];
}

function seedArg(seeds: Int32Array | readonly number[] | Tensor, numNodes: number): Int32Array | TensorHandle {
  if (seeds instanceof Int32Array) return seeds;
  if (seeds instanceof Tensor) return th(seeds, "sampleNeighbors");
  if (!Array.isArray(seeds)) throw new ArgumentError("sampleNeighbors: expected seeds as an Int32Array, an array of node ids or an integer tensor");
  seeds.forEach((v, k) => {
    if (!Number.isInteger(v)) throw new ArgumentError(`sampleNeighbors: expected integer node ids but seed ${k} is ${String(v)}`);
    // Checked here: Int32Array.from would wrap ids past 2^31 into range.
    if (v < 0 || v >= numNodes) throw new IndexError(`sampleNeighbors: seed ${k} is node ${v} but the graph has nodes 0..${numNodes - 1}`);
  });
  return Int32Array.from(seeds);
}

/**
 * Samples the `fanouts.length`-hop neighbourhood of `seeds` in `graph` (see the module comment):
 * `fanouts[h]` in-neighbours per node at hop h, -1 for all of them; no fanouts (zero hops) gives the
 * seeds alone without edges (an MLP encoder's batch) and draws nothing. `options.seed` or
 * `options.generator` fixes the draws.
 */
export function sampleNeighbors(graph: DeviceGraph, seeds: Int32Array | readonly number[] | Tensor, fanouts: readonly number[], options: SampleNeighborsOptions): SampledSubgraph {
  if (!(graph instanceof DeviceGraph)) throw new ArgumentError("sampleNeighbors: expected a DeviceGraph (DeviceGraph.fromGraph / fromCsr)");
  if (!Array.isArray(fanouts)) throw new ArgumentError("sampleNeighbors: expected fanouts as an array of counts, one per hop (-1 = all neighbours)");
  fanouts.forEach((f, h) => {
    if (!Number.isInteger(f) || Math.abs(f) > INT32_MAX) throw new ArgumentError(`sampleNeighbors: expected each fanout to be a positive count or -1 (all neighbours) but fanout ${h} is ${String(f)}`);
  });
  if (options === null || typeof options !== "object") throw new ArgumentError(`sampleNeighbors: expected an options object ({ seed } or { generator }) but received ${String(options)}`);
  for (const k of Object.keys(options)) {
    if (OPTION_KEYS.includes(k)) continue;
    const guess = closest(k, OPTION_KEYS);
    throw new ArgumentError(`sampleNeighbors: unknown option '${k}'${guess ? ` (did you mean '${guess}'?)` : ""}; valid options: ${OPTION_KEYS.join(", ")}`);
  }
  const { seed, generator } = options;
  if (options.features !== undefined && typeof options.features !== "boolean")
    throw new ArgumentError(`sampleNeighbors: expected options.features to be true or false but received ${String(options.features)}`);
  if (options.features === true && graph.features === undefined)
    throw new ArgumentError("sampleNeighbors: options.features is true but the graph has no features (build it with DeviceGraph.fromGraph from a graph that has them)");
  if ((seed === undefined) === (generator === undefined)) throw new ArgumentError("sampleNeighbors: expected exactly one of options.seed and options.generator");
  const [hi, lo] = seed === undefined ? [0, 0] : seedHalves(seed);
  if (fanouts.length === 0) return seedsAlone(graph, seeds, options.features === true);
  const gen: GeneratorHandle = generator === undefined ? NO_GENERATOR : generator._id;
  const [gid, nodes, edgeIds, numNodes, numEdges, hopNodes, hopEdges] = N.graphSampleNeighbors(graph._id, seedArg(seeds, graph.numNodes), Int32Array.from(fanouts), gen, hi, lo);
  // The sizes come back with the ids: building the result needs no further native call.
  const ids = keep(new Tensor(nodes));
  let features: NodeInput | undefined;
  try {
    features = options.features === true ? gatherFeatures(graph, ids) : undefined;
  } catch (e) {
    ids.dispose();
    N.sparseDispose(gid);
    N.dispose(edgeIds);
    throw e;
  }
  const sub = new DeviceGraph(gid, numNodes, numEdges, graph.device, graph.dtype, features);
  return new SampledSubgraph(sub, ids, keep(new Tensor(edgeIds)), hopNodes, hopEdges);
}

/** Zero hops: the seeds without edges (what an MLP encoder's mini-batch needs); nothing is drawn. */
function seedsAlone(graph: DeviceGraph, seeds: Int32Array | readonly number[] | Tensor, features: boolean): SampledSubgraph {
  const arg = seedArg(seeds, graph.numNodes);
  const ids = arg instanceof Int32Array ? arg : Int32Array.from((seeds as Tensor).toTypedArray() as ArrayLike<number | bigint>, Number);
  if (ids.length === 0) throw new ArgumentError("sampleNeighbors: expected at least one seed");
  const seen = new Uint8Array(graph.numNodes);
  ids.forEach((v, k) => {
    if (!(v >= 0 && v < graph.numNodes)) throw new IndexError(`sampleNeighbors: seed ${k} is node ${v} but the graph has nodes 0..${graph.numNodes - 1}`);
    if (seen[v]) throw new ArgumentError(`sampleNeighbors: seed ${k} repeats node ${v}; seeds must be distinct`);
    seen[v] = 1;
  });
  const k = ids.length;
  const nodes = keep(
    tensor(
      BigInt64Array.from(ids, (v) => BigInt(v)),
      { device: graph.device },
    ),
  );
  const edgeIds = keep(tensor(new BigInt64Array(0), { device: graph.device }));
  let gid: GraphHandle | undefined;
  try {
    gid = N.sparseFromCsr(k, k, new Int32Array(k + 1), new Int32Array(0), null, deviceCode(graph.device), true);
    const sub = new DeviceGraph(gid, k, 0, graph.device, graph.dtype, features ? gatherFeatures(graph, nodes) : undefined);
    return new SampledSubgraph(sub, nodes, edgeIds, [k], []);
  } catch (e) {
    if (gid !== undefined) N.sparseDispose(gid);
    nodes.dispose();
    edgeIds.dispose();
    throw e;
  }
}

/** The rows `nodes` of the graph's features (see SampleNeighborsOptions.features). */
function gatherFeatures(graph: DeviceGraph, nodes: Tensor): NodeInput {
  const f = graph.features!;
  if (f instanceof SparseFeatures) return f.selectRows(nodes);
  if (isSparseRows(f)) throw new ArgumentError("sampleNeighbors: options.features needs dense features or SparseFeatures");
  return keep(f.indexSelect(0, nodes));
}
