import { describe, expect, it } from "vitest";
import { buildAdjacency, csrRowIds } from "../../../src/data/buildAdjacency.js";
import { createRng } from "../../../src/data/rng.js";

const i32 = (a: number[]): Int32Array => Int32Array.from(a);

/** Reference: a Set of "i,j" entries built the obvious way. */
function reference(n: number, src: number[], dst: number[], sym: boolean, dropLoops: boolean): number[][] {
  const rows: Set<number>[] = Array.from({ length: n }, () => new Set());
  src.forEach((s, e) => {
    const d = dst[e]!;
    if (s === d && dropLoops) return;
    rows[s]!.add(d);
    if (sym) rows[d]!.add(s);
  });
  return rows.map((r) => [...r].sort((a, b) => a - b));
}

function rowsOf(a: { indptr: Int32Array; indices: Int32Array }): number[][] {
  return Array.from({ length: a.indptr.length - 1 }, (_, r) => Array.from(a.indices.subarray(a.indptr[r]!, a.indptr[r + 1]!)));
}

describe("buildAdjacency", () => {
  it("symmetrizes, drops self-loops, merges duplicates, keeps isolated nodes", () => {
    const a = buildAdjacency(5, i32([0, 1, 1, 2, 0]), i32([1, 2, 1, 1, 1]));
    expect(rowsOf(a)).toEqual([[1], [0, 2], [1], [], []]);
    expect(a.selfLoopsRemoved).toBe(1);
    expect(a.duplicatesMerged).toBe(4); // 0->1 twice and 1->2 / 2->1 both present, each in both directions
    expect(a.inputEdges).toBe(5);
  });

  it("can keep self-loops and direction", () => {
    const a = buildAdjacency(3, i32([0, 1, 1, 0]), i32([1, 2, 1, 1]), { symmetrize: false, removeSelfLoops: false });
    expect(rowsOf(a)).toEqual([[1], [1, 2], []]);
  });

  it("merges weights of repeated entries by their maximum", () => {
    const a = buildAdjacency(3, i32([0, 1, 0]), i32([1, 0, 2]), { weights: Float32Array.from([0.5, 2, 3]) });
    expect(rowsOf(a)).toEqual([[1, 2], [0], [0]]);
    expect(Array.from(a.weights!)).toEqual([2, 3, 2, 3]);
  });

  it("agrees with a set-based reference on random multigraphs", () => {
    const rng = createRng(3);
    for (let t = 0; t < 20; t++) {
      const n = 1 + rng.int(40);
      const m = rng.int(200);
      const src = Array.from({ length: m }, () => rng.int(n));
      const dst = Array.from({ length: m }, () => rng.int(n));
      for (const sym of [true, false]) {
        for (const drop of [true, false]) {
          expect(rowsOf(buildAdjacency(n, i32(src), i32(dst), { symmetrize: sym, removeSelfLoops: drop }))).toEqual(reference(n, src, dst, sym, drop));
        }
      }
    }
  });

  it("handles an empty graph", () => {
    const a = buildAdjacency(0, i32([]), i32([]));
    expect(Array.from(a.indptr)).toEqual([0]);
    expect(a.indices.length).toBe(0);
  });
});

describe("csrRowIds", () => {
  it("expands row pointers to one row id per entry", () => {
    expect(Array.from(csrRowIds(i32([0, 2, 2, 5])))).toEqual([0, 0, 2, 2, 2]);
  });
});
