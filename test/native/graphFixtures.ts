// Random graphs and features for the graph tests, built in code (no data files): seeded, with
// isolated nodes and empty rows, symmetric or directed, optionally weighted.
import { afterAll, beforeAll, expect } from "vitest";
import { graphMemory, memory, tensor, type Tensor } from "../../src/index.js";
import type { CsrFeatures, Graph } from "../../src/graph/Graph.js";

export { prng } from "../helpers/denseGraph.js";
import { prng } from "../helpers/denseGraph.js";

export interface Csr {
  n: number;
  indptr: Int32Array;
  indices: Int32Array;
  weights?: Float32Array;
}

/** CSR from a set of (dst, src) pairs; rows sorted, no duplicates. */
export function csrFromPairs(n: number, pairs: Iterable<[number, number]>, weight?: (d: number, s: number) => number): Csr {
  const rows: number[][] = Array.from({ length: n }, () => []);
  const seen = new Set<number>();
  for (const [d, s] of pairs) {
    const key = d * n + s;
    if (seen.has(key)) continue;
    seen.add(key);
    rows[d]!.push(s);
  }
  const indptr = new Int32Array(n + 1);
  const indices: number[] = [];
  const weights: number[] = [];
  rows.forEach((r, i) => {
    r.sort((a, b) => a - b);
    for (const s of r) {
      indices.push(s);
      if (weight) weights.push(weight(i, s));
    }
    indptr[i + 1] = indices.length;
  });
  return { n, indptr, indices: Int32Array.from(indices), weights: weight ? Float32Array.from(weights) : undefined };
}

/**
 * A random graph on n nodes with about `m` undirected edges among the first n - isolated nodes
 * (the last `isolated` nodes have no edges); symmetric unless `directed`.
 */
export function randomGraph(seed: number, n: number, m: number, opts: { directed?: boolean; isolated?: number; weighted?: boolean } = {}): Csr {
  const r = prng(seed);
  const live = n - (opts.isolated ?? 0);
  const pairs: [number, number][] = [];
  for (let e = 0; e < m; e++) {
    const a = Math.floor(r() * live);
    const b = Math.floor(r() * live);
    if (a === b) continue;
    pairs.push([a, b]);
    if (!opts.directed) pairs.push([b, a]);
  }
  // Symmetric weights: a function of the unordered pair.
  const weight = opts.weighted ? (d: number, s: number) => 0.5 + ((Math.min(d, s) * 7919 + Math.max(d, s) * 104729) % 97) / 50 : undefined;
  return csrFromPairs(n, pairs, weight);
}

/** Random CSR features [rows, cols] with about `density` of entries, some empty rows. */
export function randomCsrFeatures(seed: number, rows: number, cols: number, density: number): CsrFeatures {
  const r = prng(seed);
  const indptr = new Int32Array(rows + 1);
  const indices: number[] = [];
  const data: number[] = [];
  for (let i = 0; i < rows; i++) {
    if (i % 7 !== 3) {
      for (let c = 0; c < cols; c++) {
        if (r() < density) {
          indices.push(c);
          data.push(Math.round((r() * 4 - 2) * 8) / 8 || 1);
        }
      }
    }
    indptr[i + 1] = indices.length;
  }
  return { kind: "csr", rows, cols, indptr, indices: Int32Array.from(indices), data: Float32Array.from(data) };
}

/** A host Graph around a CSR (labels empty), with optional features. */
export function hostGraph(c: Csr, features?: Graph["features"], directed = false): Graph {
  return {
    name: "fixture",
    numNodes: c.n,
    indptr: c.indptr,
    indices: c.indices,
    weights: c.weights,
    directed,
    features: features ?? { kind: "dense", rows: c.n, cols: 0, data: new Float32Array(0) },
    labels: new Int32Array(c.n),
    numClasses: 1,
    provenance: { format: "synthetic", files: [], preprocessing: [] },
  };
}

/** Dense adjacency [n, n] (float64) with A[dst, src] = weight. */
export function denseAdjacency(c: Csr): Tensor {
  const a = new Float64Array(c.n * c.n);
  for (let i = 0; i < c.n; i++) for (let k = c.indptr[i]!; k < c.indptr[i + 1]!; k++) a[i * c.n + c.indices[k]!] = c.weights ? c.weights[k]! : 1;
  return tensor(a, { shape: [c.n, c.n], dtype: "float64" });
}

/** Max |a - b| over all entries. */
export function maxAbsDiff(a: Tensor, b: Tensor): number {
  return a.sub(b).abs().max().item();
}

/** Registers hooks that check live tensors and graph objects return to their baseline after the file. */
export function expectNoLeaks(): void {
  let base = { tensors: 0, objects: 0, bytes: 0 };
  beforeAll(() => {
    base = { tensors: memory().tensors, ...graphMemory() };
  });
  afterAll(() => {
    expect(memory().tensors).toBe(base.tensors);
    expect(graphMemory()).toEqual({ objects: base.objects, bytes: base.bytes });
  });
}
