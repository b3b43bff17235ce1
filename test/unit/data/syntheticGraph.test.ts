import { describe, expect, it } from "vitest";
import { crc32 } from "../../../src/data/crc32.js";
import { randomSplits } from "../../../src/data/randomSplits.js";
import { SYNTHETIC_DEFAULTS, syntheticGraph } from "../../../src/data/syntheticGraph.js";
import { ArgumentError } from "../../../src/errors.js";
import { validateGraph } from "../../../src/graph/validateGraph.js";
import { gcnPropagate, ridgeAccuracy } from "../../helpers/probe.js";

function edgeHomophily(g: ReturnType<typeof syntheticGraph>): number {
  let same = 0;
  for (let i = 0; i < g.numNodes; i++) for (let p = g.indptr[i]!; p < g.indptr[i + 1]!; p++) if (g.labels[g.indices[p]!] === g.labels[i]) same++;
  return same / g.indices.length;
}

describe("syntheticGraph", () => {
  const g = syntheticGraph();

  it("has the documented default size, balanced classes and degree", () => {
    expect(SYNTHETIC_DEFAULTS).toMatchObject({ numNodes: 2500, numClasses: 5, numFeatures: 128, avgDegree: 8, homophily: 0.7 });
    validateGraph(g);
    expect(g.numNodes).toBe(2500);
    expect(g.numClasses).toBe(5);
    expect(g.features.kind).toBe("dense");
    expect(g.features.cols).toBe(128);
    expect(g.indices.length / 2).toBe(10000); // N * d / 2 distinct edges
    const counts = [0, 0, 0, 0, 0];
    for (const l of g.labels) counts[l]!++;
    expect(counts).toEqual([500, 500, 500, 500, 500]);
    expect(g.provenance.format).toBe("synthetic");
    expect(g.provenance.params).toMatchObject({ seed: 0, homophily: 0.7 });
  });

  it("realizes the requested edge homophily", () => {
    expect(Math.abs(edgeHomophily(g) - 0.7)).toBeLessThan(0.03);
    expect(Math.abs(edgeHomophily(syntheticGraph({ homophily: 0.2, numNodes: 1000 })) - 0.2)).toBeLessThan(0.04);
  });

  it("is deterministic for a seed and differs across seeds", () => {
    const a = syntheticGraph({ numNodes: 300, seed: 9 });
    const b = syntheticGraph({ numNodes: 300, seed: 9 });
    const c = syntheticGraph({ numNodes: 300, seed: 10 });
    expect(Array.from(a.indices)).toEqual(Array.from(b.indices));
    expect(Array.from(a.features.data)).toEqual(Array.from(b.features.data));
    expect(Array.from(a.labels)).not.toEqual(Array.from(c.labels));
  });

  it("has weakly informative features: a ridge probe on X is above chance but far below one on Â²X", () => {
    const F = g.features.cols;
    const x = g.features.data;
    const x2 = gcnPropagate(g, gcnPropagate(g, x, F), F);
    const [s] = randomSplits(g, { seed: 0 });
    const raw = ridgeAccuracy(x, F, g.labels, g.numClasses, s!.train, s!.test);
    const prop = ridgeAccuracy(x2, F, g.labels, g.numClasses, s!.train, s!.test);
    expect(raw).toBeGreaterThan(0.28); // chance is 0.2
    expect(raw).toBeLessThan(0.5);
    expect(prop).toBeGreaterThan(0.75);
    expect(prop - raw).toBeGreaterThan(0.3);
  });

  it("draws the same graphs as the Set-based edge rejection it replaced (checksums taken before the change)", () => {
    const bytes = (a: Int32Array | Float32Array) => crc32(new Uint8Array(a.buffer, a.byteOffset, a.byteLength)).toString(16);
    const sums = (h: ReturnType<typeof syntheticGraph>) => [h.indptr, h.indices, h.features.data, h.labels].map(bytes);
    expect(sums(g)).toEqual(["fcfbb46b", "6aebdf3", "404e47a2", "c1c3271"]);
    // Dense enough that many draws repeat an edge (m = 60k of 4.5M pairs, 7 classes, low homophily).
    expect(sums(syntheticGraph({ numNodes: 3000, avgDegree: 40, homophily: 0.3, numClasses: 7, numFeatures: 3, seed: 5 }))).toEqual(["b3d9591f", "65249dd6", "9a845333", "c3ad4f44"]);
  });

  // A JS Set holds at most 2^24 entries: the old generator threw "Set maximum size exceeded" here.
  it("places more than 2^24 distinct undirected edges (ogbn-products' 31M needs it)", () => {
    const big = syntheticGraph({ numNodes: 1_200_000, avgDegree: 28, numClasses: 2, numFeatures: 1 });
    expect(big.indices.length).toBe(1_200_000 * 28); // m = 16.8M > 2^24, both directions stored
    expect(big.provenance.preprocessing).toContain("deduplicate(merged=0)");
  }, 300_000);

  it("validates its parameters", () => {
    expect(() => syntheticGraph({ numNodes: 50_000_000, avgDegree: 30, numFeatures: 1 })).toThrow(/at most 536870912 edges/);
    expect(() => syntheticGraph({ homophily: 1.5 })).toThrow(ArgumentError);
    expect(() => syntheticGraph({ numNodes: 10, avgDegree: 20 })).toThrow(/avgDegree/);
    expect(() => syntheticGraph({ numClasses: 0 })).toThrow(/numClasses/);
    expect(() => syntheticGraph({ numNodes: 1.5 })).toThrow(/numNodes/);
  });
});
