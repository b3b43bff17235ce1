/**
 * The embedded default dataset: a contextual stochastic block model (CSBM; Deshpande et al.,
 * "Contextual Stochastic Block Models", NeurIPS 2018), generated deterministically from a seed with
 * a TypeScript PRNG, so `werank-native train` works with no download.
 *
 * Model, for N nodes, C classes, F features:
 * - labels: balanced classes (node i gets class i mod C, then the labels are shuffled);
 * - edges: N·d/2 distinct undirected edges (d = `avgDegree`); for each, a uniform endpoint u, then
 *   with probability h (`homophily`, the edge homophily ratio) a uniform partner of u's class,
 *   else a uniform partner of another class; self-loops and repeats are redrawn;
 * - features: x_i = s · μ_{y_i} + ε_i, with μ_c a random unit vector per class and ε_i ~ N(0, I_F)
 *   (s = `featureSignal`). Dense float32.
 *
 * Defaults (2,500 nodes, 5 classes, 128 features, degree 8, homophily 0.7, signal 1.25) are chosen
 * so that features alone are weakly informative — a ridge probe trained on 10% of the nodes scores
 * about 0.36 on X (chance 0.20) but about 0.88 on Â²X (the graph-propagated features,
 * Â = D^-1/2 (A+I) D^-1/2; seeds 0-2) — which is the regime where a graph SSL method (BGRL with a
 * GCN encoder) has something measurable to learn, with headroom below 1 to tell methods apart, and
 * small enough (2,500 × 128 dense, 10,000 edges) to train in well under a minute on 2 CPU cores.
 *
 * @example
 * ```ts
 * const g = syntheticGraph({ seed: 1 });          // the defaults
 * const big = syntheticGraph({ numNodes: 20000, avgDegree: 12, homophily: 0.9 });
 * ```
 */
import { ArgumentError } from "../errors.js";
import type { Graph } from "../graph/Graph.js";
import { assembleGraph, type PreprocessOptions } from "./assembleGraph.js";
import { createRng } from "./rng.js";

export interface SyntheticParams {
  /** Nodes. Default 2500. */
  numNodes?: number;
  /** Classes (balanced). Default 5. */
  numClasses?: number;
  /** Feature dimension. Default 128. */
  numFeatures?: number;
  /** Average degree of the undirected graph. Default 8. */
  avgDegree?: number;
  /** Fraction of edges joining nodes of the same class, in [0, 1]. Default 0.7. */
  homophily?: number;
  /** Norm of the class mean in feature space (noise is unit variance per dimension). Default 1.25. */
  featureSignal?: number;
  /** PRNG seed. Default 0. */
  seed?: number;
  /** Graph name. Default "synthetic". */
  name?: string;
}

/** The defaults of {@link syntheticGraph} (see its module comment for why). */
export const SYNTHETIC_DEFAULTS: Readonly<Required<SyntheticParams>> = Object.freeze({
  numNodes: 2500,
  numClasses: 5,
  numFeatures: 128,
  avgDegree: 8,
  homophily: 0.7,
  featureSignal: 1.25,
  seed: 0,
  name: "synthetic",
});

/** The most edges {@link syntheticGraph} places (its edge set is a typed-array hash table of 2^k >= 2m slots, k <= 30). */
const MAX_EDGES = 2 ** 29;

/**
 * The undirected edges placed so far, as an open-addressing hash set (linear probing) of edge ids
 * into `src`/`dst`: 4 bytes a slot at load <= 1/2, so 31M edges (ogbn-products' size) take 256 MiB,
 * where a `Set` of numeric keys stops at 2^24 entries ("Set maximum size exceeded") and costs far
 * more per entry. Membership is exact, so the graph is the one the `Set` version drew.
 */
class EdgeSet {
  private readonly slots: Int32Array;
  private readonly mask: number;
  constructor(
    private readonly src: Int32Array,
    private readonly dst: Int32Array,
    capacity: number,
  ) {
    let size = 16;
    while (size < 2 * capacity) size *= 2;
    this.slots = new Int32Array(size).fill(-1);
    this.mask = size - 1;
  }

  /** Adds edge `e` (src[e], dst[e], either direction) unless the same pair is already in; true when added. */
  addIfNew(e: number): boolean {
    const { src, dst, slots, mask } = this;
    const a = Math.min(src[e]!, dst[e]!);
    const b = Math.max(src[e]!, dst[e]!);
    let h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca77);
    h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
    for (let i = (h ^ (h >>> 12)) & mask; ; i = (i + 1) & mask) {
      const f = slots[i]!;
      if (f < 0) {
        slots[i] = e;
        return true;
      }
      if (Math.min(src[f]!, dst[f]!) === a && Math.max(src[f]!, dst[f]!) === b) return false;
    }
  }
}

function check(ok: boolean, what: string, v: unknown): void {
  if (!ok) throw new ArgumentError(`syntheticGraph: expected ${what} but received ${String(v)}`);
}

/** Generates a CSBM graph (see the module comment). Deterministic for given parameters. */
export function syntheticGraph(params: SyntheticParams = {}, options: PreprocessOptions = {}): Graph {
  const p = { ...SYNTHETIC_DEFAULTS, ...Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined)) } as Required<SyntheticParams>;
  const { numNodes: n, numClasses: C, numFeatures: F, avgDegree, homophily: h, featureSignal: s, seed } = p;
  check(Number.isSafeInteger(n) && n >= 2 && n <= 50_000_000, "an integer numNodes in [2, 5e7]", n);
  check(Number.isSafeInteger(C) && C >= 1 && C <= n, `an integer numClasses in [1, numNodes=${n}]`, C);
  check(Number.isSafeInteger(F) && F >= 1 && n * F <= 2 ** 31, "an integer numFeatures >= 1 with numNodes * numFeatures <= 2^31", F);
  check(Number.isFinite(avgDegree) && avgDegree >= 0 && avgDegree <= (n - 1) / 2, `avgDegree in [0, (numNodes - 1) / 2 = ${(n - 1) / 2}]`, avgDegree);
  check(Number.isFinite(h) && h >= 0 && h <= 1, "homophily in [0, 1]", h);
  check(C > 1 || h === 1 || avgDegree === 0, "homophily 1 with a single class", h);
  check(Number.isFinite(s) && s >= 0, "a non-negative finite featureSignal", s);
  check(Number.isFinite(seed), "a finite seed", seed);
  const m = Math.round((n * avgDegree) / 2);
  check(m <= MAX_EDGES, `at most ${MAX_EDGES} edges (numNodes * avgDegree / 2)`, m);
  const rng = createRng(seed);
  // Balanced labels, shuffled.
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) labels[i] = i % C;
  rng.shuffle(labels);
  const members: Int32Array[] = [];
  const sizes = new Int32Array(C);
  for (let i = 0; i < n; i++) sizes[labels[i]!]!++;
  for (let c = 0; c < C; c++) members.push(new Int32Array(sizes[c]!));
  sizes.fill(0);
  for (let i = 0; i < n; i++) {
    const c = labels[i]!;
    members[c]![sizes[c]!++] = i;
  }
  // Edges: rejection of self-loops and repeats; the attempt budget bounds the loop on dense requests.
  const src = new Int32Array(m);
  const dst = new Int32Array(m);
  const seen = new EdgeSet(src, dst, m);
  let e = 0;
  let attempts = 0;
  const budget = 50 * m + 1000;
  while (e < m) {
    if (++attempts > budget) throw new ArgumentError(`syntheticGraph: could not place ${m} distinct edges with homophily ${h} (classes too small for this degree); lower avgDegree`);
    const u = rng.int(n);
    const cu = labels[u]!;
    let v: number;
    if (rng.next() < h) {
      const mem = members[cu]!;
      v = mem[rng.int(mem.length)]!;
    } else {
      // Uniform over nodes of the other classes: index into the complement of u's class.
      let r = rng.int(n - members[cu]!.length);
      let c = 0;
      for (; c < C; c++) {
        if (c === cu) continue;
        if (r < members[c]!.length) break;
        r -= members[c]!.length;
      }
      v = members[c]![r]!;
    }
    if (u === v) continue;
    src[e] = u;
    dst[e] = v;
    if (seen.addIfNew(e)) e++;
  }
  // Features: class means are random unit vectors scaled by s, plus unit Gaussian noise.
  const mu = new Float64Array(C * F);
  for (let c = 0; c < C; c++) {
    let norm = 0;
    for (let k = 0; k < F; k++) {
      const z = rng.normal();
      mu[c * F + k] = z;
      norm += z * z;
    }
    const scale = norm > 0 ? s / Math.sqrt(norm) : 0;
    for (let k = 0; k < F; k++) mu[c * F + k]! *= scale;
  }
  const x = new Float32Array(n * F);
  for (let i = 0; i < n; i++) {
    const base = labels[i]! * F;
    for (let k = 0; k < F; k++) x[i * F + k] = mu[base + k]! + rng.normal();
  }
  return assembleGraph(
    {
      name: p.name,
      numNodes: n,
      src,
      dst,
      features: { kind: "dense", rows: n, cols: F, data: x },
      labels,
      numClasses: C,
      provenance: { format: "synthetic", files: [], params: { ...p }, preprocessing: [] },
    },
    { featureFormat: "dense", ...options },
  );
}
