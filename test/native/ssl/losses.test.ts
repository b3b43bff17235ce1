/**
 * Every loss on a tiny example with values computed by hand or by an independent host formula,
 * and its gradient against central finite differences in float64.
 */
import { describe, expect, it } from "vitest";
import { barlowTwinsLoss, bgrlLoss, directclrLoss, graceLoss, infoNCE, manualSeed, randn, simsiamLoss, tensor, tidy, vicregLoss, type Tensor } from "../../../src/index.js";
import { filterOnline, filterTarget } from "../../../src/ssl/rdm.js";
import { gradCheck } from "../../helpers/denseGraph.js";
import { expectClose, flat, mat, matmulHost, transposeHost, expectNoLeaks } from "../../helpers/expect.js";

expectNoLeaks();

const f64 = (a: number[][]): Tensor => tensor(a, { dtype: "float64" });

/** Random float64 leaves (kept alive until disposed). */
function leaves(...shapes: number[][]): Tensor[] {
  return shapes.map((s) => randn(s, { dtype: "float64" }).setRequiresGrad(true));
}

function checkGrad(f: (xs: Tensor[]) => Tensor, xs: Tensor[], tol = 1e-6): void {
  const r = gradCheck(f, xs);
  for (const x of xs) x.dispose();
  expect(r.maxAbsGrad).toBeGreaterThan(1e-4);
  expect(r.maxAbsDiff).toBeLessThan(tol);
}

// host helpers for independent formulas
const norm = (v: number[]): number => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
const rowsNormalized = (m: number[][]): number[][] => m.map((r) => r.map((x) => x / norm(r)));

describe("bgrlLoss / simsiamLoss", () => {
  it("are 2 - mean cos(q1, y2) - mean cos(q2, y1) and -(mean cos + mean cos) / 2 (hand-computed)", () => {
    tidy(() => {
      const q1 = f64([
        [1, 0],
        [0, 1],
      ]);
      const y2 = f64([
        [1, 0],
        [1, 1],
      ]); // cos: 1, 1/sqrt(2)
      const q2 = f64([
        [1, 1],
        [0, 2],
      ]);
      const y1 = f64([
        [-1, -1],
        [0, 1],
      ]); // cos: -1, 1
      const m12 = (1 + Math.SQRT1_2) / 2;
      expect(bgrlLoss(q1, y2, q2, y1).item()).toBeCloseTo(2 - m12 - 0, 12);
      expect(simsiamLoss(q1, y2, q2, y1).item()).toBeCloseTo(-(m12 + 0) / 2, 12);
    });
  });

  it("send no gradient into the target side; online gradients match finite differences", () => {
    manualSeed(1);
    const [y1, y2] = leaves([5, 3], [5, 3]);
    checkGrad(([q1, q2]) => bgrlLoss(q1!, y2!, q2!, y1!), leaves([5, 3], [5, 3]));
    checkGrad(([p1, p2]) => simsiamLoss(p1!, y2!, p2!, y1!), leaves([5, 3], [5, 3]));
    tidy(() => {
      const [q1, q2] = leaves([5, 3], [5, 3]);
      bgrlLoss(q1!, y2!, q2!, y1!).backward();
      expect(y1!.grad).toBeNull();
      expect(y2!.grad).toBeNull();
      q1!.dispose();
      q2!.dispose();
    });
    y1!.dispose();
    y2!.dispose();
  });
});

describe("graceLoss", () => {
  it("is log(1 + 2/e) for two orthonormal nodes identical in both views (tau = 1)", () => {
    tidy(() => {
      const u = f64([
        [1, 0],
        [0, 1],
      ]);
      // l(u_i, v_i) = -log(e / (e + e^0 [other node, other view] + e^0 [other node, same view]))
      expect(graceLoss(u, u, 1).item()).toBeCloseTo(Math.log(1 + 2 / Math.E), 12);
    });
  });

  it("matches GRACE's exp formula (CRIPAC-DIG/GRACE semi_loss) on random projections", () => {
    manualSeed(2);
    tidy(() => {
      const u = randn([4, 3], { dtype: "float64" });
      const v = randn([4, 3], { dtype: "float64" });
      const tau = 0.5;
      const semi = (a: number[][], b: number[][]): number[] => {
        const an = rowsNormalized(a);
        const bn = rowsNormalized(b);
        const f = (x: number): number => Math.exp(x / tau);
        const refl = matmulHost(an, transposeHost(an)).map((r) => r.map(f));
        const between = matmulHost(an, transposeHost(bn)).map((r) => r.map(f));
        return an.map((_, i) => -Math.log(between[i]![i]! / (refl[i]!.reduce((s, x) => s + x, 0) + between[i]!.reduce((s, x) => s + x, 0) - refl[i]![i]!)));
      };
      const l1 = semi(mat(u), mat(v));
      const l2 = semi(mat(v), mat(u));
      const expected = l1.reduce((s, x, i) => s + (x + l2[i]!) / 2, 0) / l1.length;
      expect(graceLoss(u, v, tau).item()).toBeCloseTo(expected, 12);
      // a tiny temperature overflows exp() in the reference formula but not here
      expect(Number.isFinite(graceLoss(u, v, 1e-3).item())).toBe(true);
    });
  });

  it("has finite-difference gradients", () => {
    manualSeed(3);
    checkGrad(([u, v]) => graceLoss(u!, v!, 0.5), leaves([5, 3], [5, 3]));
  });
});

describe("infoNCE / directclrLoss", () => {
  it("uses only the first d0 columns and inter-view negatives (hand-computed, tau = 1)", () => {
    tidy(() => {
      const r1 = f64([
        [1, 0, 5],
        [0, 1, -3],
      ]);
      const r2 = f64([
        [1, 0, 9],
        [1, 1, 2],
      ]);
      const s = Math.SQRT1_2;
      // z1 = I, ẑ2 = [[1, 0], [s, s]]; logits z1 ẑ2^T = [[1, s], [0, s]], ẑ2 z1^T = [[1, 0], [s, s]]
      const a = (-Math.log(Math.E / (Math.E + Math.exp(s))) - Math.log(Math.exp(s) / (1 + Math.exp(s)))) / 2;
      const b = (-Math.log(Math.E / (Math.E + 1)) + Math.log(2)) / 2;
      expect(infoNCE(r1.narrow(1, 0, 2), r2.narrow(1, 0, 2), 1).item()).toBeCloseTo(a, 12);
      expect(directclrLoss(r1, r2, 2, 1).item()).toBeCloseTo((a + b) / 2, 12);
    });
  });

  it("has finite-difference gradients, zero on the unused columns", () => {
    manualSeed(4);
    checkGrad(([r1, r2]) => directclrLoss(r1!, r2!, 2, 0.1), leaves([4, 5], [4, 5]));
    tidy(() => {
      const [r1, r2] = leaves([4, 5], [4, 5]);
      directclrLoss(r1!, r2!, 2, 0.1).backward();
      expect(flat(r1!.grad!.narrow(1, 2, 3)).every((g) => g === 0)).toBe(true);
      r1!.dispose();
      r2!.dispose();
    });
  });
});

describe("vicregLoss", () => {
  it("has the official invariance, variance and covariance terms (independent host formula)", () => {
    tidy(() => {
      const z1 = [
        [1, 2],
        [3, 1],
        [0, 0.5],
      ];
      const z2 = [
        [1, 1],
        [2, 2],
        [0.2, 0],
      ];
      const n = 3;
      const d = 2;
      const inv = z1.flat().reduce((s, x, i) => s + (x - z2.flat()[i]!) ** 2, 0) / (n * d);
      const stats = (z: number[][]) => {
        const m = [0, 1].map((j) => z.reduce((s, r) => s + r[j]!, 0) / n);
        const c = z.map((r) => r.map((x, j) => x - m[j]!));
        const cov = [0, 1].map((a) => [0, 1].map((b) => c.reduce((s, r) => s + r[a]! * r[b]!, 0) / (n - 1)));
        const hinge = [0, 1].reduce((s, j) => s + Math.max(0, 1 - Math.sqrt(cov[j]![j]! + 1e-4)), 0) / d;
        return { hinge, off: (2 * cov[0]![1]! ** 2) / d };
      };
      const a = stats(z1);
      const b = stats(z2);
      const r = vicregLoss(f64(z1), f64(z2));
      expect(r.invariance.item()).toBeCloseTo(inv, 12);
      expect(r.variance.item()).toBeCloseTo((a.hinge + b.hinge) / 2, 12);
      expect(r.variance.item()).toBeGreaterThan(0); // z2's columns have std < 1
      expect(r.covariance.item()).toBeCloseTo(a.off + b.off, 12);
      expect(r.loss.item()).toBeCloseTo(25 * inv + 25 * ((a.hinge + b.hinge) / 2) + (a.off + b.off), 10);
      const w = vicregLoss(f64(z1), f64(z2), { lambda: 1, mu: 2, nu: 3 });
      expect(w.loss.item()).toBeCloseTo(inv + 2 * ((a.hinge + b.hinge) / 2) + 3 * (a.off + b.off), 10);
    });
  });

  it("has finite-difference gradients", () => {
    manualSeed(5);
    // small scale keeps every column's std below gamma (away from the hinge's kink)
    const xs = leaves([6, 3], [6, 3]);
    tidy(() => xs.forEach((x) => x.detach().mul_(0.3)));
    checkGrad(([a, b]) => vicregLoss(a!, b!).loss, xs, 1e-5);
  });
});

describe("barlowTwinsLoss", () => {
  it("matches G-BT's formula: standardize (unbiased std), C = ẑa^T ẑb / N, sum (1 - C_ii)^2 + lambda sum_{i != j} C_ij^2", () => {
    tidy(() => {
      const za = [
        [1, 2],
        [2, 0],
        [4, 1],
        [0, 3],
      ];
      const zb = [
        [1, 1],
        [3, 0],
        [3, 2],
        [1, 2],
      ];
      const n = 4;
      const standardize = (z: number[][]) => {
        const m = [0, 1].map((j) => z.reduce((s, r) => s + r[j]!, 0) / n);
        const sd = [0, 1].map((j) => Math.sqrt(z.reduce((s, r) => s + (r[j]! - m[j]!) ** 2, 0) / (n - 1)));
        return z.map((r) => r.map((x, j) => (x - m[j]!) / (sd[j]! + 1e-15)));
      };
      const c = matmulHost(transposeHost(standardize(za)), standardize(zb)).map((r) => r.map((x) => x / n));
      const on = (1 - c[0]![0]!) ** 2 + (1 - c[1]![1]!) ** 2;
      const off = c[0]![1]! ** 2 + c[1]![0]! ** 2;
      const r = barlowTwinsLoss(f64(za), f64(zb));
      expect(r.onDiagonal.item()).toBeCloseTo(on, 12);
      expect(r.offDiagonal.item()).toBeCloseTo(off, 12);
      expect(r.loss.item()).toBeCloseTo(on + off / 2, 12); // lambda = 1/d
      expect(barlowTwinsLoss(f64(za), f64(zb), 0.1).loss.item()).toBeCloseTo(on + 0.1 * off, 12);
      // identical views: C_ii = (N - 1) / N because of G-BT's unbiased std with a 1/N correlation
      expect(barlowTwinsLoss(f64(za), f64(za)).onDiagonal.item()).toBeCloseTo(2 * (1 / n) ** 2, 12);
    });
  });

  it("has finite-difference gradients", () => {
    manualSeed(6);
    checkGrad(([a, b]) => barlowTwinsLoss(a!, b!).loss, leaves([6, 3], [6, 3]));
  });
});

describe("RDM spectral filters", () => {
  it("online filtering gives singular values s g(s) with a constant matrix; target poly gives s^(1 + sigma)", () => {
    manualSeed(7);
    tidy(() => {
      const o = randn([6, 3], { dtype: "float64" });
      const s = flat(o.svdvals());
      expectClose(
        filterOnline(o, "poly", 1).svdvals(),
        s.map((x) => x * x),
        1e-10,
      );
      expectClose(
        filterOnline(o, "log1", 1).svdvals(),
        s.map((x) => x * Math.log1p(x)).sort((a, b) => b - a),
        1e-10,
      );
      expectClose(
        filterOnline(o, "log2", 1).svdvals(),
        s.map((x) => x * Math.log1p(x * x)).sort((a, b) => b - a),
        1e-10,
      );
      expectClose(
        filterTarget(o, "poly", 2).svdvals(),
        s.map((x) => x ** 3),
        1e-10,
      );
      // same matrix from both sides for the same filter
      expectClose(filterOnline(o, "poly", 0.5), filterTarget(o, "poly", 0.5), 1e-10);
      // sigma = 0 is the identity
      expectClose(filterOnline(o, "poly", 0), o, 1e-10);
    });
  });

  it("online filter: gradient flows through o with W = V g(S) V^T held constant", () => {
    manualSeed(8);
    tidy(() => {
      const o = randn([5, 3], { dtype: "float64" }).setRequiresGrad(true);
      const g = randn([5, 3], { dtype: "float64" });
      filterOnline(o, "poly", 1).mul(g).sum().backward();
      const { S, Vh } = o.detach().svd();
      const W = Vh.t().mul(S).matmul(Vh);
      expectClose(o.grad!, g.matmul(W.t()), 1e-10);
      const t = randn([5, 3], { dtype: "float64" }).setRequiresGrad(true);
      expect(filterTarget(t, "poly", 1).requiresGrad).toBe(false);
      o.dispose();
      t.dispose();
    });
  });
});
