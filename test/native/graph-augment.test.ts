// Augmented views: drop rates within 4 sigma of the requested rate, determinism for a fixed seed,
// renormalization of the kept graph equal to the normalization of a graph built from the kept edges
// (values and gradients through the transposed kept graph), masks consistent between dense and sparse
// features, no leaks.
import { describe, expect, it } from "vitest";
import { DeviceGraph, eye, Generator, nativeCalls, randn, type SparseFeatures, tidy, type Tensor } from "../../src/index.js";
import { denseAdjacency, hostGraph, maxAbsDiff, randomCsrFeatures, randomGraph, expectNoLeaks, type Csr } from "./graphFixtures.js";

expectNoLeaks();

const within4Sigma = (observed: number, n: number, p: number) => expect(Math.abs(observed / n - p)).toBeLessThanOrEqual(4 * Math.sqrt((p * (1 - p)) / n));

/** Checks that a view's adjacency holds a subset of the source entries, row by row and in order. */
function expectSubgraph(view: { indptr: Int32Array; indices: Int32Array }, src: Csr): void {
  const bad: string[] = [];
  for (let i = 0; i < src.n; i++) {
    const row = new Set(src.indices.subarray(src.indptr[i]!, src.indptr[i + 1]!));
    const kept = view.indices.subarray(view.indptr[i]!, view.indptr[i + 1]!);
    kept.forEach((j, k) => {
      if (!row.has(j) || (k > 0 && j <= kept[k - 1]!)) bad.push(`row ${i}: ${j}`);
    });
  }
  expect(bad).toEqual([]);
}

const onesFeatures = (n: number, f: number) => ({ kind: "dense" as const, rows: n, cols: f, data: new Float32Array(n * f).fill(1) });

describe("edge dropping", () => {
  const c = randomGraph(21, 3000, 12000, { isolated: 20 });

  it("drops each stored edge with probability p (within 4 sigma) and keeps a subgraph", () => {
    const g = DeviceGraph.fromCsr(c.n, c.indptr, c.indices);
    const gen = new Generator(1);
    for (const p of [0.1, 0.3, 0.7]) {
      const v = g.augment({ edgeDrop: p }, gen);
      within4Sigma(c.indices.length - v.numEdges, c.indices.length, p);
      expectSubgraph(v.csr(), c);
      v.dispose();
    }
    const none = g.augment({ edgeDrop: 0 }, gen);
    expect(none.numEdges).toBe(c.indices.length);
    const all = g.augment({ edgeDrop: 1 }, gen);
    expect(all.numEdges).toBe(0);
    tidy(() => {
      const x = randn([c.n, 3]);
      expect(maxAbsDiff(all.gcn(x), x)).toBe(0); // only self-loops left: Â = I
    });
    for (const v of [none, all]) v.dispose();
    gen.dispose();
    g.dispose();
  });

  it("is deterministic for a fixed seed and differs for another seed or the next draw", () => {
    const g = DeviceGraph.fromCsr(c.n, c.indptr, c.indices);
    const view = (seed: number) => {
      const gen = new Generator(seed);
      const v = g.augment({ edgeDrop: 0.3 }, gen);
      const next = g.augment({ edgeDrop: 0.3 }, gen);
      const out = { a: v.csr(), b: next.csr() };
      v.dispose();
      next.dispose();
      gen.dispose();
      return out;
    };
    const s1 = view(5),
      s1again = view(5),
      s2 = view(6);
    expect(s1again.a.indices).toEqual(s1.a.indices);
    expect(s1again.a.indptr).toEqual(s1.a.indptr);
    expect(s1again.b.indices).toEqual(s1.b.indices);
    expect(s2.a.indices).not.toEqual(s1.a.indices);
    expect(s1.b.indices).not.toEqual(s1.a.indices);
    g.dispose();
  });

  for (const weighted of [false, true]) {
    it(`renormalizes the kept graph like a graph built from the kept edges${weighted ? " (weighted)" : ""}`, () => {
      const small = randomGraph(31, 90, 400, { isolated: 6, weighted });
      const g = DeviceGraph.fromCsr(small.n, small.indptr, small.indices, { weights: small.weights, dtype: "float64" });
      expect(g.symmetric).toBe(true);
      const gen = new Generator(3);
      const v = g.augment({ edgeDrop: 0.35 }, gen);
      const kept = v.csr();
      expect(v.symmetric).toBe(false);
      if (weighted) expect(kept.weights).toBeDefined();
      const fresh = DeviceGraph.fromCsr(small.n, kept.indptr, kept.indices, { weights: kept.weights, dtype: "float64" });
      tidy(() => {
        expect(maxAbsDiff(v.toDense("gcn"), fresh.toDense("gcn"))).toBe(0);
        // And against the dense formula on the kept adjacency.
        const a = denseAdjacency({ n: small.n, ...kept });
        const n = small.n;
        const ai = a.add(eye(n, n, { dtype: "float64" }));
        const dinv = ai.sum(1).pow(-0.5);
        const formula = dinv.unsqueeze(1).mul(ai).mul(dinv.unsqueeze(0));
        expect(maxAbsDiff(v.toDense("gcn"), formula)).toBeLessThan(1e-14);
        // Products and gradients through the view (transpose built from the source) equal the fresh graph's.
        for (const op of ["gcn", "mean", "sum"] as const) {
          const x1 = randn([n, 4], { dtype: "float64", requiresGrad: true });
          const x2 = x1.detach().clone().setRequiresGrad(true);
          const r = randn([n, 4], { dtype: "float64" });
          const y1 = v[op](x1);
          const y2 = fresh[op](x2);
          expect(maxAbsDiff(y1, y2)).toBeLessThan(1e-14);
          y1.mul(r).sum().backward();
          y2.mul(r).sum().backward();
          expect(maxAbsDiff(x1.grad!, x2.grad!)).toBeLessThan(1e-14);
          const m = op === "gcn" ? formula : op === "mean" ? fresh.toDense("mean") : a;
          expect(maxAbsDiff(x1.grad!, m.t().matmul(r))).toBeLessThan(1e-12);
        }
      });
      for (const o of [v, fresh, g]) o.dispose();
      gen.dispose();
    });
  }

  it("a view of a directed graph and a view of a view work too", () => {
    const d = randomGraph(41, 70, 300, { directed: true, isolated: 4 });
    const g = DeviceGraph.fromCsr(d.n, d.indptr, d.indices, { dtype: "float64" });
    const gen = new Generator(8);
    const v = g.augment({ edgeDrop: 0.3 }, gen);
    const vv = v.augment({ edgeDrop: 0.3 }, gen);
    for (const view of [v, vv]) {
      const k = view.csr();
      const fresh = DeviceGraph.fromCsr(d.n, k.indptr, k.indices, { dtype: "float64" });
      tidy(() => {
        const x = randn([d.n, 3], { dtype: "float64", requiresGrad: true });
        const r = randn([d.n, 3], { dtype: "float64" });
        view.gcn(x).mul(r).sum().backward();
        expect(maxAbsDiff(x.grad!, fresh.toDense("gcn").t().matmul(r))).toBeLessThan(1e-12);
      });
      fresh.dispose();
    }
    expectSubgraph(vv.csr(), { n: d.n, ...v.csr() });
    for (const o of [vv, v, g]) o.dispose();
    gen.dispose();
  });
});

describe("feature masking", () => {
  const c = randomGraph(51, 400, 1000);

  it("masks whole columns with probability p (one mask for all nodes)", () => {
    const F = 3000;
    const g = DeviceGraph.fromGraph(hostGraph(c, onesFeatures(c.n, F)));
    const gen = new Generator(2);
    const v = g.augment({ featureMask: 0.4 }, gen);
    tidy(() => {
      const x = v.features as Tensor;
      const colSums = x.sum(0);
      // Each column is all zeros or all ones.
      const zeroCols = colSums.eq(0).sum().item();
      expect(colSums.eq(c.n).sum().item()).toBe(F - zeroCols);
      within4Sigma(zeroCols, F, 0.4);
    });
    expect(v.numEdges).toBe(c.indices.length); // no edge dropping asked
    v.dispose();
    gen.dispose();
    g.dispose();
  });

  it("drops entries with probability p", () => {
    const F = 50;
    const g = DeviceGraph.fromGraph(hostGraph(c, onesFeatures(c.n, F)));
    const gen = new Generator(4);
    const v = g.augment({ featureDropout: 0.25 }, gen);
    tidy(() => within4Sigma((v.features as Tensor).eq(0).sum().item(), c.n * F, 0.25));
    v.dispose();
    gen.dispose();
    g.dispose();
  });

  it("makes the same masks for dense and sparse features given the same generator state", () => {
    const f = randomCsrFeatures(61, c.n, 120, 0.1);
    const gs = DeviceGraph.fromGraph(hostGraph(c, f));
    const gd = DeviceGraph.fromGraph(hostGraph(c, f), { features: "dense" });
    const opts = { edgeDrop: 0.2, featureMask: 0.3, featureDropout: 0.1 };
    const [g1, g2] = [new Generator(9), new Generator(9)];
    const vs = gs.augment(opts, g1);
    const vd = gd.augment(opts, g2);
    expect(vs.csr().indices).toEqual(vd.csr().indices);
    tidy(() => {
      const sparse = (vs.features as SparseFeatures).toDense();
      const dense = vd.features as Tensor;
      expect(maxAbsDiff(sparse, dense)).toBe(0);
      // Something was masked, and only stored entries survive.
      const orig = (gd.features as Tensor).ne(0).sum().item();
      const left = dense.ne(0).sum().item();
      expect(left).toBeLessThan(orig * 0.8);
      expect(left).toBeGreaterThan(orig * 0.4);
      // The first layer on the masked sparse view: gradients w.r.t. W as for the dense copy.
      const w = randn([120, 6], { requiresGrad: true });
      const w2 = w.detach().clone().setRequiresGrad(true);
      (vs.features as SparseFeatures).matmul(w).sum().backward();
      dense.matmul(w2).sum().backward();
      expect(maxAbsDiff(w.grad!, w2.grad!)).toBeLessThan(1e-4);
    });
    for (const o of [vs, vd, gs, gd, g1, g2]) o.dispose();
  });

  it("makes a view in one native call, and a gcn product in one more", () => {
    const f = randomCsrFeatures(71, c.n, 50, 0.1);
    const g = DeviceGraph.fromGraph(hostGraph(c, f));
    const gen = new Generator(12);
    // nativeCalls() counts itself once.
    const before = nativeCalls();
    const v = g.augment({ edgeDrop: 0.3, featureMask: 0.2 }, gen);
    expect(nativeCalls() - before - 1).toBe(1);
    expect(v.numNodes).toBe(c.n);
    expect(v.numEdges).toBe(v.csr().indices.length);
    expect((v.features as SparseFeatures).nnz).toBe(f.indices.length);
    tidy(() => {
      const x = randn([c.n, 8]);
      const n0 = nativeCalls();
      v.gcn(x);
      expect(nativeCalls() - n0 - 1).toBe(1);
    });
    for (const o of [v, g, gen]) o.dispose();
  });

  it("rejects probabilities outside [0, 1] without advancing the generator", () => {
    const g = DeviceGraph.fromGraph(hostGraph(c, onesFeatures(c.n, 4)));
    const gen = new Generator(10);
    const state = gen.getState();
    expect(() => g.augment({ edgeDrop: 1.5 }, gen)).toThrow(/edgeDrop in \[0, 1\]/);
    expect(() => g.augment({ featureMask: -0.1 }, gen)).toThrow(/featureMask/);
    expect(gen.getState()).toEqual(state);
    g.dispose();
    gen.dispose();
  });
});
