import { describe, expect, it } from "vitest";
import { DataError } from "../../../src/errors.js";
import type { Graph } from "../../../src/graph/Graph.js";
import { validateGraph } from "../../../src/graph/validateGraph.js";

// Path 0 - 1 - 2, node 3 isolated.
function good(): Graph {
  return {
    name: "g",
    numNodes: 4,
    indptr: Int32Array.from([0, 1, 3, 4, 4]),
    indices: Int32Array.from([1, 0, 2, 1]),
    features: { kind: "dense", rows: 4, cols: 2, data: Float32Array.from([1, 0, 0, 1, 1, 1, 0, 0]) },
    labels: Int32Array.from([0, 1, 1, 0]),
    numClasses: 2,
    provenance: { format: "test", files: ["g.npz"], preprocessing: [] },
  };
}

function msg(mutate: (g: Graph) => void): string {
  const g = good();
  mutate(g);
  try {
    validateGraph(g);
  } catch (e) {
    expect(e).toBeInstanceOf(DataError);
    return (e as Error).message;
  }
  throw new Error("expected validateGraph to throw");
}

describe("validateGraph", () => {
  it("accepts a valid graph (dense and CSR features, splits) and returns it", () => {
    const g = good();
    expect(validateGraph(g)).toBe(g);
    g.features = { kind: "csr", rows: 4, cols: 2, indptr: Int32Array.from([0, 1, 2, 4, 4]), indices: Int32Array.from([0, 1, 0, 1]), data: Float32Array.from([1, 1, 1, 1]) };
    g.publicSplits = [{ name: "s", train: Int32Array.from([0]), val: Int32Array.from([1]), test: Int32Array.from([2, 3]) }];
    expect(() => validateGraph(g)).not.toThrow();
  });

  it("names the graph, its file and the first bad position", () => {
    expect(msg((g) => (g.indices[1] = 7))).toBe("Expected node ids in [0, 4) in graph 'g' (g.npz) adjacency indices but received 7 at position 1 (row 1)");
    expect(msg((g) => (g.indptr[2] = 0))).toContain("non-decreasing row pointers in graph 'g' (g.npz) adjacency indptr but received 0 after 1 at position 2");
    expect(msg((g) => (g.indptr = Int32Array.from([0, 1, 3, 4])))).toContain("Expected 5 row pointers (rows + 1) in graph 'g' (g.npz) adjacency indptr but received 4");
  });

  it("rejects unsorted rows, repeats, self-loops and asymmetry", () => {
    expect(
      msg((g) => {
        g.indptr = Int32Array.from([0, 1, 3, 4, 4]);
        g.indices = Int32Array.from([1, 2, 0, 1]);
      }),
    ).toContain("row 1 has 0 after 2 at position 2");
    expect(
      msg((g) => {
        g.indptr = Int32Array.from([0, 1, 3, 4, 4]);
        g.indices = Int32Array.from([1, 0, 0, 1]);
      }),
    ).toContain("sorted, unique");
    expect(
      msg((g) => {
        g.indptr = Int32Array.from([0, 1, 3, 4, 5]);
        g.indices = Int32Array.from([1, 0, 2, 1, 3]);
      }),
    ).toContain("row 3 links to itself at position 4");
    expect(
      msg((g) => {
        g.indptr = Int32Array.from([0, 1, 2, 3, 3]);
        g.indices = Int32Array.from([1, 0, 1]);
      }),
    ).toContain("edge 2 -> 1 at position 2 has no reverse");
    // Row 2 holds 0 and 1, row 0 holds nothing: found when row 1's reverse search passes column 0.
    expect(
      msg((g) => {
        g.indptr = Int32Array.from([0, 0, 1, 3, 3]);
        g.indices = Int32Array.from([2, 0, 1]);
      }),
    ).toContain("edge 2 -> 0 at position 1 has no reverse");
    // Row 3 holds 1 but row 1 never names 3: row 1's cursor is used up when row 3 looks.
    expect(
      msg((g) => {
        g.indptr = Int32Array.from([0, 1, 3, 4, 5]);
        g.indices = Int32Array.from([1, 0, 2, 1, 1]);
      }),
    ).toContain("edge 3 -> 1 at position 4 has no reverse");
    const d = good();
    d.directed = true;
    d.indptr = Int32Array.from([0, 1, 1, 2, 2]);
    d.indices = Int32Array.from([1, 1]);
    expect(() => validateGraph(d)).not.toThrow();
  });

  it("rejects bad features", () => {
    expect(msg((g) => (g.features.data[5] = NaN))).toBe("Expected finite feature values in graph 'g' (g.npz) features but received NaN at position 5 (row 2, column 1)");
    expect(msg((g) => (g.features.rows = 3))).toContain("Expected 4 feature rows (one per node)");
    expect(msg((g) => (g.features = { kind: "dense", rows: 4, cols: 3, data: new Float32Array(8) }))).toContain("4 x 3 = 12 dense feature values");
    expect(msg((g) => (g.features = { kind: "csr", rows: 4, cols: 2, indptr: Int32Array.from([0, 1, 1, 1, 1]), indices: Int32Array.from([2]), data: Float32Array.from([1]) }))).toContain(
      "column ids in [0, 2)",
    );
  });

  it("rejects bad labels, weights and splits", () => {
    expect(msg((g) => (g.labels[3] = 2))).toBe("Expected class ids in [0, 2) in graph 'g' (g.npz) labels but received 2 at position 3");
    expect(msg((g) => (g.labels = Int32Array.from([0, 1])))).toContain("Expected 4 labels");
    expect(msg((g) => (g.weights = Float32Array.from([1, 1, 1])))).toContain("Expected 4 edge weights");
    expect(msg((g) => (g.weights = Float32Array.from([1, Infinity, 1, 1])))).toContain("received Infinity at position 1");
    expect(msg((g) => (g.publicSplits = [{ name: "s", train: Int32Array.from([0, 9]), val: new Int32Array(0), test: new Int32Array(0) }]))).toContain("split 's' train");
    expect(msg((g) => (g.publicSplits = [{ name: "s", train: Int32Array.from([0]), val: Int32Array.from([1]), test: Int32Array.from([1, 2]) }]))).toContain("node 1 (test position 0) appears twice");
  });
});
