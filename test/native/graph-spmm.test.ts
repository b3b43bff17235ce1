// SpMM on CSR (gcn / mean / sum) and sparse-feature matmul against dense matmul: values and gradients
// in float64, on symmetric, directed, weighted graphs with isolated nodes; normalization against the
// formula; errors; no leaks.
import { describe, expect, it } from "vitest";
import { DeviceGraph, graphMemory, info, randn, setNumThreads, SparseFeatures, tensor, tidy, WerankError, type Tensor } from "../../src/index.js";
import { defaultThreads } from "../../src/env.js";
import { denseAdjacency, hostGraph, maxAbsDiff, randomCsrFeatures, randomGraph, expectNoLeaks, type Csr } from "./graphFixtures.js";

expectNoLeaks();

/** Dense Â = D^-1/2 (A + I) D^-1/2 with D the row sums of A + I, from tensor ops. */
function denseGcn(a: Tensor): Tensor {
  const n = a.shape[0]!;
  const ai = a.add(
    tensor(
      Float64Array.from({ length: n * n }, (_, k) => (k % (n + 1) === 0 ? 1 : 0)),
      { shape: [n, n], dtype: "float64" },
    ),
  );
  const dinv = ai.sum(1).pow(-0.5);
  return dinv.unsqueeze(1).mul(ai).mul(dinv.unsqueeze(0));
}

/** Dense D^-1 A with zero rows for isolated nodes. */
function denseMean(a: Tensor): Tensor {
  const deg = a.sum(1, true);
  return a.div(deg.clamp(1e-300)).mul(deg.gt(0));
}

const fromCsr = (c: Csr) => DeviceGraph.fromCsr(c.n, c.indptr, c.indices, { weights: c.weights, dtype: "float64" });

/** Checks op(x) = M x and d/dx sum(op(x) * r) = M^T r against a dense M. */
function checkProduct(op: (x: Tensor) => Tensor, m: Tensor, f = 5): void {
  const n = m.shape[1]!;
  const x = randn([n, f], { dtype: "float64", requiresGrad: true });
  const r = randn([m.shape[0]!, f], { dtype: "float64" });
  tidy(() => {
    const y = op(x);
    expect(y.shape).toEqual([m.shape[0], f]);
    expect(maxAbsDiff(y, m.matmul(x))).toBeLessThan(1e-12);
    y.mul(r).sum().backward();
    expect(maxAbsDiff(x.grad!, m.t().matmul(r))).toBeLessThan(1e-12);
  });
  x.dispose();
  r.dispose();
}

const cases: [string, Csr, boolean][] = [
  ["symmetric with isolated nodes", randomGraph(1, 60, 150, { isolated: 7 }), false],
  ["directed with empty rows", randomGraph(2, 50, 160, { directed: true, isolated: 5 }), true],
  ["weighted symmetric", randomGraph(3, 40, 90, { weighted: true, isolated: 3 }), false],
  ["weighted directed", randomGraph(4, 40, 120, { directed: true, weighted: true }), true],
];

describe("DeviceGraph products vs dense matmul (float64)", () => {
  for (const [name, c, directed] of cases) {
    it(`gcn, mean and sum: ${name}`, () => {
      const g = fromCsr(c);
      expect(g.symmetric).toBe(!directed);
      expect(g.numEdges).toBe(c.indices.length);
      tidy(() => {
        const a = denseAdjacency(c);
        // Widths that take the generic, one-line, two-line and four-line tile kernels (and a remainder).
        for (const f of [5, 8, 16, 32, 70]) {
          checkProduct((x) => g.gcn(x), denseGcn(a), f);
          checkProduct((x) => g.mean(x), denseMean(a), f);
          checkProduct((x) => g.sum(x), a, f);
        }
        // Normalization vs the formula, entry by entry.
        expect(maxAbsDiff(g.toDense("gcn"), denseGcn(a))).toBeLessThan(1e-14);
        expect(maxAbsDiff(g.toDense("mean"), denseMean(a))).toBeLessThan(1e-14);
        expect(maxAbsDiff(g.toDense("adjacency"), a)).toBe(0);
      });
      g.dispose();
    });
  }

  it("float32 rows of 128 and 256 columns (the whole-row AVX-512 kernels where the CPU has them) and a neighbour width", () => {
    for (const [, c] of cases) {
      const g = fromCsr(c);
      tidy(() => {
        const a = denseAdjacency(c);
        for (const [op, m] of [
          [(x: Tensor) => g.gcn(x), denseGcn(a)],
          [(x: Tensor) => g.mean(x), denseMean(a)],
          [(x: Tensor) => g.sum(x), a],
        ] as const) {
          for (const f of [128, 256, 144]) {
            const x = randn([c.n, f], { requiresGrad: true });
            const r = randn([c.n, f]);
            const y = op(x);
            expect(y.dtype).toBe("float32");
            expect(maxAbsDiff(y.to("float64"), m.matmul(x.detach().to("float64")))).toBeLessThan(1e-4);
            y.mul(r).sum().backward();
            expect(maxAbsDiff(x.grad!.to("float64"), m.t().matmul(r.to("float64")))).toBeLessThan(1e-4);
          }
        }
      });
      g.dispose();
    }
  });

  it("the addon is built with OpenMP, so its at::parallel_for loops really use the threads", () => {
    // Without -fopenmp the header-only at::parallel_for runs on the calling thread and the test below
    // would pass on one thread whatever setNumThreads says.
    expect(info().parallelKernels).toBe(true);
  });

  it("the multi-threaded path (column tiles outside, row chunks inside) on a graph large enough to split", () => {
    // (3,000 entries + 400 rows) x width > 32,768: the rows are split over the threads; widths wider
    // than one column tile (32 float64 / 64 float32 columns) with a remainder take the tiled loop.
    const c = randomGraph(5, 400, 3000, { directed: true, weighted: true, isolated: 9 });
    const g = fromCsr(c);
    const g32 = DeviceGraph.fromCsr(c.n, c.indptr, c.indices, { weights: c.weights });
    try {
      for (const threads of [1, 2, 3]) {
        setNumThreads(threads);
        tidy(() => {
          const a = denseAdjacency(c);
          for (const f of [100, 200]) checkProduct((x) => g.gcn(x), denseGcn(a), f);
          const x = randn([c.n, 200]);
          expect(maxAbsDiff(g32.sum(x).to("float64"), a.matmul(x.to("float64")))).toBeLessThan(1e-3);
        });
      }
    } finally {
      setNumThreads(defaultThreads());
      g.dispose();
      g32.dispose();
    }
  });

  it("gcn on a 3-node path equals the hand-computed matrix", () => {
    // 0 - 1 - 2: deg(A + I) = [2, 3, 2]
    const g = DeviceGraph.fromCsr(3, Int32Array.from([0, 1, 3, 4]), Int32Array.from([1, 0, 2, 1]), { dtype: "float64" });
    const s6 = 1 / Math.sqrt(6);
    const expected = [
      [1 / 2, s6, 0],
      [s6, 1 / 3, s6],
      [0, s6, 1 / 2],
    ];
    tidy(() => {
      const d = g.toDense("gcn").toArray() as number[][];
      d.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(expected[i]![j]!, 15)));
      const y = g.gcn(tensor([[1], [2], [3]], { dtype: "float64" })).toArray() as number[][];
      expect(y[0]![0]).toBeCloseTo(0.5 + 2 * s6, 14);
      expect(y[1]![0]).toBeCloseTo(s6 + 2 / 3 + 3 * s6, 14);
    });
    g.dispose();
  });

  it("gcn gradient matches central finite differences", () => {
    const c = randomGraph(9, 12, 20, { directed: true, isolated: 2 });
    const g = fromCsr(c);
    const x = randn([12, 3], { dtype: "float64", requiresGrad: true });
    const r = randn([12, 3], { dtype: "float64" });
    const loss = (t: Tensor) => tidy(() => g.gcn(t).tanh().mul(r).sum().item());
    tidy(() => g.gcn(x).tanh().mul(r).sum().backward());
    const grad = tidy(() => x.grad!.toTypedArray() as Float64Array);
    const x0 = tidy(() => x.detach().toTypedArray() as Float64Array);
    const h = 1e-6;
    for (const k of [0, 5, 17, 35]) {
      const plus = Float64Array.from(x0);
      const minus = Float64Array.from(x0);
      plus[k]! += h;
      minus[k]! -= h;
      const fd = tidy(() => (loss(tensor(plus, { shape: [12, 3] })) - loss(tensor(minus, { shape: [12, 3] }))) / (2 * h));
      expect(Math.abs(fd - grad[k]!)).toBeLessThan(1e-7);
    }
    x.dispose();
    r.dispose();
    g.dispose();
  });

  it("float32 products agree with float64 ones", () => {
    const c = randomGraph(5, 80, 300, { isolated: 4 });
    const g32 = DeviceGraph.fromCsr(c.n, c.indptr, c.indices);
    const g64 = fromCsr(c);
    tidy(() => {
      const x = randn([80, 33], { dtype: "float64" });
      expect(maxAbsDiff(g32.gcn(x.to("float32")).to("float64"), g64.gcn(x))).toBeLessThan(1e-5);
      expect(maxAbsDiff(g32.mean(x.to("float32")).to("float64"), g64.mean(x))).toBeLessThan(1e-5);
    });
    g32.dispose();
    g64.dispose();
  });

  it("caches normalizations and the transpose in the graph and frees them with it", () => {
    const c = randomGraph(7, 200, 800, { directed: true });
    const before = graphMemory();
    const g = DeviceGraph.fromCsr(c.n, c.indptr, c.indices);
    const own = graphMemory().bytes - before.bytes;
    expect(own).toBe(4 * (c.n + 1) + 4 * c.indices.length); // indptr + indices
    tidy(() => {
      const x = randn([c.n, 4], { requiresGrad: true });
      g.mean(x).sum().backward();
    });
    // float32 mean values + their transposed copy, and the transpose (indptr, indices, int64 perm).
    const e = c.indices.length;
    expect(graphMemory().bytes - before.bytes).toBe(own + 4 * e * 2 + 4 * (c.n + 1) + 4 * e + 8 * e);
    g.dispose();
    expect(graphMemory()).toEqual(before);
  });

  it("edges() lists src = column, dst = row, self-loops appended, cached", () => {
    const g = DeviceGraph.fromCsr(3, Int32Array.from([0, 1, 3, 3]), Int32Array.from([1, 0, 2]));
    const e = g.edges(false);
    expect(e.src.dtype).toBe("int64");
    expect(e.src.toArray()).toEqual([1, 0, 2]);
    expect(e.dst.toArray()).toEqual([0, 1, 1]);
    const l = g.edges(true);
    expect(l.src.toArray()).toEqual([1, 0, 2, 0, 1, 2]);
    expect(l.dst.toArray()).toEqual([0, 1, 1, 0, 1, 2]);
    expect(g.edges(false).src).toBe(e.src);
    g.dispose();
    expect(e.src.isDisposed).toBe(true);
  });
});

describe("SparseFeatures (SparseRows) matmul vs dense", () => {
  it("values and gradient w.r.t. the weight in float64, with empty rows", () => {
    const f = randomCsrFeatures(11, 70, 45, 0.08);
    const s = SparseFeatures.fromCsr(f);
    expect(s.kind).toBe("sparse");
    expect([s.rows, s.cols, s.nnz]).toEqual([70, 45, f.indices.length]);
    const w = randn([45, 9], { dtype: "float64", requiresGrad: true });
    const r = randn([70, 9], { dtype: "float64" });
    tidy(() => {
      const xd = s.toDense("float64");
      const y = s.matmul(w);
      expect(maxAbsDiff(y, xd.matmul(w))).toBeLessThan(1e-12);
      y.mul(r).sum().backward();
      expect(maxAbsDiff(w.grad!, xd.t().matmul(r))).toBeLessThan(1e-12);
      // The dense copy holds exactly the CSR entries.
      const back = s.csr();
      expect(Array.from(back.indices)).toEqual(Array.from(f.indices));
      expect(xd.abs().gt(0).sum().item()).toBe(f.data.filter((v) => v !== 0).length);
    });
    w.grad!.dispose();
    w.dispose();
    r.dispose();
    s.dispose();
    s.dispose(); // idempotent
  });

  it("fromGraph keeps CSR features sparse, or densifies on request", () => {
    const c = randomGraph(6, 30, 50);
    const f = randomCsrFeatures(12, 30, 20, 0.2);
    const g = DeviceGraph.fromGraph(hostGraph(c, f));
    const gd = DeviceGraph.fromGraph(hostGraph(c, f), { features: "dense" });
    expect(g.numFeatures).toBe(20);
    tidy(() => {
      const w = randn([20, 4]);
      const sparse = (g.features as SparseFeatures).matmul(w);
      const dense = (gd.features as Tensor).matmul(w);
      expect(maxAbsDiff(sparse, dense)).toBeLessThan(1e-5);
    });
    g.dispose();
    gd.dispose();
  });
});

describe("errors", () => {
  const code = (fn: () => unknown): string => {
    try {
      fn();
    } catch (e) {
      expect(e).toBeInstanceOf(WerankError);
      return (e as WerankError).code;
    }
    return "none";
  };

  it("rejects bad CSR with ERR_DATA and bad operands with stable codes", () => {
    expect(code(() => DeviceGraph.fromCsr(3, Int32Array.from([0, 1, 2]), Int32Array.from([1, 0])))).toBe("ERR_DATA");
    expect(code(() => DeviceGraph.fromCsr(2, Int32Array.from([0, 2, 1]), Int32Array.from([1, 0])))).toBe("ERR_DATA");
    expect(code(() => DeviceGraph.fromCsr(2, Int32Array.from([0, 1, 2]), Int32Array.from([1, 5])))).toBe("ERR_DATA");
    const g = DeviceGraph.fromCsr(2, Int32Array.from([0, 1, 2]), Int32Array.from([1, 0]));
    tidy(() => {
      expect(code(() => g.gcn(randn([3, 4])))).toBe("ERR_SHAPE");
      expect(code(() => g.gcn(randn([2])))).toBe("ERR_SHAPE");
      expect(code(() => g.gcn(tensor([[1], [2]], { dtype: "int64" })))).toBe("ERR_DTYPE");
      expect(code(() => g.gcn([[1], [2]] as unknown as Tensor))).toBe("ERR_ARGUMENT");
    });
    g.dispose();
    g.dispose();
    tidy(() => expect(code(() => g.gcn(randn([2, 1])))).toBe("ERR_DISPOSED"));
  });
});
