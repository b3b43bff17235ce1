/**
 * The fused CPU PReLU, cosine similarity and BatchNorm + PReLU (native/tensor/fused_cpu.cc) against compositions of
 * elementary ops (values and gradients, float64 and float32), against finite differences, on shapes
 * with vector tails, several threads' chunks, per-channel slopes with trailing dims, zero inputs and
 * rows below eps; the numbers PyTorch 1.13 gives for the edge cases.
 */
import { afterEach, describe, expect, it } from "vitest";
import { BatchNorm1d, PReLU, buildEncoder, cosineSimilarity, manualSeed, noGrad, randn, setNumThreads, tensor, tidy, zeros, type NestedArray, type Tensor } from "../../src/index.js";
import { defaultThreads } from "../../src/env.js";
import { gradcheck } from "../helpers/gradcheck.js";
import { expectClose, itNoLeak } from "../helpers/native.js";

const f64 = { dtype: "float64" as const };

/** y = max(x, 0) + w min(x, 0) with w broadcast along dim 1 (the reference composition). */
function preluRef(x: Tensor, w: Tensor): Tensor {
  const shape = x.ndim >= 2 && w.size > 1 ? [1, w.size, ...Array(x.ndim - 2).fill(1)] : [1];
  const wb = w.reshape(shape);
  return x.clamp(0).add(x.clamp(undefined, 0).mul(wb));
}

/** LibTorch 1.13's cosine similarity along dim 1: (a / max(|a|, eps)) . (b / max(|b|, eps)). */
function cosineRef(a: Tensor, b: Tensor, eps = 1e-8): Tensor {
  const na = a.norm(2, 1, true).clamp(eps);
  const nb = b.norm(2, 1, true).clamp(eps);
  return a.div(na).mul(b.div(nb)).sum(1);
}

/** Value and gradients of f against g on the same leaves. */
function sameAs(f: (...xs: Tensor[]) => Tensor, g: (...xs: Tensor[]) => Tensor, inputs: Tensor[], tol: number): void {
  tidy(() => {
    const a = inputs.map((t) => t.detach().clone().setRequiresGrad(true));
    const b = inputs.map((t) => t.detach().clone().setRequiresGrad(true));
    const ya = f(...a),
      yb = g(...b);
    expectClose(ya, yb.toArray() as NestedArray, tol);
    const r = randn(ya.shape, { dtype: ya.dtype });
    ya.mul(r).sum().backward();
    yb.mul(r).sum().backward();
    for (let i = 0; i < a.length; i++) expectClose(a[i]!.grad!, b[i]!.grad!.toArray() as NestedArray, tol * Math.max(1, Math.sqrt(ya.size)));
  });
}

describe("fused prelu", () => {
  afterEach(() => setNumThreads(defaultThreads()));

  itNoLeak("matches max(x, 0) + a min(x, 0) and its gradients: shared slope, per channel, trailing dims, tails", () => {
    manualSeed(1);
    for (const dtype of ["float64", "float32"] as const) {
      const tol = dtype === "float64" ? 1e-12 : 1e-5;
      sameAs((x, w) => x.prelu(w), preluRef, [randn([37, 13], { dtype }), randn([1], { dtype })], tol);
      sameAs((x, w) => x.prelu(w), preluRef, [randn([37, 13], { dtype }), randn([13], { dtype })], tol);
      sameAs((x, w) => x.prelu(w), preluRef, [randn([5, 3, 7], { dtype }), randn([3], { dtype })], tol);
      sameAs((x, w) => x.prelu(w), preluRef, [randn([11], { dtype }), randn([1], { dtype })], tol);
    }
  });

  it("splits large inputs over threads with the same result (slope gradient summed over chunks)", () => {
    manualSeed(2);
    for (const threads of [1, 2, 5]) {
      setNumThreads(threads);
      sameAs((x, w) => x.prelu(w), preluRef, [randn([300, 257], f64), randn([1], f64)], 1e-12);
      sameAs((x, w) => x.prelu(w), preluRef, [randn([300, 257], f64), randn([257], f64)], 1e-12);
    }
  });

  itNoLeak("x = 0 takes the slope's side (as PyTorch: dy/dx = a at 0, no slope gradient)", () => {
    const x = zeros([4]).setRequiresGrad(true);
    const w = tensor([0.25], { requiresGrad: true });
    x.prelu(w).sum().backward();
    expectClose(x.grad!, [0.25, 0.25, 0.25, 0.25]);
    expectClose(w.grad!, [0]);
  });

  it("gradients match finite differences (float64)", () => {
    manualSeed(3);
    gradcheck((x, w) => x.prelu(w), [randn([6, 4], f64), randn([4], f64)]);
    gradcheck((x, w) => x.prelu(w), [randn([3, 2, 5], f64), randn([1], f64)]);
  });
});

describe("fused cosine similarity", () => {
  itNoLeak("matches (a / max(|a|, eps)) . (b / max(|b|, eps)) and its gradients, dims 1 and -1, tails", () => {
    manualSeed(4);
    for (const dtype of ["float64", "float32"] as const) {
      const tol = dtype === "float64" ? 1e-12 : 1e-5;
      for (const d of [1, 3, 8, 13, 64, 130]) {
        sameAs((a, b) => cosineSimilarity(a, b, 1), cosineRef, [randn([29, d], { dtype }), randn([29, d], { dtype })], tol);
        sameAs((a, b) => cosineSimilarity(a, b, -1), cosineRef, [randn([7, d], { dtype }), randn([7, d], { dtype })], tol);
      }
    }
  });

  itNoLeak("rows below eps and zero rows give PyTorch 1.13's values and gradients", () => {
    // torch.nn.functional.cosine_similarity (1.13), float64:
    //   a = [[1e-9, 0]], b = [[1e-9, 0]] -> 0.01, grad a = [9.9e6, 0]
    //   a = [[0, 0]], b = [[1, 2]]       -> 0,    grad a = [4.47213595e7, 8.94427191e7]
    //   a = [[3, 4]], b = [[1, 2]]       -> 0.98386991, grad a = [-0.02862167, 0.02146625], grad b = [0.07155418, -0.03577709]
    const a = tensor(
      [
        [1e-9, 0],
        [0, 0],
        [3, 4],
      ],
      { ...f64, requiresGrad: true },
    );
    const b = tensor(
      [
        [1e-9, 0],
        [1, 2],
        [1, 2],
      ],
      { ...f64, requiresGrad: true },
    );
    const c = cosineSimilarity(a, b, 1);
    expectClose(c, [0.01, 0, 0.98386991], 1e-8);
    c.sum().backward();
    const ga = a.grad!.toArray() as number[][];
    expect(ga[0]![0]! / 9.9e6).toBeCloseTo(1, 10);
    expect(ga[1]![0]! / 4.47213595e7).toBeCloseTo(1, 8);
    expect(ga[1]![1]! / 8.94427191e7).toBeCloseTo(1, 8);
    expectClose(a.grad!.narrow(0, 2, 1), [[-0.02862167, 0.02146625]], 1e-8);
    expectClose(b.grad!.narrow(0, 2, 1), [[0.07155418, -0.03577709]], 1e-8);
  });

  it("gradients match finite differences (float64), one side detached as in BGRL's loss", () => {
    manualSeed(5);
    gradcheck((a, b) => cosineSimilarity(a, b, 1).mean(), [randn([5, 6], f64), randn([5, 6], f64)]);
    const y = randn([5, 6], f64);
    gradcheck((a) => cosineSimilarity(a, y, -1).mean(), [randn([5, 6], f64)]);
    y.dispose();
  });
});

describe("fused batch norm + prelu (BatchNorm1d.forwardPrelu)", () => {
  /** Fused and separate copies of the same modules on the same input: outputs, running stats, gradients. */
  function compare(opts: { momentum?: number | null; affine?: boolean; trackRunningStats?: boolean; channelsSlope?: boolean; train: boolean }, dtype: "float64" | "float32"): void {
    const tol = dtype === "float64" ? 1e-10 : 2e-4;
    const c = 19;
    const mk = () => {
      const bn = new BatchNorm1d(c, { momentum: opts.momentum, affine: opts.affine, trackRunningStats: opts.trackRunningStats, dtype });
      const act = new PReLU({ numParameters: opts.channelsSlope ? c : 1, dtype });
      return { bn, act };
    };
    manualSeed(6);
    const a = mk();
    const b = mk();
    tidy(() => {
      // Non-trivial parameters and running statistics, the same in both.
      for (const m of [a, b]) {
        noGrad(() => {
          m.act.weight.copy_(
            tensor(
              Array.from({ length: m.act.numParameters }, (_, i) => 0.1 + 0.05 * i),
              { dtype },
            ),
          );
          if (opts.affine !== false) {
            m.bn.param("weight").copy_(
              tensor(
                Array.from({ length: c }, (_, i) => 0.5 + 0.1 * i),
                { dtype },
              ),
            );
            m.bn.param("bias").copy_(
              tensor(
                Array.from({ length: c }, (_, i) => 0.2 * i - 1),
                { dtype },
              ),
            );
          }
          if (opts.trackRunningStats !== false) {
            m.bn.runningMean!.copy_(
              tensor(
                Array.from({ length: c }, (_, i) => 0.3 * i),
                { dtype },
              ),
            );
            m.bn.runningVar!.copy_(
              tensor(
                Array.from({ length: c }, (_, i) => 1 + 0.2 * i),
                { dtype },
              ),
            );
          }
        });
        m.bn.train(opts.train);
      }
      for (let step = 0; step < 2; step++) {
        const x = randn([77, c], { dtype }).mul(3).add(2);
        const xa = x.detach().clone().setRequiresGrad(true);
        const xb = x.detach().clone().setRequiresGrad(true);
        const ya = a.bn.forwardPrelu(xa, a.act);
        const yb = b.act.forward(b.bn.forward(xb));
        expectClose(ya, yb.toArray() as NestedArray, tol);
        const r = randn([77, c], { dtype });
        ya.mul(r).sum().backward();
        yb.mul(r).sum().backward();
        expectClose(xa.grad!, xb.grad!.toArray() as NestedArray, tol * 10);
        expectClose(a.act.weight.grad!, b.act.weight.grad!.toArray() as NestedArray, tol * 100);
        if (opts.affine !== false) {
          expectClose(a.bn.param("weight").grad!, b.bn.param("weight").grad!.toArray() as NestedArray, tol * 100);
          expectClose(a.bn.param("bias").grad!, b.bn.param("bias").grad!.toArray() as NestedArray, tol * 100);
        }
        if (opts.trackRunningStats !== false) {
          expectClose(a.bn.runningMean!, b.bn.runningMean!.toArray() as NestedArray, tol);
          expectClose(a.bn.runningVar!, b.bn.runningVar!.toArray() as NestedArray, tol);
          expect(a.bn.buffer("num_batches_tracked").item()).toBe(b.bn.buffer("num_batches_tracked").item());
        }
      }
    });
    for (const m of [a, b]) {
      m.bn.dispose();
      m.act.dispose();
    }
  }

  for (const dtype of ["float64", "float32"] as const) {
    itNoLeak(`${dtype}: training and eval, BGRL's momentum 0.99, shared slope`, () => {
      compare({ momentum: 0.99, train: true }, dtype);
      compare({ momentum: 0.99, train: false }, dtype);
    });
    itNoLeak(`${dtype}: per-channel slopes, momentum null (cumulative), no affine, no running statistics`, () => {
      compare({ momentum: null, channelsSlope: true, train: true }, dtype);
      compare({ affine: false, train: true }, dtype);
      compare({ trackRunningStats: false, train: true }, dtype);
      compare({ trackRunningStats: false, train: false }, dtype); // batch statistics in eval too
    });
  }

  it("gradients match finite differences (float64)", () => {
    manualSeed(7);
    const bn = new BatchNorm1d(3, { momentum: 0.5, dtype: "float64" });
    const act = new PReLU({ dtype: "float64" });
    gradcheck((x) => bn.forwardPrelu(x, act), [randn([6, 3], f64)]);
    bn.dispose();
    act.dispose();
  });

  it("a GCN encoder with BatchNorm + PReLU layers uses the fused op and matches the composed layers", () => {
    manualSeed(8);
    const enc = buildEncoder({ type: "mlp", inputDim: 5, layers: [7, 4] });
    const ref = enc.clone({ copyState: true });
    tidy(() => {
      const x = randn([30, 5]);
      const h = enc.forward(x, undefined as never);
      // The reference composes the same layers one op at a time.
      let r: Tensor = x;
      const post = (ref as unknown as { post: { norm: BatchNorm1d; act: PReLU }[] }).post;
      for (let i = 0; i < 2; i++) r = post[i]!.act.forward(post[i]!.norm.forward((ref.convs.at(i) as unknown as { forward(t: Tensor): Tensor }).forward(r)));
      expectClose(h, r.toArray() as NestedArray, 1e-5);
    });
    enc.dispose();
    ref.dispose();
  });
});
