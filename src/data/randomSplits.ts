/**
 * Random train/validation/test node splits, deterministic for a seed (the TS PRNG of
 * {@link createRng}, not Math.random). The default is BGRL's protocol for Amazon/Coauthor: 10% train,
 * 10% validation, the remaining 80% test, one split per seed.
 *
 * Counts: floor(fraction · N) for train and val; test is the rest unless `test` is given (then
 * floor(test · N), and leftover nodes are in no split). Stratified splits apply the fractions per
 * class (rounded per class; test is the rest of each class), so every class is represented in
 * proportion. Split k of `numSplits` uses seed `seed + k` (so split k equals the single split of
 * seed + k), or `seeds[k]` when explicit seeds are given. Node ids come out sorted.
 *
 * @example
 * ```ts
 * const [s] = randomSplits(graph, { seed: 0 });                  // 10 / 10 / 80
 * const twenty = randomSplits(graph.labels, { numSplits: 20, stratified: true });
 * ```
 */
import { ArgumentError } from "../errors.js";
import type { Graph, Split } from "../graph/Graph.js";
import { createRng } from "./rng.js";

export interface RandomSplitOptions {
  /** Train fraction. Default 0.1. */
  train?: number;
  /** Validation fraction. Default 0.1. */
  val?: number;
  /** Test fraction. Default: every node not in train or val. */
  test?: number;
  /** Seed of the first split. Default 0. */
  seed?: number;
  /** Number of splits (seeds seed, seed + 1, ...). Default 1. */
  numSplits?: number;
  /** Explicit per-split seeds (overrides seed and numSplits). */
  seeds?: readonly number[];
  /** Apply the fractions within each class. Default false. */
  stratified?: boolean;
}

function fraction(v: number | undefined, fallback: number, name: string): number {
  const f = v ?? fallback;
  if (!(Number.isFinite(f) && f >= 0 && f <= 1)) throw new ArgumentError(`randomSplits: expected ${name} in [0, 1] but received ${v}`);
  return f;
}

function sorted(a: Int32Array): Int32Array {
  return a.sort();
}

/** Random splits of a graph's nodes (or of `labels`, or of `n` unlabeled nodes); see the module comment. */
export function randomSplits(source: Graph | Int32Array | number, options: RandomSplitOptions = {}): Split[] {
  const labels = typeof source === "number" ? undefined : source instanceof Int32Array ? source : source.labels;
  const n = typeof source === "number" ? source : source instanceof Int32Array ? source.length : source.numNodes;
  if (!(Number.isSafeInteger(n) && n >= 0)) throw new ArgumentError(`randomSplits: expected a non-negative node count but received ${n}`);
  const tr = fraction(options.train, 0.1, "train");
  const va = fraction(options.val, 0.1, "val");
  const te = options.test === undefined ? undefined : fraction(options.test, 0, "test");
  if (tr + va + (te ?? 0) > 1 + 1e-9) throw new ArgumentError(`randomSplits: expected train + val + test <= 1 but received ${tr} + ${va} + ${te ?? 0}`);
  const stratified = options.stratified ?? false;
  if (stratified && (!labels || labels.length !== n)) throw new ArgumentError("randomSplits: stratified splits need one label per node (pass the graph or its labels)");
  let seeds: readonly number[];
  if (options.seeds !== undefined) seeds = options.seeds;
  else {
    const k = options.numSplits ?? 1;
    if (!(Number.isSafeInteger(k) && k >= 1)) throw new ArgumentError(`randomSplits: expected a positive integer numSplits but received ${options.numSplits}`);
    const s0 = options.seed ?? 0;
    seeds = Array.from({ length: k }, (_, i) => s0 + i);
  }
  for (const s of seeds) if (!Number.isFinite(s)) throw new ArgumentError(`randomSplits: expected finite seeds but received ${s}`);
  return seeds.map((seed) => {
    const rng = createRng(seed);
    const name = `${stratified ? "stratified" : "random"}-${seed}`;
    if (!stratified) {
      const perm = rng.shuffle(Int32Array.from({ length: n }, (_, i) => i));
      const nTr = Math.floor(tr * n);
      const nVa = Math.floor(va * n);
      const nTe = te === undefined ? n - nTr - nVa : Math.min(Math.floor(te * n), n - nTr - nVa);
      return {
        name,
        train: sorted(perm.slice(0, nTr)),
        val: sorted(perm.slice(nTr, nTr + nVa)),
        test: sorted(perm.slice(nTr + nVa, nTr + nVa + nTe)),
      };
    }
    const byClass = new Map<number, number[]>();
    for (let i = 0; i < n; i++) {
      const c = labels![i]!;
      let list = byClass.get(c);
      if (!list) byClass.set(c, (list = []));
      list.push(i);
    }
    const train: number[] = [];
    const val: number[] = [];
    const test: number[] = [];
    for (const c of [...byClass.keys()].sort((a, b) => a - b)) {
      const ids = rng.shuffle(byClass.get(c)!);
      const m = ids.length;
      const nTr = Math.min(Math.round(tr * m), m);
      const nVa = Math.min(Math.round(va * m), m - nTr);
      const nTe = te === undefined ? m - nTr - nVa : Math.min(Math.round(te * m), m - nTr - nVa);
      // Loops, not push(...spread): a large class would overflow the argument limit.
      for (let k = 0; k < nTr + nVa + nTe; k++) (k < nTr ? train : k < nTr + nVa ? val : test).push(ids[k]!);
    }
    return { name, train: sorted(Int32Array.from(train)), val: sorted(Int32Array.from(val)), test: sorted(Int32Array.from(test)) };
  });
}
