import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  alignmentChain,
  alignmentMatrix,
  collapseReport,
  covarianceSpectrum,
  DataError,
  effectiveRank,
  eye,
  manualSeed,
  meanPairwiseCosine,
  memory,
  normalize,
  normalizedRank,
  numericalRank,
  randn,
  rankDifferential,
  rankMe,
  ShapeError,
  spectra,
  spectraLine,
  spectrum,
  svmaxStats,
  tensor,
  tidy,
  weightSpectra,
  werank,
  type HostMatrix,
  type Tensor,
} from "../../src/index.js";
import { alignmentFigure } from "../../src/report/figures.js";

const f64 = (t: Tensor): Float64Array => Float64Array.from(t.toTypedArray() as ArrayLike<number>);
const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};
const expectIdentity = (a: HostMatrix, tol: number): void => {
  for (let r = 0; r < a.rows; r++) for (let c = 0; c < a.cols; c++) expect(Math.abs(a.data[r * a.cols + c]! - (r === c ? 1 : 0))).toBeLessThan(tol);
};
/** A random orthogonal n x n matrix (QR of a Gaussian). */
const orthogonal = (n: number): Tensor => randn([n, n], { dtype: "float64" }).qr().Q;

let base = 0;
beforeEach(() => {
  manualSeed(0);
  base = memory().tensors;
});
afterEach(() => {
  expect(memory().tensors).toBe(base);
});

describe("rank measures on tensors", () => {
  it("effective rank of I_n is n; of a rank-1 matrix is 1", () => {
    tidy(() => {
      expect(effectiveRank(eye(7, 7, { dtype: "float64" }))).toBeCloseTo(7, 10);
      const u = randn([50, 1], { dtype: "float64" });
      const v = randn([1, 6], { dtype: "float64" });
      const r1 = u.matmul(v); // tall: the Gram route; rounding leaves values ~1e-8 s_max
      expect(effectiveRank(r1)).toBeCloseTo(1, 5);
      expect(effectiveRank(r1.t())).toBeCloseTo(1, 5); // wide
      expect(
        effectiveRank(
          tensor(
            [
              [2, 4],
              [1, 2],
            ],
            { dtype: "float64" },
          ),
        ),
      ).toBeCloseTo(1, 10); // square: direct SVD
      expect(numericalRank(r1)).toBe(1);
      expect(numericalRank(eye(7))).toBe(7);
    });
  });

  it("RankMe equals exp(-sum p log p) with p = s/||s||_1 + 1e-7 over torch's singular values", () => {
    tidy(() => {
      const z = randn([40, 10], { dtype: "float64" }).mul(tensor([3, 2, 1, 1, 1, 0.5, 0.1, 0.1, 0.01, 0], { dtype: "float64" }));
      const s = f64(z.svdvals());
      const tot = s.reduce((a, b) => a + b, 0);
      const expected = Math.exp(-Array.from(s).reduce((a, v) => a + (v / tot + 1e-7) * Math.log(v / tot + 1e-7), 0));
      expect(rankMe(z)).toBeCloseTo(expected, 8);
    });
  });

  it("normalized rank divides the centred effective rank by min(N - 1, D)", () => {
    tidy(() => {
      const wide = randn([10, 50], { dtype: "float64" }); // centred rank is 9, not 10
      expect(numericalRank(spectrum(wide, { center: true }))).toBe(9);
      const nr = normalizedRank(wide);
      expect(nr).toBeCloseTo(effectiveRank(wide, { center: true }) / 9, 12);
      expect(nr).toBeLessThanOrEqual(1);
      expect(normalizedRank(randn([4000, 8], { dtype: "float64" }))).toBeGreaterThan(0.99);
    });
  });

  it("covariance spectrum equals the eigenvalues of Xc^T Xc / (N - 1)", () => {
    tidy(() => {
      const x = randn([30, 5], { dtype: "float64" }).add(3);
      const xc = x.sub(x.mean(0, true));
      const ev = f64(xc.t().matmul(xc).div(29).eigvalsh()).reverse();
      expect(maxAbsDiff(covarianceSpectrum(x), ev)).toBeLessThan(1e-10);
    });
  });
});

describe("batched spectra", () => {
  it("grouping by shape gives the same values as per-matrix svdvals", () => {
    tidy(() => {
      const mats = [
        randn([6, 4], { dtype: "float64" }),
        randn([40, 8], { dtype: "float64" }), // tall: Gram route
        randn([6, 4], { dtype: "float64" }),
        randn([8, 40], { dtype: "float64" }), // wide: Gram route
        randn([5, 5]), // float32
        randn([40, 8], { dtype: "float64" }).mul(100),
        randn([4, 2, 3], { dtype: "float64" }), // flattened to [4, 6]
        randn([6, 4], { dtype: "float64" }),
      ];
      const got = spectra(mats);
      expect(got.map((s) => s.length)).toEqual([4, 8, 4, 8, 5, 8, 4, 4]);
      mats.forEach((m, i) => {
        const ref = f64((m.ndim > 2 ? m.reshape(m.shape[0]!, -1) : m).to("float64").svdvals());
        expect(maxAbsDiff(got[i]!, ref)).toBeLessThan(1e-8 * ref[0]!);
      });
    });
  });

  it("rejects 1-d tensors and NaN", () => {
    tidy(() => {
      expect(() => spectra([randn([4])])).toThrow(ShapeError);
      expect(() =>
        spectra([
          tensor([
            [1, Number.NaN],
            [0, 1],
          ]),
        ]),
      ).toThrow(DataError);
      const tall = new Float32Array(40 * 3).fill(1);
      tall[100] = Number.POSITIVE_INFINITY;
      expect(() => spectra([randn([40, 3]), tensor(tall, { shape: [40, 3] })])).toThrow(/tensor 1 contains NaN or Inf/);
      expect(() => meanPairwiseCosine(tensor(tall, { shape: [40, 3] }))).toThrow(DataError);
    });
  });
});

describe("mean pairwise cosine", () => {
  it("equals the mean of the off-diagonal N x N cosine matrix", () => {
    tidy(() => {
      const x = randn([37, 6], { dtype: "float64" }).add(0.7);
      const u = normalize(x, 2, 1);
      const sim = u.matmul(u.t());
      const n = 37;
      const direct = (sim.sum().item() - sim.diagonal().sum().item()) / (n * (n - 1));
      expect(meanPairwiseCosine(x)).toBeCloseTo(direct, 12);
      const same = tensor([
        [1, 2],
        [2, 4],
        [3, 6],
      ]);
      expect(meanPairwiseCosine(same)).toBeCloseTo(1, 6);
    });
  });
});

describe("alignment matrices (DirectCLR)", () => {
  it("a layer aligned with itself is I: alignment(W, W^T) = U^T U", () => {
    tidy(() => {
      const w = randn([12, 8], { dtype: "float64" });
      const a = alignmentMatrix(w, w.t());
      expect([a.rows, a.cols]).toEqual([8, 8]);
      expectIdentity(a, 1e-10);
      // Not the same thing as W with itself: V^T U of a generic W is far from I.
      const w2 = randn([8, 8], { dtype: "float64" });
      const self = alignmentMatrix(w2, w2);
      expect(Math.abs(self.data[0]!) + Math.abs(self.data[9]!)).toBeLessThan(1.99);
    });
  });

  it("is I when the next layer's right singular vectors are this layer's left ones", () => {
    tidy(() => {
      const w = randn([6, 10], { dtype: "float64" });
      const u = w.svd().U; // [6, 6]
      const q = orthogonal(5);
      const s = tensor([5, 4, 3, 2, 1], { dtype: "float64" });
      // W' = Q S U_5^T with the 5 leading left singular vectors of w (singular values distinct).
      const next = q.mul(s.unsqueeze(0)).matmul(u.narrow(1, 0, 5).t());
      const a = alignmentMatrix(w, next);
      expect([a.rows, a.cols]).toEqual([5, 6]);
      expectIdentity(a, 1e-10);
    });
  });

  it("is a chain of L - 1 matrices and checks that shapes chain", () => {
    tidy(() => {
      const ws = [randn([8, 4]), randn([6, 8]), randn([3, 6])];
      const as = alignmentChain(ws);
      expect(as.map((a) => [a.rows, a.cols])).toEqual([
        [6, 4],
        [3, 6],
      ]);
      // Rows of A are orthonormal when V_{l+1} spans the range of U_l (here 6 <= 8).
      expect(() => alignmentMatrix(randn([8, 4]), randn([6, 7]))).toThrow(ShapeError);
    });
  });
});

describe("weight spectra and WERank terms", () => {
  it("match per-matrix svdvals and ||G - I||_F computed directly (the smaller Gram by default, W^T W with gram wtw)", () => {
    tidy(() => {
      const weights: [string, Tensor][] = [
        ["l0.weight", randn([6, 4], { dtype: "float64" })],
        ["l0.bias", randn([6], { dtype: "float64" })],
        ["l1.weight", randn([4, 6], { dtype: "float64" })],
        ["l2.weight", randn([6, 4], { dtype: "float64" })],
      ];
      const ws = weightSpectra(weights);
      const literal = weightSpectra(weights, { gram: "wtw" });
      expect(ws.map((w) => w.name)).toEqual(["l0.weight", "l1.weight", "l2.weight"]);
      ws.forEach((w, i) => {
        const t = weights.find(([n]) => n === w.name)![1];
        expect(maxAbsDiff(w.singularValues, f64(t.svdvals()))).toBeLessThan(1e-10);
        const [out, inDim] = t.shape as [number, number];
        const gramDiff = (g: Tensor): number =>
          g
            .sub(eye(g.shape[0]!, g.shape[0]!, { dtype: "float64" }))
            .square()
            .sum()
            .sqrt()
            .item();
        expect(w.werank).toBeCloseTo(gramDiff(out <= inDim ? t.matmul(t.t()) : t.t().matmul(t)), 9);
        expect(literal[i]!.werank).toBeCloseTo(gramDiff(t.t().matmul(t)), 9);
        expect(w.effectiveRank).toBeCloseTo(effectiveRank(t), 12);
      });
    });
  });
});

describe("SVMax statistics on tensors", () => {
  it("lie within the bounds and hit them at the extremes", () => {
    tidy(() => {
      const st = svmaxStats(randn([200, 16], { dtype: "float64" }));
      expect(st.lower).toBeCloseTo(Math.sqrt(200) / 16, 10);
      expect(st.upper).toBeCloseTo(Math.sqrt(200 / 16), 10);
      expect(st.mean).toBeGreaterThan(st.lower);
      expect(st.mean).toBeLessThan(st.upper);
      // All rows along one direction (any scale): complete collapse, mean = lower bound.
      const collapsed = randn([200, 1], { dtype: "float64" })
        .abs()
        .add(0.1)
        .matmul(randn([1, 16], { dtype: "float64" }));
      expect(svmaxStats(collapsed).normalized).toBeCloseTo(0, 6);
    });
  });
});

describe("collapseReport", () => {
  it("tells a collapsed embedding from a full-rank one, as plain JSON", () => {
    tidy(() => {
      const n = 400;
      const full = randn([n, 16], { dtype: "float64" });
      // Nearly parallel embeddings: one direction plus an offset and tiny noise.
      const dir = randn([1, 16], { dtype: "float64" });
      const collapsed = randn([n, 1], { dtype: "float64" })
        .mul(0.1)
        .add(1)
        .matmul(dir)
        .add(randn([n, 16], { dtype: "float64" }).mul(1e-4));
      const report = collapseReport(
        {
          epoch: 3,
          representations: { online: full, target: full.mul(2) },
          embeddings: { online: full, target: collapsed },
          weights: { "enc.0.weight": randn([16, 8]), "enc.0.bias": randn([16]), "enc.1.weight": randn([16, 16]), "proj.weight": randn([4, 16]) },
        },
        { rtol: 1e-3 },
      );
      const ok = report.embeddings.online!;
      const bad = report.embeddings.target!;
      expect(ok.normalizedRank).toBeGreaterThan(0.9);
      expect(bad.normalizedRank).toBeLessThan(0.2);
      expect(ok.meanPairwiseCosine).toBeLessThan(0.1);
      expect(bad.meanPairwiseCosine).toBeGreaterThan(0.99);
      expect(bad.svmax.normalized).toBeLessThan(0.05);
      expect(ok.numericalRank).toBe(16);
      expect(bad.numericalRank).toBe(1);
      expect(ok.covarianceSpectrum).toHaveLength(16);
      expect(ok.effectiveRank).toBeCloseTo(effectiveRank(full, { center: true }), 10);
      expect(ok.rankMe).toBeCloseTo(rankMe(full), 10);
      // RDM's sign: erank(target) - erank(online)
      expect(report.rankDifferential.embeddings).toBeCloseTo(bad.effectiveRank - ok.effectiveRank, 10);
      expect(report.rankDifferential.definition).toBe("erank(target) - erank(online)");
      expect(report.rankDifferential.representations).toBeCloseTo(0, 8); // scaling does not change the rank
      expect(report.rankDifferential.embeddings).toBeCloseTo(rankDifferential(full, collapsed), 10);
      expect(report.warnings.some((w) => w.startsWith("dimensional collapse of embeddings.target: effective rank of the centred output = "))).toBe(true);
      expect(report.warnings.some((w) => w.includes("embeddings.online"))).toBe(false);
      expect(report.weights.map((w) => w.name)).toEqual(["enc.0.weight", "enc.1.weight", "proj.weight"]);
      expect(report.alignment.map((a) => [a.from, a.to])).toEqual([
        ["enc.0.weight", "enc.1.weight"],
        ["enc.1.weight", "proj.weight"],
      ]);
      expect(report.alignment[0]!.matrix).toHaveLength(16);
      const line = spectraLine(report);
      expect(line.endsWith("\n")).toBe(true);
      expect(line.trim().includes("\n")).toBe(false);
      expect(JSON.parse(line)).toEqual(JSON.parse(JSON.stringify(report)));
      expect(JSON.parse(line).type).toBe("spectra");
    });
  });

  it("rejects outputs that are not [N, D]", () => {
    tidy(() => {
      expect(() => collapseReport({ embeddings: { online: randn([5]) } })).toThrow(/expected embeddings.online of shape \[N, D\]/);
      expect(() => collapseReport({ weights: { a: randn([3, 3]) } }, { alignment: [["a", "b"]] })).toThrow(/Valid choices: a/);
    });
  });
});

describe("collapseReport: what is logged and when it warns", () => {
  it("covarianceSpectrum is DirectCLR's (spectrum.py: l2-normalized rows, then the covariance); the raw one is labelled as such", () => {
    tidy(() => {
      // Rows of very different norms: normalizing changes the spectrum.
      const x = randn([300, 8], { dtype: "float64" }).mul(randn([300, 1], { dtype: "float64" }).abs().mul(5).add(0.1));
      const d = collapseReport({ embeddings: { online: x } }).embeddings.online!;
      const expected = covarianceSpectrum(normalize(x, 2, 1));
      const raw = covarianceSpectrum(x);
      d.covarianceSpectrum.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
      d.unnormalizedCovarianceSpectrum.forEach((v, i) => expect(v / raw[i]!).toBeCloseTo(1, 5));
      expect(Math.abs(d.covarianceSpectrum[0]! - raw[0]!)).toBeGreaterThan(0.1);
    });
  });

  it("warns from centred measures: a constant output does, a healthy output with a large shared mean (mean cosine > 0.9) does not", () => {
    tidy(() => {
      const n = 500;
      // Full-rank variation around a large common offset: uncentred cosine near 1, centred rank full.
      const offset = randn([1, 32], { dtype: "float64" }).mul(4);
      const healthy = randn([n, 32], { dtype: "float64" }).add(offset);
      const constant = randn([1, 32], { dtype: "float64" }).expand([n, 32]).add(0);
      const report = collapseReport({ embeddings: { online: healthy, target: constant } });
      expect(report.embeddings.online!.meanPairwiseCosine).toBeGreaterThan(0.9);
      expect(report.warnings.filter((w) => w.includes("embeddings.online"))).toEqual([]);
      const bad = report.warnings.filter((w) => w.includes("embeddings.target"));
      expect(bad).toHaveLength(1);
      expect(bad[0]).toMatch(/^complete collapse of embeddings\.target: relative variance \|\|X - mean\|\|\^2 \/ \|\|X\|\|\^2 = \S+ \(threshold 0\.001\)$/);
      expect(report.embeddings.target!.relativeVariance).toBeLessThan(1e-10);
      // An all-zero output is a complete collapse too (no 0 / 0).
      expect(collapseReport({ embeddings: { online: randn([n, 4]).mul(0) } }).warnings[0]).toMatch(/^complete collapse of embeddings\.online: relative variance .* = 0\.00e\+0/);
    });
  });

  it("logs the WERank term as trained (smaller Gram by default, the configured Gram / squared otherwise) and alpha times it", () => {
    tidy(() => {
      const w = randn([8, 16], { dtype: "float64" }).mul(0.3); // wide: the trained Gram is W W^T [8, 8]
      const trained = (werank([w], [1]).perLayer.toTypedArray() as Float64Array)[0]!;
      const literal = (werank([w], [1], { gram: "wtw" }).perLayer.toTypedArray() as Float64Array)[0]!;
      expect(literal - trained).toBeGreaterThan(0.5);
      const byDefault = collapseReport({ weights: { "enc.weight": w } }).weights[0]!;
      expect(byDefault.werank).toBeCloseTo(trained, 9);
      expect(byDefault.werankWeighted).toBeUndefined();
      const asWtw = collapseReport({ weights: { "enc.weight": w } }, { werank: { gram: "wtw", alphas: { "enc.weight": 0.25 } } });
      expect(asWtw.weights[0]!.werank).toBeCloseTo(literal, 9);
      expect(asWtw.weights[0]!.werankWeighted).toBeCloseTo(0.25 * literal, 9);
      expect(asWtw.werankTerm).toEqual({ gram: "wtw", squared: false });
      const sq = collapseReport({ weights: { "enc.weight": w } }, { werank: { squared: true } }).weights[0]!;
      expect(sq.werank).toBeCloseTo((werank([w], [1], { squared: true }).perLayer.toTypedArray() as Float64Array)[0]!, 8);
    });
  });

  it("logs the leading 32 x 32 block of alignment matrices of wide layers, which the report draws", () => {
    tidy(() => {
      const report = collapseReport({
        weights: [
          ["a.weight", randn([64, 48])],
          ["b.weight", randn([40, 64])],
        ],
      });
      const a = report.alignment[0]!;
      expect(a.shape).toEqual([40, 48]);
      expect(a.matrix).toHaveLength(32);
      expect(a.matrix![0]).toHaveLength(32);
      const full = alignmentMatrix(randn([4, 4]), randn([4, 4]));
      expect(full.rows).toBe(4);
      const run = { dir: "r", name: "r", config: undefined, env: undefined, epochs: [], evals: [], warnings: [], spectra: [{ ...report, epoch: 5 }], summary: undefined };
      const fig = alignmentFigure(run);
      expect(fig).toBeDefined();
      expect(JSON.stringify(fig)).toContain("top 32×32 of 40×48");
    });
  });
});
