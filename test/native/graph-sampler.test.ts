// Neighbour sampling (sampleNeighbors, native/graph/neighbor_sampler.cc): the subgraph's structure
// checked edge by edge against the source graph (without replacement, fanout counts, seeds first,
// discovery order, edge ids, weights), the message direction through a product, determinism (seed,
// threads), uniformity of the draws on a star, and each bad input's error code.
import { afterEach, describe, expect, it } from "vitest";
import { ArgumentError, DeviceGraph, Generator, IndexError, info, randn, sampleNeighbors, setNumThreads, tensor, tidy, WerankError, type SampledSubgraph } from "../../src/index.js";
import { csrFromPairs, expectNoLeaks, maxAbsDiff, randomGraph, type Csr } from "./graphFixtures.js";

expectNoLeaks();

const ints = (t: { toTypedArray(): ArrayLike<number | bigint> }) => Array.from(t.toTypedArray(), Number);

/** Node 0 with in-neighbours 1..leaves. */
const starGraph = (leaves: number) =>
  csrFromPairs(
    leaves + 1,
    Array.from({ length: leaves }, (_, i) => [0, i + 1] as [number, number]),
  );

/** The subgraph as host arrays. */
function host(s: SampledSubgraph) {
  const { indptr, indices, weights } = s.graph.csr();
  return { nodes: ints(s.nodes), edgeIds: ints(s.edgeIds), indptr, indices, weights };
}

/**
 * Checks a sample against the source CSR: seeds first, distinct nodes, each row drawn without
 * replacement from the node's in-neighbours with min(degree, fanout) draws at its hop, edge ids
 * pointing at the same edges, the last hop's rows empty, and nodes numbered in discovery order.
 */
function expectValidSample(s: SampledSubgraph, c: Csr, seeds: number[], fanouts: number[]): void {
  const h = host(s);
  expect(h.nodes.slice(0, seeds.length)).toEqual(seeds);
  expect(new Set(h.nodes).size).toBe(h.nodes.length);
  expect(s.numSeeds).toBe(seeds.length);
  expect(s.numSampledNodes.reduce((a, b) => a + b, 0)).toBe(s.numNodes);
  expect(s.numSampledEdges.reduce((a, b) => a + b, 0)).toBe(s.numEdges);
  const bad: string[] = [];
  let begin = 0;
  const discovered = [...seeds];
  const seen = new Set(seeds);
  for (let hop = 0; hop <= fanouts.length; hop++) {
    const end = begin + s.numSampledNodes[hop]!;
    for (let t = begin; t < end; t++) {
      const v = h.nodes[t]!;
      const row = h.indices.subarray(h.indptr[t]!, h.indptr[t + 1]!);
      const deg = c.indptr[v + 1]! - c.indptr[v]!;
      const f = fanouts[hop];
      const want = f === undefined ? 0 : f < 0 || deg <= f ? deg : f;
      if (row.length !== want) bad.push(`node ${v} (hop ${hop}): ${row.length} neighbours, expected ${want}`);
      const globals = Array.from(row, (l) => h.nodes[l]!);
      if (new Set(globals).size !== globals.length) bad.push(`node ${v}: a neighbour drawn twice`);
      const nbrs = new Set(c.indices.subarray(c.indptr[v]!, c.indptr[v + 1]!));
      for (let k = h.indptr[t]!; k < h.indptr[t + 1]!; k++) {
        const u = h.nodes[h.indices[k]!]!;
        if (!nbrs.has(u)) bad.push(`edge ${u} -> ${v} is not in the graph`);
        const e = h.edgeIds[k]!;
        if (e < c.indptr[v]! || e >= c.indptr[v + 1]! || c.indices[e] !== u) bad.push(`edge id ${e} of ${u} -> ${v}`);
        if (!seen.has(u)) {
          seen.add(u);
          discovered.push(u);
        }
      }
    }
    begin = end;
  }
  expect(bad).toEqual([]);
  expect(h.nodes).toEqual(discovered);
}

// The draws as native/cuda/neighbor_draw.h defines them (SplitMix64 counters, Floyd's algorithm), in
// BigInt arithmetic: the CPU sampler (scan or hash-set membership) and the CUDA kernel must match it.
const M64 = (1n << 64n) - 1n;
function mix64(z: bigint): bigint {
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & M64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & M64;
  return z ^ (z >> 31n);
}
const streamKey = (key: bigint, stream: bigint) => mix64(key ^ ((stream * 0xd1b54a32d192ed03n) & M64));
function floydReference(seed: bigint, hop: number, node: number, deg: number, k: number): number[] {
  const hk = streamKey(streamKey(seed, 4n), BigInt(hop));
  const nk = mix64((hk + BigInt(node + 1) * 0xd6e8feb86659fd93n) & M64);
  const out: number[] = [];
  for (let j = deg - k; j < deg; j++) {
    const z = mix64((nk + BigInt(j + 1) * 0x9e3779b97f4a7c15n) & M64);
    const t = Number((z * BigInt(j + 1)) >> 64n);
    out.push(out.includes(t) ? j : t);
  }
  return out;
}

describe("sampleNeighbors: structure", () => {
  const c = randomGraph(3, 3000, 12000, { isolated: 30 });
  const seeds = [5, 2999, 17, 400, 2990, 1, 1234];

  it("draws min(degree, fanout) distinct in-neighbours per node and hop, seeds first, nodes in discovery order", () => {
    const g = DeviceGraph.fromCsr(c.n, c.indptr, c.indices);
    for (const fanouts of [[3, 2], [5], [2, 2, 2], [-1, 1]]) {
      const s = sampleNeighbors(g, Int32Array.from(seeds), fanouts, { seed: 11 });
      expectValidSample(s, c, seeds, fanouts);
      expect(s.numSampledNodes.length).toBe(fanouts.length + 1);
      s.dispose();
    }
    g.dispose();
  });

  it("returns the seeds alone when they have no neighbours (empty frontiers after hop 0)", () => {
    const g = DeviceGraph.fromCsr(c.n, c.indptr, c.indices);
    const s = sampleNeighbors(g, [2999, 2980], [5, 5, 5], { seed: 1 });
    expect(ints(s.nodes)).toEqual([2999, 2980]);
    expect([s.numNodes, s.numEdges]).toEqual([2, 0]);
    expect(s.numSampledNodes).toEqual([2, 0, 0, 0]);
    expect(Array.from(s.graph.csr().indptr)).toEqual([0, 0, 0]);
    s.dispose();
    g.dispose();
  });

  it("zero hops (no fanouts) give the seeds alone without edges, draw nothing, and check the seeds", () => {
    const g = DeviceGraph.fromCsr(c.n, c.indptr, c.indices);
    const gen = new Generator(4);
    const state = gen.getState();
    const s = sampleNeighbors(g, [17, 3, 250], [], { generator: gen });
    expect(ints(s.nodes)).toEqual([17, 3, 250]);
    expect([s.numSeeds, s.numNodes, s.numEdges]).toEqual([3, 3, 0]);
    expect(s.numSampledNodes).toEqual([3]);
    expect(Array.from(s.graph.csr().indptr)).toEqual([0, 0, 0, 0]);
    expect(Array.from(gen.getState())).toEqual(Array.from(state));
    s.dispose();
    gen.dispose();
    expect(() => sampleNeighbors(g, [3, 3], [], { seed: 1 })).toThrow(/repeats node 3/);
    expect(() => sampleNeighbors(g, [c.n], [], { seed: 1 })).toThrow(IndexError);
    expect(() => sampleNeighbors(g, [], [], { seed: 1 })).toThrow(ArgumentError);
    g.dispose();
  });

  it("takes every neighbour when the degree is at most the fanout or the fanout is -1", () => {
    const g = DeviceGraph.fromCsr(c.n, c.indptr, c.indices);
    const maxDeg = Math.max(...seeds.map((v) => c.indptr[v + 1]! - c.indptr[v]!));
    for (const f of [maxDeg, -1]) {
      const s = sampleNeighbors(g, seeds, [f], { seed: 2 });
      const h = host(s);
      seeds.forEach((v, t) => {
        const got = Array.from(h.indices.subarray(h.indptr[t]!, h.indptr[t + 1]!), (l) => h.nodes[l]!).sort((a, b) => a - b);
        expect(got).toEqual(Array.from(c.indices.subarray(c.indptr[v]!, c.indptr[v + 1]!)));
      });
      s.dispose();
    }
    g.dispose();
  });

  it("draws exactly Floyd's subsets of the counter RNG, without replacement, for small fanouts (scan) and large ones (hash set)", () => {
    const hub = starGraph(300);
    const g = DeviceGraph.fromCsr(hub.n, hub.indptr, hub.indices);
    for (const [seed, k] of [
      [5n, 10],
      [2n ** 63n + 12345n, 64],
      [77n, 65],
      [9n, 250],
    ] as const) {
      const s = sampleNeighbors(g, [0], [k], { seed });
      expectValidSample(s, hub, [0], [k]);
      const h = host(s);
      expect(Array.from(h.indices, (l) => h.nodes[l]!)).toEqual(floydReference(seed, 0, 0, 300, k).map((t) => t + 1));
      s.dispose();
    }
    g.dispose();
  });

  it("orients edges from the sampled neighbour to its target: the seeds' rows of a product are the full graph's", () => {
    const g = DeviceGraph.fromCsr(c.n, c.indptr, c.indices, { dtype: "float64" });
    const s = sampleNeighbors(g, seeds, [-1], { seed: 4 });
    tidy(() => {
      const x = randn([c.n, 3], { dtype: "float64" });
      const idx = tensor(seeds, { dtype: "int64" });
      const sub = s.graph.sum(x.indexSelect(0, s.nodes)).narrow(0, 0, seeds.length);
      expect(maxAbsDiff(sub, g.sum(x).indexSelect(0, idx))).toBeLessThan(1e-12);
    });
    s.dispose();
    g.dispose();
  });

  it("carries edge weights over, aligned with the edge ids", () => {
    const w = randomGraph(8, 200, 800, { weighted: true });
    const g = DeviceGraph.fromCsr(w.n, w.indptr, w.indices, { weights: w.weights });
    const s = sampleNeighbors(g, [0, 1, 2, 3], [4, 3], { seed: 9 });
    const h = host(s);
    expect(h.weights).toBeDefined();
    expect(Array.from(h.weights!)).toEqual(h.edgeIds.map((e) => w.weights![e]!));
    s.dispose();
    g.dispose();
  });

  it("takes seeds as an Int32Array (or a view of one), a number array or an int32 / int64 tensor with the same result", () => {
    const g = DeviceGraph.fromCsr(c.n, c.indptr, c.indices);
    const ref = sampleNeighbors(g, Int32Array.from(seeds), [4, 4], { seed: 6 });
    const r = host(ref);
    for (const dtype of ["int32", "int64"] as const) {
      const t = tensor(seeds, { dtype });
      const s = sampleNeighbors(g, t, [4, 4], { seed: 6 });
      expect(host(s)).toEqual(r);
      s.dispose();
      t.dispose();
    }
    const a = sampleNeighbors(g, seeds, [4, 4], { seed: 6n });
    expect(host(a)).toEqual(r);
    // A view into a larger buffer (as a batch of a shuffled order is) reads from its own offset.
    const view = sampleNeighbors(g, Int32Array.from([9, 9, ...seeds, 9]).subarray(2, 2 + seeds.length), [4, 4], { seed: 6 });
    expect(host(view)).toEqual(r);
    for (const s of [a, ref, view]) s.dispose();
    g.dispose();
  });
});

describe("sampleNeighbors: determinism and uniformity", () => {
  // Every node has degree 60 > fanout: each sample is a real draw.
  const pairs: [number, number][] = [];
  for (let v = 0; v < 4000; v++) for (let j = 1; j <= 30; j++) pairs.push([v, (v + j * 37) % 4000], [(v + j * 37) % 4000, v]);
  const dense = csrFromPairs(4000, pairs);
  const threads0 = info().threads;
  afterEach(() => setNumThreads(threads0));

  it("gives the same sample for the same seed and another one for another seed or the next generator draw", () => {
    const g = DeviceGraph.fromCsr(dense.n, dense.indptr, dense.indices);
    const run = (o: { seed?: number; generator?: Generator }) => {
      const s = sampleNeighbors(g, [0, 10, 20, 30], [5, 5], o);
      const h = host(s);
      s.dispose();
      return h;
    };
    expect(run({ seed: 1 })).toEqual(run({ seed: 1 }));
    expect(run({ seed: 2 }).nodes).not.toEqual(run({ seed: 1 }).nodes);
    const gen = new Generator(7);
    const first = run({ generator: gen });
    const second = run({ generator: gen });
    gen.dispose();
    expect(second.nodes).not.toEqual(first.nodes);
    const again = new Generator(7);
    expect(run({ generator: again })).toEqual(first);
    again.dispose();
    g.dispose();
  });

  it("does not depend on the number of threads", () => {
    const g = DeviceGraph.fromCsr(dense.n, dense.indptr, dense.indices);
    const seeds = Int32Array.from({ length: 3000 }, (_, i) => (i * 7) % 4000);
    const run = (threads: number) => {
      setNumThreads(threads);
      const s = sampleNeighbors(g, seeds, [10, 5], { seed: 123 });
      const h = host(s);
      s.dispose();
      return h;
    };
    const one = run(1);
    const two = run(2);
    expect(one.nodes.length).toBeGreaterThan(3000);
    expect(two).toEqual(one);
    g.dispose();
  });

  it("draws a star's leaves uniformly (chi-square, 19 degrees of freedom, p = 0.001 bound)", () => {
    const leaves = 20;
    const star = starGraph(leaves);
    const g = DeviceGraph.fromCsr(star.n, star.indptr, star.indices);
    const counts = new Array<number>(leaves + 1).fill(0);
    const trials = 2000,
      fanout = 5;
    const gen = new Generator(3);
    for (let t = 0; t < trials; t++) {
      const s = sampleNeighbors(g, [0], [fanout], { generator: gen });
      for (const v of ints(s.nodes).slice(1)) counts[v]!++;
      expect(s.numEdges).toBe(fanout);
      s.dispose();
    }
    gen.dispose();
    const expected = (trials * fanout) / leaves;
    const chi2 = counts.slice(1).reduce((a, o) => a + (o - expected) ** 2 / expected, 0);
    expect(counts[0]).toBe(0);
    expect(chi2).toBeLessThan(43.82); // chi-square(19) 0.999 quantile
    g.dispose();
  });
});

describe("sampleNeighbors: bad input", () => {
  const c = randomGraph(5, 50, 100);
  const code = (f: () => unknown) => {
    try {
      const r = f() as SampledSubgraph;
      r.dispose();
    } catch (e) {
      expect(e).toBeInstanceOf(WerankError);
      return (e as WerankError).code;
    }
    return "no error";
  };

  it("refuses each bad argument with its code and leaves the sampler usable", () => {
    const g = DeviceGraph.fromCsr(c.n, c.indptr, c.indices);
    const ok = (seeds: Int32Array | number[]) => sampleNeighbors(g, seeds, [3, 3], { seed: 1 });
    const before = ok([0, 1, 2]);
    const ref = host(before);
    before.dispose();
    expect(code(() => ok(Int32Array.of(0, 50)))).toBe("ERR_INDEX");
    expect(code(() => ok(Int32Array.of(-1)))).toBe("ERR_INDEX");
    expect(code(() => ok([2 ** 31]))).toBe("ERR_INDEX");
    expect(code(() => ok([]))).toBe("ERR_ARGUMENT");
    expect(code(() => ok([0, 1.5]))).toBe("ERR_ARGUMENT");
    // A repeated seed fails after the first ones were numbered: the next call must not see them.
    expect(code(() => ok([0, 1, 2, 1]))).toBe("ERR_ARGUMENT");
    for (const fanouts of [[0], [3, -2], [2.5]]) expect(code(() => sampleNeighbors(g, [0], fanouts, { seed: 1 }))).toBe("ERR_ARGUMENT");
    expect(code(() => sampleNeighbors(g, [0], [2], {}))).toBe("ERR_ARGUMENT");
    expect(code(() => sampleNeighbors(g, [0], [2], { seed: 0.5 }))).toBe("ERR_ARGUMENT");
    expect(() => sampleNeighbors(g, [0], [2], { seed: 1, seeed: 2 } as never)).toThrow(/unknown option 'seeed' \(did you mean 'seed'\?\)/);
    const gen = new Generator(1);
    expect(code(() => sampleNeighbors(g, [0], [2], { seed: 1, generator: gen }))).toBe("ERR_ARGUMENT");
    gen.dispose();
    tidy(() => {
      expect(code(() => sampleNeighbors(g, tensor([0, 1]), [2], { seed: 1 }))).toBe("ERR_DTYPE");
      expect(code(() => sampleNeighbors(g, tensor([[0, 1]], { dtype: "int64" }), [2], { seed: 1 }))).toBe("ERR_SHAPE");
    });
    const after = ok([0, 1, 2]);
    expect(host(after)).toEqual(ref);
    after.dispose();
    g.dispose();
  });

  it("refuses a malformed CSR with ERR_DATA before anything is sampled", () => {
    expect(code(() => DeviceGraph.fromCsr(3, Int32Array.of(0, 2, 1, 3), Int32Array.of(1, 2, 0)))).toBe("ERR_DATA");
    expect(code(() => DeviceGraph.fromCsr(3, Int32Array.of(0, 1, 2, 3), Int32Array.of(1, 5, 0)))).toBe("ERR_DATA");
  });
});
