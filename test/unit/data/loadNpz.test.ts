import os from "node:os";
import { describe, expect, it } from "vitest";
import { loadNpz, loadNpzSync, summarizeNpz } from "../../../src/data/loadNpz.js";
import { toDenseFeatures } from "../../../src/data/features.js";
import { dataErr } from "../../helpers/dataError.js";
import { type ArraySpec, benchmarkArrays, npz } from "../../helpers/npz.js";

// 6 nodes: a directed triangle 0->1->2->0 stored one way, 3-4 stored both ways, a self-loop 4->4,
// a duplicate 0->1, and node 5 isolated.
const base = {
  n: 6,
  edges: [
    [0, 1],
    [0, 1],
    [1, 2],
    [2, 0],
    [3, 4],
    [4, 3],
    [4, 4],
  ] as [number, number][],
  features: [
    [1, 0, 0, 2],
    [0, 1, 0, 0],
    [0, 0, 3, 0],
    [1, 1, 0, 0],
    [0, 0, 0, 1],
    [0, 5, 0, 0],
  ],
  labels: [0, 1, 2, 0, 1, 2],
};

function build(patch: Record<string, ArraySpec | undefined> = {}, opts: { labelDType?: ArraySpec["dtype"]; compress?: boolean } = {}): Uint8Array {
  const arrays: Record<string, ArraySpec> = { ...benchmarkArrays({ ...base, ...(opts.labelDType ? { labelDType: opts.labelDType } : {}) }) };
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) delete arrays[k];
    else arrays[k] = v;
  }
  return npz(arrays, { compress: opts.compress ?? false });
}

describe("loadNpz", () => {
  it("symmetrizes, drops self-loops, merges duplicates and keeps isolated nodes", async () => {
    const g = await loadNpz(build(), { file: "toy.npz" });
    expect(g.name).toBe("toy");
    expect(g.numNodes).toBe(6);
    expect(Array.from(g.indptr)).toEqual([0, 2, 4, 6, 7, 8, 8]);
    expect(Array.from(g.indices)).toEqual([1, 2, 0, 2, 0, 1, 4, 3]);
    expect(g.weights).toBeUndefined();
    expect(g.directed).toBeUndefined();
    expect(g.numClasses).toBe(3);
    expect(Array.from(g.labels)).toEqual(base.labels);
    expect(g.provenance.format).toBe("npz");
    expect(g.provenance.files).toEqual(["toy.npz"]);
    expect(g.provenance.preprocessing).toEqual([
      "cast-labels(i8->int32)",
      "remove-self-loops(removed=1)",
      "symmetrize",
      "deduplicate(merged=4)",
      "keep-isolated(count=1)",
      "features-dense(density=0.333, auto threshold 0.1)",
    ]);
  });

  it("keeps the feature values, in CSR or dense as asked", async () => {
    const dense = await loadNpz(build(), { featureFormat: "dense" });
    expect(dense.features.kind).toBe("dense");
    expect(Array.from(dense.features.data)).toEqual(base.features.flat());
    const sparse = await loadNpz(build(), { featureFormat: "csr" });
    expect(sparse.features.kind).toBe("csr");
    expect(Array.from(toDenseFeatures(sparse.features).data)).toEqual(base.features.flat());
    expect(sparse.features.data.length).toBe(8);
    const auto = await loadNpz(build(), { denseThreshold: 0.5 });
    expect(auto.features.kind).toBe("csr");
  });

  it("reads DEFLATE archives (np.savez_compressed) the same", async () => {
    const a = loadNpzSync(build());
    const b = loadNpzSync(build({}, { compress: true }));
    expect(Array.from(b.indices)).toEqual(Array.from(a.indices));
    expect(Array.from(b.features.data)).toEqual(Array.from(a.features.data));
  });

  it("casts integer labels of any width, and refuses float and bool labels", () => {
    for (const d of ["|i1", "<i4", "<i8", "<u2"] as const) {
      const g = loadNpzSync(build({}, { labelDType: d }));
      expect(Array.from(g.labels)).toEqual(base.labels);
    }
    for (const d of ["<f8", "|b1"] as const) expect(dataErr(() => loadNpzSync(build({}, { labelDType: d })))).toContain(`for <bytes>.npz array 'labels' but received '${d.slice(1)}'`);
    expect(loadNpzSync(build({}, { labelDType: "<i4" })).provenance.preprocessing[0]).toBe("remove-self-loops(removed=1)");
  });

  it("reads a dense attr_matrix, and uses identity features when there are none", () => {
    const noCsr = { attr_data: undefined, attr_indices: undefined, attr_indptr: undefined, attr_shape: undefined };
    const g = loadNpzSync(build({ ...noCsr, attr_matrix: { dtype: "<f8", shape: [6, 4], values: base.features.flat(), npy: { fortranOrder: true } } }), { featureFormat: "dense" });
    expect(Array.from(g.features.data)).toEqual(base.features.flat());
    const id = loadNpzSync(build(noCsr), { featureFormat: "dense" });
    expect(id.features.cols).toBe(6);
    expect(Array.from(id.features.data)).toEqual(Array.from({ length: 36 }, (_, k) => (k % 7 === 0 ? 1 : 0)));
    expect(id.provenance.preprocessing).toContain("features-identity(file has none)");
  });

  it("never reads object arrays such as Coauthor's class_names", () => {
    const g = loadNpzSync(build({ class_names: { dtype: "|O", shape: [3], values: [0, 0, 0] } }));
    expect(g.numNodes).toBe(6);
  });

  it("keeps non-unit edge weights (max over both directions) and can stay directed", () => {
    const w = loadNpzSync(build({ adj_data: { dtype: "<f4", shape: [7], values: [2, 2, 1, 1, 5, 3, 1] } }));
    expect(Array.from(w.weights!)).toEqual([2, 1, 2, 1, 1, 1, 5, 5]);
    const d = loadNpzSync(build(), { symmetrize: false });
    expect(d.directed).toBe(true);
    expect(Array.from(d.indices)).toEqual([1, 2, 0, 4, 3]);
  });

  it("summarizes counts without building features", () => {
    expect(summarizeNpz(build())).toEqual({ nodes: 6, edges: 4, features: 4, classes: 3 });
  });

  describe("errors name the file, the array and the first bad position", () => {
    const f = { file: "bad.npz" };
    it("out-of-range adjacency and feature indices", () => {
      expect(dataErr(() => loadNpzSync(build({ adj_indices: { dtype: "<i4", shape: [7], values: [1, 1, 2, 0, 4, 9, 4] } }), f))).toBe(
        "Expected node ids in [0, 6) in bad.npz array 'adj_indices' but received 9 at position 5",
      );
      expect(dataErr(() => loadNpzSync(build({ attr_indices: { dtype: "<i4", shape: [8], values: [0, 3, 1, 2, 0, 1, 4, 1] } }), f))).toBe(
        "Expected column ids in [0, 4) in bad.npz array 'attr_indices' but received 4 at position 6",
      );
    });
    it("broken row pointers", () => {
      expect(dataErr(() => loadNpzSync(build({ adj_indptr: { dtype: "<i4", shape: [7], values: [0, 2, 1, 4, 5, 7, 7] } }), f))).toContain(
        "non-decreasing row pointers in bad.npz array 'adj_indptr' but received 1 after 2 at position 2",
      );
      expect(dataErr(() => loadNpzSync(build({ adj_indptr: { dtype: "<i4", shape: [6], values: [0, 2, 3, 4, 5, 7] } }), f))).toContain(
        "Expected shape (7,) for bad.npz array 'adj_indptr' but received (6)",
      );
      expect(dataErr(() => loadNpzSync(build({ adj_indptr: { dtype: "<i4", shape: [7], values: [0, 2, 3, 4, 5, 6, 6] } }), f))).toContain(
        "last row pointer in bad.npz array 'adj_indptr' to equal the 7 stored entries but received 6 at position 6",
      );
    });
    it("NaN or infinite features", () => {
      expect(dataErr(() => loadNpzSync(build({ attr_data: { dtype: "<f4", shape: [8], values: [1, 2, 1, 3, 1, 1, Infinity, 5] } }), f))).toBe(
        "Expected finite feature values in bad.npz array 'attr_data' but received Infinity at position 6",
      );
      const m = { attr_data: undefined, attr_indices: undefined, attr_indptr: undefined, attr_shape: undefined };
      const vals = base.features.flat();
      vals[9] = NaN;
      expect(dataErr(() => loadNpzSync(build({ ...m, attr_matrix: { dtype: "<f4", shape: [6, 4], values: vals } }), f))).toBe(
        "Expected finite feature values in bad.npz array 'attr_matrix' but received NaN at position 9 (row 2, column 1)",
      );
    });
    it("negative, non-integer or miscounted labels", () => {
      expect(dataErr(() => loadNpzSync(build({ labels: { dtype: "<i8", shape: [6], values: [0n, 1n, -1n, 0n, 1n, 2n] } }), f))).toBe(
        "Expected non-negative integer class labels in bad.npz array 'labels' but received -1 at position 2",
      );
      expect(dataErr(() => loadNpzSync(build({ labels: { dtype: "<f4", shape: [6], values: [0, 1, 2, 0.5, 1, 2] } }), f))).toContain(
        "Expected dtype i1/i2/i4/i8/u1/u2/u4/u8 for bad.npz array 'labels' but received 'f4'",
      );
      expect(dataErr(() => loadNpzSync(build({ labels: { dtype: "<i8", shape: [5], values: [0n, 1n, 2n, 0n, 1n] } }), f))).toContain("Expected shape (6,) for bad.npz array 'labels' but received (5)");
    });
    it("wrong shapes and missing arrays", () => {
      expect(dataErr(() => loadNpzSync(build({ adj_shape: { dtype: "<i8", shape: [2], values: [6n, 5n] } }), f))).toContain("square adjacency shape");
      expect(dataErr(() => loadNpzSync(build({ attr_shape: { dtype: "<i8", shape: [2], values: [5n, 4n] } }), f))).toContain(
        "Expected 6 feature rows (one per node, from adj_shape) in bad.npz array 'attr_shape' but received 5",
      );
      expect(dataErr(() => loadNpzSync(build({ attr_shape: { dtype: "<i8", shape: [3], values: [6n, 4n, 1n] } }), f))).toContain("Expected shape (2,)");
      expect(dataErr(() => loadNpzSync(build({ adj_indptr: undefined }), f))).toContain("adj_indptr is missing");
      expect(dataErr(() => loadNpzSync(build({ labels: undefined }), f))).toContain("Expected an array 'labels' in bad.npz");
      expect(dataErr(() => loadNpzSync(build({ attr_data: { dtype: "<f4", shape: [7], values: [1, 2, 3, 4, 5, 6, 7] } }), f))).toContain("Expected shape (8,)");
      expect(dataErr(() => loadNpzSync(build({ adj_indices: { dtype: "<f4", shape: [7], values: [1, 1, 2, 0, 4, 3.5, 4] } }), f))).toContain("array 'adj_indices' but received 'f4'");
    });
    it("a missing or unreadable file", async () => {
      await expect(loadNpz("/nonexistent/x.npz")).rejects.toThrow(/Could not read the zip archive \/nonexistent\/x\.npz: it does not exist/);
      await expect(loadNpz(os.tmpdir())).rejects.toThrow(/Expected a regular file for the zip archive but .* is a directory/);
    });
  });
});
