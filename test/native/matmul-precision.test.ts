/**
 * float32 matmul precision (setMatmulPrecision): "medium" multiplies bfloat16-rounded operands with
 * float32 accumulation on CPUs with native bf16 (info().bf16Matmul), forward and backward; "highest" is
 * plain float32; the Trainer applies train.matmulPrecision to its steps only.
 */
import { afterEach, describe, expect, it } from "vitest";
import {
  addmm,
  ArgumentError,
  ConfigError,
  info,
  linear,
  loadGraphForConfig,
  manualSeed,
  MATMUL_PRECISIONS,
  matmulPrecision,
  randn,
  resolveConfig,
  setMatmulPrecision,
  tensor,
  Trainer,
  type ConfigInput,
  type Tensor,
} from "../../src/index.js";
import { SMALL_TRAIN } from "../helpers/configs.js";
import { flat, itNoLeak } from "../helpers/native.js";

const bf16 = info().bf16Matmul;
if (!bf16) console.warn("SKIPPED (partly): this CPU has no native bfloat16, so 'medium' keeps float32 products; only that is checked");

afterEach(() => {
  setMatmulPrecision("highest");
});

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
/** float32 -> bfloat16 -> float32, round to nearest even (as LibTorch converts). */
function roundBf16(x: number): number {
  f32[0] = x;
  const b = u32[0]!;
  u32[0] = ((b + 0x7fff + ((b >>> 16) & 1)) & 0xffff0000) >>> 0;
  return f32[0];
}
/** A float32 tensor of the same shape with every value rounded to bfloat16. */
function rounded(t: Tensor): Tensor {
  return tensor(Float32Array.from(flat(t), roundBf16), { shape: t.shape });
}
const maxRelDiff = (a: number[], b: number[]) => Math.max(...a.map((x, i) => Math.abs(x - b[i]!) / Math.max(1e-3, Math.abs(b[i]!))));
const maxAbs = (a: number[]) => Math.max(...a.map(Math.abs));
const maxAbsDiff = (a: number[], b: number[]) => Math.max(...a.map((x, i) => Math.abs(x - b[i]!)));

describe("setMatmulPrecision", () => {
  it("defaults to highest, returns the previous setting, rejects unknown names", () => {
    expect(matmulPrecision()).toBe("highest");
    expect(MATMUL_PRECISIONS).toEqual(["highest", "high", "medium"]);
    expect(setMatmulPrecision("medium")).toBe("highest");
    expect(matmulPrecision()).toBe("medium");
    expect(setMatmulPrecision("high")).toBe("medium");
    expect(() => setMatmulPrecision("low" as never)).toThrow(ArgumentError);
    expect(() => setMatmulPrecision("low" as never)).toThrow(/highest, high, medium.*'low'/);
    expect(matmulPrecision()).toBe("high");
  });

  itNoLeak("medium: each product is the bfloat16-rounded product of bfloat16-rounded operands", () => {
    manualSeed(3);
    const x = randn([64, 48]),
      w = randn([40, 48]),
      b = randn([40]),
      m = randn([48, 40]),
      bm = randn([2, 40, 48]);
    const xe = x.unsqueeze(0).expand([2, 64, 48]);
    const products = () => ({
      linear: flat(linear(x, w, b)),
      matmul: flat(x.matmul(m)),
      mm: flat(x.mm(m)),
      addmm: flat(addmm(b, x, m, 0.5, 2)),
      bmm: flat(xe.bmm(bm.transpose(1, 2))),
    });
    const exact = products();
    // What oneDNN computes: operands rounded to bf16, float32 accumulation, the product stored as bf16;
    // the bias (linear, addmm) is then added in float32.
    const xr = rounded(x),
      mr = rounded(m);
    const bias = flat(b);
    const P = (t: Tensor) => flat(t).map(roundBf16);
    const mmP = P(xr.mm(mr));
    const linP = P(xr.mm(rounded(w).t()));
    const bmmP = P(rounded(xe).bmm(rounded(bm).transpose(1, 2)));
    const expected = {
      linear: linP.map((v, i) => v + bias[i % 40]!),
      matmul: mmP,
      mm: mmP,
      addmm: mmP.map((v, i) => 0.5 * bias[i % 40]! + 2 * v),
      bmm: bmmP,
    };
    // |the rounded product's contribution| per element (addmm scales it by alpha = 2)
    const magnitude = { linear: linP, matmul: mmP, mm: mmP, addmm: mmP.map((v) => 2 * v), bmm: bmmP };
    setMatmulPrecision("medium");
    const medium = products();
    for (const k of Object.keys(exact) as (keyof typeof exact)[]) {
      const target = bf16 ? expected[k] : exact[k];
      // Another float32 summation order can move a product across a bf16 rounding boundary: up to one
      // bf16 ulp (2^-8 relative to the product) per element; float32 products: summation order only.
      medium[k].forEach((v, i) => {
        const slack = bf16 ? 2 ** -7 * Math.abs(magnitude[k][i]!) : 1e-5 * Math.abs(target[i]!);
        expect(Math.abs(v - target[i]!), `${k}[${i}]`).toBeLessThanOrEqual(slack + 1e-5);
      });
      if (bf16) expect(maxAbsDiff(medium[k], exact[k]), `${k} differs from float32`).toBeGreaterThan(1e-4 * maxAbs(exact[k]));
    }
  });

  itNoLeak("medium: gradients are float32 and within bfloat16 error of the float32 ones", () => {
    manualSeed(4);
    const grads = (p: "highest" | "medium") => {
      setMatmulPrecision(p);
      const x = randn([32, 24]).setRequiresGrad(),
        w = randn([16, 24]).setRequiresGrad(),
        b = randn([16]).setRequiresGrad();
      const r = randn([16, 8]);
      linear(x, w, b).tanh().matmul(r).square().sum().backward();
      expect([x.grad!.dtype, w.grad!.dtype, b.grad!.dtype]).toEqual(["float32", "float32", "float32"]);
      return [flat(x.grad!), flat(w.grad!), flat(b.grad!)];
    };
    manualSeed(5);
    const hi = grads("highest");
    manualSeed(5);
    const med = grads("medium");
    for (let i = 0; i < 3; i++) {
      expect(maxAbsDiff(med[i]!, hi[i]!)).toBeLessThan(0.05 * maxAbs(hi[i]!));
      if (bf16) expect(maxRelDiff(med[i]!, hi[i]!)).toBeGreaterThan(0);
    }
  });

  itNoLeak("float64 products ignore the setting", () => {
    manualSeed(6);
    const x = randn([16, 16], { dtype: "float64" }),
      y = randn([16, 16], { dtype: "float64" });
    const a = flat(x.matmul(y));
    setMatmulPrecision("medium");
    expect(flat(x.matmul(y))).toEqual(a);
  });
});

describe("train.matmulPrecision", () => {
  const SMALL: ConfigInput = { ...SMALL_TRAIN, train: { epochs: 6, spectraEvery: 0, evalEvery: 0, checkpointEvery: 0 } };

  it("applies to training steps only and tracks the float32 losses", async () => {
    const losses = async (p: "highest" | "medium") => {
      const cfg = resolveConfig({ overrides: SMALL, set: [`train.matmulPrecision=${p}`] });
      expect(cfg.train.matmulPrecision).toBe(p);
      const trainer = new Trainer({ config: cfg, graph: await loadGraphForConfig(cfg) });
      try {
        const out: number[] = [];
        for (let e = 0; e < 6; e++) {
          out.push(trainer.step().loss);
          expect(matmulPrecision()).toBe("highest"); // restored after each step
        }
        return out;
      } finally {
        trainer.dispose();
      }
    };
    const hi = await losses("highest");
    const med = await losses("medium");
    expect(med.every(Number.isFinite)).toBe(true);
    expect(maxAbsDiff(med, hi)).toBeLessThan(0.05 * maxAbs(hi));
    if (bf16) expect(med).not.toEqual(hi);
  });

  it("config: the short flag and unknown values", () => {
    expect(resolveConfig({ flags: { "matmul-precision": "medium" } }).train.matmulPrecision).toBe("medium");
    expect(resolveConfig({}).train.matmulPrecision).toBe("highest");
    expect(() => resolveConfig({ set: ["train.matmulPrecision=low"] })).toThrow(ConfigError);
    expect(() => resolveConfig({ set: ["train.matmulPrecision=low"] })).toThrow(/highest.*high.*medium/);
  });
});
