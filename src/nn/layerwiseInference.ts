/**
 * Layer-wise inference of a {@link GraphEncoder} over a whole graph in chunks of nodes, as PyG's
 * `inference` for neighbour-sampled models: for layer l and each chunk of target nodes, the chunk's
 * one-hop neighbourhood with ALL neighbours (fanout -1, {@link sampleNeighbors}) is cut out, layer l's
 * conv runs on it from the previous layer's full output, and the chunk's rows are kept; the layer's
 * norm and activation then run on the whole [N, d] output. The result belongs to the caller's tidy()
 * scope like any op's; intermediates are freed as soon as they are used. Peak memory is a few [N, d] layer outputs
 * plus one chunk's neighbourhood, never the L-hop neighbourhood of a node or autograd's saved tensors.
 *
 * The result equals `encoder.forward(x, graph)` in evaluation mode (up to float summation order):
 * a chunk row of a conv sees exactly its in-neighbours (GAT's softmax and SAGE's mean are per target),
 * except for GCN's symmetric normalization, which needs the degrees of the neighbours too: the
 * subgraph's own degrees are those of the sample (its last-hop nodes have none), so GCN layers
 * aggregate with the full graph's D^-1/2 instead:
 *
 *   (Â h)_i = d_i^-1/2 (sum_j A_ij d_j^-1/2 h_j + d_i^-1/2 h_i),   d = row sums of A + I (full graph)
 *
 * and norms act on the whole layer output, so even a graph-wise LayerNorm gives the full-graph value.
 * Call it without autograd and in evaluation mode (BatchNorm running statistics, no dropout).
 *
 * Shapes: graph N nodes with features [N, F] (dense or sparse) -> [N, representationDim].
 *
 * @example
 * ```ts
 * encoder.train(false);
 * const h = noGrad(() => layerwiseInference(encoder, dg, { chunkSize: 4096 }));   // [N, d], equals encoder.forward(dg.features, dg)
 * ```
 */
import { ArgumentError } from "../errors.js";
import type { DeviceGraph } from "../graph/DeviceGraph.js";
import type { GraphOps } from "../graph/GraphOps.js";
import { type SampledSubgraph, sampleNeighbors } from "../graph/sampleNeighbors.js";
import { ones } from "../tensor/creation.js";
import { cat } from "../tensor/functional.js";
import type { Tensor } from "../tensor/Tensor.js";
import { tidy } from "../tensor/tidy.js";
import type { GraphEncoder } from "./GraphEncoder.js";

export interface LayerwiseInferenceOptions {
  /** Target nodes per chunk (default 4096). */
  chunkSize?: number;
}

/** A sampled one-hop neighbourhood whose gcn() uses the full graph's degrees (see the module comment). */
class FullDegreeOps implements GraphOps {
  readonly numNodes: number;
  constructor(
    private readonly sub: SampledSubgraph,
    private readonly dinv: Tensor | undefined,
  ) {
    this.numNodes = sub.numNodes;
  }
  gcn(x: Tensor): Tensor {
    const s = this.dinv!.indexSelect(0, this.sub.nodes);
    const xs = x.mul(s);
    return this.sub.graph.sum(xs).add(xs).mul(s);
  }
  mean(x: Tensor): Tensor {
    return this.sub.graph.mean(x);
  }
  edges(selfLoops: boolean): { src: Tensor; dst: Tensor } {
    return this.sub.graph.edges(selfLoops);
  }
}

/** The encoder's output for every node of `graph` (its features as input), layer by layer in chunks; see the module comment. */
export function layerwiseInference(encoder: GraphEncoder, graph: DeviceGraph, options: LayerwiseInferenceOptions = {}): Tensor {
  const chunk = options.chunkSize ?? 4096;
  if (!Number.isSafeInteger(chunk) || chunk < 1) throw new ArgumentError(`layerwiseInference: expected chunkSize to be a positive integer but received ${String(chunk)}`);
  if (graph.features === undefined) throw new ArgumentError("layerwiseInference: the graph has no features");
  const n = graph.numNodes;
  const { dtype, type } = encoder.spec;
  // Full-graph D^-1/2 [N, 1] (self-loops included), for GCN layers only.
  const dinv =
    type === "gcn"
      ? tidy(() =>
          graph
            .sum(ones([n, 1], { dtype, device: graph.device }))
            .add(1)
            .rsqrt(),
        )
      : undefined;
  let h: Tensor | undefined;
  try {
    for (let l = 0; l < encoder.convs.length; l++) {
      const parts: Tensor[] = [];
      try {
        for (let start = 0; start < n; start += chunk) {
          const seeds = Int32Array.from({ length: Math.min(chunk, n - start) }, (_, k) => start + k);
          parts.push(layerChunk(encoder, graph, l, h, seeds, dinv));
        }
        const pre = parts.length === 1 ? parts[0]! : tidy(() => cat(parts, 0));
        if (pre !== parts[0]) parts.forEach((t) => t.dispose());
        const prev = h;
        h = tidy(() => encoder.activate(l, pre));
        if (h !== pre) pre.dispose();
        prev?.dispose();
      } catch (e) {
        parts.forEach((t) => t.dispose());
        throw e;
      }
    }
    return h!;
  } catch (e) {
    h?.dispose();
    throw e;
  } finally {
    dinv?.dispose();
  }
}

/** Layer l's conv output for the target nodes `seeds` [seeds.length, d_l], from the previous output `h` (undefined: the features). */
function layerChunk(encoder: GraphEncoder, graph: DeviceGraph, l: number, h: Tensor | undefined, seeds: Int32Array, dinv: Tensor | undefined): Tensor {
  // An MLP's layers ignore the graph: zero hops give just the chunk's rows.
  const sub = sampleNeighbors(graph, seeds, encoder.spec.type === "mlp" ? [] : [-1], { seed: 0, features: h === undefined });
  try {
    return tidy(() => {
      const input = h === undefined ? sub.graph.features! : h.indexSelect(0, sub.nodes);
      // A copy, not a view: the view would keep the whole neighbourhood's output alive until the cat.
      return encoder.conv(l, input, new FullDegreeOps(sub, dinv)).narrow(0, 0, seeds.length).clone();
    });
  } finally {
    sub.dispose();
  }
}
