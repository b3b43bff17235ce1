import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  ArgumentError,
  DataError,
  DTypeError,
  fitProbe,
  linearProbe,
  manualSeed,
  memory,
  nativeCalls,
  probeGraph,
  randn,
  randomSplits,
  ShapeError,
  tensor,
  tidy,
  type ProbeFit,
  type Split,
  type Tensor,
} from "../../src/index.js";
import { createRng } from "../../src/data/rng.js";
import type { Graph } from "../../src/graph/Graph.js";

let base = 0;
beforeEach(() => {
  manualSeed(0);
  base = memory().tensors;
});
afterEach(() => {
  expect(memory().tensors).toBe(base);
});

/** Gaussian blobs: class c has mean `sep` * e_c (first K dims), unit-variance noise scaled by `noise`. */
function blobs(n: number, d: number, k: number, sep: number, noise: number, seed: number): { x: Tensor; y: Int32Array } {
  const rng = createRng(seed);
  const rand = (): number => rng.next();
  const y = Int32Array.from({ length: n }, () => Math.floor(rand() * k));
  const means = new Float32Array(n * d);
  for (let i = 0; i < n; i++) means[i * d + y[i]!] = sep;
  const x = randn([n, d])
    .mul(noise)
    .add(tensor(means, { shape: [n, d] }));
  return { x, y };
}

/** A seeded permutation of 0..n-1 (Fisher-Yates). */
function shuffled(n: number, seed: number): Int32Array {
  const rng = createRng(seed);
  const p = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [p[i], p[j]] = [p[j]!, p[i]!];
  }
  return p;
}

/** Row-normalized float64 copy of x (the probe's input space). */
const normed = (x: Tensor): Tensor => x.to("float64").normalize(2, 1);

/** Accuracy of the returned coefficients on some rows, computed here independently of the native scoring. */
function accuracyFromCoef(x: Tensor, y: Int32Array, rows: Int32Array, fit: ProbeFit): number {
  return tidy(() => {
    const { classes, dim, weight, intercept } = fit.coef;
    const z = normed(x)
      .indexSelect(0, tensor(rows))
      .matmul(tensor(weight, { shape: [classes, dim] }).t())
      .add(tensor(intercept));
    const pred = z.argmax(1).toTypedArray() as BigInt64Array;
    let ok = 0;
    rows.forEach((r, i) => (ok += Number(pred[i]) === y[r] ? 1 : 0));
    return ok / rows.length;
  });
}

describe("linear probe: sanity", () => {
  it("reaches 100% on linearly separable data, with converged fits", () => {
    tidy(() => {
      const { x, y } = blobs(300, 6, 3, 4, 0.3, 1);
      const res = linearProbe(x, y, randomSplits(300, { numSplits: 2, train: 0.2, val: 0.2, seed: 1 }));
      expect(res.metric).toBe("accuracy");
      expect(res.mean).toBe(1);
      expect(res.std).toBe(0);
      for (const s of res.splits) {
        expect(s.test).toBe(1);
        expect(s.val).toBe(1);
        expect(s.converged).toBe(true);
        expect(s.iterations).toBeGreaterThan(0);
        expect(s.grid).toHaveLength(21);
      }
    });
  });

  it("is at chance on shuffled labels: |acc - 1/K| < 3 sigma, sigma = sqrt(p (1 - p) / n_test)", () => {
    tidy(() => {
      const n = 3000;
      const k = 4;
      const perm = shuffled(n, 11);
      const y = Int32Array.from(perm, (p) => p % k); // balanced, in random order, independent of x
      const x = randn([n, 16]);
      const res = linearProbe(x, y, randomSplits(n, { numSplits: 1, seed: 5 }));
      const nTest = res.splits[0]!.grid.length > 0 ? n - 2 * Math.floor(0.1 * n) : 0;
      const sigma = Math.sqrt(((1 / k) * (1 - 1 / k)) / nTest); // 0.0088 for 2400 test nodes
      expect(Math.abs(res.mean - 1 / k)).toBeLessThan(3 * sigma);
    });
  });

  it("reports iterations and non-convergence when the iteration cap is hit", () => {
    tidy(() => {
      const { x, y } = blobs(200, 8, 4, 1, 1, 2);
      const split = randomSplits(200, { numSplits: 1, train: 0.3, val: 0.2, seed: 2 });
      const capped = linearProbe(x, y, split, { maxIter: 2, cGrid: [1, 64], warmStart: false });
      expect(capped.converged).toBe(false);
      expect(capped.unconvergedFits).toBe(2);
      for (const g of capped.splits[0]!.grid) {
        expect(g.iterations).toBe(2);
        expect(g.converged).toBe(false);
        expect(g.gradMaxAbs).toBeGreaterThan(1e-5);
      }
      const full = linearProbe(x, y, split, { cGrid: [1, 64] });
      expect(full.converged).toBe(true);
      expect(full.unconvergedFits).toBe(0);
      for (const g of full.splits[0]!.grid) {
        expect(g.iterations).toBeGreaterThan(2);
        expect(g.iterations).toBeLessThan(1000);
      }
      // Weaker regularization (larger C) fits the train split at least as well.
      const [g1, g64] = full.splits[0]!.grid;
      expect(g64!.loss).toBeLessThan(g1!.loss);
      expect(g64!.weightDecay).toBeCloseTo(1 / (64 * 60), 15);
    });
  });

  it("stops at a zero of the gradient of mean loss + lambda/2 ||W||^2 with lambda = 1/(C n): multinomial", () => {
    tidy(() => {
      const { x, y } = blobs(240, 5, 3, 1.5, 1, 3);
      const split = randomSplits(240, { numSplits: 1, train: 0.5, val: 0.2, seed: 3 })[0]!;
      const c = 2;
      const fit = fitProbe(x, y, split, { cGrid: [c], tolGrad: 1e-9, tolChange: 1e-15 });
      const n = split.train.length;
      const lambda = 1 / (c * n);
      const X = normed(x).indexSelect(0, tensor(split.train));
      const W = tensor(fit.coef.weight, { shape: [3, 5] });
      const b = tensor(fit.coef.intercept);
      const Y = tensor(
        Float64Array.from({ length: n * 3 }, (_, i) => (y[split.train[Math.floor(i / 3)]!] === i % 3 ? 1 : 0)),
        { shape: [n, 3] },
      );
      const G = X.matmul(W.t()).add(b).softmax(1).sub(Y).div(n);
      const gW = G.t().matmul(X).add(W.mul(lambda));
      const gb = G.sum(0); // intercept not penalized
      expect(gW.abs().max().item()).toBeLessThan(1e-8);
      expect(gb.abs().max().item()).toBeLessThan(1e-8);
      expect(fit.gradMaxAbs).toBeLessThan(1e-8);
      expect(accuracyFromCoef(x, y, split.test, fit)).toBeCloseTo(fit.test, 12);
      expect(accuracyFromCoef(x, y, split.train, fit)).toBeCloseTo(fit.train, 12);
    });
  });

  it("one-vs-rest penalizes the intercept like liblinear (intercept_scaling = 1)", () => {
    tidy(() => {
      const { x, y } = blobs(240, 5, 3, 1.5, 1, 4);
      const split = randomSplits(240, { numSplits: 1, train: 0.5, val: 0.2, seed: 4 })[0]!;
      const c = 0.5;
      const fit = fitProbe(x, y, split, { solver: "ovr", cGrid: [c], tolGrad: 1e-9, tolChange: 1e-15 });
      const n = split.train.length;
      const lambda = 1 / (c * n);
      const X = normed(x).indexSelect(0, tensor(split.train));
      const W = tensor(fit.coef.weight, { shape: [3, 5] });
      const b = tensor(fit.coef.intercept);
      const T = tensor(
        Float64Array.from({ length: n * 3 }, (_, i) => (y[split.train[Math.floor(i / 3)]!] === i % 3 ? 1 : 0)),
        { shape: [n, 3] },
      );
      const G = X.matmul(W.t()).add(b).sigmoid().sub(T).div(n);
      expect(G.t().matmul(X).add(W.mul(lambda)).abs().max().item()).toBeLessThan(1e-8);
      expect(G.sum(0).add(b.mul(lambda)).abs().max().item()).toBeLessThan(1e-8);
      expect(accuracyFromCoef(x, y, split.test, fit)).toBeCloseTo(fit.test, 12);
    });
  });

  it("a class absent from the train split is never predicted and does not stall the fit (as sklearn's classes_)", () => {
    tidy(() => {
      const { x, y } = blobs(300, 6, 4, 3, 0.5, 12);
      const ids = Int32Array.from({ length: 300 }, (_, i) => i);
      const rare = ids.filter((i) => y[i] === 3);
      const rest = ids.filter((i) => y[i] !== 3);
      const split: Split = { name: "unseen", train: rest.slice(0, 90), val: rest.slice(90, 150), test: Int32Array.from([...rest.slice(150), ...rare]) };
      for (const solver of ["multinomial", "ovr"] as const) {
        const fit = fitProbe(x, y, split, { solver, numClasses: 4 });
        expect(fit.converged).toBe(true);
        expect(Number.isFinite(fit.grid[0]!.loss)).toBe(true);
        // Every non-3 test node is right (separable blobs), every class-3 node is wrong.
        expect(fit.test).toBeCloseTo((split.test.length - rare.length) / split.test.length, 12);
        if (solver === "multinomial") {
          expect(Array.from(fit.coef.weight.subarray(3 * 6, 4 * 6))).toEqual([0, 0, 0, 0, 0, 0]);
          expect(fit.coef.intercept[3]).toBe(0);
        }
      }
    });
  });

  it("multi-label targets: one binary classifier per label, micro-F1 at threshold 0.5", () => {
    tidy(() => {
      const n = 400;
      const L = 3;
      const x = randn([n, 8]);
      const xs = x.toTypedArray() as Float32Array;
      // Label j is on when feature j is positive: separable through the origin, also after normalization.
      const data = Uint8Array.from({ length: n * L }, (_, i) => (xs[Math.floor(i / L) * 8 + (i % L)]! > 0 ? 1 : 0));
      const split = randomSplits(n, { numSplits: 1, train: 0.4, val: 0.2, seed: 6 });
      const res = linearProbe(x, { numLabels: L, data }, split);
      expect(res.metric).toBe("microF1");
      expect(res.mean).toBeGreaterThan(0.95);
      // micro-F1 recomputed here from the coefficients of the selected C.
      const fit = fitProbe(x, { numLabels: L, data }, split[0]!);
      const te = split[0]!.test;
      const z = normed(x)
        .indexSelect(0, tensor(te))
        .matmul(tensor(fit.coef.weight, { shape: [L, 8] }).t())
        .add(tensor(fit.coef.intercept));
      const zs = z.toTypedArray() as Float64Array;
      let tp = 0;
      let fp = 0;
      let fn = 0;
      te.forEach((r, i) => {
        for (let j = 0; j < L; j++) {
          const p = zs[i * L + j]! >= 0;
          const t = data[r * L + j] === 1;
          if (p && t) tp++;
          else if (p) fp++;
          else if (t) fn++;
        }
      });
      expect(fit.test).toBeCloseTo((2 * tp) / (2 * tp + fp + fn), 12);
      expect(fit.test).toBeCloseTo(res.splits[0]!.test, 12);
    });
  });
});

describe("linear probe: protocols and call budget", () => {
  it("fits a whole C grid in one native call: the call count does not grow with the grid", () => {
    tidy(() => {
      const { x, y } = blobs(200, 6, 3, 2, 1, 7);
      const split = randomSplits(200, { numSplits: 1, seed: 7 })[0]!;
      const count = (cGrid: number[]): number => {
        const before = nativeCalls();
        fitProbe(x, y, split, { cGrid });
        return nativeCalls() - before;
      };
      count([1]); // warm-up: caches the embeddings' shape
      const one = count([1]);
      expect(count([0.25, 1, 4, 16, 64, 256, 1024])).toBe(one);
      expect(one).toBeLessThanOrEqual(16); // index tensors, the fit, result copies, scope cleanup
    });
  });

  it("probeGraph runs the random protocol (20 splits) and the public one (graph.publicSplits)", () => {
    tidy(() => {
      const n = 120;
      const { x, y } = blobs(n, 4, 2, 3, 0.5, 8);
      const graph = {
        name: "toy",
        numNodes: n,
        labels: y,
        numClasses: 2,
        publicSplits: randomSplits(n, { numSplits: 2, train: 0.3, val: 0.2, seed: 9 }).map((s, i) => ({ ...s, name: `public-${i}` })),
      } as unknown as Graph;
      const random = probeGraph(x, graph, { cGrid: [1] });
      expect(random.protocol).toBe("random");
      expect(random.splits).toHaveLength(20);
      expect(random.splits[0]!.split).toBe("random-0");
      const pub = probeGraph(x, graph, { protocol: "public", cGrid: [1, 4] });
      expect(pub.splits.map((s) => s.split)).toEqual(["public-0", "public-1"]);
      expect(pub.mean).toBeGreaterThan(0.9);
      expect(() => probeGraph(x, { ...graph, publicSplits: undefined } as Graph, { protocol: "public" })).toThrow(DataError);
    });
  });
});

describe("linear probe: bad input raises WerankError", () => {
  const split: Split = { name: "s", train: Int32Array.of(0, 1, 2, 3), val: Int32Array.of(4, 5), test: Int32Array.of(6, 7) };
  const y = Int32Array.of(0, 1, 0, 1, 0, 1, 0, 1);

  it("labels out of range", () => {
    tidy(() => {
      const x = randn([8, 3]);
      expect(() => linearProbe(x, Int32Array.of(0, 1, 0, 5, 0, 1, 0, 1), [split], { numClasses: 2 })).toThrow(DataError);
      expect(() => linearProbe(x, Int32Array.of(0, 1, 0, 5, 0, 1, 0, 1), [split], { numClasses: 2 })).toThrow(/node 3 has label 5/);
      expect(() => linearProbe(x, Int32Array.of(0, -1, 0, 1, 0, 1, 0, 1), [split])).toThrow(DataError);
      expect(() => linearProbe(x, Int32Array.of(0, 1, 0), [split])).toThrow(ShapeError);
      expect(() => linearProbe(x, tensor([0, 1, 0, 1, 0, 1, 0, 1]), [split])).toThrow(DTypeError);
      expect(() => linearProbe(x, { numLabels: 2, data: Uint8Array.of(0, 2, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1) }, [split])).toThrow(DataError);
    });
  });

  it("empty or out-of-range splits", () => {
    tidy(() => {
      const x = randn([8, 3]);
      expect(() => linearProbe(x, y, [{ ...split, train: new Int32Array(0) }])).toThrow(DataError);
      expect(() => linearProbe(x, y, [{ ...split, val: new Int32Array(0) }])).toThrow(/non-empty val split/);
      expect(() => linearProbe(x, y, [{ ...split, test: Int32Array.of(9) }])).toThrow(DataError);
      expect(() => linearProbe(x, y, [])).toThrow(ArgumentError);
      // One C needs no validation split; an empty test split gives NaN.
      const r = linearProbe(x, y, [{ ...split, val: new Int32Array(0), test: new Int32Array(0) }], { cGrid: [1] });
      expect(r.splits[0]!.test).toBeNaN();
    });
  });

  it("NaN embeddings, wrong shapes, unknown solver, bad options", () => {
    tidy(() => {
      const data = new Float32Array(24).fill(0.5);
      data[13] = Number.NaN;
      expect(() => linearProbe(tensor(data, { shape: [8, 3] }), y, [split])).toThrow(/row 4 contains NaN/);
      expect(() => linearProbe(tensor(data, { shape: [8, 3] }), y, [split])).toThrow(DataError);
      expect(() => linearProbe(randn([8]), y, [split])).toThrow(ShapeError);
      expect(() => linearProbe(randn([8, 3]), y, [split], { solver: "multinomal" as never })).toThrow(/did you mean 'multinomial'/);
      expect(() => linearProbe(randn([8, 3]), y, [split], { cGrid: [0] })).toThrow(ArgumentError);
      expect(() => linearProbe(randn([8, 3]), y, [split], { maxIter: 0 })).toThrow(ArgumentError);
    });
  });
});
