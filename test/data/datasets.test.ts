/**
 * Real-data checks against the counts in ../shared/data/README.md (measured from the public files).
 * Reads WERANK_DATA_DIR, default <repo>/../shared/data; skipped with a message when absent.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadDataset, summarizeDataset } from "../../src/data/loadDataset.js";
import { featureNnz } from "../../src/data/features.js";
import { randomSplits } from "../../src/data/randomSplits.js";
import { validateGraph } from "../../src/graph/validateGraph.js";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const dataDir = process.env.WERANK_DATA_DIR || path.resolve(repo, "../shared/data");
const present = fs.existsSync(dataDir);
if (!present) console.warn(`test/data/datasets.test.ts: skipped, no data directory at ${dataDir} (set WERANK_DATA_DIR)`);

interface Expected {
  nodes: number;
  edges: number;
  features: number;
  classes: number;
  isolated: number;
  nnz: number;
  labelCounts: number[];
  kind: "dense" | "csr";
}

const expected: Record<string, Expected> = {
  cora: { nodes: 2708, edges: 5278, features: 1433, classes: 7, isolated: 0, nnz: 49216, labelCounts: [298, 418, 818, 426, 217, 180, 351], kind: "csr" },
  "amazon-computers": {
    nodes: 13752,
    edges: 245861,
    features: 767,
    classes: 10,
    isolated: 281,
    nnz: 3675081,
    labelCounts: [436, 2142, 1414, 542, 5158, 308, 487, 818, 2156, 291],
    kind: "dense",
  },
  "coauthor-cs": {
    nodes: 18333,
    edges: 81894,
    features: 6805,
    classes: 15,
    isolated: 0,
    nnz: 1092079,
    labelCounts: [708, 462, 2050, 429, 1394, 2193, 371, 924, 775, 118, 1444, 2033, 420, 4136, 876],
    kind: "csr",
  },
};

describe.skipIf(!present)("real gnn-benchmark datasets", () => {
  for (const [name, e] of Object.entries(expected)) {
    it(`${name}: counts, isolated nodes, feature nnz and label counts match the README`, async () => {
      const g = validateGraph(await loadDataset(name, { dataDir }));
      expect(g.numNodes).toBe(e.nodes);
      expect(g.indices.length / 2).toBe(e.edges);
      expect(g.features.cols).toBe(e.features);
      expect(g.features.kind).toBe(e.kind);
      expect(featureNnz(g.features)).toBe(e.nnz);
      expect(g.numClasses).toBe(e.classes);
      let isolated = 0;
      for (let i = 0; i < g.numNodes; i++) if (g.indptr[i + 1] === g.indptr[i]) isolated++;
      expect(isolated).toBe(e.isolated);
      const counts = new Array(e.classes).fill(0);
      for (const l of g.labels) counts[l]++;
      expect(counts).toEqual(e.labelCounts);
      expect(g.provenance.preprocessing).toContain(`keep-isolated(count=${e.isolated})`);
      expect(await summarizeDataset(name, { dataDir })).toMatchObject({ found: true, nodes: e.nodes, edges: e.edges, features: e.features, classes: e.classes });
    });
  }

  it("cora: binary features and int8 labels are cast; row normalization makes rows sum to 1", async () => {
    const g = await loadDataset("cora", { dataDir, rowNormalize: true });
    expect(g.provenance.preprocessing[0]).toBe("cast-labels(i1->int32)");
    const f = g.features;
    if (f.kind !== "csr") throw new Error("expected CSR");
    for (const r of [0, 100, 2707]) {
      let s = 0;
      for (let p = f.indptr[r]!; p < f.indptr[r + 1]!; p++) s += f.data[p]!;
      expect(s).toBeCloseTo(1, 5);
    }
  });

  it("amazon-computers: 10/10/80 random splits cover the 13,752 nodes", async () => {
    const g = await loadDataset("amazon-computers", { dataDir, featureFormat: "csr" });
    const [s] = randomSplits(g, { seed: 0 });
    expect([s!.train.length, s!.val.length, s!.test.length]).toEqual([1375, 1375, 11002]);
  });
});
