import { describe, expect, it } from "vitest";
import { checkLabels, checkWeights } from "../../../src/data/checks.js";
import { dataErr } from "../../helpers/dataError.js";

describe("checkLabels", () => {
  it("counts distinct classes, not max + 1", () => {
    expect(checkLabels([0, 2, 1, 2], "y")).toBe(3);
    expect(checkLabels(Int32Array.of(1, 0), "y")).toBe(2);
  });

  it("refuses all-equal labels, gaps, ids >= N and fewer than two classes, naming the position", () => {
    expect(dataErr(() => checkLabels([3, 3, 3, 3], "y"))).toBe(
      "Expected class labels 0..0 (the 1 distinct labels present, every class id used) in y but received 3 at position 0 while class 0 has no node",
    );
    expect(dataErr(() => checkLabels([0, 1, 5, 1, 0, 0], "y"))).toBe(
      "Expected class labels 0..2 (the 3 distinct labels present, every class id used) in y but received 5 at position 2 while class 2 has no node",
    );
    expect(dataErr(() => checkLabels([0, 1, 1_000_000], "y"))).toBe("Expected class labels in [0, 3) (fewer classes than the 3 nodes) in y but received 1000000 at position 2");
    expect(dataErr(() => checkLabels([0, 0], "y"))).toBe("Expected at least 2 distinct class labels in y but received only class 0 for all 2 nodes");
    expect(dataErr(() => checkLabels([], "y"))).toBe("Expected at least 2 distinct class labels in y but received none (no nodes)");
    expect(dataErr(() => checkLabels([0, 1.5], "y"))).toContain("received 1.5 at position 1");
    expect(checkLabels([0, 0], "y", 1)).toBe(1);
  });
});

describe("checkWeights", () => {
  it("accepts (0, 1e20] and names the first weight outside it", () => {
    checkWeights(Float32Array.of(1, 0.5, 1e19), "w");
    for (const v of [0, -1, 3e38, NaN, Infinity])
      expect(dataErr(() => checkWeights(Float32Array.of(1, v), "w"))).toBe(`Expected edge weights in (0, 1e+20] in w but received ${Math.fround(v)} at position 1`);
  });
});
