/**
 * GRACE's evaluation protocol (src/eval/graceProbe.ts, after CRIPAC-DIG/GRACE eval.py): 10% train with
 * C from 2^-10..2^9 by sklearn-KFold(5) cross-validation, refit, 90% test, 3 repeats. One repeat is
 * rebuilt by hand here with fitProbe; kFoldBounds is checked against sklearn's KFold sizes. The protocol
 * did not exist before (eval.protocol "grace" was an invalid value).
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GRACE_C_GRID, fitProbe, graceProbe, manualSeed, memory, probeGraph, type Graph, type Split } from "../../src/index.js";
import { deriveSeed } from "../../src/data/rng.js";
import { blobs, shuffled, subsetCorrect } from "../helpers/probe.js";
import { kFoldBounds } from "../../src/eval/graceProbe.js";

let base = 0;
beforeEach(() => {
  manualSeed(0);
  base = memory().tensors;
});
afterEach(() => expect(memory().tensors).toBe(base));

describe("graceProbe (GRACE's evaluation)", () => {
  it("KFold folds: sklearn's sizes (the first n % k folds one larger), consecutive", () => {
    expect(kFoldBounds(10, 3)).toEqual([0, 4, 7, 10]);
    expect(kFoldBounds(271, 5)).toEqual([0, 55, 109, 163, 217, 271]); // Cora: 2708 - ceil(0.9 * 2708) = 271
    expect(GRACE_C_GRID).toHaveLength(20);
    expect(GRACE_C_GRID[0]).toBe(2 ** -10);
    expect(GRACE_C_GRID.at(-1)).toBe(2 ** 9);
  });

  it("refits on the whole 10% with the C of the best mean KFold subset accuracy (one repeat rebuilt by hand)", () => {
    const { x, y } = blobs(300, 6, 3, 1.5, 2);
    const xs = x.toTypedArray() as Float32Array;
    const grid = [0.01, 0.1, 1, 10];
    const r = graceProbe(x, y, { seed: 5, cGrid: grid });
    // n_test = ceil(0.9 * 300) = 270, n_train = 30: five consecutive folds of 6.
    const perm = shuffled(
      Int32Array.from({ length: 300 }, (_, i) => i),
      deriveSeed(5, 0),
    );
    const train = perm.slice(0, 30);
    const test = perm.slice(30).sort();
    const sum = new Float64Array(grid.length);
    for (let f = 0; f < 5; f++) {
      const val = train.slice(6 * f, 6 * f + 6).sort();
      const fit = Int32Array.from([...train.slice(0, 6 * f), ...train.slice(6 * f + 6)]).sort();
      grid.forEach((c, i) => {
        const one = fitProbe(x, y, { name: "f", train: fit, val, test: new Int32Array(0) }, { solver: "ovr", optimizer: "liblinear", cGrid: [c] });
        sum[i]! += subsetCorrect(xs, 6, y, val, one.coef) / val.length;
      });
    }
    let best = 0;
    for (let i = 1; i < grid.length; i++) if (sum[i]! > sum[best]!) best = i;
    const refit = fitProbe(x, y, { name: "r", train: train.slice().sort(), val: new Int32Array(0), test } satisfies Split, { solver: "ovr", optimizer: "liblinear", cGrid: [grid[best]!] });
    x.dispose();
    expect(r.protocol).toBe("grace");
    expect(r.solver).toBe("ovr");
    expect(r.splits).toHaveLength(3); // @repeat(3)
    expect(r.splits[0]!.bestC).toBe(grid[best]);
    expect(r.splits[0]!.test).toBeCloseTo(refit.test, 12);
    expect(r.splits[0]!.val).toBeCloseTo(sum[best]! / 5, 12);
    expect(1 / (r.splits[0]!.weightDecay * r.splits[0]!.bestC)).toBeCloseTo(30, 9); // refit on all 30
  });

  it("is the probe protocol 'grace' of probeGraph (3 repeats by default), and rejects impossible settings", () => {
    const { x, y } = blobs(200, 8, 3, 20, 1);
    const g = { name: "blobs", numNodes: 200, labels: y, numClasses: 3 } as unknown as Graph;
    const r = probeGraph(x, g, { protocol: "grace" });
    expect(r.protocol).toBe("grace");
    expect(r.splits).toHaveLength(3);
    expect(r.mean).toBe(1);
    expect(() => graceProbe(x, y, { repeats: 0 })).toThrow(/repeats/);
    expect(() => graceProbe(x, y, { trainFraction: 0.01 })).toThrow(/fewer than the 5 folds/);
    x.dispose();
  });
});
