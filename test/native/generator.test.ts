// The seeded Generator: values equal PyTorch's torch.Generator for the same seed (hand-copied from
// /usr/bin/python3, torch 1.13), state save/restore, independence from the global seed, errors.
import { describe, expect, it } from "vitest";
import { Generator, manualSeed, memory, randn, tidy, type WerankError } from "../../src/index.js";

describe("Generator", () => {
  it("draws the same numbers as torch.Generator().manual_seed(seed)", () => {
    const base = memory().tensors;
    const g = new Generator(42);
    tidy(() => {
      const x = g.randn([4]).toArray() as number[];
      [0.33669036626815796, 0.12880940735340118, 0.23446236550807953, 0.23033303022384644].forEach((v, i) => expect(x[i]).toBeCloseTo(v, 7));
      g.manualSeed(42);
      const u = g.rand([3], { dtype: "float64" }).toArray() as number[];
      [0.05815448596142969, 0.06291016742457756, 0.12358607277440903].forEach((v, i) => expect(u[i]).toBeCloseTo(v, 15));
      g.manualSeed(7);
      expect(g.randperm(6).toArray()).toEqual([3, 0, 1, 5, 2, 4]);
      expect(g.randint(0, 10, [5]).toArray()).toEqual([7, 7, 9, 8, 1]);
    });
    expect(g.seed).toBe(7);
    g.dispose();
    expect(memory().tensors).toBe(base);
  });

  it("restores its state and is independent of the global seed", () => {
    const g = new Generator(3);
    tidy(() => {
      const s = g.getState();
      const a = g.randn([5]).toArray();
      manualSeed(123);
      randn([10]);
      g.setState(s);
      expect(g.randn([5]).toArray()).toEqual(a);
      expect(g.randn([5]).toArray()).not.toEqual(a);
    });
    g.dispose();
  });

  it("rejects bad seeds and states, and use after dispose", () => {
    const code = (fn: () => unknown) => {
      try {
        fn();
        return "none";
      } catch (e) {
        return (e as WerankError).code;
      }
    };
    expect(code(() => new Generator(-1))).toBe("ERR_ARGUMENT");
    expect(code(() => new Generator(1.5))).toBe("ERR_ARGUMENT");
    const g = new Generator(1);
    expect(code(() => g.setState(new Uint8Array(3)))).toBe("ERR_ARGUMENT");
    g.dispose();
    g.dispose();
    expect(g.isDisposed).toBe(true);
    expect(code(() => g.randn([2]))).toBe("ERR_DISPOSED");
  });
});
