import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Adam, AdamW, memory, noGrad, type Optimizer, optimizerMemory, randn, SGD, type Tensor, tensor, tidy, WerankError, zeros } from "../../src/index.js";
import { callsOf } from "./native-calls.js";

const here = path.dirname(fileURLToPath(import.meta.url));
interface Golden {
  shapes: Record<string, number[]>;
  lrs: number[];
  noGrad: Record<string, number[]>;
  init: Record<string, number[]>;
  grads: Record<string, number[]>[];
  configs: Record<
    string,
    {
      kind: "Adam" | "AdamW" | "SGD";
      options: Record<string, number | boolean | number[]>;
      float64: { history: Record<string, number[]>[]; state: Record<string, Record<string, number | number[]>> };
      float32: { history: Record<string, number[]>[]; state: Record<string, Record<string, number | number[]>> };
    }
  >;
}
const golden = JSON.parse(fs.readFileSync(path.join(here, "../fixtures/optim/golden.json"), "utf8")) as Golden;
const NAMES = Object.keys(golden.shapes);

function makeOptimizer(kind: string, options: Record<string, unknown>, params: Tensor[], lr: number): Optimizer {
  const o = options as { betas?: [number, number]; eps?: number; weight_decay?: number; momentum?: number; dampening?: number; nesterov?: boolean };
  if (kind === "Adam") return new Adam(params, { lr, betas: o.betas, eps: o.eps, weightDecay: o.weight_decay });
  if (kind === "AdamW") return new AdamW(params, { lr, betas: o.betas, eps: o.eps, weightDecay: o.weight_decay });
  return new SGD(params, { lr, momentum: o.momentum, dampening: o.dampening, weightDecay: o.weight_decay, nesterov: o.nesterov });
}

function maxRelErr(actual: ArrayLike<number>, expected: readonly number[]): number {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    worst = Math.max(worst, Math.abs(actual[i]! - e) / Math.max(1e-3, Math.abs(e)));
  }
  return worst;
}

/** Sets `.grad` of p to g by backward of sum(p * g) (a leaf gets exactly g); disposes g. */
function setGrad(p: Tensor, g: Tensor): void {
  tidy(() => p.mul(g).sum().backward());
  g.dispose();
}

let base: number;
beforeEach(() => {
  base = memory().tensors;
});
afterEach(() => {
  expect(memory().tensors).toBe(base);
  expect(optimizerMemory().optimizers).toBe(0);
});

describe("fused optimizers match torch.optim (golden values from test/fixtures/optim/golden.py)", () => {
  for (const [key, cfg] of Object.entries(golden.configs)) {
    for (const dtype of ["float64", "float32"] as const) {
      it(`${key} (${cfg.kind}) in ${dtype}: ${golden.lrs.length} steps with a changing lr and a parameter without grad`, () => {
        const params = NAMES.map((n) => tensor(Float64Array.from(golden.init[n]!), { shape: golden.shapes[n], dtype, requiresGrad: true }));
        const opt = makeOptimizer(cfg.kind, cfg.options, params, golden.lrs[0]!);
        const tol = dtype === "float64" ? 1e-12 : 2e-6;
        golden.lrs.forEach((lr, step) => {
          opt.zeroGrad();
          NAMES.forEach((n, k) => {
            if (golden.noGrad[n]?.includes(step)) return;
            setGrad(params[k]!, tensor(Float64Array.from(golden.grads[step]![n]!), { shape: golden.shapes[n], dtype }));
          });
          opt.lr = lr;
          const updated = opt.step();
          expect(updated).toBe(NAMES.filter((n) => !golden.noGrad[n]?.includes(step)).length);
          NAMES.forEach((n, k) => {
            const got = params[k]!.toTypedArray() as Float64Array;
            expect(maxRelErr(got, cfg[dtype].history[step]![n]!), `${n} after step ${step}`).toBeLessThan(tol);
          });
        });
        // The state matches torch's too (names, step counts, moments / buffers).
        const sd = opt.stateDict();
        NAMES.forEach((n, k) => {
          const want = cfg[dtype].state[n]!;
          if (want.step !== undefined) expect(sd.scalars.steps[k]).toBe(want.step);
          for (const slot of ["exp_avg", "exp_avg_sq", "momentum_buffer"]) {
            const t = sd.tensors[`state.${k}.${slot}`];
            if (want[slot] === undefined) expect(t).toBeUndefined();
            else expect(maxRelErr(t!.toTypedArray() as Float64Array, want[slot] as number[])).toBeLessThan(tol);
          }
        });
        for (const t of Object.values(sd.tensors)) t.dispose();
        opt.dispose();
        for (const p of params) {
          p.zeroGrad();
          p.dispose();
        }
      });
    }
  }
});

/** A BGRL-like parameter list: GCN 767->512->256 with BN + PReLU, predictor 256->512->256. */
function bgrlParams(): Tensor[] {
  const shapes = [[512, 767], [512], [512], [512], [1], [256, 512], [256], [256], [256], [1], [512, 256], [512], [1], [256, 512], [256]];
  return shapes.map((s) => tidy(() => randn(s).mul(0.01)).setRequiresGrad(true));
}

describe("one native call per step", () => {
  it("step(), zeroGrad() are each exactly one N-API call for 3 or 15 parameters", () => {
    const few = bgrlParams();
    for (const p of few.splice(3)) p.dispose();
    for (const params of [few, bgrlParams()]) {
      for (const make of [(p: Tensor[]) => new Adam(p), (p: Tensor[]) => new AdamW(p), (p: Tensor[]) => new SGD(p, { lr: 0.1, momentum: 0.9 })]) {
        const opt = make(params);
        tidy(() => params.reduce((acc: Tensor | null, p) => (acc === null ? p.square().sum() : acc.add(p.square().sum())), null)!.backward());
        opt.lr = 0.01;
        let updated = 0;
        expect(callsOf(() => (updated = opt.step()))).toBe(1);
        expect(updated).toBe(params.length);
        expect(callsOf(() => opt.zeroGrad())).toBe(1);
        opt.dispose();
      }
      for (const p of params) p.dispose();
    }
  });
});

describe("optimizer behaviour", () => {
  it("skips parameters without a gradient and creates their state lazily", () => {
    const a = tensor([1, 2], { requiresGrad: true });
    const b = tensor([3, 4], { requiresGrad: true });
    const opt = new Adam([a, b], { lr: 0.1 });
    setGrad(a, tensor([1, 1]));
    expect(opt.step()).toBe(1);
    expect(b.toArray()).toEqual([3, 4]);
    // First Adam step moves by lr * sign(g) (bias-corrected m / sqrt(v) = 1 up to eps).
    const av = a.toTypedArray();
    expect(av[0]).toBeCloseTo(0.9, 6);
    expect(av[1]).toBeCloseTo(1.9, 6);
    const sd = opt.stateDict();
    expect(Object.keys(sd.tensors).sort()).toEqual(["state.0.exp_avg", "state.0.exp_avg_sq"]);
    expect(sd.scalars.steps).toEqual([1, 0]);
    expect(optimizerMemory().stateTensors).toBe(2);
    for (const t of Object.values(sd.tensors)) t.dispose();
    opt.dispose();
    a.zeroGrad();
    for (const t of [a, b]) t.dispose();
  });

  it("zeroGrad drops gradients, or zeroes them with setToNone: false", () => {
    const a = tensor([1, 2], { requiresGrad: true });
    const opt = new SGD([a], { lr: 1 });
    setGrad(a, tensor([5, 6]));
    opt.zeroGrad({ setToNone: false });
    const g = a.grad!;
    expect(g.toArray()).toEqual([0, 0]);
    g.dispose();
    opt.zeroGrad();
    expect(a.grad).toBeNull();
    opt.dispose();
    a.dispose();
  });

  it("SGD: plain update p - lr * g, exactly", () => {
    const a = tensor([1, 2, 3], { dtype: "float64", requiresGrad: true });
    const opt = new SGD([a], { lr: 0.5 });
    setGrad(a, tensor([2, 4, 8], { dtype: "float64" }));
    opt.step();
    expect(a.toArray()).toEqual([0, 0, -1]);
    opt.dispose();
    a.zeroGrad();
    a.dispose();
  });

  it("loadStateDict resumes exactly where the original left off", () => {
    const mk = () => [tensor(Float64Array.from([0.1, -0.2, 0.3, 0.4]), { shape: [2, 2], requiresGrad: true }), tensor(Float64Array.from([1, -1]), { requiresGrad: true })];
    const grads = (s: number) => [tensor(Float64Array.from([s, -s, 0.5, 1]), { shape: [2, 2] }), tensor(Float64Array.from([0.1 * s, 2]))];
    const run = (params: Tensor[], opt: Optimizer, from: number, to: number) => {
      for (let s = from; s < to; s++) {
        opt.zeroGrad();
        const gs = grads(s + 1);
        params.forEach((p, i) => setGrad(p, gs[i]!.to(p.dtype))); // to() of the same dtype is a new handle too
        for (const g of gs) g.dispose();
        opt.lr = 0.01 * (s + 1);
        opt.step();
      }
    };
    for (const make of [(p: Tensor[]) => new AdamW(p, { weightDecay: 0.1 }), (p: Tensor[]) => new SGD(p, { lr: 0.1, momentum: 0.9, nesterov: true })]) {
      const p1 = mk();
      const o1 = make(p1);
      run(p1, o1, 0, 3);
      const sd = o1.stateDict();
      const p2 = p1.map((p) => tidy(() => p.detach().clone()).setRequiresGrad(true));
      const o2 = make(p2);
      o2.loadStateDict(sd);
      expect(o2.lr).toBeCloseTo(0.03, 12);
      run(p1, o1, 3, 6);
      run(p2, o2, 3, 6);
      p1.forEach((p, i) => expect(p2[i]!.toArray()).toEqual(p.toArray()));
      for (const t of Object.values(sd.tensors)) t.dispose();
      o1.dispose();
      o2.dispose();
      for (const p of [...p1, ...p2]) {
        p.zeroGrad();
        p.dispose();
      }
    }
  });

  it("loadStateDict refuses mismatched state with ERR_DATA / ERR_SHAPE and changes nothing", () => {
    const a = tensor([1, 2], { requiresGrad: true });
    const opt = new Adam([a]);
    const sgd = new SGD([a], { lr: 1 });
    const wrongKind = sgd.stateDict();
    expect(() => opt.loadStateDict(wrongKind)).toThrow(/state of a Adam optimizer/);
    const bad = zeros([3]);
    const err = (() => {
      try {
        opt.loadStateDict({ tensors: { "state.0.exp_avg": bad, "state.0.exp_avg_sq": bad }, scalars: { kind: "Adam", hyper: opt.hyper, steps: [1] } });
      } catch (e) {
        return e as WerankError;
      }
    })();
    expect(err?.code).toBe("ERR_SHAPE");
    expect(() => opt.loadStateDict({ tensors: { "state.0.exp_avg": bad }, scalars: { kind: "Adam", hyper: opt.hyper, steps: [1, 2] } })).toThrow(WerankError);
    expect(() => opt.loadStateDict({ tensors: { "state.7.exp_avg": bad }, scalars: { kind: "Adam", hyper: opt.hyper, steps: [1] } })).toThrow(/parameter 7/);
    expect(() => opt.loadStateDict({ tensors: { "state.0.foo": bad }, scalars: { kind: "Adam", hyper: opt.hyper, steps: [1] } })).toThrow(/unexpected tensor/);
    expect(opt.stateDict().scalars.steps).toEqual([0]);
    bad.dispose();
    opt.dispose();
    sgd.dispose();
    a.dispose();
  });

  it("validates construction and hyper-parameters with WerankErrors", () => {
    const a = tensor([1, 2], { requiresGrad: true });
    const noGradT = tensor([1, 2]);
    const codeOf = (f: () => unknown): string | undefined => {
      try {
        f();
      } catch (e) {
        return (e as WerankError).code;
      }
      return undefined;
    };
    expect(codeOf(() => new Adam([a], { lr: -1 }))).toBe("ERR_CONFIG");
    expect(codeOf(() => new Adam([a], { betas: [1, 0.9] }))).toBe("ERR_CONFIG");
    expect(codeOf(() => new SGD([a], { lr: 0.1, nesterov: true }))).toBe("ERR_CONFIG");
    expect(codeOf(() => new SGD([a], {} as never))).toBe("ERR_CONFIG");
    expect(codeOf(() => new Adam([noGradT]))).toBe("ERR_ARGUMENT");
    expect(codeOf(() => new Adam([a, a]))).toBe("ERR_ARGUMENT");
    const nonLeaf = tidy(() => a.mul(2));
    expect(codeOf(() => new Adam([nonLeaf]))).toBe("ERR_ARGUMENT");
    expect(codeOf(() => new Adam([1 as never]))).toBe("ERR_ARGUMENT");
    const opt = new Adam([a]);
    expect(codeOf(() => (opt.lr = Number.NaN))).toBe("ERR_CONFIG");
    opt.dispose();
    opt.dispose(); // idempotent
    expect(codeOf(() => opt.step())).toBe("ERR_DISPOSED");
    for (const t of [a, noGradT, nonLeaf]) t.dispose();
  });

  it("bumps the parameter's version, so autograd sees the in-place update", () => {
    const a = tensor([1, 2], { requiresGrad: true });
    const opt = new SGD([a], { lr: 1 });
    // A graph that saved `a` must notice an in-place update, as with PyTorch's optimizers.
    const y = tidy(() => a.mul(a).sum());
    setGrad(a, tensor([1, 1]));
    opt.step();
    expect(() => y.backward()).toThrow(WerankError);
    y.dispose();
    opt.dispose();
    a.zeroGrad();
    a.dispose();
  });

  it("fused and ATen paths agree (a non-contiguous parameter takes the ATen path)", () => {
    const base64 = Float64Array.from({ length: 12 }, (_, i) => Math.sin(i));
    const g64 = Float64Array.from({ length: 12 }, (_, i) => Math.cos(2 * i));
    const contiguous = tensor(base64, { shape: [3, 4], requiresGrad: true });
    // A leaf that is a transposed (non-contiguous) view: built from a detached transpose.
    const strided = tidy(() =>
      tensor(base64, { shape: [4, 3] })
        .t()
        .detach(),
    ).setRequiresGrad(true);
    expect(strided.isContiguous()).toBe(false);
    noGrad(() => strided.copy_(contiguous));
    const o1 = new AdamW([contiguous], { weightDecay: 0.1, lr: 0.05 });
    const o2 = new AdamW([strided], { weightDecay: 0.1, lr: 0.05 });
    for (let s = 0; s < 3; s++) {
      for (const [p, o] of [
        [contiguous, o1],
        [strided, o2],
      ] as const) {
        o.zeroGrad();
        setGrad(
          p,
          tidy(() => tensor(g64, { shape: [3, 4] }).mul(s + 1)),
        );
        o.step();
      }
    }
    const x = contiguous.toTypedArray() as Float32Array;
    const y = strided.toTypedArray() as Float32Array;
    for (let i = 0; i < 12; i++) expect(Math.abs(x[i]! - y[i]!)).toBeLessThan(1e-6);
    o1.dispose();
    o2.dispose();
    for (const t of [contiguous, strided]) {
      t.zeroGrad();
      t.dispose();
    }
  });
});
