/**
 * Seeded random train/val/test splits for the `random` probe protocol (BGRL on Amazon and Coauthor:
 * 10% / 10% / 80% of the nodes, 20 splits). Deterministic for a seed on every platform: a
 * SplitMix32-seeded Mulberry32 generator drives a Fisher-Yates shuffle per split.
 *
 * Split k uses the stream seeded with (seed, k), so the first splits do not change when `count` grows.
 * Sizes: floor(train * N) train nodes, floor(val * N) val nodes, the rest test.
 *
 * (A local generator for the probe; the data layer's split utilities can replace it when merged.)
 *
 * @example
 * ```ts
 * import { randomSplits } from "werank-native";
 * const splits = randomSplits(13752, { count: 20, train: 0.1, val: 0.1, seed: 0 });
 * splits[0].train.length;  // 1375
 * ```
 */
import { ArgumentError } from "../errors.js";
import type { Split } from "../graph/Graph.js";

export interface RandomSplitOptions {
  /** Number of splits (default 20). */
  count?: number;
  /** Train fraction (default 0.1). */
  train?: number;
  /** Validation fraction (default 0.1); the rest is test. */
  val?: number;
  /** Seed (default 0). */
  seed?: number;
}

function splitmix32(a: number): number {
  a = (a + 0x9e3779b9) | 0;
  let z = a;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** Mulberry32: a small, fast 32-bit generator; returns uniform floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seeded permutation of 0..n-1. */
export function seededPermutation(n: number, seed: number): Int32Array {
  const rand = mulberry32(seed);
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = p[i]!;
    p[i] = p[j]!;
    p[j] = t;
  }
  return p;
}

/** `count` seeded random splits of `numNodes` nodes into train / val / test. */
export function randomSplits(numNodes: number, options: RandomSplitOptions = {}): Split[] {
  const count = options.count ?? 20;
  const train = options.train ?? 0.1;
  const val = options.val ?? 0.1;
  const seed = options.seed ?? 0;
  if (!Number.isInteger(numNodes) || numNodes < 3) throw new ArgumentError(`randomSplits: expected at least 3 nodes but received ${numNodes}`);
  if (!Number.isInteger(count) || count < 1) throw new ArgumentError(`randomSplits: expected count >= 1 but received ${count}`);
  if (!Number.isInteger(seed) || seed < 0) throw new ArgumentError(`randomSplits: expected a non-negative integer seed but received ${seed}`);
  if (!(train > 0 && val >= 0 && train + val < 1)) {
    throw new ArgumentError(`randomSplits: expected train > 0, val >= 0 and train + val < 1 but received train ${train}, val ${val}`);
  }
  const nTrain = Math.floor(train * numNodes);
  const nVal = Math.floor(val * numNodes);
  if (nTrain < 1 || numNodes - nTrain - nVal < 1) {
    throw new ArgumentError(`randomSplits: ${numNodes} nodes leave an empty train or test split with train ${train}, val ${val}`);
  }
  const out: Split[] = [];
  for (let k = 0; k < count; k++) {
    const p = seededPermutation(numNodes, splitmix32((seed * 0x10001) ^ splitmix32(k)));
    out.push({
      name: `random-${seed}-${k}`,
      train: p.slice(0, nTrain),
      val: p.slice(nTrain, nTrain + nVal),
      test: p.slice(nTrain + nVal),
    });
  }
  return out;
}
