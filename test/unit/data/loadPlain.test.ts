import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { afterAll, describe, expect, it, vi } from "vitest";
import { loadPlain } from "../../../src/data/loadPlain.js";
import { WerankError } from "../../../src/errors.js";
import { npy } from "../../helpers/npz.js";
import { dataErrAsync } from "../../helpers/dataError.js";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "werank-plain-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const file = (name: string, content: string | Uint8Array): string => {
  const p = path.join(tmp, name);
  fs.writeFileSync(p, content);
  return p;
};

describe("loadPlain", () => {
  it("reads a TSV edge list with a header, CSV features and one label per line", async () => {
    const g = await loadPlain({
      edges: file("g.tsv", "src\tdst\n0\t1\n1\t2\n2\t2\n"),
      features: file("x.csv", "f1,f2\n1,0\n0,1\n1,1\n0,0\n"),
      labels: file("y.txt", "0\n1\n1\n0\n"),
    });
    expect(g.name).toBe("g");
    expect(g.numNodes).toBe(4); // from the feature and label rows; node 3 is isolated
    expect(Array.from(g.indptr)).toEqual([0, 1, 3, 4, 4]);
    expect(Array.from(g.indices)).toEqual([1, 0, 2, 1]);
    expect(g.features.kind).toBe("dense");
    expect(Array.from(g.features.data)).toEqual([1, 0, 0, 1, 1, 1, 0, 0]);
    expect(Array.from(g.labels)).toEqual([0, 1, 1, 0]);
    expect(g.provenance.format).toBe("plain");
    expect(g.provenance.files).toHaveLength(3);
  });

  it("reads weights, .npy features and node,label pairs; numNodes can be given", async () => {
    const g = await loadPlain({
      edges: file("w.csv.gz", zlib.gzipSync("0,1,0.5\n1,0,2\n1,2,1\n")),
      features: file("x.npy", npy("<f8", [5, 2], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])),
      labels: file("y.csv", "node,label\n4,1\n0,0\n1,2\n2,2\n3,0\n"),
      numNodes: 5,
      name: "weighted",
    });
    expect(g.name).toBe("weighted");
    expect(Array.from(g.weights!)).toEqual([2, 2, 1, 1]);
    expect(Array.from(g.labels)).toEqual([0, 2, 2, 0, 1]);
    expect(g.features.cols).toBe(2);
  });

  it("falls back to identity features and a single class", async () => {
    const g = await loadPlain({ edges: file("e.csv", "0 1\n2 3\n"), featureFormat: "csr" });
    expect(g.features.kind).toBe("csr");
    expect(g.features.cols).toBe(4);
    expect(g.numClasses).toBe(1);
    expect(g.provenance.preprocessing).toEqual(expect.arrayContaining(["features-identity(no feature file)", "labels-none(all class 0)"]));
  });

  it("refuses a numNodes outside [1, 2^31 - 2] with ERR_DATA, not a RangeError", async () => {
    const edges = file("n.csv", "0,1\n");
    for (const n of [1e12, 2 ** 31, 0, 1.5]) {
      expect(await dataErrAsync(loadPlain({ edges, numNodes: n }))).toBe(`Expected numNodes to be an integer in [1, 2147483646] (node ids are int32) but received ${n}`);
    }
  });

  it("refuses a numNodes whose one-hot features would need more than half the memory, before allocating", async () => {
    const spy = vi.spyOn(os, "totalmem").mockReturnValue(8 * 2 ** 30);
    try {
      const err = await loadPlain({ edges: file("m.csv", "0,1\n"), numNodes: 2 ** 31 - 2 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WerankError);
      expect((err as WerankError).code).toBe("ERR_OUT_OF_MEMORY");
      expect((err as Error).message).toMatch(/^numNodes 2147483646 needs about 64\.0 GiB for one-hot features and the adjacency, more than half of this machine's 8\.0 GiB/);
    } finally {
      spy.mockRestore();
    }
  });

  it("names the file and position of bad input", async () => {
    expect(await dataErrAsync(loadPlain({ edges: file("b1.csv", "0,1\n1,-2\n") }))).toMatch(/non-negative integer node ids in .*b1\.csv but received -2 at edge 1 \(data line 2\), column 2/);
    expect(await dataErrAsync(loadPlain({ edges: file("b2.csv", "0,1\n1,2.5\n") }))).toContain("received 2.5 at edge 1");
    expect(await dataErrAsync(loadPlain({ edges: file("b3.csv", "0,1,2,3\n") }))).toContain("Expected 'src,dst' or 'src,dst,weight' lines");
    expect(await dataErrAsync(loadPlain({ edges: file("b4.csv", "0,1\n"), numNodes: 1 }))).toContain("Expected node ids in [0, 1)");
    expect(await dataErrAsync(loadPlain({ edges: file("b5.csv", "0,1\n"), features: file("bx.csv", "1,2\nnan,3\n") }))).toMatch(
      /finite feature values in .*bx\.csv but received NaN at position 2 \(row 1, column 0\)/,
    );
    expect(await dataErrAsync(loadPlain({ edges: file("b6.csv", "0,1\n"), features: file("bx2.csv", "1\n2\n3\n"), numNodes: 2 }))).toMatch(/bx2\.csv at line 3: expected at most 2 data lines/);
    expect(await dataErrAsync(loadPlain({ edges: file("b7.csv", "0,1\n"), labels: file("by.txt", "0\n-1\n") }))).toMatch(
      /non-negative integer class labels in .*by\.txt but received -1 at position 1/,
    );
    expect(await dataErrAsync(loadPlain({ edges: file("b8.csv", "0,1\n"), labels: file("by2.csv", "0,1\n0,0\n") }))).toContain("node 0 appears again at data line 2");
    expect(await dataErrAsync(loadPlain({ edges: file("b9.csv", "0,1\n2,1\n"), labels: file("by3.csv", "0,1\n2,0\n") }))).toContain("node 1 has none");
    expect(await dataErrAsync(loadPlain({ edges: file("b10.csv", "0,1\n"), features: file("bx3.npy", npy("<f4", [2], [1, 2])) }))).toContain("Expected a 2-D array");
    expect(await dataErrAsync(loadPlain({ edges: path.join(tmp, "missing.csv") }))).toContain("missing.csv");
  });
});
