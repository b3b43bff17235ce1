/**
 * Loader for an OGB node-property-prediction dataset folder as OGB's download unpacks it
 * (e.g. http://snap.stanford.edu/ogb/data/nodeproppred/arxiv.zip → `arxiv/`), read straight from the
 * raw CSV files — no PyTorch, no pickled `processed/` files:
 *
 * ```
 * <dir>/raw/edge.csv.gz            one "src,dst" line per directed edge
 * <dir>/raw/node-feat.csv.gz       one line of comma-separated floats per node (optional)
 * <dir>/raw/node-label.csv.gz      one integer class per node
 * <dir>/raw/num-node-list.csv.gz   one line: the node count (optional)
 * <dir>/split/<scheme>/{train,valid,test}.csv.gz   one node id per line (the public split)
 * ```
 *
 * Uncompressed `.csv` files are accepted too. Files are streamed (gunzip + a byte-level number
 * parser into growing typed arrays), so ogbn-arxiv (169,343 nodes, 1,166,243 edges, 128 features)
 * loads in seconds. Edges are symmetrized by default, as OGB's examples and BGRL do for arxiv;
 * multi-label data (ogbn-proteins) is refused with ERR_DATA. The node count (num-node-list) bounds
 * the lines and the inflated text read from the other files, so a gzip bomb stops early; empty or
 * truncated gzip files, an edge list without edges and empty train/valid/test splits are ERR_DATA.
 *
 * @example
 * ```ts
 * const g = await loadOgb("data/ogbn-arxiv");
 * g.publicSplits?.[0]?.name;   // "time"
 * ```
 */
import fs from "node:fs";
import path from "node:path";
import { DataError } from "../errors.js";
import type { Features, Graph, Split } from "../graph/Graph.js";
import { assembleGraph, type PreprocessOptions } from "./assembleGraph.js";
import { buildAdjacency } from "./buildAdjacency.js";
import { checkFinite, checkRange, labelsToInt32, MAX_NODES } from "./checks.js";
import { identityFeatures } from "./features.js";
import { type NumberTable, readNumberTable } from "./numberTable.js";

export interface LoadOgbOptions extends PreprocessOptions {
  /** Graph name (default: the folder name). */
  name?: string;
  /** Split folder under `split/` (default: the only one, or the first in name order). */
  splitScheme?: string;
}

/** `<dir>/<rel>.csv.gz` or `<dir>/<rel>.csv`, whichever exists. */
function findCsv(dir: string, rel: string): string | undefined {
  for (const ext of [".csv.gz", ".csv"]) {
    const p = path.join(dir, rel + ext);
    if (fs.existsSync(p)) return p;
  }
  return undefined;
}

function requireCsv(dir: string, rel: string): string {
  const p = findCsv(dir, rel);
  if (!p) throw new DataError(`Expected ${path.join(dir, rel)}.csv.gz (or .csv) in the OGB dataset folder ${dir} but it does not exist`);
  return p;
}

function column(t: NumberTable, file: string, what: string, rows?: number): Int32Array {
  if (t.rows > 0 && t.cols !== 1)
    throw new DataError(`Expected one ${what} per line in ${file} but lines have ${t.cols} values${what === "class label" ? " (multi-label data is not supported)" : ""}`);
  if (rows !== undefined && t.rows !== rows) throw new DataError(`Expected ${rows} lines (one per node) in ${file} but received ${t.rows}`);
  return t.data as Int32Array;
}

/** Row-major (src, dst) pairs → two id arrays. */
function splitPairs(e: Int32Array, rows: number): { src: Int32Array; dst: Int32Array } {
  const src = new Int32Array(rows);
  const dst = new Int32Array(rows);
  for (let k = 0; k < rows; k++) {
    src[k] = e[2 * k]!;
    dst[k] = e[2 * k + 1]!;
  }
  return { src, dst };
}

/** The split schemes under `<dir>/split/`, in name order. */
export function ogbSplitSchemes(dir: string): string[] {
  const s = path.join(dir, "split");
  if (!fs.existsSync(s)) return [];
  if (!fs.statSync(s).isDirectory()) throw new DataError(`Expected ${s} to be a folder of split schemes but it is not a directory`);
  return fs
    .readdirSync(s, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

async function readSplit(dir: string, scheme: string, n: number, files: string[]): Promise<Split> {
  const part = async (p: string): Promise<Int32Array> => {
    const file = requireCsv(dir, path.join("split", scheme, p));
    files.push(file);
    const ids = column(await readNumberTable(file, { type: "int32", header: false, limitRows: n }), file, "node id");
    // An empty test set would report "– ± – %" and exit 0; an empty train set cannot fit a probe.
    if (ids.length === 0) throw new DataError(`Expected at least one node id in the ${p} split ${file} but it is empty`);
    checkRange(ids, 0, n, file, "node ids");
    return ids;
  };
  return { name: scheme, train: await part("train"), val: await part("valid"), test: await part("test") };
}

/** Reads a one-number count file (`raw/num-node-list`, `raw/num-edge-list`) if present. */
async function countFile(dir: string, rel: string, what: string, files: string[]): Promise<number | undefined> {
  const p = findCsv(dir, rel);
  if (!p) return undefined;
  files.push(p);
  const t = await readNumberTable(p, { type: "int32", header: false, limitRows: 64 });
  if (t.rows < 1 || t.cols !== 1 || !(t.data[0]! >= 1 && t.data[0]! <= MAX_NODES)) {
    throw new DataError(`Expected one ${what} in [1, ${MAX_NODES}] in ${p} but received ${t.rows} lines of ${t.cols} values${t.rows > 0 ? ` starting with ${t.data[0]}` : ""}`);
  }
  if (t.rows > 1) throw new DataError(`Expected a single graph in ${p} (node-property datasets have one) but it lists ${t.rows}`);
  return t.data[0]!;
}

/** Reads the node count: num-node-list, else the largest of label rows, feature rows and edge ids + 1. */
function nodeCount(dir: string, files: string[]): Promise<number | undefined> {
  return countFile(dir, "raw/num-node-list", "node count", files);
}

/** Reads `raw/edge` (with `raw/num-edge-list` as its row count when present): src/dst pairs, at least one. */
async function readEdges(root: string, files: string[]): Promise<{ file: string; e: Int32Array; rows: number }> {
  const edgeFile = requireCsv(root, "raw/edge");
  const m = await countFile(root, "raw/num-edge-list", "edge count", files);
  files.push(edgeFile);
  const edges = await readNumberTable(edgeFile, { type: "int32", header: false, ...(m !== undefined ? { limitRows: m } : {}) });
  if (edges.rows > 0 && edges.cols !== 2) throw new DataError(`Expected two node ids (src,dst) per line in ${edgeFile} but lines have ${edges.cols} values`);
  if (edges.rows === 0) throw new DataError(`Expected at least one 'src,dst' line in ${edgeFile} but it has no edges`);
  if (m !== undefined && edges.rows !== m) throw new DataError(`Expected ${m} edges (from raw/num-edge-list) in ${edgeFile} but received ${edges.rows}`);
  return { file: edgeFile, e: edges.data as Int32Array, rows: edges.rows };
}

/** Loads an OGB node-property dataset folder (see the module comment) into a validated Graph. */
export async function loadOgb(dir: string, options: LoadOgbOptions = {}): Promise<Graph> {
  const root = path.resolve(dir);
  if (!fs.existsSync(path.join(root, "raw"))) throw new DataError(`Expected an OGB dataset folder with raw/ and split/ at ${root} but ${path.join(root, "raw")} does not exist`);
  const files: string[] = [];
  const steps: string[] = [];
  requireCsv(root, "raw/edge");
  const labelFile = requireCsv(root, "raw/node-label");
  const featFile = findCsv(root, "raw/node-feat");
  let n = await nodeCount(root, files);
  const { file: edgeFile, e, rows: edgeRows } = await readEdges(root, files);
  files.push(labelFile);
  const labelCol = column(await readNumberTable(labelFile, { type: "int32", header: false, ...(n !== undefined ? { limitRows: n } : {}) }), labelFile, "class label");
  if (n === undefined) {
    let maxId = -1;
    for (let k = 0; k < e.length; k++) if (e[k]! > maxId) maxId = e[k]!;
    n = Math.max(labelCol.length, maxId + 1);
  }
  if (n === 0) throw new DataError(`Expected at least one node in the OGB dataset ${root} but ${labelFile} is empty`);
  if (labelCol.length !== n) throw new DataError(`Expected ${n} lines (one per node) in ${labelFile} but received ${labelCol.length}`);
  checkRange(e, 0, n, edgeFile, "node ids");
  const { src, dst } = splitPairs(e, edgeRows);
  let features: Features;
  if (featFile) {
    files.push(featFile);
    const t = await readNumberTable(featFile, { type: "float32", header: false, limitRows: n });
    if (t.rows !== n) throw new DataError(`Expected ${n} lines (one per node) in ${featFile} but received ${t.rows}`);
    checkFinite(t.data as Float32Array, featFile, "feature values", t.cols);
    features = { kind: "dense", rows: n, cols: t.cols, data: t.data as Float32Array };
  } else {
    steps.push("features-identity(no raw/node-feat file)");
    features = identityFeatures(n);
  }
  const { labels, numClasses } = labelsToInt32(labelCol, labelFile);
  const schemes = ogbSplitSchemes(root);
  let publicSplits: Split[] | undefined;
  if (options.splitScheme !== undefined && !schemes.includes(options.splitScheme)) {
    throw new DataError(`Expected a split folder ${path.join(root, "split", options.splitScheme)} but the dataset has: ${schemes.join(", ") || "none"}`);
  }
  const scheme = options.splitScheme ?? schemes[0];
  if (scheme !== undefined) publicSplits = [await readSplit(root, scheme, n, files)];
  return assembleGraph(
    {
      name: options.name ?? path.basename(root),
      numNodes: n,
      src,
      dst,
      features,
      labels,
      numClasses,
      ...(publicSplits ? { publicSplits } : {}),
      provenance: { format: "ogb", files, preprocessing: steps },
    },
    options,
  );
}

/** Node, undirected-edge, feature and class counts of an OGB folder, reading features' first line only. */
export async function summarizeOgb(dir: string): Promise<{ nodes: number; edges: number; features: number; classes: number }> {
  const root = path.resolve(dir);
  const files: string[] = [];
  requireCsv(root, "raw/edge");
  const labelFile = requireCsv(root, "raw/node-label");
  const featFile = findCsv(root, "raw/node-feat");
  const count = await nodeCount(root, files);
  const { file: edgeFile, e, rows: edgeRows } = await readEdges(root, files);
  const labelCol = column(await readNumberTable(labelFile, { type: "int32", header: false, ...(count !== undefined ? { limitRows: count } : {}) }), labelFile, "class label");
  const n = count ?? labelCol.length;
  checkRange(e, 0, n, edgeFile, "node ids");
  const { src, dst } = splitPairs(e, edgeRows);
  const features = featFile ? (await readNumberTable(featFile, { type: "float32", header: false, maxRows: 1 })).cols : n;
  return { nodes: n, edges: buildAdjacency(n, src, dst).indices.length / 2, features, classes: labelsToInt32(labelCol, labelFile).numClasses };
}
