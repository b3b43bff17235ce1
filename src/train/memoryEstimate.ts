/**
 * The peak memory of a full-batch training step, estimated before the run starts, and the check that
 * refuses a run that cannot fit (ERR_OUT_OF_MEMORY with the estimate and the mini-batch flags to use
 * instead) rather than letting the allocator or the kernel's OOM killer end it hours later.
 *
 * The estimate (bytes; b = bytes per float, N nodes, E stored edges, F features, d_l layer widths):
 *
 *   graph        3 x [(N + 1) x 8 + E x (12 + 2b)]      the graph and both views: CSR, weights,
 *                                                        GCN values and the transposed copy backward uses
 *   features     3 x N x F x b (dense) or 3 x 2 x nnz x 8 (CSR, with its transpose)
 *   activations  2 views x [online: 4 N sum_l d_l + target: 2 N max_l d_l + heads: 2 N sum_h h]
 *                (saved for backward: projection, aggregation, norm, activation of each encoder
 *                layer; linear output and activation of each head layer)
 *   backward     the gradients of one view's online activations (alive while autograd walks back)
 *   loss         10 N^2 b for InfoNCE objectives (GRACE, DirectCLR: N x N similarities, their
 *                exponentials and gradients, both directions)
 *   parameters   P x b x (1 weights + 1 gradients + 2 Adam moments) + P_target x b
 *
 * It is an estimate of the order of magnitude (LibTorch frees some intermediates early and keeps
 * allocator caches), meant to catch runs that are several times too large, not to plan to the MB.
 *
 * @example
 * ```ts
 * const est = estimateFullBatchMemory({ numNodes: 2_449_029, numEdges: 123_718_280, numFeatures: 100, denseFeatures: true, featureNnz: 0,
 *   bytesPerFloat: 4, layers: [256, 256], heads: [512], target: true, infoNCE: false, parameters: 500_000, targetParameters: 100_000 });
 * est.bytes / 2 ** 30;   // 93.8 (GiB): refused on a 24 GiB machine
 * ```
 */
import fs from "node:fs";
import os from "node:os";
import { memoryAvailableOverride } from "../env.js";
import { OutOfMemoryError } from "../errors.js";
import type { Config } from "../experiment/config.js";
import type { Graph } from "../graph/Graph.js";

/** What the estimate needs to know of a run. */
export interface FullBatchMemoryInput {
  numNodes: number;
  /** Stored (directed) adjacency entries. */
  numEdges: number;
  numFeatures: number;
  /** Features stored dense on the device (else CSR with featureNnz entries). */
  denseFeatures: boolean;
  featureNnz: number;
  bytesPerFloat: number;
  /** Encoder layer widths. */
  layers: readonly number[];
  /** Hidden and output widths of the heads (predictor, projector). */
  heads: readonly number[];
  /** An EMA target encoder (BGRL, RDM on BGRL). */
  target: boolean;
  /** An N x N InfoNCE loss (GRACE, DirectCLR). */
  infoNCE: boolean;
  /** Trainable parameters. */
  parameters: number;
  /** Parameters of the EMA target (not trained). */
  targetParameters: number;
}

export interface MemoryEstimate {
  /** The estimated peak, bytes. */
  bytes: number;
  /** The parts of the estimate, bytes (see the module comment). */
  parts: { graph: number; features: number; activations: number; backward: number; loss: number; parameters: number };
}

const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);

/** The estimated peak memory of one full-batch step (see the module comment). Pure. */
export function estimateFullBatchMemory(i: FullBatchMemoryInput): MemoryEstimate {
  const { numNodes: n, numEdges: e, bytesPerFloat: b } = i;
  const graph = 3 * ((n + 1) * 8 + e * (12 + 2 * b));
  const features = i.denseFeatures ? 3 * n * i.numFeatures * b : 3 * 2 * i.featureNnz * 8;
  const online = 4 * n * sum(i.layers) * b;
  const perView = online + (i.target ? 2 * n * Math.max(...i.layers) * b : 0) + 2 * n * sum(i.heads) * b;
  const activations = 2 * perView;
  const backward = online;
  const loss = i.infoNCE ? 10 * n * n * b : 0;
  const parameters = i.parameters * b * 4 + i.targetParameters * b;
  const parts = { graph, features, activations, backward, loss, parameters };
  return { bytes: sum(Object.values(parts)), parts };
}

/** Weights and biases of a stack of dense layers of these widths. */
const denseParameters = (dims: readonly number[]): number => sum(dims.slice(1).map((d, k) => (dims[k]! + 1) * d));

/** The estimate's input for a config and its graph. */
export function fullBatchMemoryInput(config: Config, graph: Graph): FullBatchMemoryInput {
  const { encoder: enc, objective: o, dataset } = config;
  const f = graph.features;
  const d = enc.layers.at(-1)!;
  const heads: number[] =
    o.name === "bgrl" || o.name === "simsiam"
      ? [o.predictorHidden, d, ...(o.name === "simsiam" && o.projectorHidden ? [o.projectorHidden, o.projectorHidden] : [])]
      : o.name === "grace"
        ? [o.projectorHidden ?? d, o.projectorHidden ?? d]
        : (o.name === "vicreg" || o.name === "barlow") && o.projectorHidden
          ? [o.projectorHidden, o.projectorHidden]
          : o.name === "rdm" && o.rdmPredictorHidden > 0
            ? [o.rdmPredictorHidden, d]
            : [];
  const encoderParameters = denseParameters([f.cols, ...enc.layers]) + 2 * sum(enc.layers);
  const target = o.name === "bgrl" || (o.name === "rdm" && o.rdmBase === "bgrl");
  const dense = f.kind === "dense" || dataset.featureFormat === "dense";
  return {
    numNodes: graph.numNodes,
    numEdges: graph.indices.length,
    numFeatures: f.cols,
    denseFeatures: dense,
    featureNnz: f.kind === "csr" ? f.indices.length : f.rows * f.cols,
    bytesPerFloat: 4,
    layers: enc.layers,
    heads,
    target,
    infoNCE: o.name === "grace" || o.name === "directclr",
    parameters: encoderParameters + (heads.length > 0 ? denseParameters([d, ...heads]) : 0),
    targetParameters: target ? encoderParameters : 0,
  };
}

/** Reads a cgroup file as a number of bytes (undefined when absent or "max"). */
function cgroupBytes(file: string): number | undefined {
  try {
    const v = fs.readFileSync(file, "utf8").trim();
    const n = Number(v);
    // cgroup v1 writes a huge number (close to 2^63) for "no limit".
    return Number.isFinite(n) && n > 0 && n < 2 ** 60 ? n : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Memory available to this process on `device`, bytes: WERANK_MEMORY_AVAILABLE when set; on the CPU
 * the free memory (MemAvailable) capped by the cgroup's limit minus its usage; undefined on CUDA
 * (the addon does not report a device's total memory: the check is skipped there unless the variable is set).
 */
export function availableMemory(device: string): number | undefined {
  const override = memoryAvailableOverride();
  if (override !== undefined) return override;
  if (device !== "cpu") return undefined;
  let free = os.freemem();
  for (const [limitFile, usageFile] of [
    ["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory.current"],
    ["/sys/fs/cgroup/memory/memory.limit_in_bytes", "/sys/fs/cgroup/memory/memory.usage_in_bytes"],
  ] as const) {
    const limit = cgroupBytes(limitFile);
    if (limit !== undefined) free = Math.min(free, limit - (cgroupBytes(usageFile) ?? 0));
  }
  return free;
}

const gib = (bytes: number): string => `${(bytes / 2 ** 30).toFixed(1)} GiB`;

/**
 * Refuses a full-batch run (train.batchSize 0) whose estimated peak exceeds the available memory,
 * with ERR_OUT_OF_MEMORY naming the estimate, its largest parts and the mini-batch flags; a no-op for
 * mini-batch runs and where the available memory is unknown.
 */
export function checkFullBatchMemory(config: Config, graph: Graph, device: string): void {
  if (config.train.batchSize > 0) return;
  const available = availableMemory(device);
  if (available === undefined) return;
  const est = estimateFullBatchMemory(fullBatchMemoryInput(config, graph));
  if (est.bytes <= available) return;
  const parts = Object.entries(est.parts)
    .filter(([, v]) => v > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${gib(v)}`)
    .join(", ");
  const layers = config.encoder.type === "mlp" ? 0 : config.encoder.layers.length;
  const fanouts = layers === 0 ? "'[]'" : Array(layers).fill(10).join(",");
  throw new OutOfMemoryError(
    `Full-batch training of ${graph.numNodes} nodes and ${graph.indices.length} edges needs about ${gib(est.bytes)} (${parts}) but ${gib(available)} is available on ${device}` +
      `${memoryAvailableOverride() !== undefined ? " (WERANK_MEMORY_AVAILABLE)" : ""}. Possible solutions: --batch-size 4096 --fanouts ${fanouts} (neighbour-sampled mini-batch training, docs/scale.md); ` +
      "a smaller encoder (--set encoder.layers=...); a machine or device with more memory.",
  );
}
