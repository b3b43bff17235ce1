import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { bgrlSplits, crossValidatedProbe, fitProbe, manualSeed, memory, type Split } from "../../src/index.js";
import { deriveSeed } from "../../src/data/rng.js";
import { blobs, shuffled, subsetCorrect } from "../helpers/probe.js";

let base = 0;
beforeEach(() => {
  manualSeed(0);
  base = memory().tensors;
});
afterEach(() => expect(memory().tensors).toBe(base));

describe("crossValidatedProbe (BGRL's evaluation)", () => {
  it("reaches 100% on separable data", () => {
    const { x, y } = blobs(300, 8, 3, 20, 1);
    const r = crossValidatedProbe(x, y, { repeats: 3 });
    x.dispose();
    expect(r.protocol).toBe("bgrl");
    expect(r.solver).toBe("ovr");
    expect(r.mean).toBe(1);
  });

  it("selects C by the mean fold SUBSET accuracy of one-vs-rest predictions, then refits on the whole 20% (one repeat rebuilt by hand)", () => {
    const { x, y } = blobs(200, 6, 4, 1.2, 2);
    const xs = x.toTypedArray() as Float32Array;
    const grid = [0.01, 0.1, 1, 10];
    const r = crossValidatedProbe(x, y, { repeats: 2, seed: 5, cGrid: grid });
    // Rebuild repeat 0: n_test = ceil(0.8 * 200) = 160, n_train = 40, each fold validates on 20.
    const perm = shuffled(
      Int32Array.from({ length: 200 }, (_, i) => i),
      deriveSeed(5, 0),
    );
    const train = perm.slice(0, 40);
    const test = perm.slice(40).sort();
    const sum = new Float64Array(grid.length);
    for (let f = 0; f < 5; f++) {
      const fp = shuffled(train, deriveSeed(deriveSeed(5, 0), 1000 + f));
      const val = fp.slice(0, 20).sort();
      grid.forEach((c, i) => {
        const fit = fitProbe(x, y, { name: "f", train: fp.slice(20).sort(), val, test: new Int32Array(0) }, { solver: "ovr", optimizer: "liblinear", cGrid: [c] });
        sum[i]! += subsetCorrect(xs, 6, y, val, fit.coef) / 20;
      });
    }
    let best = 0;
    for (let i = 1; i < grid.length; i++) if (sum[i]! > sum[best]!) best = i;
    const refit = fitProbe(x, y, { name: "r", train: train.slice().sort(), val: new Int32Array(0), test }, { solver: "ovr", optimizer: "liblinear", cGrid: [grid[best]!] });
    x.dispose();
    expect(r.splits[0]!.bestC).toBe(grid[best]);
    expect(r.splits[0]!.test).toBeCloseTo(refit.test, 12);
    expect(r.splits[0]!.val).toBeCloseTo(sum[best]! / 5, 12);
    // weightDecay = 1 / (C * n_train): the refit used all 40 train nodes
    expect(1 / (r.splits[0]!.weightDecay * r.splits[0]!.bestC)).toBeCloseTo(40, 9);
    expect(r.splits).toHaveLength(2);
    expect(r.mean).toBeCloseTo((r.splits[0]!.test + r.splits[1]!.test) / 2, 12);
  });

  it("picks another C than argmax accuracy would: with stronger regularization the classes rank right but rows get no class or two", () => {
    const { x, y } = blobs(200, 6, 4, 3, 1);
    const grid = [2 ** -8, 2 ** -6, 2 ** -4, 2 ** -2, 1, 4, 16];
    const r = crossValidatedProbe(x, y, { repeats: 1, seed: 3, cGrid: grid });
    const [rep] = bgrlSplits(200, { repeats: 1, seed: 3 });
    const argmaxVal = grid.map((c) =>
      rep!.folds.reduce((a, f) => a + fitProbe(x, y, { name: "f", train: f.train, val: f.val, test: new Int32Array(0) }, { solver: "ovr", optimizer: "liblinear", cGrid: [c] }).val, 0),
    );
    x.dispose();
    // The old rule (mean argmax accuracy over the folds) prefers C = 4 ...
    let old = 0;
    for (let i = 1; i < grid.length; i++) if (argmaxVal[i]! > argmaxVal[old]!) old = i;
    expect(grid[old]).toBe(4);
    // ... sklearn's scorer (subset accuracy) C = 16.
    expect(r.splits[0]!.bestC).toBe(16);
  });

  it("uses the splits of bgrlSplits: sklearn's sizes, disjoint, seeded", () => {
    const reps = bgrlSplits(101, { repeats: 2, seed: 4 });
    expect(reps).toHaveLength(2);
    for (const rep of reps) {
      expect(rep.test.length).toBe(81); // ceil(0.8 * 101)
      expect(rep.train.length).toBe(20);
      expect(new Set([...rep.train, ...rep.test]).size).toBe(101);
      expect(rep.folds).toHaveLength(5);
      for (const f of rep.folds) {
        expect(f.val.length).toBe(10); // ceil(0.5 * 20)
        expect(f.train.length).toBe(10);
        expect([...f.train, ...f.val].sort((a, b) => a - b)).toEqual([...rep.train]);
      }
    }
    expect(bgrlSplits(101, { repeats: 2, seed: 4 })).toEqual(reps);
    expect(bgrlSplits(101, { repeats: 1, seed: 5 })[0]!.train).not.toEqual(reps[0]!.train);
  });

  it("the liblinear optimizer (TRON, tol 1e-4) lands near the tightly converged one-vs-rest optimum, in few Newton steps; ovr only", () => {
    const { x, y } = blobs(300, 6, 3, 1.5, 11);
    const split: Split = { name: "s", train: Int32Array.from({ length: 200 }, (_, i) => i), val: new Int32Array(0), test: Int32Array.from({ length: 100 }, (_, i) => 200 + i) };
    const tight = fitProbe(x, y, split, { solver: "ovr", cGrid: [1], tolGrad: 1e-10, tolChange: 0 });
    const lib = fitProbe(x, y, split, { solver: "ovr", optimizer: "liblinear", cGrid: [1] });
    expect(() => fitProbe(x, y, split, { solver: "multinomial", optimizer: "liblinear" })).toThrow(/one-vs-rest/);
    x.dispose();
    const scale = Math.max(...tight.coef.weight.map(Math.abs));
    const err = Math.max(...lib.coef.weight.map((w, i) => Math.abs(w - tight.coef.weight[i]!)), ...lib.coef.intercept.map((b, i) => Math.abs(b - tight.coef.intercept[i]!)));
    expect(err / scale).toBeLessThan(1e-2);
    expect(err / scale).toBeGreaterThan(0); // approximate: stopped at liblinear's tolerance, not at the optimum
    expect(lib.converged).toBe(true);
    expect(lib.iterations).toBeLessThanOrEqual(100);
    expect(Math.abs(lib.test - tight.test)).toBeLessThanOrEqual(0.02);
  });

  it("scores multi-label targets (micro-F1 on the folds and the test part) with the same liblinear fits", () => {
    const { x, y } = blobs(200, 6, 3, 3, 13);
    // Label l is on when the class is l, and label 3 when the class is 0 or 1: 4 labels.
    const data = new Uint8Array(200 * 4);
    y.forEach((c, i) => {
      data[i * 4 + c] = 1;
      data[i * 4 + 3] = c < 2 ? 1 : 0;
    });
    const r = crossValidatedProbe(x, { numLabels: 4, data }, { repeats: 2 });
    x.dispose();
    expect(r.metric).toBe("microF1");
    expect(r.settings.optimizer).toBe("liblinear");
    expect(r.mean).toBeGreaterThan(0.8);
  });

  it("rejects impossible settings", () => {
    const { x, y } = blobs(20, 3, 2, 1, 3);
    expect(() => crossValidatedProbe(x, y, { repeats: 0 })).toThrow(/repeats/);
    expect(() => crossValidatedProbe(x, y, { trainFraction: 1.5 })).toThrow(/train fraction/);
    expect(() => crossValidatedProbe(x, y, { solver: "multinomial" })).toThrow(/one-vs-rest/);
    x.dispose();
  });
});
