/**
 * The named datasets werank-native knows, where their files go under a data directory, and where
 * to download them. A dataset is found in the per-dataset folder layout (`<dir>/<name>/<file>`, as
 * in ../shared/data), flat (`<dir>/<file>`), or PyG's (`<dir>/<name>/raw/<file>`). The Planetoid
 * versions (`cora-planetoid`, `citeseer-planetoid`, `pubmed-planetoid`: the `ind.<name>.*` pickles
 * of the GCN/GRACE/DGI code and PyG's `Planetoid`, with the public split) are found by their
 * `ind.<name>.x` file, in `<name>/planetoid/`, `planetoid/`, PyG's `<Name>/raw/` or the folder itself.
 *
 * The data directory is, in order: the `dataDir` option (`--data-dir`), `WERANK_DATA_DIR`, `./data`.
 *
 * @example
 * ```ts
 * listDatasets().map((d) => d.name);   // ["cora", "citeseer", ..., "synthetic"]
 * locateDataset("cora", "../shared/data").path;   // ".../cora/cora.npz"
 * ```
 */
import fs from "node:fs";
import path from "node:path";
import { readEnv } from "../env.js";
import { ConfigError, DataError, unknownName } from "../errors.js";

export type DatasetFormat = "npz" | "wikics" | "ogb" | "planetoid" | "synthetic";

export interface DatasetInfo {
  name: string;
  format: DatasetFormat;
  /** The published file (or, for OGB, folder) name. */
  fileName: string;
  /** Paths relative to the data directory, in search order (OGB: folders holding raw/). */
  candidates: readonly string[];
  /** Where to get it. */
  origin: string;
  description: string;
}

const GNN_BENCHMARK = "https://github.com/shchur/gnn-benchmark/raw/master/data/npz/";

function npz(name: string, fileName: string, description: string): DatasetInfo {
  return {
    name,
    format: "npz",
    fileName,
    candidates: [`${name}/${fileName}`, fileName, `${name}/raw/${fileName}`],
    origin: GNN_BENCHMARK + fileName,
    description,
  };
}

function planetoid(prefix: string, pygName: string, description: string): DatasetInfo {
  const x = `ind.${prefix}.x`;
  return {
    name: `${prefix}-planetoid`,
    format: "planetoid",
    fileName: `ind.${prefix}.{x,tx,allx,y,ty,ally,graph,test.index}`,
    candidates: [`${prefix}/planetoid/${x}`, `planetoid/${x}`, `${pygName}/raw/${x}`, `${prefix}/raw/${x}`, `${prefix}/${x}`, x],
    origin: `https://github.com/kimiyoung/planetoid/tree/master/data (the ind.${prefix}.* files; PyG's Planetoid downloads the same)`,
    description,
  };
}

/** Every named dataset. */
export const datasetRegistry: Readonly<Record<string, DatasetInfo>> = Object.freeze({
  cora: npz("cora", "cora.npz", "Cora citation graph (gnn-benchmark version): 2,708 nodes, 7 classes, bag-of-words features"),
  citeseer: npz("citeseer", "citeseer.npz", "CiteSeer citation graph (gnn-benchmark version), 6 classes"),
  "amazon-computers": npz("amazon-computers", "amazon_electronics_computers.npz", "Amazon Computers co-purchase graph: 13,752 nodes, 10 classes"),
  "amazon-photo": npz("amazon-photo", "amazon_electronics_photo.npz", "Amazon Photo co-purchase graph: 7,650 nodes, 8 classes"),
  "coauthor-cs": npz("coauthor-cs", "ms_academic_cs.npz", "Coauthor CS co-authorship graph: 18,333 nodes, 15 classes"),
  "coauthor-physics": npz("coauthor-physics", "ms_academic_phy.npz", "Coauthor Physics co-authorship graph: 34,493 nodes, 5 classes"),
  "cora-planetoid": planetoid("cora", "Cora", "Cora, Planetoid version (GCN/GRACE/DGI files): 2,708 nodes, 7 classes, public split 140/500/1000"),
  "citeseer-planetoid": planetoid("citeseer", "CiteSeer", "CiteSeer, Planetoid version: 3,327 nodes (15 padded as PyG), 6 classes, public split 120/500/1000"),
  "pubmed-planetoid": planetoid("pubmed", "PubMed", "PubMed, Planetoid version: 19,717 nodes, 3 classes, public split 60/500/1000"),
  wikics: {
    name: "wikics",
    format: "wikics",
    fileName: "data.json",
    candidates: ["wikics/data.json", "wikics/raw/data.json", "wikics.json", "data.json"],
    origin: "https://github.com/pmernyei/wiki-cs-dataset/raw/master/dataset/data.json",
    description: "WikiCS Wikipedia hyperlink graph: 11,701 nodes, 10 classes, 300-d GloVe features, 20 public splits",
  },
  "ogbn-arxiv": {
    name: "ogbn-arxiv",
    format: "ogb",
    fileName: "arxiv/",
    candidates: ["ogbn-arxiv", "ogbn_arxiv", "arxiv"],
    origin: "http://snap.stanford.edu/ogb/data/nodeproppred/arxiv.zip (unzip it into the data directory)",
    description: "OGB arXiv citation graph: 169,343 nodes, 40 classes, 128-d features, public time split",
  },
  synthetic: {
    name: "synthetic",
    format: "synthetic",
    fileName: "",
    candidates: [],
    origin: "built in (contextual stochastic block model)",
    description: "Generated CSBM graph (default 2,500 nodes, 5 classes, 128 features); no download",
  },
});

/** The datasets, in registry order. */
export function listDatasets(): DatasetInfo[] {
  return Object.values(datasetRegistry);
}

/**
 * Other spellings of our names, as users type them: PyG's class arguments (Amazon "Photo" /
 * "Computers", Coauthor "CS" / "Physics") and BGRL's config names ("amazon-photos", "wiki-cs").
 * Case, "_" and spaces do not matter ("CiteSeer", "coauthor_cs"); see {@link canonicalDatasetName}.
 */
export const DATASET_ALIASES: Readonly<Record<string, string>> = Object.freeze({
  "amazon-photos": "amazon-photo",
  photo: "amazon-photo",
  computers: "amazon-computers",
  cs: "coauthor-cs",
  physics: "coauthor-physics",
  "coauthor-phy": "coauthor-physics",
  "wiki-cs": "wikics",
  arxiv: "ogbn-arxiv",
});

/** "CiteSeer" -> "citeseer", "wiki-cs" -> "wikics", "Photo" -> "amazon-photo"; undefined when unknown. */
export function canonicalDatasetName(name: string): string | undefined {
  if (Object.hasOwn(datasetRegistry, name)) return name;
  const key = name
    .trim()
    .toLowerCase()
    .replace(/[_\s]+/g, "-");
  const squash = (s: string): string => s.replace(/-/g, "");
  for (const n of Object.keys(datasetRegistry)) if (n === key || squash(n) === squash(key)) return n;
  for (const [alias, n] of Object.entries(DATASET_ALIASES)) if ((alias === key || squash(alias) === squash(key)) && Object.hasOwn(datasetRegistry, n)) return n;
  return undefined;
}

/** The entry for `name` (or an alias of it); an unknown name is ERR_CONFIG with "did you mean". */
export function datasetInfo(name: string): DatasetInfo {
  const canonical = canonicalDatasetName(name);
  if (canonical === undefined) throw new ConfigError(unknownName("dataset", name, Object.keys(datasetRegistry)));
  return datasetRegistry[canonical]!;
}

/** The data directory: the option, else WERANK_DATA_DIR, else ./data (absolute). */
export function resolveDataDir(dataDir?: string): string {
  return path.resolve(dataDir ?? readEnv().dataDir ?? "data");
}

export interface DatasetLocation {
  info: DatasetInfo;
  dataDir: string;
  /** The file or folder found (undefined when missing; always undefined for synthetic). */
  path?: string;
  /** Absolute paths looked at, in order. */
  tried: string[];
}

/** Finds a dataset's file (or OGB folder) under the data directory without reading it. */
export function locateDataset(name: string, dataDir?: string): DatasetLocation {
  const info = datasetInfo(name);
  const dir = resolveDataDir(dataDir);
  const tried = info.candidates.map((c) => path.join(dir, c));
  for (const p of tried) {
    try {
      const st = fs.statSync(p);
      if (info.format === "ogb" ? st.isDirectory() && fs.existsSync(path.join(p, "raw")) : st.isFile()) return { info, dataDir: dir, path: p, tried };
    } catch {
      // not there: try the next layout
    }
  }
  return { info, dataDir: dir, tried };
}

/** The message for a dataset that is not on disk: where it was looked for and where to get it. */
export function missingDatasetMessage(loc: DatasetLocation): string {
  const what = loc.info.format === "ogb" ? "a dataset folder with raw/ at one of" : "one of";
  return (
    `Dataset '${loc.info.name}' not found in data directory ${loc.dataDir}: expected ${what} ${loc.tried.join(", ")}. ` +
    `Get ${loc.info.fileName} from ${loc.info.origin} and put it there, or point --data-dir / WERANK_DATA_DIR at the folder that holds it.`
  );
}

/** locateDataset that throws ERR_DATA (with the expected paths and the origin) when the files are missing. */
export function requireDataset(name: string, dataDir?: string): DatasetLocation & { path: string } {
  const loc = locateDataset(name, dataDir);
  if (loc.info.format !== "synthetic" && loc.path === undefined) throw new DataError(missingDatasetMessage(loc));
  return loc as DatasetLocation & { path: string };
}
