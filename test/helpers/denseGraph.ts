/**
 * Test doubles for the graph contract: GraphOps implemented with a dense normalized adjacency
 * (tensor ops), SparseRows backed by a dense matrix, a seeded two-community graph generator,
 * finite-difference gradient checks and a tensor-op Adam.
 */
import type { GraphOps, SparseRows } from "../../src/graph/GraphOps.js";
import { keep, noGrad, tensor, tidy, zerosLike, type DType, type Tensor } from "../../src/index.js";

/** Undirected graph on n nodes given as pairs; GraphOps with dense Â = D^-1/2 (A + I) D^-1/2. */
export class DenseGraph implements GraphOps {
  readonly numNodes: number;
  readonly adjacency: Tensor;
  readonly ahat: Tensor;
  readonly meanOp: Tensor;
  private readonly e: { src: Tensor; dst: Tensor };
  private readonly eLoops: { src: Tensor; dst: Tensor };

  constructor(n: number, pairs: readonly (readonly [number, number])[], dtype: DType = "float32") {
    this.numNodes = n;
    const A = new Float64Array(n * n);
    for (const [i, j] of pairs) {
      if (i === j) continue;
      A[i * n + j] = 1;
      A[j * n + i] = 1;
    }
    const deg = new Float64Array(n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) deg[i]! += A[i * n + j]!;
    const ahat = new Float64Array(n * n);
    const mean = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const a = A[i * n + j]! + (i === j ? 1 : 0);
        ahat[i * n + j] = a / Math.sqrt((deg[i]! + 1) * (deg[j]! + 1));
        mean[i * n + j] = deg[i]! > 0 ? A[i * n + j]! / deg[i]! : 0;
      }
    }
    // CSR order: row = dst, columns (src) ascending
    const src: number[] = [];
    const dst: number[] = [];
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (A[i * n + j]) dst.push(i), src.push(j);
    const loop = Array.from({ length: n }, (_, i) => i);
    this.adjacency = keep(tensor(A, { shape: [n, n], dtype }));
    this.ahat = keep(tensor(ahat, { shape: [n, n], dtype }));
    this.meanOp = keep(tensor(mean, { shape: [n, n], dtype }));
    const i64 = (a: number[]): Tensor => keep(tensor(BigInt64Array.from(a, BigInt)));
    this.e = { src: i64(src), dst: i64(dst) };
    this.eLoops = { src: i64([...src, ...loop]), dst: i64([...dst, ...loop]) };
  }

  gcn(x: Tensor): Tensor {
    return this.ahat.matmul(x);
  }
  mean(x: Tensor): Tensor {
    return this.meanOp.matmul(x);
  }
  edges(selfLoops: boolean): { src: Tensor; dst: Tensor } {
    return selfLoops ? this.eLoops : this.e;
  }
  dispose(): void {
    for (const t of [this.adjacency, this.ahat, this.meanOp, this.e.src, this.e.dst, this.eLoops.src, this.eLoops.dst]) t.dispose();
  }
}

/** SparseRows over a dense matrix (the layers only see the interface). */
export class DenseRows implements SparseRows {
  readonly kind = "sparse" as const;
  readonly rows: number;
  readonly cols: number;
  constructor(readonly dense: Tensor) {
    this.rows = dense.shape[0]!;
    this.cols = dense.shape[1]!;
  }
  matmul(w: Tensor): Tensor {
    return this.dense.matmul(w);
  }
  toDense(): Tensor {
    return this.dense.clone();
  }
}

/** Small deterministic PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Two communities of n/2 nodes (edge probability pIn inside, pOut across), features = community
 * signal (+mu / -mu on the first half of the dims, reversed on the second) plus N(0, 1) noise.
 */
export function twoCommunities(
  n: number,
  featDim: number,
  opts: { pIn?: number; pOut?: number; mu?: number; seed?: number; dtype?: DType } = {},
): { graph: DenseGraph; x: Tensor; labels: number[]; pairs: [number, number][] } {
  const rnd = prng(opts.seed ?? 1);
  const labels = Array.from({ length: n }, (_, i) => (i < n / 2 ? 0 : 1));
  const pairs: [number, number][] = [];
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) if (rnd() < (labels[i] === labels[j] ? (opts.pIn ?? 0.3) : (opts.pOut ?? 0.02))) pairs.push([i, j]);
  }
  const mu = opts.mu ?? 1;
  const feats = new Float64Array(n * featDim);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < featDim; k++) {
      const gauss = Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
      const sign = (labels[i] === 0 ? 1 : -1) * (k < featDim / 2 ? 1 : -1);
      feats[i * featDim + k] = sign * mu + gauss;
    }
  }
  const dtype = opts.dtype ?? "float32";
  return { graph: new DenseGraph(n, pairs, dtype), x: keep(tensor(feats, { shape: [n, featDim], dtype })), labels, pairs };
}

/**
 * Compares autograd gradients of scalar `f(inputs)` with central finite differences (float64
 * inputs). Returns the largest absolute difference over all inputs' entries.
 */
export function gradCheck(f: (xs: Tensor[]) => Tensor, inputs: Tensor[], h = 1e-6): { maxAbsDiff: number; maxAbsGrad: number } {
  for (const x of inputs) x.zeroGrad();
  tidy(() => f(inputs).backward());
  let maxAbsDiff = 0;
  let maxAbsGrad = 0;
  for (const x of inputs) {
    const analytic = tidy(() => x.grad!.toTypedArray() as Float64Array);
    const base = x.toTypedArray() as Float64Array;
    for (let k = 0; k < base.length; k++) {
      const at = (v: number): number =>
        tidy(() => {
          const mod = Float64Array.from(base);
          mod[k] = v;
          noGrad(() => x.copy_(tensor(mod, { shape: x.shape, dtype: "float64" })));
          return noGrad(() => f(inputs).item());
        });
      const num = (at(base[k]! + h) - at(base[k]! - h)) / (2 * h);
      maxAbsDiff = Math.max(maxAbsDiff, Math.abs(num - analytic[k]!));
      maxAbsGrad = Math.max(maxAbsGrad, Math.abs(analytic[k]!));
    }
    tidy(() => noGrad(() => x.copy_(tensor(base, { shape: x.shape, dtype: "float64" }))));
    x.zeroGrad();
  }
  return { maxAbsDiff, maxAbsGrad };
}

/** Adam written with tensor ops (the fused optimizer lives elsewhere). State is owned here. */
export class TestAdam {
  private readonly m: Tensor[];
  private readonly v: Tensor[];
  private t = 0;
  constructor(
    private readonly params: Tensor[],
    private readonly lr = 1e-2,
    private readonly betas: [number, number] = [0.9, 0.999],
    private readonly eps = 1e-8,
  ) {
    this.m = params.map((p) => keep(zerosLike(p)));
    this.v = params.map((p) => keep(zerosLike(p)));
  }
  step(): void {
    this.t += 1;
    const [b1, b2] = this.betas;
    const c1 = 1 - b1 ** this.t;
    const c2 = 1 - b2 ** this.t;
    tidy(() =>
      noGrad(() => {
        this.params.forEach((p, i) => {
          const g = p.grad;
          if (g === null) return;
          const m = this.m[i]!.mul_(b1).add_(g, 1 - b1);
          const v = this.v[i]!.mul_(b2).add_(g.square(), 1 - b2);
          p.add_(m.div(c1).div(v.div(c2).sqrt().add(this.eps)), -this.lr);
        });
      }),
    );
  }
  zeroGrad(): void {
    for (const p of this.params) p.zeroGrad();
  }
  dispose(): void {
    for (const t of [...this.m, ...this.v]) t.dispose();
  }
}
