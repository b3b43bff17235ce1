import { describe, expect, it } from "vitest";
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

  it("validates its parameters", () => {
    expect(() => syntheticGraph({ homophily: 1.5 })).toThrow(ArgumentError);
    expect(() => syntheticGraph({ numNodes: 10, avgDegree: 20 })).toThrow(/avgDegree/);
    expect(() => syntheticGraph({ numClasses: 0 })).toThrow(/numClasses/);
    expect(() => syntheticGraph({ numNodes: 1.5 })).toThrow(/numNodes/);
  });
});
