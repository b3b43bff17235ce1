import { describe, expect, it } from "vitest";
import { manualSeed, meanSingularValue, rand, randn, SVMax, svmaxBounds, tensor, tidy, VarianceRegularizer, varianceHinge, WerankError, type Tensor } from "../../../src/index.js";
import { gradCheck } from "../../helpers/denseGraph.js";
import { expectNoLeaks } from "../../helpers/expect.js";

expectNoLeaks();

describe("SVMax", () => {
  it("bounds are sqrt(b)/k and sqrt(b/k), k = min(b, d): the official formulas when b > d", () => {
    const b = 144;
    const d = 128;
    // ahmdtaha/svmax svmax_pytorch.py
    expect(svmaxBounds(b, d).lower).toBeCloseTo(Math.sqrt(b) / d, 14);
    expect(svmaxBounds(b, d).upper).toBeCloseTo((Math.sqrt((b * d) / Math.max(b, d)) * Math.sqrt(b)) / d, 14);
    expect(svmaxBounds(3, 8)).toEqual({ lower: Math.sqrt(3) / 3, upper: 1 });
    expect(() => svmaxBounds(0, 3)).toThrow(WerankError);
  });

  it("reaches the lower bound at rank 1 and the upper bound when all singular values are equal (hand-computed)", () => {
    tidy(() => {
      const collapsed = tensor([
        [2, 0, 0],
        [1, 0, 0],
        [-3, 0, 0],
        [0.5, 0, 0],
      ]); // after normalization rows ±e1
      const r = new SVMax({ weight: 2 }).forward(collapsed);
      expect(r.terms.meanSingularValue!.item()).toBeCloseTo(2 / 3, 6); // s = [sqrt(4), 0, 0]
      expect(r.info.lowerBound).toBeCloseTo(2 / 3, 12);
      expect(r.loss.item()).toBeCloseTo(-4 / 3, 6);
      const spread = tensor([
        [1, 0, 0],
        [0, 2, 0],
        [0, 0, 5],
      ]);
      expect(meanSingularValue(spread).item()).toBeCloseTo(1, 6);
      expect(svmaxBounds(3, 3).upper).toBe(1);
      // E^T E = diag(2, 1, 1): s = [sqrt(2), 1, 1]
      expect(
        meanSingularValue(
          tensor([
            [1, 0, 0],
            [0, 1, 0],
            [0, 0, 1],
            [3, 0, 0],
          ]),
        ).item(),
      ).toBeCloseTo((Math.SQRT2 + 2) / 3, 6);
      expect(meanSingularValue(spread, false).item()).toBeCloseTo(8 / 3, 5);
    });
  });

  it("stays within its bounds on random embeddings", () => {
    manualSeed(1);
    tidy(() => {
      for (const [b, d] of [
        [50, 8],
        [8, 50],
        [20, 20],
      ] as const) {
        for (const e of [randn([b, d]), rand([b, d]), rand([b, d]).add(5)]) {
          const s = meanSingularValue(e).item();
          const { lower, upper } = svmaxBounds(b, d);
          expect(s).toBeGreaterThanOrEqual(lower - 1e-5);
          expect(s).toBeLessThanOrEqual(upper + 1e-5);
        }
      }
    });
  });

  it("has finite-difference gradients (float64)", () => {
    manualSeed(2);
    const e = randn([7, 3], { dtype: "float64" }).setRequiresGrad(true);
    const r = gradCheck(([x]) => new SVMax({ weight: 0.5 }).forward(x!).loss, [e]);
    e.dispose();
    expect(r.maxAbsGrad).toBeGreaterThan(1e-3);
    expect(r.maxAbsDiff).toBeLessThan(1e-6);
  });
});

describe("VarianceRegularizer", () => {
  it("is weight * mean_j relu(gamma - sqrt(Var_j + eps)) with the unbiased variance (hand-computed)", () => {
    tidy(() => {
      const z = tensor(
        [
          [0, 0],
          [2, 0.5],
        ],
        { dtype: "float64" },
      );
      // column 0: var 2 -> std 1.4142 > 1 -> 0; column 1: var 0.125 -> 1 - sqrt(0.1251)
      const expected = (1 - Math.sqrt(0.125 + 1e-4)) / 2;
      expect(varianceHinge(z).item()).toBeCloseTo(expected, 12);
      const r = new VarianceRegularizer({ weight: 25 }).forward(z);
      expect(r.loss.item()).toBeCloseTo(25 * expected, 10);
      expect(r.terms.meanStd!.item()).toBeCloseTo((Math.sqrt(2 + 1e-4) + Math.sqrt(0.125 + 1e-4)) / 2, 12);
      expect(new VarianceRegularizer({ gamma: 2 }).forward(z).loss.item()).toBeCloseTo((2 - Math.sqrt(2 + 1e-4) + 2 - Math.sqrt(0.1251)) / 2, 12);
      expect(() => varianceHinge(tensor([[1, 2]]))).toThrow(/N >= 2/);
    });
  });

  it("has finite-difference gradients (float64)", () => {
    manualSeed(3);
    const z: Tensor = tidy(() => randn([6, 4], { dtype: "float64" }).mul(0.4)).setRequiresGrad(true);
    const r = gradCheck(([x]) => new VarianceRegularizer({ weight: 3 }).forward(x!).loss, [z]);
    z.dispose();
    expect(r.maxAbsGrad).toBeGreaterThan(1e-3);
    expect(r.maxAbsDiff).toBeLessThan(1e-6);
  });
});
