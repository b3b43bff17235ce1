import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { clipGradNorm, EMA, emaUpdate, memory, type Tensor, tensor, tidy, type WerankError } from "../../src/index.js";
import { callsOf } from "./native-calls.js";

const here = path.dirname(fileURLToPath(import.meta.url));
let base: number;
beforeEach(() => {
  base = memory().tensors;
});
afterEach(() => {
  expect(memory().tensors).toBe(base);
});

const vals = (n: number, phase: number): Float64Array => Float64Array.from({ length: n }, (_, i) => Math.sin(0.9 * i + phase));

describe("emaUpdate", () => {
  it("target = m * target + (1 - m) * online for every pair, float64 and float32; buffers copied", () => {
    for (const dtype of ["float64", "float32"] as const) {
      const shapes = [[3, 4], [5], [2, 2, 2]];
      const tgt = shapes.map((s, k) =>
        tensor(
          vals(
            s.reduce((a, b) => a * b),
            k,
          ),
          { shape: s, dtype },
        ),
      );
      const onl = shapes.map((s, k) =>
        tensor(
          vals(
            s.reduce((a, b) => a * b),
            10 + k,
          ),
          { shape: s, dtype, requiresGrad: true },
        ),
      );
      const bt = [tensor([1, 2, 3], { dtype })];
      const bo = [tensor([7, 8, 9], { dtype })];
      const m = 0.9;
      const before = tgt.map((t) => t.toTypedArray());
      emaUpdate(tgt, onl, m, { target: bt, online: bo });
      tgt.forEach((t, k) => {
        const o = onl[k]!.toTypedArray();
        const got = t.toTypedArray();
        for (let i = 0; i < got.length; i++) {
          const want = (before[k]![i] as number) * m + (1 - m) * (o[i] as number);
          expect(Math.abs((got[i] as number) - want)).toBeLessThan(dtype === "float64" ? 1e-15 : 1e-6);
        }
      });
      expect(bt[0]!.toArray()).toEqual([7, 8, 9]);
      // m = 1 keeps the target, m = 0 copies the online values.
      const snap = tgt[0]!.toTypedArray();
      emaUpdate(tgt, onl, 1);
      expect(tgt[0]!.toTypedArray()).toEqual(snap);
      new EMA(tgt, onl).copyOnline();
      tgt.forEach((t, k) => expect(t.toTypedArray()).toEqual(onl[k]!.toTypedArray()));
      for (const t of [...tgt, ...onl, ...bt, ...bo]) t.dispose();
    }
  });

  it("is one native call for 2 or 40 tensors, and does not touch autograd", () => {
    for (const n of [2, 40]) {
      const tgt = Array.from({ length: n }, (_, k) => tensor(vals(64, k), { shape: [8, 8] }));
      const onl = Array.from({ length: n }, (_, k) => tensor(vals(64, -k), { shape: [8, 8], requiresGrad: true }));
      const ema = new EMA(tgt, onl);
      expect(callsOf(() => ema.update(0.99))).toBe(1);
      expect(tgt[0]!.requiresGrad).toBe(false);
      for (const t of [...tgt, ...onl]) t.dispose();
    }
  });

  it("a strided target takes the ATen path with the same result", () => {
    const t1 = tensor(vals(6, 0), { shape: [2, 3] });
    const t2 = tidy(() =>
      tensor(vals(6, 0), { shape: [2, 3] })
        .t()
        .contiguous()
        .t(),
    ); // same values, transposed strides
    expect(t2.isContiguous()).toBe(false);
    const o = tensor(vals(6, 3), { shape: [2, 3] });
    emaUpdate([t1], [o], 0.7);
    emaUpdate([t2], [o], 0.7);
    const a = t1.toTypedArray();
    const b = t2.toTypedArray();
    for (let i = 0; i < 6; i++) expect(Math.abs((a[i] as number) - (b[i] as number))).toBeLessThan(1e-7);
    for (const t of [t1, t2, o]) t.dispose();
  });

  it("rejects bad momentum, length and shape mismatches before changing anything", () => {
    const t = [tensor([1, 2]), tensor([1, 2, 3])];
    const o = [tensor([3, 4]), tensor([1, 2])];
    const code = (f: () => void) => {
      try {
        f();
      } catch (e) {
        return (e as WerankError).code;
      }
    };
    expect(code(() => emaUpdate(t, o, 1.5))).toBe("ERR_ARGUMENT");
    expect(code(() => emaUpdate(t, o.slice(0, 1), 0.5))).toBe("ERR_ARGUMENT");
    expect(code(() => emaUpdate(t, o, 0.5))).toBe("ERR_SHAPE");
    expect(t[0]!.toArray()).toEqual([1, 2]); // the first pair was valid but nothing changed
    expect(() => new EMA(t, o.slice(0, 1))).toThrow(/as many target as online/);
    for (const x of [...t, ...o]) x.dispose();
  });
});

interface ClipCase {
  normType: number | "inf";
  maxNorm: number;
  total: number;
  grads: Record<string, number[]>;
}
const golden = JSON.parse(fs.readFileSync(path.join(here, "../fixtures/optim/golden.json"), "utf8")) as {
  shapes: Record<string, number[]>;
  clip: { float64: ClipCase[]; float32: ClipCase[]; grads: Record<string, number[]> };
};

describe("clipGradNorm", () => {
  const names = Object.keys(golden.shapes);
  const withGrads = (dtype: "float32" | "float64"): Tensor[] =>
    names.map((n) => {
      const p = tensor(new Float64Array(golden.clip.grads[n]!.length), { shape: golden.shapes[n], dtype, requiresGrad: true });
      const g = tensor(Float64Array.from(golden.clip.grads[n]!), { shape: golden.shapes[n], dtype });
      tidy(() => p.mul(g).sum().backward());
      g.dispose();
      return p;
    });

  for (const dtype of ["float64", "float32"] as const) {
    it(`matches torch.nn.utils.clip_grad_norm_ for p = 2, 1, 3, inf (${dtype})`, () => {
      for (const c of golden.clip[dtype]) {
        const ps = withGrads(dtype);
        const total = clipGradNorm(ps, c.maxNorm, { normType: c.normType === "inf" ? Infinity : c.normType });
        const tol = dtype === "float64" ? 1e-12 : 1e-6;
        expect(Math.abs(total - c.total) / c.total).toBeLessThan(tol);
        ps.forEach((p, k) => {
          const g = p.grad!;
          const got = g.toTypedArray() as Float64Array;
          c.grads[names[k]!]!.forEach((v, i) => expect(Math.abs(got[i]! - v)).toBeLessThan(tol));
          g.dispose();
          p.zeroGrad();
          p.dispose();
        });
      }
    });
  }

  it("equals the formula: total 2-norm over all grads, scaled by maxNorm / (total + 1e-6)", () => {
    const a = tensor([3, 0], { dtype: "float64", requiresGrad: true });
    const b = tensor([4], { dtype: "float64", requiresGrad: true });
    const c = tensor([1], { dtype: "float64", requiresGrad: true }); // no grad: skipped
    tidy(() =>
      a
        .mul(tensor([3, 0], { dtype: "float64" }))
        .sum()
        .add(b.mul(tensor([4], { dtype: "float64" })).sum())
        .backward(),
    );
    let total = -1;
    expect(callsOf(() => (total = clipGradNorm([a, b, c], 1)))).toBe(1);
    expect(total).toBe(5);
    const ga = a.grad!;
    const gb = b.grad!;
    expect((ga.toTypedArray() as Float64Array)[0]).toBeCloseTo((3 * 1) / (5 + 1e-6), 14);
    expect((gb.toTypedArray() as Float64Array)[0]).toBeCloseTo((4 * 1) / (5 + 1e-6), 14);
    expect(clipGradNorm([c], 1)).toBe(0);
    expect(() => clipGradNorm([a], -1)).toThrow(/maxNorm/);
    for (const t of [ga, gb, a, b, c]) {
      t.zeroGrad();
      t.dispose();
    }
  });

  it("errorIfNonfinite raises on nan gradients", () => {
    const a = tensor([1, 2], { requiresGrad: true });
    tidy(() =>
      a
        .mul(tensor([Number.NaN, 1]))
        .sum()
        .backward(),
    );
    expect(() => clipGradNorm([a], 1, { errorIfNonfinite: true })).toThrow(/cannot be clipped/);
    expect(Number.isNaN(clipGradNorm([a], 1))).toBe(true);
    a.zeroGrad();
    a.dispose();
  });
});
