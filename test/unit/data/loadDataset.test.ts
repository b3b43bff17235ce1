import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { datasetRegistry, listDatasets, locateDataset, resolveDataDir } from "../../../src/data/datasetRegistry.js";
import { loadDataset, summarizeDataset } from "../../../src/data/loadDataset.js";
import { ConfigError, DataError } from "../../../src/errors.js";
import { benchmarkArrays, npz } from "../../helpers/npz.js";
import { writeOgb } from "../../helpers/ogb.js";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "werank-reg-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const savedEnv = process.env.WERANK_DATA_DIR;
afterEach(() => {
  if (savedEnv === undefined) delete process.env.WERANK_DATA_DIR;
  else process.env.WERANK_DATA_DIR = savedEnv;
});

const toy = npz(
  benchmarkArrays({
    n: 4,
    edges: [
      [0, 1],
      [2, 1],
    ],
    features: [
      [1, 0],
      [0, 1],
      [1, 1],
      [0, 0],
    ],
    labels: [0, 1, 1, 0],
  }),
);

function put(rel: string, bytes: Uint8Array | string): string {
  const p = path.join(tmp, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, bytes);
  return p;
}

describe("datasetRegistry", () => {
  it("lists the twelve dataset names with their published files and origins", () => {
    expect(listDatasets().map((d) => d.name)).toEqual([
      "cora",
      "citeseer",
      "amazon-computers",
      "amazon-photo",
      "coauthor-cs",
      "coauthor-physics",
      "cora-planetoid",
      "citeseer-planetoid",
      "pubmed-planetoid",
      "wikics",
      "ogbn-arxiv",
      "synthetic",
    ]);
    expect(datasetRegistry["citeseer-planetoid"]!.candidates).toContain("CiteSeer/raw/ind.citeseer.x"); // PyG's layout
    expect(datasetRegistry["amazon-computers"]!.fileName).toBe("amazon_electronics_computers.npz");
    expect(datasetRegistry["coauthor-physics"]!.origin).toBe("https://github.com/shchur/gnn-benchmark/raw/master/data/npz/ms_academic_phy.npz");
    expect(datasetRegistry.wikics!.origin).toContain("github.com/pmernyei/wiki-cs-dataset");
    expect(datasetRegistry["ogbn-arxiv"]!.origin).toContain("snap.stanford.edu/ogb/data/nodeproppred/arxiv.zip");
  });

  it("resolves the data directory from the option, then WERANK_DATA_DIR, then ./data", () => {
    process.env.WERANK_DATA_DIR = "/env/dir";
    expect(resolveDataDir("/opt/d")).toBe("/opt/d");
    expect(resolveDataDir()).toBe("/env/dir");
    delete process.env.WERANK_DATA_DIR;
    expect(resolveDataDir()).toBe(path.resolve("data"));
  });

  it("finds files in the folder, flat and PyG layouts", () => {
    const folder = path.join(tmp, "folder");
    const flat = path.join(tmp, "flat");
    const pyg = path.join(tmp, "pyg");
    put("folder/amazon-photo/amazon_electronics_photo.npz", toy);
    put("flat/amazon_electronics_photo.npz", toy);
    put("pyg/amazon-photo/raw/amazon_electronics_photo.npz", toy);
    expect(locateDataset("amazon-photo", folder).path).toBe(path.join(folder, "amazon-photo/amazon_electronics_photo.npz"));
    expect(locateDataset("amazon-photo", flat).path).toBe(path.join(flat, "amazon_electronics_photo.npz"));
    expect(locateDataset("amazon-photo", pyg).path).toBe(path.join(pyg, "amazon-photo/raw/amazon_electronics_photo.npz"));
  });
});

describe("loadDataset", () => {
  it("loads a registry name from the data directory (option or WERANK_DATA_DIR)", async () => {
    put("dd/cora/cora.npz", toy);
    const g = await loadDataset("cora", { dataDir: path.join(tmp, "dd"), rowNormalize: true });
    expect(g.name).toBe("cora");
    expect(g.numNodes).toBe(4);
    expect(g.provenance.preprocessing).toContain("row-normalize(l1)");
    process.env.WERANK_DATA_DIR = path.join(tmp, "dd");
    expect((await loadDataset("cora")).numNodes).toBe(4);
  });

  it("loads an OGB folder by name", async () => {
    writeOgb(path.join(tmp, "ogbdir/ogbn-arxiv"), { numNodes: 3, edges: [[0, 1]], features: [[1], [2], [3]], labels: [0, 1, 0], split: { scheme: "time", train: [0], valid: [1], test: [2] } });
    const g = await loadDataset("ogbn-arxiv", { dataDir: path.join(tmp, "ogbdir") });
    expect(g.name).toBe("ogbn-arxiv");
    expect(g.publicSplits![0]!.name).toBe("time");
  });

  it("generates synthetic graphs with parameters and preprocessing", async () => {
    const g = await loadDataset("synthetic", { synthetic: { numNodes: 200, seed: 4 }, featureFormat: "csr" });
    expect(g.numNodes).toBe(200);
    expect(g.features.kind).toBe("csr");
  });

  it("loads paths directly", async () => {
    const p = put("direct/mygraph.npz", toy);
    expect((await loadDataset(p)).name).toBe("mygraph");
  });

  it("reports a missing file with the paths looked at and the download origin", async () => {
    const err = await loadDataset("coauthor-cs", { dataDir: path.join(tmp, "empty") }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataError);
    const m = (err as Error).message;
    expect(m).toContain(path.join(tmp, "empty", "coauthor-cs", "ms_academic_cs.npz"));
    expect(m).toContain(path.join(tmp, "empty", "ms_academic_cs.npz"));
    expect(m).toContain("https://github.com/shchur/gnn-benchmark/raw/master/data/npz/ms_academic_cs.npz");
    const w = await loadDataset("wikics", { dataDir: path.join(tmp, "empty") }).catch((e: unknown) => e as Error);
    expect((w as Error).message).toContain("wiki-cs-dataset");
    const o = await loadDataset("ogbn-arxiv", { dataDir: path.join(tmp, "empty") }).catch((e: unknown) => e as Error);
    expect((o as Error).message).toContain("arxiv.zip");
  });

  it("rejects unknown names with a suggestion", async () => {
    const err = await loadDataset("amazon-computer").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain("Unknown dataset 'amazon-computer' (did you mean 'amazon-computers'?)");
    await expect(loadDataset("corra")).rejects.toThrow(/did you mean 'cora'/);
    await expect(loadDataset("")).rejects.toBeInstanceOf(ConfigError);
  });
});

describe("summarizeDataset", () => {
  it("counts a found dataset, marks a missing one, and reports a corrupt one", async () => {
    put("sum/cora.npz", toy);
    put("sum/citeseer.npz", "not a zip");
    const dir = path.join(tmp, "sum");
    expect(await summarizeDataset("cora", { dataDir: dir })).toMatchObject({ found: true, nodes: 4, edges: 2, features: 2, classes: 2 });
    const missing = await summarizeDataset("amazon-photo", { dataDir: dir });
    expect(missing.found).toBe(false);
    expect(missing.expected).toContain(path.join(dir, "amazon_electronics_photo.npz"));
    const bad = await summarizeDataset("citeseer", { dataDir: dir });
    expect(bad.found).toBe(true);
    expect(bad.error).toMatch(/^ERR_DATA: Corrupt zip archive .*citeseer\.npz/);
    expect(await summarizeDataset("synthetic", { dataDir: dir })).toMatchObject({ found: true, nodes: 2500, edges: 10000, features: 128, classes: 5 });
  });
});
