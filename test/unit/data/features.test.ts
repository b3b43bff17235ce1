import { describe, expect, it } from "vitest";
import { featureDensity, identityFeatures, rowNormalize, toCsrFeatures, toDenseFeatures, withFeatureFormat, zScore } from "../../../src/data/features.js";
import type { DenseFeatures } from "../../../src/graph/Graph.js";

const dense = (rows: number[][]): DenseFeatures => ({ kind: "dense", rows: rows.length, cols: rows[0]!.length, data: Float32Array.from(rows.flat()) });
const X = dense([
  [1, 0, 3],
  [0, 0, 0],
  [2, 2, 0],
]);

describe("feature formats", () => {
  it("converts dense <-> CSR without changing values", () => {
    const c = toCsrFeatures(X);
    expect(Array.from(c.indptr)).toEqual([0, 2, 2, 4]);
    expect(Array.from(c.indices)).toEqual([0, 2, 0, 1]);
    expect(Array.from(c.data)).toEqual([1, 3, 2, 2]);
    expect(Array.from(toDenseFeatures(c).data)).toEqual(Array.from(X.data));
    expect(toDenseFeatures(X)).toBe(X);
  });

  it("sums repeated CSR entries when densifying (scipy semantics)", () => {
    const c = { kind: "csr" as const, rows: 1, cols: 2, indptr: Int32Array.from([0, 2]), indices: Int32Array.from([1, 1]), data: Float32Array.from([1, 2]) };
    expect(Array.from(toDenseFeatures(c).data)).toEqual([0, 3]);
  });

  it("picks the format by density unless forced", () => {
    expect(featureDensity(X)).toBeCloseTo(4 / 9);
    expect(withFeatureFormat(X, "auto", 0.5).kind).toBe("csr");
    expect(withFeatureFormat(X, "auto", 0.4).kind).toBe("dense");
    expect(withFeatureFormat(X, "csr").kind).toBe("csr");
    expect(withFeatureFormat(toCsrFeatures(X), "dense").kind).toBe("dense");
    expect(featureDensity(identityFeatures(4))).toBe(0.25);
  });
});

describe("rowNormalize", () => {
  it("divides each row by its L1 norm and leaves zero rows alone, in both formats", () => {
    const expected = [0.25, 0, 0.75, 0, 0, 0, 0.5, 0.5, 0];
    const d = rowNormalize(X);
    expect(Array.from(d.data)).toEqual(expected);
    expect(Array.from(toDenseFeatures(rowNormalize(toCsrFeatures(X))).data)).toEqual(expected);
    expect(Array.from(X.data)).toEqual([1, 0, 3, 0, 0, 0, 2, 2, 0]); // input untouched
  });

  it("uses |x| so signed rows keep a unit L1 norm", () => {
    expect(Array.from(rowNormalize(dense([[-1, 3]])).data)).toEqual([-0.25, 0.75]);
  });
});

describe("zScore", () => {
  it("gives each column zero mean and unit population variance; constant columns are only centred", () => {
    const z = zScore(
      dense([
        [1, 5],
        [3, 5],
        [5, 5],
      ]),
    );
    const s = Math.sqrt(8 / 3);
    const want = [-2 / s, 0, 0, 0, 2 / s, 0];
    Array.from(z.data).forEach((v, k) => expect(v).toBeCloseTo(want[k]!, 6));
    expect(z.kind).toBe("dense");
  });

  it("densifies CSR input", () => {
    const z = zScore(toCsrFeatures(X));
    expect(z.kind).toBe("dense");
    let mean = 0;
    for (let r = 0; r < 3; r++) mean += z.data[r * 3]!;
    expect(Math.abs(mean)).toBeLessThan(1e-6);
  });
});
