import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createRng, crossValidatedProbe, deriveSeed, fitProbe, manualSeed, memory, randn, tensor, tidy, type Split, type Tensor } from "../../src/index.js";

let base = 0;
beforeEach(() => {
  manualSeed(0);
  base = memory().tensors;
});
afterEach(() => expect(memory().tensors).toBe(base));

function blobs(n: number, d: number, k: number, sep: number, seed: number): { x: Tensor; y: Int32Array } {
  const rng = createRng(seed);
  const y = Int32Array.from({ length: n }, () => rng.int(k));
  const means = new Float32Array(n * d);
  for (let i = 0; i < n; i++) means[i * d + y[i]!] = sep;
  return { x: tidy(() => randn([n, d]).add(tensor(means, { shape: [n, d] }))), y };
}

/** Fisher-Yates with the protocol's own generator (mirrors crossValidatedProbe). */
function shuffled(ids: Int32Array, seed: number): Int32Array {
  const rng = createRng(seed);
  const p = Int32Array.from(ids);
  for (let i = p.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [p[i], p[j]] = [p[j]!, p[i]!];
  }
  return p;
}

describe("crossValidatedProbe (BGRL's evaluation)", () => {
  it("reaches 100% on separable data", () => {
    const { x, y } = blobs(300, 8, 3, 20, 1);
    const r = crossValidatedProbe(x, y, { repeats: 3 });
    x.dispose();
    expect(r.protocol).toBe("bgrl");
    expect(r.solver).toBe("ovr");
    expect(r.mean).toBe(1);
  });

  it("refits on the whole 20% with the C of the best mean cross-validation accuracy (one repeat rebuilt by hand)", () => {
    const { x, y } = blobs(200, 6, 4, 1.2, 2);
    const grid = [0.01, 0.1, 1, 10];
    const r = crossValidatedProbe(x, y, { repeats: 2, seed: 5, cGrid: grid });
    // Rebuild repeat 0: n_test = ceil(0.8 * 200) = 160, n_train = 40, each fold validates on 20.
    const perm = shuffled(Int32Array.from({ length: 200 }, (_, i) => i), deriveSeed(5, 0));
    const train = perm.slice(0, 40);
    const test = perm.slice(40).sort();
    const sum = new Float64Array(grid.length);
    for (let f = 0; f < 5; f++) {
      const fp = shuffled(train, deriveSeed(deriveSeed(5, 0), 1000 + f));
      const split: Split = { name: "f", train: fp.slice(20).sort(), val: fp.slice(0, 20).sort(), test: new Int32Array(0) };
      fitProbe(x, y, split, { solver: "ovr", cGrid: grid }).grid.forEach((g, i) => (sum[i]! += g.val));
    }
    let best = 0;
    for (let i = 1; i < grid.length; i++) if (sum[i]! > sum[best]!) best = i;
    const refit = fitProbe(x, y, { name: "r", train: train.slice().sort(), val: new Int32Array(0), test }, { solver: "ovr", cGrid: [grid[best]!] });
    x.dispose();
    expect(r.splits[0]!.bestC).toBe(grid[best]);
    expect(r.splits[0]!.test).toBeCloseTo(refit.test, 12);
    expect(r.splits[0]!.val).toBeCloseTo(sum[best]! / 5, 12);
    // weightDecay = 1 / (C * n_train): the refit used all 40 train nodes
    expect(1 / (r.splits[0]!.weightDecay * r.splits[0]!.bestC)).toBeCloseTo(40, 9);
    expect(r.splits).toHaveLength(2);
    expect(r.mean).toBeCloseTo((r.splits[0]!.test + r.splits[1]!.test) / 2, 12);
  });

  it("rejects impossible settings", () => {
    const { x, y } = blobs(20, 3, 2, 1, 3);
    expect(() => crossValidatedProbe(x, y, { repeats: 0 })).toThrow(/repeats/);
    expect(() => crossValidatedProbe(x, y, { trainFraction: 1.5 })).toThrow(/train fraction/);
    x.dispose();
  });
});
