/**
 * Checks every invariant of a host {@link Graph} (see src/graph/Graph.ts) and throws an ERR_DATA
 * naming the graph, its source file and the first offending position. Loaders call it last; call it
 * yourself on a Graph you built by hand before training on it. O(E + N·F).
 *
 * @example
 * ```ts
 * import { validateGraph } from "werank-native";
 * validateGraph(myGraph);   // returns the graph, or throws DataError (code ERR_DATA)
 * ```
 */
import { checkFinite, checkIndptr, checkRange } from "../data/checks.js";
import { DataError } from "../errors.js";
import type { Graph, Split } from "./Graph.js";

/**
 * Symmetry in O(E) without searching: walking rows in increasing order, the reverse entries (c, r)
 * of row c are met in increasing r, i.e. in row c's own sorted order, so one cursor per row checks
 * them (rows are already known to be sorted and unique). Returns the first entry without a
 * reverse as [row, column, position], or undefined.
 */
function firstAsymmetry(n: number, indptr: Int32Array, indices: Int32Array): [number, number, number] | undefined {
  const cursor = indptr.slice(0, n);
  for (let r = 0; r < n; r++) {
    const end = indptr[r + 1]!;
    for (let p = indptr[r]!; p < end; p++) {
      const c = indices[p]!;
      const q = cursor[c]!;
      if (q < indptr[c + 1]! && indices[q] === r) {
        cursor[c] = q + 1;
        continue;
      }
      // Either (r, c) has no reverse, or row c holds an earlier column that we passed unmatched.
      if (q < indptr[c + 1]! && indices[q]! < r) return [c, indices[q]!, q];
      return [r, c, p];
    }
  }
  // Unreachable when every entry matched (matching is one-to-one), kept as a cheap safety net.
  for (let c = 0; c < n; c++) {
    if (cursor[c]! < indptr[c + 1]!) return [c, indices[cursor[c]!]!, cursor[c]!];
  }
  return undefined;
}

function checkSplit(s: Split, n: number, where: string): void {
  const seen = new Uint8Array(n);
  const parts: [string, Int32Array | undefined][] = [
    ["train", s.train],
    ["val", s.val],
    ["test", s.test],
    ["stopping", s.stopping],
  ];
  for (const [part, ids] of parts) {
    if (ids === undefined) continue;
    if (!(ids instanceof Int32Array)) throw new DataError(`Expected an Int32Array for split '${s.name}' ${part} in ${where}`);
    checkRange(ids, 0, n, `${where} split '${s.name}' ${part}`, "node ids");
    for (let k = 0; k < ids.length; k++) {
      const v = ids[k]!;
      if (seen[v]) throw new DataError(`Expected disjoint train/val/test/stopping sets in ${where} split '${s.name}' but node ${v} (${part} position ${k}) appears twice`);
      seen[v] = 1;
    }
  }
}

/** Validates `g` (see the module comment); returns it unchanged. */
export function validateGraph(g: Graph, options: { source?: string } = {}): Graph {
  const src = options.source ?? g.provenance?.files?.[0];
  const where = `graph '${g.name}'${src ? ` (${src})` : ""}`;
  const n = g.numNodes;
  if (!Number.isSafeInteger(n) || n < 0) throw new DataError(`Expected a non-negative integer numNodes in ${where} but received ${n}`);
  if (!(g.indptr instanceof Int32Array) || !(g.indices instanceof Int32Array)) throw new DataError(`Expected Int32Array indptr and indices in ${where}`);
  checkIndptr(g.indptr, n, g.indices.length, `${where} adjacency indptr`);
  const { indptr, indices } = g;
  for (let r = 0; r < n; r++) {
    let last = -1;
    for (let p = indptr[r]!; p < indptr[r + 1]!; p++) {
      const c = indices[p]!;
      if (!(c >= 0 && c < n)) throw new DataError(`Expected node ids in [0, ${n}) in ${where} adjacency indices but received ${c} at position ${p} (row ${r})`);
      if (c <= last) throw new DataError(`Expected sorted, unique columns in each row of ${where} adjacency but row ${r} has ${c} after ${last} at position ${p}`);
      if (c === r) throw new DataError(`Expected no self-loops in ${where} adjacency but row ${r} links to itself at position ${p}`);
      last = c;
    }
  }
  if (!g.directed) {
    const bad = firstAsymmetry(n, indptr, indices);
    if (bad) throw new DataError(`Expected a symmetric adjacency in ${where} (directed is not set) but edge ${bad[0]} -> ${bad[1]} at position ${bad[2]} has no reverse`);
  }
  if (g.weights !== undefined) {
    if (g.weights.length !== indices.length) throw new DataError(`Expected ${indices.length} edge weights in ${where} but received ${g.weights.length}`);
    checkFinite(g.weights, `${where} edge weights`, "weights");
  }
  const f = g.features;
  if (!f || (f.kind !== "dense" && f.kind !== "csr")) throw new DataError(`Expected features of kind 'dense' or 'csr' in ${where}`);
  if (f.rows !== n) throw new DataError(`Expected ${n} feature rows (one per node) in ${where} but received ${f.rows}`);
  if (!Number.isSafeInteger(f.cols) || f.cols < 0) throw new DataError(`Expected a non-negative integer feature column count in ${where} but received ${f.cols}`);
  if (f.kind === "dense") {
    if (f.data.length !== f.rows * f.cols) throw new DataError(`Expected ${f.rows} x ${f.cols} = ${f.rows * f.cols} dense feature values in ${where} but received ${f.data.length}`);
    checkFinite(f.data, `${where} features`, "feature values", f.cols);
  } else {
    checkIndptr(f.indptr, f.rows, f.indices.length, `${where} feature indptr`);
    if (f.data.length !== f.indices.length) throw new DataError(`Expected ${f.indices.length} feature values (one per stored index) in ${where} but received ${f.data.length}`);
    checkRange(f.indices, 0, f.cols, `${where} feature indices`, "column ids");
    checkFinite(f.data, `${where} features`, "feature values");
  }
  if (g.multiLabels) {
    if (g.multiLabels.data.length !== n * g.multiLabels.numLabels)
      throw new DataError(`Expected ${n} x ${g.multiLabels.numLabels} multi-label values in ${where} but received ${g.multiLabels.data.length}`);
  } else {
    if (g.labels.length !== n) throw new DataError(`Expected ${n} labels (one per node) in ${where} but received ${g.labels.length}`);
    checkRange(g.labels, 0, Math.max(g.numClasses, 0), `${where} labels`, "class ids");
  }
  if (g.publicSplits) for (const s of g.publicSplits) checkSplit(s, n, where);
  return g;
}

/** validateGraph for random or user splits (ids in range, parts disjoint). */
export function validateSplit(s: Split, numNodes: number, where = "split"): Split {
  checkSplit(s, numNodes, where);
  return s;
}
