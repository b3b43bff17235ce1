import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { eye, memory, randn, type Tensor, tensor, tidy, WERank, werank, type WerankError } from "../../src/index.js";
import { groupOf } from "../../src/regularizers/werank.js";
import { callsOf } from "./native-calls.js";

const f64 = { dtype: "float64" as const };
let base: number;
beforeEach(() => {
  base = memory().tensors;
});
afterEach(() => {
  expect(memory().tensors).toBe(base);
});

/** A float64 leaf with seeded-ish values (closed form, no RNG). */
function weight(rows: number, cols: number, scale = 0.3, phase = 0): Tensor {
  const v = Float64Array.from({ length: rows * cols }, (_, i) => scale * Math.sin(1.7 * i + phase) + 0.05 * Math.cos(0.3 * i * i));
  return tensor(v, { shape: [rows, cols], requiresGrad: true });
}

/** G - I by façade tensor ops, with G the smaller Gram. */
function directDiff(w: Tensor): Tensor {
  const [r, c] = w.shape as [number, number];
  const g = r <= c ? w.matmul(w.t()) : w.t().matmul(w);
  return g.sub(eye(Math.min(r, c), Math.min(r, c), f64));
}

function maxAbsDiff(a: Tensor, b: Tensor): number {
  return tidy(() => a.sub(b).abs().max().item());
}

describe("werank native op", () => {
  it("is 0 for orthonormal weights (QR), tall, wide and square, plain and squared", () => {
    for (const [r, c] of [
      [7, 3],
      [3, 7],
      [5, 5],
    ] as const) {
      tidy(() => {
        const q = randn([Math.max(r, c), Math.min(r, c)], f64).qr().Q; // orthonormal columns
        const w = (r >= c ? q : q.t()).contiguous();
        for (const squared of [false, true]) {
          const { loss, perLayer } = werank([w], [1], { squared });
          expect(Math.abs(loss.item())).toBeLessThan(1e-6);
          expect(Math.abs((perLayer.toTypedArray() as Float64Array)[0]!)).toBeLessThan(1e-6);
        }
        // float32 too
        const { loss } = werank([w.to("float32")], [1]);
        expect(Math.abs(loss.item())).toBeLessThan(1e-6);
      });
    }
  });

  it("equals the direct tensor-op computation (value), wide and tall", () => {
    const ws = [weight(4, 9), weight(9, 4, 0.2, 1)];
    tidy(() => {
      const plain = werank(ws, [1, 1]);
      const squared = werank(ws, [1, 1], { squared: true });
      const pl = plain.perLayer.toTypedArray() as Float64Array;
      const sq = squared.perLayer.toTypedArray() as Float64Array;
      ws.forEach((w, i) => {
        const d = directDiff(w);
        const fro = d.square().sum().sqrt().item();
        expect(pl[i]).toBeCloseTo(fro, 12);
        expect(sq[i]).toBeCloseTo(fro * fro, 10);
      });
      expect(plain.loss.item()).toBeCloseTo(pl[0]! + pl[1]!, 12);
      expect(plain.perLayer.dtype).toBe("float64");
      expect(plain.perLayer.requiresGrad).toBe(false);
      expect(plain.loss.requiresGrad).toBe(true);
    });
    for (const w of ws) w.dispose();
  });

  it("gradient matches the closed forms in float64 (squared: 4 W D / 4 D W; plain: 2 W D / ||D||, 2 D W / ||D||)", () => {
    for (const [r, c] of [
      [9, 4],
      [4, 9],
    ] as const) {
      const w = weight(r, c);
      const tall = r > c;
      for (const squared of [true, false]) {
        tidy(() => werank([w], [1], { squared }).loss.backward());
        const g = w.grad!;
        tidy(() => {
          const d = directDiff(w.detach());
          const wd = w.detach();
          let want = tall ? wd.matmul(d) : d.matmul(wd);
          want = squared ? want.mul(4) : want.mul(2).div(d.square().sum().sqrt());
          expect(maxAbsDiff(g, want)).toBeLessThan(1e-12);
        });
        g.dispose();
        w.zeroGrad();
      }
      w.dispose();
    }
  });

  it("gradient matches central finite differences (float64)", () => {
    const w = weight(3, 5, 0.5, 2);
    tidy(() => werank([w], [0.7]).loss.backward());
    const g = tidy(() => w.grad!.toTypedArray() as Float64Array);
    const v = w.toTypedArray() as Float64Array;
    const h = 1e-6;
    for (const i of [0, 4, 7, 14]) {
      const at = (delta: number): number =>
        tidy(() => {
          const vv = Float64Array.from(v);
          vv[i]! += delta;
          return werank([tensor(vv, { shape: [3, 5] })], [0.7]).loss.item();
        });
      expect(g[i]).toBeCloseTo((at(h) - at(-h)) / (2 * h), 7);
    }
    w.zeroGrad();
    w.dispose();
  });

  it("weights layers by their alphas (value and gradient; alpha 0 gives no gradient)", () => {
    const ws = [weight(4, 6), weight(6, 3, 0.4, 1), weight(5, 5, 0.2, 2)];
    const alphas = [0.5, 2, 0];
    tidy(() => {
      const { loss, perLayer } = werank(ws, alphas, { squared: true });
      const p = perLayer.toTypedArray() as Float64Array;
      expect(loss.item()).toBeCloseTo(0.5 * p[0]! + 2 * p[1]!, 10);
      loss.backward();
    });
    const g = ws.map((w) => w.grad!);
    tidy(() => {
      // Layer 1 alone with alpha 1: its gradient scaled by 2 must equal the combined one.
      const other = ws[1]!.detach().clone().setRequiresGrad(true);
      werank([other], [1], { squared: true }).loss.backward();
      expect(maxAbsDiff(g[1]!, other.grad!.mul(2))).toBeLessThan(1e-12);
      expect(g[2]!.abs().max().item()).toBe(0);
    });
    for (const t of [...g, ...ws]) {
      t.zeroGrad();
      t.dispose();
    }
  });

  it("gram 'wtw' (the paper's literal W^T W): squared value shifts by |in - out| with identical gradients", () => {
    const w = weight(3, 8); // wide: W^T W is 8x8, the larger Gram
    tidy(() => {
      const small = werank([w], [1], { squared: true });
      const large = werank([w], [1], { squared: true, gram: "wtw" });
      expect(large.loss.item() - small.loss.item()).toBeCloseTo(8 - 3, 9);
      small.loss.backward();
    });
    const g1 = w.grad!;
    w.zeroGrad();
    tidy(() => werank([w], [1], { squared: true, gram: "wtw" }).loss.backward());
    const g2 = w.grad!;
    expect(maxAbsDiff(g1, g2)).toBeLessThan(1e-12);
    // The plain norms differ: sqrt(S + d) against sqrt(S).
    tidy(() => {
      const s = werank([w], [1], { squared: true }).loss.item();
      expect(werank([w], [1], { gram: "wtw" }).loss.item()).toBeCloseTo(Math.sqrt(s + 5), 10);
    });
    for (const t of [g1, g2, w]) {
      t.zeroGrad();
      t.dispose();
    }
  });

  it("gram 'wwt' is W W^T [out, out] for every shape: the smaller Gram when wide, the larger (sqrt(out - in) floor) when tall", () => {
    const wide = weight(3, 8);
    const tall = weight(8, 3, 0.3, 1);
    tidy(() => {
      // wide: W W^T is the smaller Gram, so wwt equals the default
      expect(werank([wide], [1], { gram: "wwt" }).loss.item()).toBeCloseTo(werank([wide], [1]).loss.item(), 12);
      // tall: W W^T [8, 8] = the direct composition; the squared value exceeds the smaller Gram's by out - in = 5
      const direct = tall
        .matmul(tall.t())
        .sub(eye(8, 8, f64))
        .square()
        .sum()
        .item();
      const wwt = werank([tall], [1], { gram: "wwt", squared: true });
      expect(wwt.loss.item()).toBeCloseTo(direct, 10);
      expect(wwt.loss.item() - werank([tall], [1], { squared: true }).loss.item()).toBeCloseTo(5, 9);
      expect((wwt.perLayer.toTypedArray() as Float64Array)[0]).toBeCloseTo(direct, 10);
    });
    const reg = new WERank([tall], { gram: "wwt" });
    expect(reg.gram).toBe("wwt");
    expect(() => werank([tall], [1], { gram: "wTw" as never })).toThrow(/Valid choices: smaller, wtw, wwt/);
    wide.dispose();
    tall.dispose();
  });

  it("plain norm: gradient 0 at an exactly semi-orthogonal weight, finite next to it", () => {
    // [I; 0] (tall) and [I 0] (wide) are exactly semi-orthogonal: D = 0 and the norm's gradient is
    // defined as 0 there. A QR factor is orthonormal only up to rounding: D ~ 1e-16, where the
    // plain norm's gradient 2 W D / ||D|| keeps its size (the minimum is not smooth), but is finite.
    const exact = [tensor(Float64Array.from([1, 0, 0, 1, 0, 0]), { shape: [3, 2], requiresGrad: true }), tensor(Float64Array.from([1, 0, 0, 0, 1, 0]), { shape: [2, 3], requiresGrad: true })];
    for (const w of exact) {
      tidy(() => werank([w], [1]).loss.backward());
      const g = w.grad!;
      expect(tidy(() => g.abs().max().item())).toBe(0);
      g.dispose();
      w.zeroGrad();
      w.dispose();
    }
    const q = tidy(() => randn([6, 6], f64).qr().Q.contiguous()).setRequiresGrad(true);
    tidy(() => werank([q], [1]).loss.backward());
    const g = q.grad!;
    expect(tidy(() => g.isfinite().all().item())).toBe(1);
    g.dispose();
    q.zeroGrad();
    q.dispose();
  });

  it("treats kernels with more dims as [out, in * k] matrices", () => {
    const w = tensor(
      Float64Array.from({ length: 24 }, (_, i) => Math.cos(i)),
      { shape: [2, 3, 4] },
    );
    tidy(() => {
      const a = werank([w], [1]).loss.item();
      const b = werank([w.reshape(2, 12)], [1]).loss.item();
      expect(a).toBeCloseTo(b, 12);
    });
    w.dispose();
  });

  it("is one native call for 2 or 6 weights", () => {
    for (const n of [2, 6]) {
      const ws = Array.from({ length: n }, (_, i) => weight(4 + i, 6, 0.3, i));
      const alphas = ws.map(() => 1);
      tidy(() => {
        expect(callsOf(() => werank(ws, alphas))).toBe(1);
        const reg = new WERank(ws);
        expect(callsOf(() => reg.compute())).toBe(1);
      });
      for (const w of ws) w.dispose();
    }
  });

  it("rejects biases, mismatched alphas and empty lists with WerankErrors", () => {
    const b = tensor([1, 2, 3], f64);
    const w = weight(2, 3);
    const code = (f: () => unknown) => {
      try {
        tidy(f);
      } catch (e) {
        return (e as WerankError).code;
      }
    };
    expect(code(() => werank([b], [1]))).toBe("ERR_SHAPE");
    expect(code(() => werank([w], [1, 2]))).toBe("ERR_ARGUMENT");
    expect(code(() => werank([], []))).toBe("ERR_ARGUMENT");
    expect(code(() => werank([w], [-1]))).toBe("ERR_CONFIG");
    expect(code(() => werank([w], [1], { gram: "WtW" as never }))).toBe("ERR_CONFIG");
    expect(code(() => new WERank([b]))).toBe("ERR_ARGUMENT");
    for (const t of [b, w]) t.dispose();
  });
});

describe("WERank regularizer", () => {
  it("picks weight matrices of a module by group with per-group and per-name alphas", () => {
    const params: [string, Tensor][] = [
      ["onlineEncoder.layers.0.weight", weight(6, 4)],
      ["onlineEncoder.layers.0.bias", tensor([1, 2, 3, 4, 5, 6], { ...f64, requiresGrad: true })],
      ["onlineEncoder.layers.1.weight", weight(3, 6, 0.2, 1)],
      ["predictor.0.weight", weight(5, 3, 0.2, 2)],
      ["projector.0.weight", weight(3, 3, 0.2, 3)],
      ["targetEncoder.layers.0.weight", weight(6, 4)], // requiresGrad false below: not trained, not regularized
    ];
    params[5]![1].setRequiresGrad(false);
    const module = { namedParameters: () => params };
    expect(groupOf("onlineEncoder.layers.0.weight")).toBe("encoder");
    expect(groupOf("model.predictor.0.weight")).toBe("predictor");
    expect(groupOf("head.weight")).toBeUndefined();

    const reg = WERank.fromModule(module, { groups: ["encoder", "predictor"], alpha: { encoder: 2, "onlineEncoder.layers.1.weight": 0.5 } }, { squared: true });
    expect(reg.names).toEqual(["onlineEncoder.layers.0.weight", "onlineEncoder.layers.1.weight", "predictor.0.weight"]);
    expect(reg.alphas).toEqual([2, 0.5, 1]);
    tidy(() => {
      const { loss, perLayer } = reg.compute();
      const rec = reg.perLayerRecord(perLayer);
      expect(Object.keys(rec)).toEqual(reg.names);
      expect(loss.item()).toBeCloseTo(2 * rec["onlineEncoder.layers.0.weight"]! + 0.5 * rec["onlineEncoder.layers.1.weight"]! + rec["predictor.0.weight"]!, 10);
    });
    const all = WERank.fromModule(module);
    expect(all.names).toHaveLength(4);
    const fn = WERank.fromModule(module, { alpha: (name) => (name.startsWith("projector") ? 3 : 1) });
    expect(fn.alphas).toEqual([1, 1, 1, 3]);
    expect(() => WERank.fromModule(module, { groups: ["encodr" as never] })).toThrow(/did you mean 'encoder'/);
    expect(() => WERank.fromModule({ namedParameters: () => [params[1]!] })).toThrow(/found none/);
    for (const [, t] of params) t.dispose();
  });

  it("fromModule takes weight matrices only: GAT attention vectors [1, H, C] are left alone unless parameters: 'all'", () => {
    const params: [string, Tensor][] = [
      ["encoder.convs.0.lin.weight", weight(6, 4)],
      [
        "encoder.convs.0.att_src",
        tensor(
          Float64Array.from({ length: 6 }, (_, i) => 0.1 * i),
          { shape: [1, 1, 6], requiresGrad: true },
        ),
      ],
      [
        "encoder.convs.0.att_dst",
        tensor(
          Float64Array.from({ length: 6 }, (_, i) => 0.2 * i),
          { shape: [1, 1, 6], requiresGrad: true },
        ),
      ],
      ["encoder.convs.0.bias", tensor([1, 2, 3, 4, 5, 6], { ...f64, requiresGrad: true })],
    ];
    const module = { namedParameters: () => params };
    expect(WERank.fromModule(module).names).toEqual(["encoder.convs.0.lin.weight"]);
    expect(WERank.fromModule(module, { parameters: "all" }).names).toEqual(["encoder.convs.0.lin.weight", "encoder.convs.0.att_src", "encoder.convs.0.att_dst"]);
    expect(() => WERank.fromModule(module, { parameters: "some" as never })).toThrow(/Valid choices: weights, all/);
    for (const [, t] of params) t.dispose();
  });

  it("works from a plain list of tensors", () => {
    const ws = [weight(3, 5), weight(5, 2, 0.1, 1)];
    const reg = new WERank(ws, { alpha: 0.1 });
    expect(reg.names).toEqual(["weight.0", "weight.1"]);
    tidy(() => {
      const { loss } = reg.compute();
      const direct = werank(ws, [0.1, 0.1]).loss;
      expect(loss.item()).toBeCloseTo(direct.item(), 14);
    });
    for (const w of ws) w.dispose();
  });

  it("scale 'width' trains alpha_l / min(out, in) per layer (one alpha for layers of different widths)", () => {
    tidy(() => {
      const a = weight(4, 6);
      const b = weight(9, 3, 0.2, 1);
      const plain = new WERank(
        [
          { name: "a", tensor: a },
          { name: "b", tensor: b },
        ],
        { alpha: 0.6 },
      );
      const byWidth = new WERank(
        [
          { name: "a", tensor: a },
          { name: "b", tensor: b },
        ],
        { alpha: 0.6, scale: "width" },
      );
      expect(byWidth.scale).toBe("width");
      expect(byWidth.alphas).toEqual([0.6 / 4, 0.6 / 3]);
      const terms = plain.compute().perLayer.toTypedArray() as Float64Array; // ||G_l - I||_F, unweighted
      const expected = (0.6 * terms[0]!) / 4 + (0.6 * terms[1]!) / 3;
      expect(plain.compute().loss.item()).toBeCloseTo(0.6 * (terms[0]! + terms[1]!), 12);
      expect(byWidth.compute().loss.item()).toBeCloseTo(expected, 12);
      expect(() => new WERank([a], { scale: "depth" as never })).toThrow(/WERank scale/);
    });
  });
});
