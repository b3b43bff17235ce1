import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadOgb, summarizeOgb } from "../../../src/data/loadOgb.js";
import { type OgbFixture, writeOgb } from "../../helpers/ogb.js";
import { dataErrAsync } from "../../helpers/dataError.js";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "werank-ogb-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const fixture: OgbFixture = {
  numNodes: 5,
  // Directed citations, one duplicate and one reverse pair; node 4 isolated.
  edges: [
    [1, 0],
    [2, 0],
    [2, 1],
    [2, 1],
    [0, 2],
    [3, 2],
  ],
  features: [
    [0.5, -1.25],
    [1, 2],
    [3.5, 0],
    [-0.125, 1e-3],
    [0, 0],
  ],
  labels: [3, 0, 1, 3, 2],
  split: { scheme: "time", train: [0, 1], valid: [2], test: [3, 4] },
};

let n = 0;
function dir(f: Partial<OgbFixture> = {}): string {
  return writeOgb(path.join(tmp, `d${n++}`), { ...fixture, ...f });
}

describe("loadOgb", () => {
  it("loads edges (symmetrized), features, labels and the public split", async () => {
    const d = dir();
    const g = await loadOgb(d);
    expect(g.name).toBe(path.basename(d));
    expect(g.numNodes).toBe(5);
    expect(Array.from(g.indptr)).toEqual([0, 2, 4, 7, 8, 8]);
    expect(Array.from(g.indices)).toEqual([1, 2, 0, 2, 0, 1, 3, 2]);
    expect(g.features.kind).toBe("dense");
    expect(Array.from(g.features.data)).toEqual(fixture.features!.flat().map(Math.fround));
    expect(Array.from(g.labels)).toEqual([3, 0, 1, 3, 2]);
    expect(g.numClasses).toBe(4);
    expect(g.publicSplits).toHaveLength(1);
    const s = g.publicSplits![0]!;
    expect([s.name, Array.from(s.train), Array.from(s.val), Array.from(s.test)]).toEqual(["time", [0, 1], [2], [3, 4]]);
    expect(g.provenance.format).toBe("ogb");
    expect(g.provenance.files.map((f) => path.relative(d, f))).toEqual([
      "raw/num-node-list.csv.gz",
      "raw/num-edge-list.csv.gz",
      "raw/edge.csv.gz",
      "raw/node-label.csv.gz",
      "raw/node-feat.csv.gz",
      "split/time/train.csv.gz",
      "split/time/valid.csv.gz",
      "split/time/test.csv.gz",
    ]);
  });

  it("reads uncompressed .csv files, infers the node count, and can stay directed", async () => {
    const g = await loadOgb(dir({ plain: true, noNodeCount: true }), { symmetrize: false });
    expect(g.numNodes).toBe(5);
    expect(g.directed).toBe(true);
    expect(g.indices.length).toBe(5);
  });

  it("works without features (identity) and without splits", async () => {
    const { features: _f, split: _s, ...rest } = fixture;
    const g = await loadOgb(writeOgb(path.join(tmp, "nofeat"), rest));
    expect(g.features.cols).toBe(5);
    expect(g.publicSplits).toBeUndefined();
  });

  it("summarizes counts reading only the first feature line", async () => {
    expect(await summarizeOgb(dir())).toEqual({ nodes: 5, edges: 4, features: 2, classes: 4 });
  });

  it("names the file and line of bad input", async () => {
    expect(
      await dataErrAsync(
        loadOgb(
          dir({
            edges: [
              [0, 1],
              [1, 7],
            ],
          }),
        ),
      ),
    ).toMatch(/Expected node ids in \[0, 5\) in .*raw\/edge\.csv\.gz but received 7 at position 3/);
    expect(await dataErrAsync(loadOgb(dir({ labels: [0, 1, "nan", 1, 0] })))).toMatch(/node-label\.csv\.gz at line 3: expected an integer/);
    expect(await dataErrAsync(loadOgb(dir({ labels: [0, 1, -2, 1, 0] })))).toMatch(/non-negative integer class labels .* received -2 at position 2/);
    expect(await dataErrAsync(loadOgb(dir({ labels: [0, 1, 2, 1] })))).toMatch(/Expected 5 lines \(one per node\) in .*node-label/);
    expect(
      await dataErrAsync(
        loadOgb(
          dir({
            features: [
              [1, 2],
              [1, 2],
              [1, "nan" as unknown as number],
              [0, 0],
              [0, 0],
            ],
          }),
        ),
      ),
    ).toMatch(/finite feature values in .*node-feat\.csv\.gz but received NaN at position 5 \(row 2, column 1\)/);
    expect(await dataErrAsync(loadOgb(dir({ features: [[1, 2], [1], [1, 2], [0, 0], [0, 0]] })))).toMatch(/node-feat\.csv\.gz at line 2: expected 2 values per line but received 1/);
    expect(await dataErrAsync(loadOgb(dir({ split: { scheme: "time", train: [0, 9], valid: [], test: [] } })))).toMatch(/split\/time\/train\.csv\.gz but received 9 at position 1/);
    expect(await dataErrAsync(loadOgb(dir(), { splitScheme: "random" }))).toContain("the dataset has: time");
    expect(await dataErrAsync(loadOgb(path.join(tmp, "nowhere")))).toContain("does not exist");
    const missing = dir();
    fs.rmSync(path.join(missing, "raw/node-label.csv.gz"));
    expect(await dataErrAsync(loadOgb(missing))).toContain("raw/node-label.csv.gz (or .csv)");
    const multi = dir();
    writeOgb(multi, { ...fixture, labels: ["0,1", "1,0", "1,1", "0,0", "1,1"] });
    expect(await dataErrAsync(loadOgb(multi))).toContain("multi-label data is not supported");
  });
});
