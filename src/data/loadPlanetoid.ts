/**
 * Loader for the Planetoid citation graphs (Yang et al., 2016) as the GCN, GAT, DGI and GRACE code and
 * PyG's `Planetoid` read them: eight files `ind.<name>.{x,tx,allx,y,ty,ally,graph,test.index}` in one
 * folder (kimiyoung/planetoid, tkipf/gcn, PyG's `<root>/<Name>/raw/`). The pickles are read by the
 * strict reader of src/data/pickle.ts (nothing is executed).
 *
 * Assembly, as PyG's `read_planetoid_data` (torch_geometric/io/planetoid.py):
 * - node ids 0..A-1 are `allx`/`ally` (A rows); test node `test.index[j]` gets `tx[j]`, `ty[j]`;
 * - N = max(test.index) + 1. Ids in A..N-1 missing from `test.index` (CiteSeer's 15 isolated
 *   nodes) are padded with zero features and label 0, as PyG pads `tx`/`ty` with zero rows;
 * - labels = argmax of the one-hot rows (first maximum; an all-zero row is class 0, as PyG);
 * - edges from the adjacency dict (repeated entries merged, self-loops dropped, symmetrized by the
 *   shared preprocessing);
 * - one public split "public": train = 0..len(y)-1 (Cora: 140), val = the next 500 (fewer only when
 *   allx has fewer rows), test = `test.index`.
 *
 * Every file must be a regular file; each is size-checked before it is read, and each array's byte
 * count is checked against its shape before anything is allocated.
 *
 * @example
 * ```ts
 * const g = await loadPlanetoid("../shared/data/cora/planetoid", { name: "cora" });
 * g.numNodes;                        // 2708
 * g.publicSplits![0]!.train.length;  // 140
 * ```
 */
import fs from "node:fs";
import path from "node:path";
import { DataError } from "../errors.js";
import type { CsrFeatures, Graph, Split } from "../graph/Graph.js";
import { readRegularFile, readRegularTextFile } from "../util/regularFile.js";
import { assembleGraph, type PreprocessOptions } from "./assembleGraph.js";
import { checkLabels } from "./checks.js";
import { latin1, type PyObject, type PyTuple, type PyValue, readPickle } from "./pickle.js";

export interface LoadPlanetoidOptions extends PreprocessOptions {
  /** Graph name (default: the prefix of the files, e.g. "cora"). */
  name?: string;
  /** The `<prefix>` of `ind.<prefix>.*` (default: found in the folder; required when it holds several). */
  prefix?: string;
}

/** Largest pickle read (PubMed's allx is ~ 6 MB; Planetoid files are well under this). */
const MAX_PICKLE_BYTES = 512 * 1024 * 1024;
const PARTS = ["x", "tx", "allx", "y", "ty", "ally", "graph"] as const;

/** Prefixes `p` with `ind.<p>.x` in `dir`. */
export function planetoidPrefixes(dir: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  return names.flatMap((f) => /^ind\.(.+)\.x$/.exec(f)?.[1] ?? []).sort();
}

const isObject = (v: PyValue, cls?: string): v is PyObject =>
  typeof v === "object" && v !== null && !(v instanceof Uint8Array) && !(v instanceof Map) && !Array.isArray(v) && v.kind === "object" && (cls === undefined || v.cls === cls);
const isTuple = (v: PyValue): v is PyTuple => typeof v === "object" && v !== null && !(v instanceof Uint8Array) && !(v instanceof Map) && !Array.isArray(v) && v.kind === "tuple";
const text = (v: PyValue): string | undefined => (typeof v === "string" ? v : v instanceof Uint8Array && v.length < 64 ? latin1(v) : undefined);

interface NdArray {
  shape: number[];
  /** Values as float64 (the files hold int32/int64 one-hot rows, float32/float64 features, int32 indices). */
  get(i: number): number;
}

const ITEM: Record<string, number> = { i4: 4, i8: 8, f4: 4, f8: 8, u1: 1, b1: 1 };

/** A numpy array from `_reconstruct(ndarray, (0,), 'b')` + BUILD (1, shape, dtype, fortran, bytes). */
function ndarray(v: PyValue, where: string): NdArray {
  const bad = (m: string): never => {
    throw new DataError(`Expected a numpy array at ${where} but found ${m}`);
  };
  if (!isObject(v, "numpy.core.multiarray._reconstruct") || !isTuple(v.state ?? null)) return bad("another object");
  const st = (v.state as PyTuple).items;
  if (st.length !== 5) return bad(`an array state of ${st.length} fields`);
  const [, shapeV, dtypeV, fortran, raw] = st;
  if (!isTuple(shapeV!) || !shapeV.items.every((d) => typeof d === "number" && Number.isInteger(d) && d >= 0)) return bad("a malformed shape");
  const shape = shapeV.items as number[];
  if (!isObject(dtypeV!, "numpy.dtype") || !isTuple(dtypeV.state ?? null)) return bad("a malformed dtype");
  const code = text(dtypeV.args[0] ?? null);
  const order = text((dtypeV.state as PyTuple).items[1] ?? null);
  if (code === undefined || !(code in ITEM)) return bad(`the dtype '${code}' (expected int32, int64, float32, float64, uint8 or bool)`);
  if (order === ">") return bad("a big-endian dtype");
  if (fortran !== false && shape.length > 1) return bad("a Fortran-ordered array");
  if (!(raw instanceof Uint8Array)) return bad("no raw data");
  const size = shape.reduce((a, b) => a * b, 1);
  const item = ITEM[code]!;
  if (raw.length !== size * item) return bad(`${raw.length} data bytes for shape (${shape.join(", ")}) of ${code} (expected ${size * item})`);
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const get =
    code === "i4"
      ? (i: number) => dv.getInt32(4 * i, true)
      : code === "i8"
        ? (i: number) => Number(dv.getBigInt64(8 * i, true))
        : code === "f4"
          ? (i: number) => dv.getFloat32(4 * i, true)
          : code === "f8"
            ? (i: number) => dv.getFloat64(8 * i, true)
            : (i: number) => dv.getUint8(i);
  return { shape, get };
}

/** A scipy CSR matrix: NEWOBJ(csr_matrix) + BUILD {_shape, indptr, indices, data}, validated. */
function csrMatrix(v: PyValue, file: string): CsrFeatures {
  if (!isObject(v) || !/^scipy\.sparse\._?csr\.csr_matrix$/.test(v.cls) || !(v.state instanceof Map)) throw new DataError(`Expected a scipy.sparse.csr_matrix in ${file}`);
  const st = v.state;
  const shapeV = st.get("_shape") ?? null;
  if (!isTuple(shapeV) || shapeV.items.length !== 2 || !shapeV.items.every((d) => typeof d === "number" && d >= 0)) throw new DataError(`Expected a 2-D _shape in the CSR matrix of ${file}`);
  const [rows, cols] = shapeV.items as [number, number];
  const indptr = ndarray(st.get("indptr") ?? null, `${file} 'indptr'`);
  const indices = ndarray(st.get("indices") ?? null, `${file} 'indices'`);
  const data = ndarray(st.get("data") ?? null, `${file} 'data'`);
  if (indptr.shape.length !== 1 || indptr.shape[0] !== rows + 1) throw new DataError(`Expected ${rows + 1} indptr entries in ${file} but found shape (${indptr.shape.join(", ")})`);
  const nnz = indices.shape[0] ?? 0;
  if (indices.shape.length !== 1 || data.shape.length !== 1 || data.shape[0] !== nnz) throw new DataError(`Expected as many CSR data values as indices in ${file} (${data.shape[0]} vs ${nnz})`);
  const out: CsrFeatures = { kind: "csr", rows, cols, indptr: new Int32Array(rows + 1), indices: new Int32Array(nnz), data: new Float32Array(nnz) };
  for (let r = 0; r <= rows; r++) {
    const p = indptr.get(r);
    if ((r === 0 && p !== 0) || (r > 0 && p < out.indptr[r - 1]!) || p > nnz) throw new DataError(`Malformed CSR indptr in ${file} at row ${r}: ${p}`);
    out.indptr[r] = p;
  }
  if (out.indptr[rows] !== nnz) throw new DataError(`CSR indptr of ${file} ends at ${out.indptr[rows]} but there are ${nnz} values`);
  for (let k = 0; k < nnz; k++) {
    const c = indices.get(k);
    if (!(c >= 0 && c < cols)) throw new DataError(`CSR column index ${c} out of range [0, ${cols}) in ${file} at position ${k}`);
    const x = data.get(k);
    if (!Number.isFinite(x)) throw new DataError(`Non-finite feature value ${x} in ${file} at position ${k}`);
    out.indices[k] = c;
    out.data[k] = x;
  }
  return out;
}

/** Class ids from one-hot rows [n, C] (argmax, first maximum). */
function oneHotLabels(v: PyValue, file: string): { labels: Int32Array; classes: number } {
  const a = ndarray(v, file);
  if (a.shape.length !== 2 || a.shape[1]! < 1) throw new DataError(`Expected one-hot labels of shape (nodes, classes) in ${file} but found shape (${a.shape.join(", ")})`);
  const [n, c] = a.shape as [number, number];
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let j = 1; j < c; j++) if (a.get(i * c + j) > a.get(i * c + best)) best = j;
    labels[i] = best;
  }
  return { labels, classes: c };
}

/** Reads the eight files with prefix `prefix` from `dir` into a Graph (see the module comment). */
export async function loadPlanetoid(dir: string, options: LoadPlanetoidOptions = {}): Promise<Graph> {
  let prefix = options.prefix;
  if (prefix === undefined) {
    const found = planetoidPrefixes(dir);
    if (found.length !== 1) throw new DataError(found.length === 0 ? `No Planetoid files (ind.<name>.x, ...) in ${dir}` : `Several Planetoid datasets in ${dir} (${found.join(", ")}); name one`);
    prefix = found[0]!;
  }
  const fileOf = (part: string): string => path.join(dir, `ind.${prefix}.${part}`);
  const files = [...PARTS.map(fileOf), fileOf("test.index")];
  const p: Partial<Record<(typeof PARTS)[number], PyValue>> = {};
  for (const part of PARTS) {
    const f = fileOf(part);
    p[part] = readPickle(readRegularFile(f, { what: `Planetoid ${part} file`, maxBytes: MAX_PICKLE_BYTES }), f);
  }
  const testText = readRegularTextFile(fileOf("test.index"), { what: "Planetoid test.index file", maxBytes: 64 * 1024 * 1024 });
  const testIndex = testText
    .split("\n")
    .map((l, i) => [l.trim(), i] as const)
    .filter(([l]) => l !== "")
    .map(([l, i]) => {
      if (!/^\d+$/.test(l)) throw new DataError(`Expected a node id at ${fileOf("test.index")} line ${i + 1} but found '${l.slice(0, 40)}'`);
      return Number(l);
    });

  const x = csrMatrix(p.x!, fileOf("x"));
  const tx = csrMatrix(p.tx!, fileOf("tx"));
  const allx = csrMatrix(p.allx!, fileOf("allx"));
  const y = oneHotLabels(p.y!, fileOf("y"));
  const ty = oneHotLabels(p.ty!, fileOf("ty"));
  const ally = oneHotLabels(p.ally!, fileOf("ally"));
  const cols = allx.cols;
  for (const [m, f] of [
    [x, "x"],
    [tx, "tx"],
  ] as const)
    if (m.cols !== cols) throw new DataError(`${fileOf(f)} has ${m.cols} feature columns but ${fileOf("allx")} has ${cols}`);
  if (y.classes !== ally.classes || ty.classes !== ally.classes)
    throw new DataError(`The label files of ${dir} disagree on the number of classes (y ${y.classes}, ty ${ty.classes}, ally ${ally.classes})`);
  const a = allx.rows;
  if (ally.labels.length !== a) throw new DataError(`${fileOf("ally")} has ${ally.labels.length} rows but ${fileOf("allx")} has ${a}`);
  if (y.labels.length !== x.rows || x.rows > a) throw new DataError(`${fileOf("y")} has ${y.labels.length} rows, ${fileOf("x")} ${x.rows} (expected equal, at most allx's ${a})`);
  const t = testIndex.length;
  if (t === 0) throw new DataError(`${fileOf("test.index")} lists no test nodes`);
  if (tx.rows !== t || ty.labels.length !== t) throw new DataError(`${fileOf("test.index")} lists ${t} test nodes but tx has ${tx.rows} rows and ty ${ty.labels.length}`);
  const seen = new Set<number>();
  testIndex.forEach((id, j) => {
    if (id < a) throw new DataError(`Test node ${id} at ${fileOf("test.index")} line ${j + 1} is below ${a}, an allx row`);
    if (seen.has(id)) throw new DataError(`Test node ${id} repeated at ${fileOf("test.index")} line ${j + 1}`);
    seen.add(id);
  });
  const n = testIndex.reduce((x, y) => Math.max(x, y), 0) + 1;
  if (n - a > 16 * t + 1024) throw new DataError(`${fileOf("test.index")} names node ${n - 1}, far beyond its ${t} test rows after ${a} training rows`);

  // Features: allx rows, then test rows placed at their ids; missing ids stay empty (zero rows).
  const rowOf = new Int32Array(n - a).fill(-1);
  testIndex.forEach((id, j) => (rowOf[id - a] = j));
  const nnz = allx.indptr[a]! + tx.indptr[t]!;
  const features: CsrFeatures = { kind: "csr", rows: n, cols, indptr: new Int32Array(n + 1), indices: new Int32Array(nnz), data: new Float32Array(nnz) };
  features.indptr.set(allx.indptr);
  features.indices.set(allx.indices);
  features.data.set(allx.data);
  let k = allx.indptr[a]!;
  for (let i = a; i < n; i++) {
    const j = rowOf[i - a]!;
    if (j >= 0) {
      const s = tx.indptr[j]!;
      const e = tx.indptr[j + 1]!;
      features.indices.set(tx.indices.subarray(s, e), k);
      features.data.set(tx.data.subarray(s, e), k);
      k += e - s;
    }
    features.indptr[i + 1] = k;
  }
  const labels = new Int32Array(n);
  labels.set(ally.labels);
  testIndex.forEach((id, j) => (labels[id] = ty.labels[j]!));
  const padded = n - a - t;
  // Every class of the one-hot width must have a node, as for the other formats (src/data/checks.ts).
  const numClasses = checkLabels(labels, `${fileOf("ally")} and ${fileOf("ty")} (labels)`);

  // Edges from the adjacency dict {node: [neighbours]}.
  const g = p.graph!;
  const entries = isObject(g, "collections.defaultdict") ? g.entries : g instanceof Map ? g : undefined;
  if (!entries) throw new DataError(`Expected a dict of adjacency lists in ${fileOf("graph")}`);
  let m = 0;
  for (const [key, list] of entries) {
    if (typeof key !== "number" || !(key >= 0 && key < n)) throw new DataError(`Node ${key} in ${fileOf("graph")} is outside 0..${n - 1}`);
    if (!Array.isArray(list)) throw new DataError(`Expected a list of neighbours for node ${key} in ${fileOf("graph")}`);
    m += list.length;
  }
  const src = new Int32Array(m);
  const dst = new Int32Array(m);
  m = 0;
  for (const [key, list] of entries) {
    for (const v of list as PyValue[]) {
      if (typeof v !== "number" || !Number.isInteger(v) || !(v >= 0 && v < n)) throw new DataError(`Neighbour ${String(v)} of node ${key} in ${fileOf("graph")} is outside 0..${n - 1}`);
      src[m] = key as number;
      dst[m++] = v;
    }
  }
  const nTrain = y.labels.length;
  const nVal = Math.min(500, a - nTrain); // PyG: range(len(y), len(y) + 500); every Planetoid file has room
  const split: Split = {
    name: "public",
    train: Int32Array.from({ length: nTrain }, (_, i) => i),
    val: Int32Array.from({ length: nVal }, (_, i) => nTrain + i),
    test: Int32Array.from(testIndex).sort(),
  };
  return assembleGraph(
    {
      name: options.name ?? prefix,
      numNodes: n,
      src,
      dst,
      features,
      labels,
      numClasses,
      publicSplits: [split],
      provenance: {
        format: "planetoid",
        files: files.map((f) => path.resolve(f)),
        preprocessing: [`planetoid-test-reorder(test=${t})`, ...(padded > 0 ? [`pad-missing-test-ids(count=${padded}, zero features, label 0)`] : [])],
      },
    },
    options,
  );
}
