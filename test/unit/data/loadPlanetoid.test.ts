/**
 * The Planetoid loader (src/data/loadPlanetoid.ts) and its strict pickle reader (src/data/pickle.ts):
 * - golden: Cora's real ind.cora.* files (../shared/data/cora/planetoid) against an independent
 *   reading with Python's own pickle module and PyG's assembly (test/fixtures/planetoid_reference.py),
 *   node by node: features, labels, edges and the public split 140/500/1000;
 * - CiteSeer-style test ids with a gap, padded with a zero row and label 0 as PyG pads CiteSeer;
 * - refusal of anything but the data these files hold (an os.system global, unknown opcodes,
 *   truncated lengths, ids out of range), each a DataError naming the file and position.
 * None of this existed before: `cora-planetoid` was an unknown dataset.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { locateDataset } from "../../../src/data/datasetRegistry.js";
import { loadDataset, summarizeDataset } from "../../../src/data/loadDataset.js";
import { loadPlanetoid } from "../../../src/data/loadPlanetoid.js";
import { readPickle } from "../../../src/data/pickle.js";
import type { CsrFeatures } from "../../../src/graph/Graph.js";
import { dataErr, dataErrAsync } from "../../helpers/dataError.js";
import { type PlanetoidFixture, pickleArray, writePlanetoid } from "../../helpers/planetoidPickle.js";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "werank-planetoid-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const shared = process.env.WERANK_DATA_DIR || path.resolve(__dirname, "../../..", "../shared/data");
const coraDir = path.join(shared, "cora", "planetoid");
const havePython = spawnSync("/usr/bin/python3", ["-c", "import pickle"]).status === 0;
const haveCora = fs.existsSync(path.join(coraDir, "ind.cora.x"));

function rowsOf(f: CsrFeatures): [number, number][][] {
  return Array.from({ length: f.rows }, (_, r) =>
    Array.from({ length: f.indptr[r + 1]! - f.indptr[r]! }, (_, k) => [f.indices[f.indptr[r]! + k]!, f.data[f.indptr[r]! + k]!] as [number, number]).sort((a, b) => a[0] - b[0]),
  );
}

describe("Cora from the Planetoid files (golden, against Python's pickle + PyG's assembly)", () => {
  it.skipIf(!haveCora || !havePython)("features, labels, edges and the public split match node by node", async () => {
    const ref = JSON.parse(spawnSync("/usr/bin/python3", [path.join(__dirname, "../../fixtures/planetoid_reference.py"), coraDir, "cora"], { encoding: "utf8", maxBuffer: 1 << 28 }).stdout) as {
      nodes: number;
      cols: number;
      classes: number;
      undirectedEdges: number;
      edges: [number, number][];
      labels: number[];
      features: [number, number][][];
      train: number[];
      val: number[];
      test: number[];
    };
    const g = await loadPlanetoid(coraDir, { featureFormat: "csr" });
    expect([g.numNodes, g.features.cols, g.numClasses]).toEqual([ref.nodes, ref.cols, ref.classes]);
    expect([ref.nodes, ref.cols, ref.classes, ref.undirectedEdges]).toEqual([2708, 1433, 7, 5278]); // published counts
    expect(g.indices.length).toBe(2 * ref.undirectedEdges);
    const pairs: [number, number][] = [];
    for (let i = 0; i < g.numNodes; i++) for (let k = g.indptr[i]!; k < g.indptr[i + 1]!; k++) if (i < g.indices[k]!) pairs.push([i, g.indices[k]!]);
    expect(pairs).toEqual(ref.edges);
    expect(Array.from(g.labels)).toEqual(ref.labels);
    expect(rowsOf(g.features as CsrFeatures)).toEqual(ref.features);
    const s = g.publicSplits![0]!;
    expect([s.train.length, s.val.length, s.test.length]).toEqual([140, 500, 1000]);
    expect(Array.from(s.train)).toEqual(ref.train);
    expect(Array.from(s.val)).toEqual(ref.val);
    expect(Array.from(s.test)).toEqual(ref.test);
    expect(g.provenance.format).toBe("planetoid");
  });

  it.skipIf(!haveCora)("is the registered dataset cora-planetoid, also found by folder or by its ind.cora.x path", async () => {
    expect(locateDataset("cora-planetoid", shared).path).toBe(path.join(coraDir, "ind.cora.x"));
    const byName = await loadDataset("cora-planetoid", { dataDir: shared });
    expect(byName.name).toBe("cora-planetoid");
    expect(byName.numNodes).toBe(2708);
    const byDir = await loadDataset(coraDir);
    const byFile = await loadDataset(path.join(coraDir, "ind.cora.x"));
    expect(byDir.name).toBe("cora"); // the files' prefix, not the folder's name
    expect(byFile.name).toBe("cora");
    expect(Array.from(byDir.labels)).toEqual(Array.from(byName.labels));
    expect(Array.from(byFile.indices)).toEqual(Array.from(byName.indices));
    const sum = await summarizeDataset("cora-planetoid", { dataDir: shared });
    expect(sum).toMatchObject({ found: true, format: "planetoid", nodes: 2708, edges: 5278, features: 1433, classes: 7 });
  });
});

/** 6 allx nodes (x = the first 2), test ids 9, 6, 8 in file order: id 7 is missing (CiteSeer's case). */
function citeseerLike(): PlanetoidFixture {
  const oh = (c: number): number[] => [0, 1, 2].map((k) => (k === c ? 1 : 0));
  const feat = (i: number): number[] => [i % 2, i === 3 ? 0.5 : 0, 1];
  return {
    x: [feat(0), feat(1)],
    y: [oh(0), oh(1)],
    allx: [0, 1, 2, 3, 4, 5].map(feat),
    ally: [0, 1, 2, 0, 1, 2].map(oh),
    tx: [
      [9, 0, 0],
      [6, 0, 0],
      [8, 0, 0],
    ],
    ty: [oh(2), oh(1), oh(0)],
    graph: new Map([
      [0, [1, 2, 2]],
      [1, [0]],
      [2, [0]],
      [3, [3, 4]],
      [4, [3]],
      [5, []],
      [6, [8]],
      [7, []],
      [8, [6, 9]],
      [9, [8]],
    ]),
    testIndex: [9, 6, 8],
  };
}

describe("Planetoid assembly on a synthetic CiteSeer-like fixture", () => {
  it("puts tx[j] at test.index[j], pads the missing id with a zero row and label 0, dedups edges", async () => {
    const dir = path.join(tmp, "citeseer");
    writePlanetoid(dir, "citeseer", citeseerLike());
    const g = await loadPlanetoid(dir, { featureFormat: "dense" });
    expect(g.numNodes).toBe(10);
    const d = g.features.kind === "dense" ? g.features.data : new Float32Array();
    const row = (i: number): number[] => Array.from(d.subarray(3 * i, 3 * i + 3));
    expect(row(9)).toEqual([9, 0, 0]);
    expect(row(6)).toEqual([6, 0, 0]);
    expect(row(8)).toEqual([8, 0, 0]);
    expect(row(7)).toEqual([0, 0, 0]); // padded
    expect(row(3)).toEqual([1, 0.5, 1]);
    expect(Array.from(g.labels)).toEqual([0, 1, 2, 0, 1, 2, 1, 0, 0, 2]);
    expect(g.provenance.preprocessing).toContain("pad-missing-test-ids(count=1, zero features, label 0)");
    // 0-1, 0-2 (repeat merged), 3-4 (self-loop 3-3 dropped), 6-8, 8-9
    expect(g.indices.length).toBe(2 * 5);
    const s = g.publicSplits![0]!;
    expect(Array.from(s.train)).toEqual([0, 1]);
    expect(Array.from(s.val)).toEqual([2, 3, 4, 5]); // the next 500, as far as allx reaches
    expect(Array.from(s.test)).toEqual([6, 8, 9]);
  });

  it("citeseer-planetoid is found in PyG's layout (<dir>/CiteSeer/raw/ind.citeseer.*)", async () => {
    const root = path.join(tmp, "pyg");
    writePlanetoid(path.join(root, "CiteSeer", "raw"), "citeseer", citeseerLike());
    expect(locateDataset("citeseer-planetoid", root).path).toBe(path.join(root, "CiteSeer", "raw", "ind.citeseer.x"));
    const g = await loadDataset("citeseer-planetoid", { dataDir: root });
    expect([g.name, g.numNodes]).toEqual(["citeseer-planetoid", 10]);
  });

  it("a folder with two prefixes needs the name; an empty folder is a DataError", async () => {
    const dir = path.join(tmp, "two");
    writePlanetoid(dir, "a", citeseerLike());
    writePlanetoid(dir, "b", citeseerLike());
    expect(await dataErrAsync(loadPlanetoid(dir))).toMatch(/Several Planetoid datasets .*a, b/);
    expect((await loadPlanetoid(dir, { prefix: "b" })).numNodes).toBe(10);
    fs.mkdirSync(path.join(tmp, "empty"));
    expect(await dataErrAsync(loadPlanetoid(path.join(tmp, "empty")))).toMatch(/No Planetoid files/);
  });

  it("refuses inconsistent files with a DataError naming the file and position", async () => {
    const bad = async (edit: (f: PlanetoidFixture) => void, index?: string): Promise<string> => {
      const f = citeseerLike();
      edit(f);
      const dir = fs.mkdtempSync(path.join(tmp, "bad-"));
      writePlanetoid(dir, "c", f);
      if (index !== undefined) fs.writeFileSync(path.join(dir, "ind.c.test.index"), index);
      return dataErrAsync(loadPlanetoid(dir));
    };
    expect(await bad(() => undefined, "9\nsix\n8\n")).toMatch(/ind\.c\.test\.index line 2/);
    expect(await bad((f) => (f.testIndex = [9, 6, 6]))).toMatch(/repeated at .*line 3/);
    expect(await bad((f) => (f.testIndex = [9, 2, 8]))).toMatch(/Test node 2 .*below 6/);
    expect(await bad((f) => f.tx.pop())).toMatch(/lists 3 test nodes but tx has 2 rows/);
    expect(await bad((f) => f.graph.set(3, [3, 12]))).toMatch(/Neighbour 12 of node 3 in .*ind\.c\.graph is outside 0\.\.9/);
    expect(await bad((f) => f.graph.set(10, []))).toMatch(/Node 10 in .*ind\.c\.graph/);
    expect(await bad((f) => (f.ty = f.ty.map((r) => [...r, 0])))).toMatch(/disagree on the number of classes/);
    const fifo = fs.mkdtempSync(path.join(tmp, "fifo-"));
    writePlanetoid(fifo, "c", citeseerLike());
    fs.rmSync(path.join(fifo, "ind.c.graph"));
    fs.mkdirSync(path.join(fifo, "ind.c.graph"));
    await expect(loadPlanetoid(fifo)).rejects.toMatchObject({ code: "ERR_DATA", message: expect.stringMatching(/regular file.*ind\.c\.graph is a directory/) });
  });
});

describe("readPickle: strict, never executes", () => {
  const file = "evil.pkl";
  it("reads what the Planetoid files hold", () => {
    const v = readPickle(
      pickleArray([
        [1, 0],
        [0, 1],
      ]),
      file,
    );
    expect(v).toMatchObject({ kind: "object", cls: "numpy.core.multiarray._reconstruct" });
  });
  it("refuses any other global (the classic os.system exploit) before calling anything", () => {
    const evil = Buffer.concat([Buffer.from([0x80, 2]), Buffer.from("cos\nsystem\n", "latin1"), Buffer.from([0x55, 4]), Buffer.from("echo"), Buffer.from([0x85, 0x52, 0x2e])]);
    expect(dataErr(() => readPickle(evil, file))).toMatch(/evil\.pkl: the global 'os\.system' .* at byte 2/);
  });
  it("refuses unknown opcodes, protocols above 2, truncated lengths, leftovers and bad memo reads", () => {
    expect(dataErr(() => readPickle(Buffer.from([0x80, 2, 0x47, 0, 0, 0, 0, 0, 0, 0, 0, 0x2e]), file))).toMatch(/opcode 0x47.* at byte 2/); // BINFLOAT
    expect(dataErr(() => readPickle(Buffer.from([0x80, 4, 0x4e, 0x2e]), file))).toMatch(/protocol above 2/);
    expect(dataErr(() => readPickle(Buffer.from([0x80, 2, 0x54, 0xff, 0xff, 0xff, 0x7f, 0x61]), file))).toMatch(/runs past the end/);
    expect(dataErr(() => readPickle(Buffer.from([0x80, 2, 0x4e, 0x4e, 0x2e]), file))).toMatch(/2 values left on the stack/);
    expect(dataErr(() => readPickle(Buffer.from([0x80, 2, 0x68, 7, 0x2e]), file))).toMatch(/memo entry 7/);
    expect(dataErr(() => readPickle(Buffer.from([0x80, 2, 0x4e]), file))).toMatch(/runs past the end/);
  });
});

describe("mutated Planetoid files", () => {
  it("load or fail with ERR_DATA, never another error (300 seeded mutations of the pickles and test.index)", async () => {
    const dir = path.join(tmp, "fuzz");
    writePlanetoid(dir, "f", citeseerLike());
    const parts = ["x", "tx", "allx", "y", "ty", "ally", "graph", "test.index"];
    const original = new Map(parts.map((p) => [p, fs.readFileSync(path.join(dir, `ind.f.${p}`))]));
    let seed = 12345;
    const rand = (n: number): number => ((seed = (seed * 1103515245 + 12345) >>> 0), seed % n);
    let failures = 0;
    for (let i = 0; i < 300; i++) {
      const part = parts[rand(parts.length)]!;
      const bytes = Buffer.from(original.get(part)!);
      let mutated: Buffer = bytes;
      const kind = rand(3);
      if (kind === 0) for (let k = 0, m = 1 + rand(4); k < m; k++) bytes[rand(bytes.length)] = rand(256);
      else if (kind === 1) mutated = bytes.subarray(0, rand(bytes.length));
      else bytes[rand(bytes.length)] = [0x28, 0x2e, 0x4e, 0x74, 0x52, 0x62, 0x71, 0x68][rand(8)]!; // structural opcodes
      fs.writeFileSync(path.join(dir, `ind.f.${part}`), mutated);
      try {
        await loadPlanetoid(dir);
      } catch (e) {
        failures++;
        expect((e as { code?: string }).code, `mutation ${i} of ${part}: ${String(e)}`).toBe("ERR_DATA");
      }
      fs.writeFileSync(path.join(dir, `ind.f.${part}`), original.get(part)!);
    }
    expect(failures).toBeGreaterThan(100); // the mutations do break files
  });
});
