/**
 * The full-batch memory estimate (src/train/memoryEstimate.ts): it grows with the graph and the
 * widths, an InfoNCE objective adds its N x N term, a made-up products-scale graph is refused with the
 * estimate and the mini-batch flags while a small one passes, mini-batch runs are never refused, and
 * WERANK_MEMORY_AVAILABLE is read strictly.
 */
import os from "node:os";
import { afterEach, describe, expect, it } from "vitest";
import { memoryAvailableOverride } from "../../src/env.js";
import { ConfigError, OutOfMemoryError } from "../../src/errors.js";
import type { Graph } from "../../src/graph/Graph.js";
import { resolveConfig } from "../../src/experiment/resolveConfig.js";
import { availableMemory, checkFullBatchMemory, estimateFullBatchMemory, type FullBatchMemoryInput, fullBatchMemoryInput } from "../../src/train/memoryEstimate.js";

const BASE: FullBatchMemoryInput = {
  numNodes: 10_000,
  numEdges: 200_000,
  numFeatures: 100,
  denseFeatures: true,
  featureNnz: 0,
  bytesPerFloat: 4,
  layers: [256, 128],
  heads: [512, 128],
  target: true,
  infoNCE: false,
  parameters: 200_000,
  targetParameters: 60_000,
};

/** A host graph with only the sizes the estimate reads (no arrays are allocated for the edges). */
function fakeGraph(numNodes: number, numEdges: number, features = 100): Graph {
  return {
    numNodes,
    indices: { length: numEdges } as Int32Array,
    features: { kind: "dense", rows: numNodes, cols: features, data: new Float32Array(0) },
  } as unknown as Graph;
}

afterEach(() => {
  delete process.env.WERANK_MEMORY_AVAILABLE;
});

describe("estimateFullBatchMemory", () => {
  it("grows with the nodes, the edges and the widths; InfoNCE adds an N^2 term", () => {
    const base = estimateFullBatchMemory(BASE).bytes;
    expect(base).toBeGreaterThan(0);
    expect(estimateFullBatchMemory({ ...BASE, numNodes: 20_000 }).bytes).toBeGreaterThan(base);
    expect(estimateFullBatchMemory({ ...BASE, numEdges: 400_000 }).bytes).toBeGreaterThan(base);
    expect(estimateFullBatchMemory({ ...BASE, layers: [512, 256] }).bytes).toBeGreaterThan(base);
    const nce = estimateFullBatchMemory({ ...BASE, infoNCE: true });
    expect(nce.parts.loss).toBe(10 * 10_000 ** 2 * 4);
    // Activations are linear in N: doubling N doubles them.
    expect(estimateFullBatchMemory({ ...BASE, numNodes: 20_000 }).parts.activations).toBe(2 * estimateFullBatchMemory(BASE).parts.activations);
    const est = estimateFullBatchMemory(BASE);
    expect(Object.values(est.parts).reduce((a, b) => a + b, 0)).toBe(est.bytes);
  });

  it("reads a config: heads per objective, a target for BGRL, InfoNCE for GRACE", () => {
    const g = fakeGraph(1000, 8000);
    const bgrl = fullBatchMemoryInput(resolveConfig({}), g);
    expect(bgrl).toMatchObject({ numNodes: 1000, numEdges: 8000, numFeatures: 100, layers: [256, 128], heads: [512, 128], target: true, infoNCE: false });
    expect(bgrl.parameters).toBeGreaterThan(100 * 256 + 256 * 128);
    const grace = fullBatchMemoryInput(resolveConfig({ flags: { objective: "grace" } }), g);
    expect(grace).toMatchObject({ target: false, infoNCE: true, targetParameters: 0 });
  });
});

describe("checkFullBatchMemory", () => {
  // ogbn-products' sizes (2.4M nodes, 62M undirected edges stored twice, 100 features).
  const products = fakeGraph(2_449_029, 123_718_280);

  it("refuses a products-scale full-batch run on 24 GiB with the estimate and the mini-batch flags", () => {
    process.env.WERANK_MEMORY_AVAILABLE = "24G";
    const cfg = resolveConfig({});
    let err: unknown;
    try {
      checkFullBatchMemory(cfg, products, "cpu");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(OutOfMemoryError);
    const msg = (err as Error).message;
    const gib = Number(/needs about ([\d.]+) GiB/.exec(msg)?.[1]);
    expect(gib).toBeCloseTo(estimateFullBatchMemory(fullBatchMemoryInput(cfg, products)).bytes / 2 ** 30, 1);
    expect(gib).toBeGreaterThan(24);
    expect(msg).toContain("but 24.0 GiB is available on cpu (WERANK_MEMORY_AVAILABLE)");
    expect(msg).toContain("Possible solutions: --batch-size 4096 --fanouts 10,10");
  });

  it("passes a small graph, and never refuses a mini-batch run", () => {
    process.env.WERANK_MEMORY_AVAILABLE = "24G";
    expect(() => checkFullBatchMemory(resolveConfig({}), fakeGraph(2500, 20_000), "cpu")).not.toThrow();
    const mini = resolveConfig({ flags: { "batch-size": 4096, fanouts: [10, 10] } });
    expect(() => checkFullBatchMemory(mini, products, "cpu")).not.toThrow();
  });

  it("skips CUDA devices unless WERANK_MEMORY_AVAILABLE is set (the addon reports no device total)", () => {
    expect(availableMemory("cuda")).toBeUndefined();
    expect(() => checkFullBatchMemory(resolveConfig({}), products, "cuda")).not.toThrow();
    process.env.WERANK_MEMORY_AVAILABLE = "80G";
    expect(availableMemory("cuda:0")).toBe(80 * 2 ** 30);
  });

  it("reads the free memory of this machine when the variable is unset", () => {
    const free = availableMemory("cpu")!;
    expect(free).toBeGreaterThan(0);
    expect(free).toBeLessThanOrEqual(os.totalmem());
  });
});

describe("WERANK_MEMORY_AVAILABLE", () => {
  it("accepts bytes and K/M/G/T suffixes (powers of 1024), refuses anything else with ERR_CONFIG", () => {
    expect(memoryAvailableOverride({})).toBeUndefined();
    expect(memoryAvailableOverride({ WERANK_MEMORY_AVAILABLE: "1048576" })).toBe(2 ** 20);
    expect(memoryAvailableOverride({ WERANK_MEMORY_AVAILABLE: "16G" })).toBe(16 * 2 ** 30);
    expect(memoryAvailableOverride({ WERANK_MEMORY_AVAILABLE: "1.5 GiB" })).toBe(1.5 * 2 ** 30);
    expect(memoryAvailableOverride({ WERANK_MEMORY_AVAILABLE: "512m" })).toBe(512 * 2 ** 20);
    for (const bad of ["lots", "-1G", "16X", "1e9"]) expect(() => memoryAvailableOverride({ WERANK_MEMORY_AVAILABLE: bad })).toThrow(ConfigError);
  });
});
