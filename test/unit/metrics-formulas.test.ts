import { describe, expect, it } from "vitest";
import { alignmentSummary, effectiveRank, numericalRank, rankMe, spectralEntropy, svmaxFromSingularValues, werankFromSingularValues, ArgumentError } from "../../src/index.js";

describe("rank formulas on spectra (host arrays)", () => {
  it("effective rank: n equal values give n, one non-zero value gives 1", () => {
    expect(effectiveRank([2, 2, 2, 2, 2])).toBeCloseTo(5, 12);
    expect(effectiveRank([7, 0, 0, 0])).toBeCloseTo(1, 12);
    expect(effectiveRank([0, 0])).toBe(0);
  });

  it("effective rank of [3, 1] is exp(-(0.75 ln 0.75 + 0.25 ln 0.25)) = 1.7548...", () => {
    // Hand value: 0.75 ln 0.75 = -0.215762..., 0.25 ln 0.25 = -0.346574...; exp(0.562335) = 1.754765
    expect(effectiveRank([3, 1])).toBeCloseTo(1.754765, 5);
    expect(effectiveRank(new Float64Array([1, 3]))).toBeCloseTo(1.754765, 5);
  });

  it("RankMe adds eps = 1e-7 to each normalized value", () => {
    const eps = 1e-7;
    const p = [0.75 + eps, 0.25 + eps, 0 + eps];
    const expected = Math.exp(-p.reduce((a, v) => a + v * Math.log(v), 0));
    expect(rankMe([3, 1, 0])).toBeCloseTo(expected, 12);
    // eps makes a difference against the plain effective rank (the zero value now contributes).
    expect(rankMe([3, 1, 0])).not.toBe(effectiveRank([3, 1, 0]));
    expect(rankMe([1, 1, 1], { eps: 0 })).toBeCloseTo(3, 12);
  });

  it("spectral entropy is NaN for an all-zero spectrum", () => {
    expect(spectralEntropy([0, 0, 0])).toBeNaN();
  });

  it("numerical rank counts values above rtol * max", () => {
    expect(numericalRank([1, 1e-3, 1e-9])).toBe(2);
    expect(numericalRank([1, 1e-3, 1e-9], { rtol: 1e-2 })).toBe(1);
    expect(numericalRank([1, 1e-3, 1e-9], { rtol: 0 })).toBe(3);
    expect(numericalRank([0, 0])).toBe(0);
    expect(() => numericalRank([1], { rtol: -1 })).toThrow(ArgumentError);
  });

  it("rejects negative or non-finite singular values", () => {
    expect(() => effectiveRank([1, -1])).toThrow(ArgumentError);
    expect(() => effectiveRank([1, Number.NaN])).toThrow(ArgumentError);
  });
});

describe("SVMax bounds", () => {
  it("a rank-1 normalized embedding (b rows) sits at the lower bound sqrt(b)/s", () => {
    const b = 9;
    const s = [Math.sqrt(b), 0, 0]; // b identical unit rows: one singular value ||E||_F = sqrt(b)
    const st = svmaxFromSingularValues(s);
    expect(st.lower).toBeCloseTo(Math.sqrt(b) / 3, 12);
    expect(st.upper).toBeCloseTo(Math.sqrt(b / 3), 12);
    expect(st.mean).toBeCloseTo(st.lower, 12);
    expect(st.normalized).toBeCloseTo(0, 12);
  });

  it("equal singular values sit at the upper bound sqrt(b/s)", () => {
    const b = 12;
    const s = [2, 2, 2]; // sum s^2 = 12 = b
    const st = svmaxFromSingularValues(s);
    expect(st.mean).toBeCloseTo(Math.sqrt(b / 3), 12);
    expect(st.normalized).toBeCloseTo(1, 12);
  });
});

describe("WERank term from singular values", () => {
  it("is 0 for an orthonormal square matrix and sqrt(sum (s^2 - 1)^2 + k - r) for the chosen Gram [k, k]", () => {
    expect(werankFromSingularValues([1, 1, 1], [3, 3])).toBe(0);
    // W [2, 3] (out 2, in 3) with s = [2, 1]: the trained (smaller) Gram W W^T [2, 2] has eigenvalues 4, 1 -> 9
    expect(werankFromSingularValues([2, 1], [2, 3])).toBeCloseTo(3, 12);
    // the paper's literal W^T W [3, 3] has eigenvalues 4, 1, 0 -> 9 + 0 + 1 = 10
    expect(werankFromSingularValues([2, 1], [2, 3], { gram: "wtw" })).toBeCloseTo(Math.sqrt(10), 12);
    expect(werankFromSingularValues([2, 1], [2, 3], { gram: "wwt" })).toBeCloseTo(3, 12);
    expect(werankFromSingularValues([2, 1], [2, 3], { gram: "wtw", squared: true })).toBeCloseTo(10, 12);
    // W [3, 2] (out 3, in 2): the smaller Gram is W^T W [2, 2] -> 9; W W^T [3, 3] adds one zero eigenvalue
    expect(werankFromSingularValues([2, 1], [3, 2])).toBeCloseTo(3, 12);
    expect(werankFromSingularValues([2, 1], [3, 2], { gram: "wwt" })).toBeCloseTo(Math.sqrt(10), 12);
    // a wide [128, 256] weight with orthonormal rows: 0 trained, sqrt(128) = 11.3 for the literal W^T W (its floor)
    const ones = new Array<number>(128).fill(1);
    expect(werankFromSingularValues(ones, [128, 256])).toBe(0);
    expect(werankFromSingularValues(ones, [128, 256], { gram: "wtw" })).toBeCloseTo(Math.sqrt(128), 12);
  });
});

describe("alignment summary", () => {
  it("is 1 / 1 for the identity and 0 / 0 for an anti-diagonal permutation", () => {
    const eye = { rows: 3, cols: 3, data: new Float64Array([1, 0, 0, 0, 1, 0, 0, 0, 1]) };
    expect(alignmentSummary(eye)).toEqual({ diagonalAbsMean: 1, diagonalEnergy: 1 });
    const anti = { rows: 2, cols: 2, data: new Float64Array([0, 1, 1, 0]) };
    expect(alignmentSummary(anti)).toEqual({ diagonalAbsMean: 0, diagonalEnergy: 0 });
  });
});
