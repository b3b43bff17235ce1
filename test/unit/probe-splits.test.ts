import { describe, expect, it } from "vitest";
import { ArgumentError, DataError, probeSplits, randomSplits, summarizeProbes, type ProbeResult } from "../../src/index.js";

describe("random probe protocol (data layer's randomSplits)", () => {
  it("makes disjoint train/val/test covering all nodes with floor(0.1 N) train and val nodes", () => {
    const n = 1001;
    const splits = probeSplits({ name: "g", numNodes: n }, "random", { numSplits: 3, seed: 7 });
    expect(splits).toHaveLength(3);
    for (const s of splits) {
      expect(s.train.length).toBe(100);
      expect(s.val.length).toBe(100);
      expect(s.test.length).toBe(801);
      const all = new Set([...s.train, ...s.val, ...s.test]);
      expect(all.size).toBe(n);
      expect(Math.min(...all)).toBe(0);
      expect(Math.max(...all)).toBe(n - 1);
    }
    expect(splits[0]!.train).not.toEqual(splits[1]!.train);
  });

  it("defaults to 20 splits, is deterministic per seed, and the first splits do not change when numSplits grows", () => {
    expect(probeSplits({ name: "g", numNodes: 500 }, "random")).toHaveLength(20);
    const a = randomSplits(500, { numSplits: 2, seed: 3 });
    const b = randomSplits(500, { numSplits: 5, seed: 3 });
    expect(b[0]!.train).toEqual(a[0]!.train);
    expect(b[1]!.test).toEqual(a[1]!.test);
    expect(randomSplits(500, { numSplits: 1, seed: 4 })[0]!.train).not.toEqual(a[0]!.train);
  });

  it("rejects impossible fractions", () => {
    expect(() => randomSplits(100, { train: 0.6, val: 0.5 })).toThrow(ArgumentError);
    expect(() => randomSplits(100, { train: 1.5 })).toThrow(ArgumentError);
  });
});

describe("probeSplits", () => {
  const split = { name: "p0", train: Int32Array.of(0), val: Int32Array.of(1), test: Int32Array.of(2) };
  it("takes public splits from the graph and refuses graphs without them", () => {
    expect(probeSplits({ name: "wikics", numNodes: 3, publicSplits: [split] }, "public")).toEqual([split]);
    expect(() => probeSplits({ name: "cora", numNodes: 3 }, "public")).toThrow(DataError);
    expect(() => probeSplits({ name: "cora", numNodes: 3 }, "publik" as never)).toThrow(/did you mean 'public'/);
  });
  it("random protocol defaults to 20 splits", () => {
    expect(probeSplits({ name: "x", numNodes: 100 }, "random")).toHaveLength(20);
  });
});

describe("summarizeProbes", () => {
  it("pools (seed, split) pairs and reports the per-seed spread", () => {
    const mk = (tests: number[]): ProbeResult =>
      ({ metric: "accuracy", mean: tests.reduce((a, b) => a + b, 0) / tests.length, converged: true, splits: tests.map((test) => ({ test })) }) as unknown as ProbeResult;
    const s = summarizeProbes([mk([0.8, 0.9]), mk([0.6, 0.7])]);
    expect(s.count).toBe(4);
    expect(s.mean).toBeCloseTo(0.75, 12);
    expect(s.std).toBeCloseTo(Math.sqrt(((0.05 ** 2 + 0.15 ** 2) * 2) / 4), 12);
    expect(s.seedMeans.map((v) => +v.toFixed(12))).toEqual([0.85, 0.65]);
    expect(s.seedStd).toBeCloseTo(0.1, 12);
  });
});
