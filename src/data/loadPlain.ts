/**
 * Loader for plain files, for graphs that are not a named benchmark:
 *
 * - `edges` (required): one edge per line, `src,dst` or `src,dst,weight`, separated by commas,
 *   tabs, semicolons or spaces, optionally gzip-compressed, with an optional header line. Node ids
 *   are integers from 0.
 * - `features` (optional): a CSV with one row of floats per node, or a 2-D `.npy` array
 *   [N, F]. Without one, features are one-hot node ids (CSR identity).
 * - `labels` (optional): one class id per line (node i on data line i), a two-column CSV
 *   `node,label` covering every node once, or a 1-D `.npy` array; labels must be 0..C−1 with every
 *   class present and C ≥ 2 (checkLabels in checks.ts). Without a label file every node is class 0
 *   (`numClasses` 1): fine for pre-training, meaningless for a probe.
 *
 * The node count is `numNodes` when given, else the largest of: feature rows, label rows, largest
 * edge id + 1. Then the shared preprocessing ({@link assembleGraph}); pass `symmetrize: false` to keep
 * a directed graph.
 *
 * @example
 * ```ts
 * const g = await loadPlain({ edges: "edges.tsv", features: "x.npy", labels: "y.txt", name: "mine" });
 * ```
 */
import os from "node:os";
import path from "node:path";
import { DataError, WerankError } from "../errors.js";
import { readRegularFile } from "../util/regularFile.js";
import type { Features, Graph } from "../graph/Graph.js";
import { assembleGraph, type PreprocessOptions } from "./assembleGraph.js";
import { checkFinite, checkWeights, labelsToInt32, MAX_NODES } from "./checks.js";
import { identityFeatures } from "./features.js";
import { type NpyArray, npyToFloat32, parseNpy } from "./npy.js";
import { readNumberTable } from "./numberTable.js";

export interface LoadPlainOptions extends PreprocessOptions {
  /** Edge-list file (see the module comment). */
  edges: string;
  /** Feature file: CSV or `.npy`. */
  features?: string;
  /** Label file: one per line, `node,label` CSV, or `.npy`. */
  labels?: string;
  /** Node count (default: inferred, see the module comment). */
  numNodes?: number;
  /** Graph name (default: the edge file's name without extension). */
  name?: string;
}

/** Bytes per node of a graph with identity features: CSR features (12), adjacency indptr (4), labels (4), slack. */
const BYTES_PER_IDENTITY_NODE = 32;

function readNpyFile(file: string): NpyArray {
  return parseNpy(readRegularFile(file, { what: ".npy file" }), { file });
}

function isNpy(file: string): boolean {
  return file.toLowerCase().endsWith(".npy");
}

async function readFeatures(file: string, limitRows?: number): Promise<{ rows: number; cols: number; data: Float32Array }> {
  if (isNpy(file)) {
    const a = readNpyFile(file);
    if (a.shape.length !== 2) throw new DataError(`Expected a 2-D array [nodes, features] in ${file} but received shape (${a.shape.join(", ")})`);
    return { rows: a.shape[0]!, cols: a.shape[1]!, data: npyToFloat32(a) };
  }
  const t = await readNumberTable(file, { type: "float32", ...(limitRows !== undefined ? { limitRows } : {}) });
  return { rows: t.rows, cols: t.cols, data: t.data as Float32Array };
}

/** Labels as (values, node ids or undefined for "line i is node i"). */
async function readLabels(file: string, limitRows?: number): Promise<{ values: ArrayLike<number>; nodes?: ArrayLike<number> }> {
  if (isNpy(file)) {
    const a = readNpyFile(file);
    if (a.shape.length !== 1) throw new DataError(`Expected a 1-D array of class ids in ${file} but received shape (${a.shape.join(", ")})`);
    if (a.dtype === "b1") throw new DataError(`Expected integer class ids in ${file} but received a bool array`);
    const v = a.data instanceof BigInt64Array || a.data instanceof BigUint64Array ? Array.from(a.data, Number) : (a.data as ArrayLike<number>);
    return { values: v };
  }
  const t = await readNumberTable(file, { type: "float64", ...(limitRows !== undefined ? { limitRows } : {}) });
  const d = t.data;
  if (t.cols === 1 || t.rows === 0) return { values: d };
  if (t.cols !== 2) throw new DataError(`Expected one label per line or 'node,label' pairs in ${file} but lines have ${t.cols} values`);
  const nodes = new Float64Array(t.rows);
  const values = new Float64Array(t.rows);
  for (let k = 0; k < t.rows; k++) {
    nodes[k] = d[2 * k]!;
    values[k] = d[2 * k + 1]!;
  }
  return { values, nodes };
}

/** Loads plain edge-list / feature / label files (see the module comment) into a validated Graph. */
export async function loadPlain(options: LoadPlainOptions): Promise<Graph> {
  if (typeof options?.edges !== "string") throw new DataError("Expected an edge-list file path in options.edges for loadPlain");
  const given = options.numNodes;
  if (given !== undefined && !(Number.isSafeInteger(given) && given >= 1 && given <= MAX_NODES)) {
    throw new DataError(`Expected numNodes to be an integer in [1, ${MAX_NODES}] (node ids are int32) but received ${given}`);
  }
  try {
    return await loadPlainFiles(options);
  } catch (e) {
    // Typed arrays for a huge (but int32-sized) numNodes can exceed the memory V8 will allocate.
    if (e instanceof RangeError)
      throw new WerankError("ERR_OUT_OF_MEMORY", `Could not allocate the arrays for the graph in ${options.edges}${given !== undefined ? ` with numNodes ${given}` : ""}: ${e.message}`, { cause: e });
    throw e;
  }
}

async function loadPlainFiles(options: LoadPlainOptions): Promise<Graph> {
  const edgeFile = path.resolve(options.edges);
  const files = [edgeFile];
  const steps: string[] = [];
  const et = await readNumberTable(edgeFile, { type: "float64" });
  if (et.rows > 0 && et.cols !== 2 && et.cols !== 3) throw new DataError(`Expected 'src,dst' or 'src,dst,weight' lines in ${edgeFile} but lines have ${et.cols} values`);
  const E = et.rows;
  if (E === 0) throw new DataError(`Expected at least one 'src,dst' line in ${edgeFile} but it has no edges`);
  const src = new Int32Array(E);
  const dst = new Int32Array(E);
  const weights = et.cols === 3 ? new Float32Array(E) : undefined;
  let maxId = -1;
  for (let k = 0; k < E; k++) {
    for (const c of [0, 1]) {
      const v = et.data[k * et.cols + c]!;
      if (!(Number.isInteger(v) && v >= 0 && v <= 2147483646))
        throw new DataError(`Expected non-negative integer node ids in ${edgeFile} but received ${v} at edge ${k} (data line ${k + 1}), column ${c + 1}`);
      if (v > maxId) maxId = v;
    }
    src[k] = et.data[k * et.cols]!;
    dst[k] = et.data[k * et.cols + 1]!;
    if (weights) weights[k] = et.data[k * 3 + 2]!;
  }
  if (weights) checkWeights(weights, edgeFile);
  let feats: { rows: number; cols: number; data: Float32Array } | undefined;
  if (options.features !== undefined) {
    const f = path.resolve(options.features);
    files.push(f);
    feats = await readFeatures(f, options.numNodes);
    checkFinite(feats.data, f, "feature values", feats.cols);
  }
  let lab: { values: ArrayLike<number>; nodes?: ArrayLike<number> } | undefined;
  let labelFile: string | undefined;
  if (options.labels !== undefined) {
    labelFile = path.resolve(options.labels);
    files.push(labelFile);
    lab = await readLabels(labelFile, options.numNodes);
  }
  let n = options.numNodes;
  if (n === undefined) {
    n = Math.max(maxId + 1, feats?.rows ?? 0, lab && !lab.nodes ? lab.values.length : 0);
    if (lab?.nodes) for (let k = 0; k < lab.nodes.length; k++) n = Math.max(n, lab.nodes[k]! + 1);
  }
  if (!(n <= MAX_NODES)) throw new DataError(`Expected at most ${MAX_NODES} nodes (int32 ids) but ${lab?.nodes ? `the node ids in ${labelFile}` : "the files"} imply ${n}`);
  if (!feats && n * BYTES_PER_IDENTITY_NODE > os.totalmem() / 2) {
    // Nodes beyond the files' own count are isolated with one-hot features: refuse before allocating.
    throw new WerankError(
      "ERR_OUT_OF_MEMORY",
      `numNodes ${n} needs about ${((n * BYTES_PER_IDENTITY_NODE) / 2 ** 30).toFixed(1)} GiB for one-hot features and the adjacency, more than half of this machine's ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB (${edgeFile} has node ids up to ${maxId})`,
    );
  }
  if (maxId >= n) throw new DataError(`Expected node ids in [0, ${n}) in ${edgeFile} (numNodes ${n}) but the largest is ${maxId}`);
  let features: Features;
  if (feats) {
    if (feats.rows !== n) throw new DataError(`Expected ${n} feature rows (one per node) in ${files[1]} but received ${feats.rows}`);
    features = { kind: "dense", rows: n, cols: feats.cols, data: feats.data };
  } else {
    steps.push("features-identity(no feature file)");
    features = identityFeatures(n);
  }
  let labels: Int32Array;
  let numClasses: number;
  if (lab && labelFile) {
    let values = lab.values;
    if (lab.nodes) {
      const byNode = new Float64Array(n).fill(NaN);
      for (let k = 0; k < lab.nodes.length; k++) {
        const node = lab.nodes[k]!;
        if (!(Number.isInteger(node) && node >= 0 && node < n)) throw new DataError(`Expected node ids in [0, ${n}) in ${labelFile} column 1 but received ${node} at data line ${k + 1}`);
        if (!Number.isNaN(byNode[node]!)) throw new DataError(`Expected one label per node in ${labelFile} but node ${node} appears again at data line ${k + 1}`);
        byNode[node] = lab.values[k]!;
      }
      const missing = byNode.findIndex((v) => Number.isNaN(v));
      if (missing >= 0) throw new DataError(`Expected a label for every node in ${labelFile} but node ${missing} has none`);
      values = byNode;
    } else if (values.length !== n) throw new DataError(`Expected ${n} labels (one per node) in ${labelFile} but received ${values.length}`);
    ({ labels, numClasses } = labelsToInt32(values, labelFile));
  } else {
    steps.push("labels-none(all class 0)");
    labels = new Int32Array(n);
    numClasses = 1;
  }
  return assembleGraph(
    {
      name: options.name ?? path.basename(edgeFile).replace(/\.(csv|tsv|txt|edges?)(\.gz)?$/i, ""),
      numNodes: n,
      src,
      dst,
      ...(weights ? { weights } : {}),
      features,
      labels,
      numClasses,
      provenance: { format: "plain", files, preprocessing: steps },
    },
    options,
  );
}
