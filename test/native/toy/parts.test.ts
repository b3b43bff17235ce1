/**
 * The toy experiment's parts against hand-computed values, host formulas and finite differences:
 * InfoNCE forms, WERank, the data model, the initializations, the optimizer and the diagnostics.
 */
import { describe, expect, it } from "vitest";
import {
  alignment,
  covarianceSpectrum,
  directclrLoss,
  effectiveRank,
  manualSeed,
  nativeCalls,
  randn,
  singularValues,
  tensor,
  tidy,
  TOY_OBJECTIVES,
  toyInfoNCE,
  trainToy,
  ToyData,
  ToyLinear,
  toyWeight,
  toyWerank,
  vanishingCount,
  zeros,
  type Tensor,
} from "../../../src/index.js";
import { pairLogits } from "../../../src/toy/toyInfoNCE.js";
import { gradCheck } from "../../helpers/denseGraph.js";
import { errorText, expectClose, expectNoLeaks, flat, mat } from "../../helpers/expect.js";

expectNoLeaks();

const f64 = (a: number[][]): Tensor => tensor(a, { dtype: "float64" });

describe("toyInfoNCE", () => {
  it("l2 and dot similarities are -||a - b||^2 / (2 tau) and a·b / tau (host formulas)", () => {
    tidy(() => {
      const a = [
        [1, 2],
        [0, -1],
        [3, 1],
      ];
      const b = [
        [0, 1],
        [2, 2],
        [-1, 0],
      ];
      const l2 = mat(pairLogits(f64(a), f64(b), "l2", 2));
      const dot = mat(pairLogits(f64(a), f64(b), "dot", 0.5));
      for (let i = 0; i < 3; i++) {
        for (let j = 0; j < 3; j++) {
          const d2 = (a[i]![0]! - b[j]![0]!) ** 2 + (a[i]![1]! - b[j]![1]!) ** 2;
          expect(l2[i]![j]).toBeCloseTo(-d2 / 4, 12);
          expect(dot[i]![j]).toBeCloseTo((a[i]![0]! * b[j]![0]! + a[i]![1]! * b[j]![1]!) / 0.5, 12);
        }
      }
    });
  });

  it("is the symmetric cross-entropy of the similarities (cosine = DirectCLR's loss on all columns)", () => {
    manualSeed(3);
    tidy(() => {
      const z1 = randn([6, 4], { dtype: "float64" });
      const z2 = randn([6, 4], { dtype: "float64" });
      expect(toyInfoNCE(z1, z2).item()).toBeCloseTo(directclrLoss(z1, z2, 4, 0.1).item(), 10);
      // hand-computed two-sample case: l2, tau 1, z1 = [[0], [2]], z2 = [[0], [1]]
      const s = [
        [0, -0.5],
        [-2, -0.5],
      ];
      const ce = (rows: number[][]): number => rows.reduce((acc, r, i) => acc - r[i]! + Math.log(r.reduce((x, v) => x + Math.exp(v), 0)), 0) / rows.length;
      const expected =
        (ce(s) +
          ce([
            [s[0]![0]!, s[1]![0]!],
            [s[0]![1]!, s[1]![1]!],
          ])) /
        2;
      expect(toyInfoNCE(f64([[0], [2]]), f64([[0], [1]]), { similarity: "l2" }).item()).toBeCloseTo(expected, 12);
    });
  });

  it("has gradients matching finite differences for every form, and rejects bad names", () => {
    manualSeed(4);
    for (const similarity of ["cosine", "l2", "dot"] as const) {
      const xs = [randn([5, 3], { dtype: "float64" }).setRequiresGrad(true), randn([5, 3], { dtype: "float64" }).setRequiresGrad(true)];
      const r = gradCheck(([a, b]) => toyInfoNCE(a!, b!, { similarity, tau: 0.7 }), xs);
      for (const x of xs) x.dispose();
      expect(r.maxAbsGrad).toBeGreaterThan(1e-4);
      expect(r.maxAbsDiff).toBeLessThan(1e-6);
    }
    expect(tidy(() => errorText(() => toyInfoNCE(zeros([2, 2]), zeros([2, 2]), { similarity: "cosin" as "cosine" })))).toMatch(/ERR_CONFIG: Unknown similarity 'cosin' \(did you mean 'cosine'\?\)/);
  });
});

describe("toyWerank", () => {
  it("is sum_l alpha ||W_l^T W_l - I||_F (hand-computed) and 0 for orthogonal weights", () => {
    tidy(() => {
      // W = diag(2, 0): W^T W - I = diag(3, -1), norm sqrt(10); W = [[0, 1], [1, 0]] is orthogonal
      expect(
        toyWerank(
          [
            f64([
              [2, 0],
              [0, 0],
            ]),
            f64([
              [0, 1],
              [1, 0],
            ]),
          ],
          0.5,
        ).item(),
      ).toBeCloseTo(0.5 * Math.sqrt(10), 12);
      expect(
        toyWerank(
          [
            f64([
              [0.6, -0.8],
              [0.8, 0.6],
            ]),
          ],
          3,
        ).item(),
      ).toBeCloseTo(0, 12);
    });
    manualSeed(5);
    const w = [randn([4, 4], { dtype: "float64" }).setRequiresGrad(true), randn([4, 4], { dtype: "float64" }).setRequiresGrad(true)];
    const r = gradCheck((ws) => toyWerank(ws, 0.3), w);
    for (const x of w) x.dispose();
    expect(r.maxAbsDiff).toBeLessThan(1e-6);
    expect(tidy(() => errorText(() => toyWerank([], -1)))).toMatch(/ERR_CONFIG/);
  });
});

describe("ToyData", () => {
  it("adds noise of std k to the last augDims dimensions only, independently per view", () => {
    manualSeed(6);
    const data = new ToyData({ k: 0.5, samples: 4000, evalSamples: 10, augDims: 3, dim: 8 });
    tidy(() => {
      const idx = data.epochBatches(4000);
      expect(idx).toHaveLength(1);
      const [x1, x2] = data.views(idx[0]!);
      const clean = data.x.indexSelect(0, idx[0]!);
      const d1 = x1.sub(clean);
      const std = flat(d1.std(0));
      expectClose(std.slice(0, 5), [0, 0, 0, 0, 0], 0);
      for (const s of std.slice(5)) expect(Math.abs(s - 0.5)).toBeLessThan(0.03); // 4000 draws: std error ~0.006
      // the two views' noises are independent: correlation ~ 0
      const corr = d1.mul(x2.sub(clean)).mean(0).div(0.25);
      for (const c of flat(corr).slice(5)) expect(Math.abs(c)).toBeLessThan(0.1);
      for (const t of idx) t.dispose();
    });
    const batches = data.epochBatches(300);
    expect(batches).toHaveLength(13); // 4000 / 300, remainder dropped
    const seen = tidy(() => new Set(batches.flatMap((b) => flat(b))));
    expect(seen.size).toBe(13 * 300); // a permutation: no repeats
    for (const b of batches) b.dispose();
    data.dispose();
    expect(errorText(() => new ToyData({ k: -1 }))).toMatch(/ERR_CONFIG: Expected an augmentation amplitude k >= 0/);
    expect(errorText(() => new ToyData({ k: 1, augDims: 17 }))).toMatch(/ERR_CONFIG: Expected augDims in 1..16/);
  });
});

describe("ToyLinear", () => {
  it("spectrum init has singular values exp(-0.35 i); uniform init stays within 1/sqrt(d); forward composes the layers", () => {
    manualSeed(7);
    const w = toyWeight(16, "spectrum");
    expectClose(
      singularValues(w),
      Array.from({ length: 16 }, (_, i) => Math.exp(-0.35 * i)),
      1e-5,
    );
    w.dispose();
    const net = new ToyLinear({ layers: 2, init: "uniform" });
    tidy(() => {
      for (const x of net.weights) expect(Math.max(...flat(x.abs()))).toBeLessThanOrEqual(0.25);
      const x = randn([3, 16]);
      const [h1, z] = net.forward(x);
      expectClose(z!, x.matmul(net.weights[0]!.t()).matmul(net.weights[1]!.t()), 1e-5);
      expectClose(h1!, x.matmul(net.weights[0]!.t()), 1e-6);
    });
    net.dispose();
    expect(errorText(() => new ToyLinear({ init: "gauss" as "uniform" }))).toMatch(/ERR_CONFIG: Unknown init 'gauss'/);
  });
});

describe("diagnostics", () => {
  it("effective rank, vanishing counts and the covariance spectrum follow their formulas", () => {
    expect(effectiveRank([1, 1, 1, 1])).toBeCloseTo(4, 12);
    expect(effectiveRank([3, 0, 0])).toBeCloseTo(1, 12);
    expect(effectiveRank([1, 3])).toBeCloseTo(Math.exp(-(0.25 * Math.log(0.25) + 0.75 * Math.log(0.75))), 12);
    expect(vanishingCount([1, 0.5, 1e-3, 9e-4, 0], 1e-3)).toBe(2);
    tidy(() => {
      // rows (1, 0), (-1, 0), (0, 2), (0, -2): centred covariance diag(2/3, 8/3)
      const s = covarianceSpectrum(
        f64([
          [1, 0],
          [-1, 0],
          [0, 2],
          [0, -2],
        ]),
      );
      expectClose(Array.from(s), [8 / 3, 2 / 3], 1e-12);
    });
  });

  it("the alignment matrix is the identity (up to signs) for W2 = V S2 U1^T and a permutation otherwise", () => {
    manualSeed(8);
    tidy(() => {
      const w1 = toyWeight(6, "spectrum").to("float64");
      const { U: u1 } = w1.svd();
      const q = randn([6, 6], { dtype: "float64" }).qr().Q;
      const s2 = tensor([5, 4, 3, 2, 1, 0.5], { dtype: "float64" });
      const w2 = q.mul(s2.unsqueeze(0)).matmul(u1.t()); // V2 = U1
      const a = alignment(w1, w2, 0.01);
      expect(a.leading).toBe(6);
      expect(a.diagMean).toBeCloseTo(1, 8);
      expect(a.offDiagMax).toBeLessThan(1e-8);
      // reversed singular values of W2: V2^T U1 is the anti-diagonal permutation
      const rev = q.mul(s2.flip(0).unsqueeze(0)).matmul(u1.t());
      const b = alignment(w1, rev, 0.01);
      expect(b.diagMean).toBeLessThan(1e-8);
      expect(Math.abs(b.matrix[0]![5]!)).toBeCloseTo(1, 8);
    });
  });
});

describe("trainToy", () => {
  it("makes a bounded number of native calls per training step for every objective (2 layers, WERank on)", async () => {
    for (const objective of TOY_OBJECTIVES) {
      const calls = async (epochs: number): Promise<number> => {
        const before = nativeCalls();
        await trainToy({ objective, layers: 2, werank: 1, epochs, samples: 640, logEvery: 1000 });
        return nativeCalls() - before;
      };
      const perStep = ((await calls(3)) - (await calls(1))) / (2 * 5); // 640 / 128 = 5 steps per epoch
      expect(perStep).toBeGreaterThan(10);
      expect(perStep).toBeLessThan(110); // measured 60 (infonce) to 96 (vicreg), including the per-epoch batching
    }
  });

  it("stops a diverging run and reports it with the last finite spectra (no throw, no leak)", async () => {
    const r = await trainToy({ objective: "vicreg", lr: 5, k: 1.5, epochs: 3, samples: 640 });
    expect(r.summary.diverged).toBe(true);
    expect(r.summary.epochs).toBeLessThan(3);
    expect(r.summary.weights[0]!.singularValues.every(Number.isFinite)).toBe(true);
  });

  it("rejects bad configurations with ERR_CONFIG before training", async () => {
    await expect(trainToy({ objective: "byol" as "ema" })).rejects.toThrow(/Unknown toy objective 'byol'/);
    await expect(trainToy({ lr: 0 })).rejects.toThrow(/Expected lr > 0 but received 0/);
    await expect(trainToy({ d0: 17 })).rejects.toThrow(/Expected an integer d0 in 1..16/);
  });
});
