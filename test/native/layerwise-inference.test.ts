// Layer-wise inference in chunks (src/nn/layerwiseInference.ts) gives the full-graph forward of every
// encoder in evaluation mode: GCN with BatchNorm (the full graph's degrees, also with edge weights),
// SAGE with graph-wise LayerNorm (a norm over all nodes), GAT with heads, an MLP; dense and sparse
// features; chunks that do not divide N. And sampleNeighbors' `features` option gathers the rows.
import { describe, expect, it } from "vitest";
import { ArgumentError, DeviceGraph, type EncoderSpec, GraphEncoder, layerwiseInference, noGrad, sampleNeighbors, tidy } from "../../src/index.js";
import type { Features } from "../../src/graph/Graph.js";
import { expectNoLeaks, hostGraph, maxAbsDiff, prng, randomCsrFeatures, randomGraph } from "./graphFixtures.js";

expectNoLeaks();

const N = 157;
const F = 12;

function denseFeatures(seed: number): Features {
  const r = prng(seed);
  return { kind: "dense", rows: N, cols: F, data: Float32Array.from({ length: N * F }, () => r() * 2 - 1) };
}

/** The encoder after one training-mode forward (BatchNorm running statistics away from their init), in eval mode. */
function evalEncoder(spec: EncoderSpec, dg: DeviceGraph): GraphEncoder {
  const enc = new GraphEncoder(spec);
  tidy(() => {
    noGrad(() => enc.forward(dg.features!, dg));
  });
  enc.train(false);
  return enc;
}

const CASES: { name: string; spec: Omit<EncoderSpec, "inputDim">; weighted?: boolean; sparse?: boolean }[] = [
  { name: "gcn + BatchNorm + PReLU (BGRL's encoder)", spec: { type: "gcn", layers: [24, 16] } },
  { name: "gcn on a weighted graph, 3 layers", spec: { type: "gcn", layers: [16, 16, 8], norm: "none", act: "relu" }, weighted: true },
  { name: "gcn with sparse features", spec: { type: "gcn", layers: [16, 8] }, sparse: true },
  { name: "sage + graph-wise LayerNorm", spec: { type: "sage", layers: [16, 8], norm: "layer", layerNormMode: "graph", act: "elu" } },
  { name: "gat with 2 heads + LayerNorm", spec: { type: "gat", layers: [16, 8], heads: 2, norm: "layer" } },
  { name: "mlp (no message passing)", spec: { type: "mlp", layers: [16, 8] }, sparse: true },
];

describe("layerwiseInference", () => {
  for (const c of CASES) {
    it(`${c.name}: chunked layer by layer equals the full-graph forward within 1e-5`, () => {
      const csr = randomGraph(3, N, 420, { weighted: c.weighted, isolated: 4 });
      const features = c.sparse ? randomCsrFeatures(5, N, F, 0.3) : denseFeatures(5);
      const dg = DeviceGraph.fromGraph(hostGraph(csr, features));
      const enc = evalEncoder({ ...c.spec, inputDim: F }, dg);
      try {
        const diff = tidy(() =>
          noGrad(() => {
            const full = enc.forward(dg.features!, dg);
            let worst = 0;
            for (const chunkSize of [37, N, 1000]) {
              const lw = layerwiseInference(enc, dg, { chunkSize });
              expect(lw.shape).toEqual(full.shape);
              worst = Math.max(worst, maxAbsDiff(lw, full));
            }
            return worst;
          }),
        );
        expect(diff).toBeLessThan(1e-5);
      } finally {
        enc.dispose();
        dg.dispose();
      }
    });
  }

  it("the GCN chunks need the full graph's degrees: the sampled subgraph's own normalization differs", () => {
    // The test above would pass with a wrong normalization only if the two agreed; they do not.
    const dg = DeviceGraph.fromGraph(hostGraph(randomGraph(3, N, 420), denseFeatures(5)));
    try {
      const diff = tidy(() => {
        const x = dg.features as import("../../src/index.js").Tensor;
        const seeds = Int32Array.from({ length: 40 }, (_, k) => k);
        const sub = sampleNeighbors(dg, seeds, [-1], { seed: 0, features: true });
        try {
          const own = sub.graph.gcn(sub.graph.features as typeof x).narrow(0, 0, 40);
          return maxAbsDiff(own, dg.gcn(x).narrow(0, 0, 40));
        } finally {
          sub.dispose();
        }
      });
      expect(diff).toBeGreaterThan(1e-2);
    } finally {
      dg.dispose();
    }
  });

  it("refuses a chunk size that is not a positive integer", () => {
    const dg = DeviceGraph.fromGraph(hostGraph(randomGraph(3, N, 420), denseFeatures(5)));
    const enc = new GraphEncoder({ type: "gcn", inputDim: F, layers: [8] });
    try {
      for (const chunkSize of [0, -3, 2.5]) expect(() => layerwiseInference(enc, dg, { chunkSize })).toThrow(ArgumentError);
    } finally {
      enc.dispose();
      dg.dispose();
    }
  });
});

describe("sampleNeighbors({ features: true })", () => {
  for (const sparse of [false, true]) {
    it(`gathers the ${sparse ? "sparse" : "dense"} feature rows of the sampled nodes onto the subgraph`, () => {
      const features = sparse ? randomCsrFeatures(5, N, F, 0.3) : denseFeatures(5);
      const dg = DeviceGraph.fromGraph(hostGraph(randomGraph(3, N, 420), features));
      try {
        const diff = tidy(() => {
          const sub = sampleNeighbors(dg, [3, 99, 7], [4, 3], { seed: 11, features: true });
          try {
            const f = sub.graph.features!;
            const got = "kind" in f ? f.toDense() : f;
            const all = "kind" in dg.features! ? dg.features.toDense() : dg.features!;
            expect(got.shape).toEqual([sub.numNodes, F]);
            return maxAbsDiff(got, all.indexSelect(0, sub.nodes));
          } finally {
            sub.dispose();
          }
        });
        expect(diff).toBe(0);
      } finally {
        dg.dispose();
      }
    });
  }

  it("refuses features: true on a graph without features, and a non-boolean", () => {
    const c = randomGraph(3, N, 420);
    const dg = DeviceGraph.fromCsr(N, c.indptr, c.indices);
    try {
      expect(() => sampleNeighbors(dg, [1], [2], { seed: 1, features: true })).toThrow(/has no features/);
      expect(() => sampleNeighbors(dg, [1], [2], { seed: 1, features: "yes" as never })).toThrow(ArgumentError);
    } finally {
      dg.dispose();
    }
  });
});
