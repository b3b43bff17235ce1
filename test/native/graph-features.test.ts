// The CPU feature-product kernels (native/graph/feature_cpu.cc): S W for sparse features S and a
// dense W given contiguous or as the transpose of a contiguous matrix (a Linear weight's W^T), its
// gradient S^T G in W's own layout, every tile width (remainder tiles included), float32 and
// float64, stored values or implicit ones, masked views that skip the masked entries, and the
// split of rows when there are fewer column tiles than threads. Against dense products.
import { afterEach, describe, expect, it } from "vitest";
import { DeviceGraph, Generator, randn, setNumThreads, SparseFeatures, tensor as tensorOf, tidy, type Tensor } from "../../src/index.js";
import { expectError } from "../helpers/native.js";
import { loadNative } from "../../src/native/addon.js";
import { defaultThreads } from "../../src/env.js";
import { deviceCode } from "../../src/tensor/device.js";
import { expectNoLeaks, hostGraph, maxAbsDiff, randomCsrFeatures, randomGraph } from "./graphFixtures.js";

expectNoLeaks();

/** Checks y = S x and d/dx sum(y * r) = S^T r for x [cols, f], given contiguous or transposed. */
function check(s: SparseFeatures, f: number, dtype: "float32" | "float64", transposed: boolean): void {
  const tol = dtype === "float64" ? 1e-12 : 2e-5;
  tidy(() => {
    const dense = s.toDense("float64");
    // x as a leaf: either x itself [cols, f] or w [f, cols] used as w.t().
    const leaf = (transposed ? randn([f, s.cols], { dtype }) : randn([s.cols, f], { dtype })).setRequiresGrad(true);
    const x = transposed ? leaf.t() : leaf;
    const r = randn([s.rows, f], { dtype: "float64" });
    const y = s.matmul(x);
    expect(y.shape).toEqual([s.rows, f]);
    expect(y.dtype).toBe(dtype);
    const x64 = x.detach().to("float64");
    const scale = Math.max(1, dense.abs().sum(1).max().item());
    expect(maxAbsDiff(y.to("float64"), dense.matmul(x64)) / scale).toBeLessThan(tol);
    y.mul(r.to(dtype)).sum().backward();
    const g = leaf.grad!;
    expect(g.shape).toEqual(leaf.shape);
    expect(g.isContiguous()).toBe(true); // W's own layout: no transposing copy by autograd
    const expected = dense.t().matmul(r);
    const got = (transposed ? g.t() : g).to("float64");
    expect(maxAbsDiff(got, expected) / Math.max(1, expected.abs().max().item())).toBeLessThan(tol);
  });
}

describe("feature products vs dense", () => {
  afterEach(() => setNumThreads(defaultThreads()));

  for (const dtype of ["float64", "float32"] as const) {
    it(`${dtype}: every tile width, contiguous and transposed operands`, () => {
      const f = randomCsrFeatures(21, 90, 57, 0.07);
      const s = SparseFeatures.fromCsr(f);
      for (const width of [1, 5, 16, 31, 64, 70, 129]) {
        check(s, width, dtype, false);
        check(s, width, dtype, true);
      }
      s.dispose();
    });
  }

  it("splits the rows of the backward when there are fewer column tiles than threads (sums the parts)", () => {
    const f = randomCsrFeatures(22, 200, 40, 0.1);
    const s = SparseFeatures.fromCsr(f);
    for (const threads of [1, 3, 8]) {
      setNumThreads(threads);
      check(s, 8, "float64", true); // one 16-wide float64 tile
      check(s, 3, "float32", false);
    }
    s.dispose();
  });

  it("implicit unit values (a CSR without values)", () => {
    const f = randomCsrFeatures(23, 40, 30, 0.15);
    const N = loadNative();
    const id = N.sparseFromCsr(f.rows, f.cols, f.indptr, f.indices, null, deviceCode("cpu"), false);
    const s = new SparseFeatures(id, { rows: f.rows, cols: f.cols, nnz: f.indices.length, device: "cpu" });
    tidy(() => expect(s.toDense("float64").sum().item()).toBe(f.indices.length));
    check(s, 9, "float64", true);
    check(s, 70, "float32", false);
    s.dispose();
  });

  it("a masked view multiplies like its dense copy (masked entries skipped), also with entry dropout", () => {
    const c = randomGraph(24, 60, 120);
    const f = randomCsrFeatures(25, 60, 80, 0.1);
    const g = DeviceGraph.fromGraph(hostGraph(c, f));
    const gen = new Generator(3);
    for (const opts of [{ featureMask: 0.4 }, { featureMask: 0.3, featureDropout: 0.2 }, { featureMask: 1 }]) {
      const v = g.augment(opts, gen);
      const vs = v.features as SparseFeatures;
      expect(vs.nnz).toBe(f.indices.length); // same structure, masked values stored as zeros
      check(vs, 20, "float64", true);
      check(vs, 33, "float32", false);
      tidy(() => {
        // Columns masked for all nodes get no gradient.
        const w = randn([7, 80], { dtype: "float64", requiresGrad: true });
        vs.matmul(w.t()).sum().backward();
        const zeroCols = vs.toDense("float64").abs().sum(0).eq(0);
        expect(w.grad!.abs().sum(0).mul(zeroCols).sum().item()).toBe(0);
      });
      v.dispose();
    }
    gen.dispose();
    g.dispose();
  });

  it("works without autograd (noGrad path) and on empty shapes", () => {
    const f = randomCsrFeatures(26, 30, 12, 0.2);
    const s = SparseFeatures.fromCsr(f);
    tidy(() => {
      const w = randn([12, 6], { dtype: "float64" });
      expect(maxAbsDiff(s.matmul(w), s.toDense("float64").matmul(w))).toBeLessThan(1e-12);
      expect(s.matmul(randn([12, 0])).shape).toEqual([30, 0]);
    });
    s.dispose();
  });
});

// biome-ignore lint/suspicious/noExportsInTest: keeps the fixture's Tensor type referenced for the helpers' signatures
export type { Tensor };

describe("SparseFeatures.selectRows: one native gather on the features' device", () => {
  it("returns the rows in the given order (repeats and an empty row included), from a tensor or a typed array", () => {
    const f = randomCsrFeatures(31, 60, 25, 0.2);
    const s = SparseFeatures.fromCsr(f);
    const order = [59, 0, 7, 7, 33, 1];
    for (const rows of [Int32Array.from(order), BigInt64Array.from(order, BigInt)]) {
      const sub = s.selectRows(rows);
      expect([sub.rows, sub.cols, sub.device]).toEqual([order.length, 25, "cpu"]);
      tidy(() => {
        const dense = s.toDense("float64");
        expect(maxAbsDiff(sub.toDense("float64"), dense.indexSelect(0, tensorOf(Int32Array.from(order))))).toBe(0);
        expect(sub.nnz).toBe(sub.toDense("float64").ne(0).sum().item());
      });
      check(sub, 5, "float64", false); // products and their backward on the gathered rows
      sub.dispose();
    }
    const viaTensor = tidy(() => s.selectRows(tensorOf(Int32Array.of(4, 2))));
    expect(viaTensor.rows).toBe(2);
    viaTensor.dispose();
    const none = s.selectRows(new Int32Array(0));
    expect([none.rows, none.nnz]).toEqual([0, 0]);
    none.dispose();
    s.dispose();
  });

  it("refuses rows outside the features (ERR_INDEX), a 2-D or float index (ERR_SHAPE, ERR_DTYPE)", () => {
    const s = SparseFeatures.fromCsr(randomCsrFeatures(32, 10, 6, 0.3));
    expectError(() => s.selectRows(Int32Array.of(0, 10)), "ERR_INDEX", "row 10", "0..9");
    expectError(() => s.selectRows(Int32Array.of(-1)), "ERR_INDEX", "row -1");
    tidy(() => {
      expectError(() => s.selectRows(tensorOf([[0, 1]])), "ERR_SHAPE", "1-D");
      expectError(() => s.selectRows(randn([2])), "ERR_DTYPE", "int32 or int64");
    });
    s.dispose();
  });
});
