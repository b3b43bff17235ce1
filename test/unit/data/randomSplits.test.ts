import { describe, expect, it } from "vitest";
import { randomSplits } from "../../../src/data/randomSplits.js";
import { createRng, deriveSeed } from "../../../src/data/rng.js";
import { ArgumentError } from "../../../src/errors.js";
import { validateSplit } from "../../../src/graph/validateGraph.js";

const labels = Int32Array.from({ length: 1000 }, (_, i) => (i < 700 ? 0 : i < 950 ? 1 : 2));

describe("randomSplits", () => {
  it("makes 10/10/80 disjoint, sorted splits covering every node", () => {
    const [s] = randomSplits(1000);
    expect(s!.name).toBe("random-0");
    expect([s!.train.length, s!.val.length, s!.test.length]).toEqual([100, 100, 800]);
    validateSplit(s!, 1000);
    const all = new Set([...s!.train, ...s!.val, ...s!.test]);
    expect(all.size).toBe(1000);
    for (const part of [s!.train, s!.val, s!.test]) for (let k = 1; k < part.length; k++) expect(part[k]!).toBeGreaterThan(part[k - 1]!);
  });

  it("is deterministic per seed and differs between seeds; split k equals the split of seed + k", () => {
    const a = randomSplits(500, { seed: 3 })[0]!;
    const b = randomSplits(500, { seed: 3 })[0]!;
    const c = randomSplits(500, { seed: 4 })[0]!;
    expect(Array.from(a.train)).toEqual(Array.from(b.train));
    expect(Array.from(a.train)).not.toEqual(Array.from(c.train));
    const many = randomSplits(500, { seed: 3, numSplits: 3 });
    expect(many.map((s) => s.name)).toEqual(["random-3", "random-4", "random-5"]);
    expect(Array.from(many[1]!.test)).toEqual(Array.from(c.test));
    const explicit = randomSplits(500, { seeds: [4, 3] });
    expect(Array.from(explicit[0]!.val)).toEqual(Array.from(c.val));
  });

  it("honours custom fractions, leaving nodes out when test is given", () => {
    const [s] = randomSplits(200, { train: 0.25, val: 0.05, test: 0.5 });
    expect([s!.train.length, s!.val.length, s!.test.length]).toEqual([50, 10, 100]);
    const [t] = randomSplits(7, { train: 0.5, val: 0.2 });
    expect([t!.train.length, t!.val.length, t!.test.length]).toEqual([3, 1, 3]);
  });

  it("stratified splits apply the fractions within each class", () => {
    const [s] = randomSplits(labels, { stratified: true, seed: 1 });
    const count = (ids: Int32Array, c: number): number => Array.from(ids).filter((i) => labels[i] === c).length;
    expect([0, 1, 2].map((c) => count(s!.train, c))).toEqual([70, 25, 5]);
    expect([0, 1, 2].map((c) => count(s!.val, c))).toEqual([70, 25, 5]);
    expect([0, 1, 2].map((c) => count(s!.test, c))).toEqual([560, 200, 40]);
    expect(s!.name).toBe("stratified-1");
    validateSplit(s!, 1000);
  });

  it("rejects bad options", () => {
    expect(() => randomSplits(10, { train: 0.8, val: 0.3 })).toThrow(ArgumentError);
    expect(() => randomSplits(10, { train: -0.1 })).toThrow(/train in \[0, 1\]/);
    expect(() => randomSplits(10, { numSplits: 0 })).toThrow(/numSplits/);
    expect(() => randomSplits(10, { stratified: true })).toThrow(/one label per node/);
  });
});

describe("createRng", () => {
  it("is deterministic and platform-independent (fixed first values)", () => {
    const r = createRng(42);
    const first = [r.next(), r.next(), r.next()];
    const again = createRng(42);
    expect([again.next(), again.next(), again.next()]).toEqual(first);
    expect(first.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(createRng(43).next()).not.toBe(first[0]);
    expect(deriveSeed(1, 2)).toBe(deriveSeed(1, 2));
    expect(deriveSeed(1, 2)).not.toBe(deriveSeed(2, 1));
  });

  it("draws uniform integers and standard normals with the right moments", () => {
    const r = createRng(1);
    const counts = new Array(10).fill(0);
    let s = 0;
    let s2 = 0;
    const N = 50000;
    for (let k = 0; k < N; k++) {
      counts[r.int(10)]++;
      const z = r.normal();
      s += z;
      s2 += z * z;
    }
    for (const c of counts) expect(Math.abs(c - N / 10)).toBeLessThan(5 * Math.sqrt(N / 10));
    expect(Math.abs(s / N)).toBeLessThan(0.03);
    expect(Math.abs(s2 / N - 1)).toBeLessThan(0.05);
  });

  it("shuffles into a permutation", () => {
    const a = createRng(5).shuffle(Int32Array.from({ length: 100 }, (_, i) => i));
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(Array.from(a)).not.toEqual(Array.from({ length: 100 }, (_, i) => i));
  });
});
