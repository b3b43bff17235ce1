/** Elementwise ops: arithmetic with broadcasting and PyTorch's dtype promotion, math, activations, where, comparisons. */
import { describe, expect } from "vitest";
import { noGrad, ones, tensor, where, zeros } from "../../src/index.js";
import { expectClose, expectError, expectValues, itNoLeak } from "../helpers/native.js";

const i32 = (...v: number[]) => tensor(new Int32Array(v));

describe("arithmetic and dtype promotion", () => {
  itNoLeak("add/sub with tensors, scalars and alpha", () => {
    const a = tensor([1, 2, 3]);
    const b = tensor([10, 20, 30]);
    expectValues(a.add(b), [11, 22, 33]);
    expectValues(a.add(b, 2), [21, 42, 63]);
    expectValues(a.add(1), [2, 3, 4]);
    expectValues(a.add(1, 3), [4, 5, 6]);
    expectValues(b.sub(a), [9, 18, 27]);
    expectValues(b.sub(a, 0.5), [9.5, 19, 28.5]);
    expectValues(a.sub(1), [0, 1, 2]);
    expectValues(a.sub(1, -2), [3, 4, 5]);
    expectValues(a.rsub(10), [9, 8, 7]);
  });
  itNoLeak("mul, div, rdiv, pow (tensor and scalar exponents)", () => {
    const a = tensor([1, 2, 4]);
    expectValues(a.mul(tensor([2, 3, 0.5])), [2, 6, 2]);
    expectValues(a.mul(-1), [-1, -2, -4]);
    expectValues(a.div(tensor([2, 4, 8])), [0.5, 0.5, 0.5]);
    expectValues(a.div(2), [0.5, 1, 2]);
    expectValues(a.rdiv(8), [8, 4, 2]);
    expectValues(a.pow(2), [1, 4, 16]);
    expectValues(a.pow(tensor([0, 1, 0.5])), [1, 2, 2]);
    expectValues(tensor([1, 0]).div(0), [Infinity, NaN]);
  });
  itNoLeak("broadcasting: [2,1] with [3], row and column vectors, scalars as 0-d tensors", () => {
    expectValues(tensor([[1], [2]]).add(tensor([10, 20, 30])), [
      [11, 21, 31],
      [12, 22, 32],
    ]);
    expectValues(
      tensor([
        [1, 2],
        [3, 4],
      ]).mul(tensor([[10], [100]])),
      [
        [10, 20],
        [300, 400],
      ],
    );
    expectValues(
      tensor([
        [1, 2],
        [3, 4],
      ]).sub(tensor(1)),
      [
        [0, 1],
        [2, 3],
      ],
    );
    expect(zeros([2, 1, 3]).add(zeros([4, 1])).shape).toEqual([2, 4, 3]);
  });
  itNoLeak("promotion: int32 + float32 -> float32, int + 2.5 -> float32, int + int -> int", () => {
    expectValues(i32(1, 2).add(tensor([0.5, 0.25])), [1.5, 2.25], "float32");
    expectValues(i32(1, 2).add(2.5), [3.5, 4.5], "float32");
    expectValues(i32(1, 2).mul(2), [2, 4], "int32");
    expectValues(i32(1, 2).add(i32(3, 4)), [4, 6], "int32");
    expectValues(i32(1, 2).add(tensor([1, 1], { dtype: "int64" })), [2, 3], "int64");
    expectValues(tensor([1], { dtype: "float64" }).add(tensor([1])), [2], "float64");
    expectValues(i32(3, 4).div(2), [1.5, 2], "float32"); // true division
    expectValues(i32(4).pow(0.5), [2], "float32");
    expectValues(tensor(new BigInt64Array([5n])).sub(0.5), [4.5], "float32");
  });
  itNoLeak("non-integral scalars: NaN, ±Infinity and -0 are floating scalars", () => {
    expectValues(i32(1, 2).mul(NaN), [NaN, NaN], "float32");
    expectValues(i32(1).add(Infinity), [Infinity], "float32");
    expectValues(i32(1).sub(-Infinity), [Infinity], "float32");
    expectValues(i32(1).add(2 ** 60), [2 ** 60], "float32");
    expect(Object.is((tensor([1]).mul(-0).toArray() as number[])[0], -0)).toBe(true);
  });
  itNoLeak("uint8 / int8 typed arrays: wrap-around stays in dtype, mixing promotes to int16", () => {
    expectValues(tensor(new Uint8Array([250, 3])).add(10), [4, 13], "uint8");
    expectValues(tensor(new Uint8Array([250, 3])).add(0.5), [250.5, 3.5], "float32");
    expectValues(tensor(new Int8Array([-3, 3])).abs(), [3, 3], "int8");
    expectValues(tensor(new Int8Array([-3, 3])).mul(tensor([0.5, 2])), [-1.5, 6], "float32");
    expectValues(tensor(new Uint8Array([250, 3])).add(tensor(new Int8Array([-3, 3]))), [247, 6], "int16");
  });
  itNoLeak("bool arithmetic and comparisons", () => {
    const t = tensor([true, false, true]);
    expectValues(t.add(tensor([true, true, false])), [true, true, true], "bool");
    expectValues(t.add(1), [2, 1, 2], "int64");
    expectValues(t.mul(tensor([2, 3, 4])), [2, 0, 4], "float32");
    expectValues(t.eq(tensor([true, true, true])), [true, false, true], "bool");
    expectValues(t.logicalNot(), [false, true, false]);
    expectValues(t.logicalAnd(tensor([true, true, false])), [true, false, false]);
    expectValues(t.logicalOr(tensor([false, false, false])), [true, false, true]);
    expectValues(t.sum(), 2, "int64");
  });
  itNoLeak("maximum, minimum", () => {
    expectValues(tensor([1, 5, 3]).maximum(tensor([4, 2, 3])), [4, 5, 3]);
    expectValues(tensor([1, 5, 3]).minimum(tensor([[0], [9]])), [
      [0, 0, 0],
      [1, 5, 3],
    ]);
  });
  itNoLeak("shape mismatch names both shapes", () => {
    expectError(() => zeros([2, 3]).add(zeros([2, 4])), "ERR_SHAPE", "add", "[2, 3]", "[2, 4]", "broadcast");
    expectError(() => zeros([3]).mul(zeros([4])), "ERR_SHAPE", "mul", "[3]", "[4]");
    expectError(() => zeros([3]).add([1, 2, 3] as never), "ERR_ARGUMENT", "add", "tensor(...)");
  });
});

describe("unary math", () => {
  itNoLeak("neg, abs, exp, log, log1p, sqrt, rsqrt, square, reciprocal, sign", () => {
    const x = tensor([1, 4, 0.25]);
    expectValues(x.neg(), [-1, -4, -0.25]);
    expectValues(tensor([-2, 0, 3]).abs(), [2, 0, 3]);
    expectClose(tensor([0, 1, -1]).exp(), [1, Math.E, 1 / Math.E]);
    expectClose(tensor([1, Math.E, 0]).log(), [0, 1, -Infinity]);
    expectClose(tensor([0, Math.E - 1]).log1p(), [0, 1]);
    expectValues(x.sqrt(), [1, 2, 0.5]);
    expectValues(x.rsqrt(), [1, 0.5, 2]);
    expectValues(x.square(), [1, 16, 0.0625]);
    expectValues(x.reciprocal(), [1, 0.25, 4]);
    expectValues(tensor([-3, 0, 2]).sign(), [-1, 0, 1]);
    expectClose(tensor([-1]).sqrt(), [NaN]);
    expectValues(i32(-2, 5).abs(), [2, 5], "int32");
    expectValues(i32(4).sqrt(), [2], "float32");
  });
  itNoLeak("floor, ceil, round (half to even)", () => {
    const x = tensor([-1.5, 0.5, 1.5, 2.4]);
    expectValues(x.floor(), [-2, 0, 1, 2]);
    expectValues(x.ceil(), [-1, 1, 2, 3]);
    expectValues(x.round(), [-2, 0, 2, 2]);
  });
  itNoLeak("clamp with both, one or no bound", () => {
    const x = tensor([-2, 0.5, 3]);
    expectValues(x.clamp(0, 1), [0, 0.5, 1]);
    expectValues(x.clamp(0), [0, 0.5, 3]);
    expectValues(x.clamp(null, 1), [-2, 0.5, 1]);
    expectValues(i32(1, 2, 3).clamp(1.5, 2.5), [1.5, 2, 2.5], "float32");
    expectError(() => x.clamp(), "ERR_ARGUMENT", "min and max");
    expectError(() => x.clamp(2, 1), "ERR_ARGUMENT", "min <= max");
  });
});

describe("activations", () => {
  itNoLeak("relu, leakyRelu, elu, gelu, sigmoid, tanh", () => {
    const x = tensor([-2, 0, 3]);
    expectValues(x.relu(), [0, 0, 3]);
    expectClose(x.leakyRelu(0.1), [-0.2, 0, 3]);
    expectClose(x.elu(), [Math.exp(-2) - 1, 0, 3]);
    // gelu(x) = x * Phi(x); Phi(-2) = 0.0227501319, Phi(3) = 0.9986501020
    expectClose(x.gelu(), [-2 * 0.0227501319, 0, 3 * 0.998650102]);
    expectClose(x.sigmoid(), [1 / (1 + Math.exp(2)), 0.5, 1 / (1 + Math.exp(-3))]);
    expectClose(x.tanh(), [Math.tanh(-2), 0, Math.tanh(3)]);
  });
  itNoLeak("prelu: one slope or one per channel (dim 1)", () => {
    expectValues(tensor([-2, 4]).prelu(tensor([0.25])), [-0.5, 4]);
    expectValues(
      tensor([
        [-1, -1],
        [2, -4],
      ]).prelu(tensor([0.5, 0.25])),
      [
        [-0.5, -0.25],
        [2, -1],
      ],
    );
    expectError(() => zeros([2, 3]).prelu(tensor([1, 2])), "ERR_SHAPE", "prelu", "3");
  });
});

describe("where, maskedFill, comparisons", () => {
  itNoLeak("where with tensors (broadcast) and scalar branches", () => {
    const c = tensor([true, false, true]);
    expectValues(where(c, tensor([1, 2, 3]), tensor([10, 20, 30])), [1, 20, 3]);
    expectValues(where(c, tensor([1, 2, 3]), 0), [1, 0, 3]);
    expectValues(where(c, -1, tensor([10, 20, 30])), [-1, 20, -1]);
    expectValues(where(c, 1, 0), [1, 0, 1], "float32");
    expectValues(where(tensor([[true], [false]]), tensor([1, 2]), 0), [
      [1, 2],
      [0, 0],
    ]);
    expectValues(where(c, i32(1, 2, 3), 2.5), [1, 2.5, 3], "float32");
    expectError(() => where(tensor([1, 0]), 1, 0), "ERR_DTYPE", "bool");
    expectError(() => where(c, zeros([2]), zeros([3])), "ERR_SHAPE", "where");
  });
  itNoLeak("maskedFill", () => {
    expectValues(
      tensor([
        [1, 2],
        [3, 4],
      ]).maskedFill(
        tensor([
          [true, false],
          [false, true],
        ]),
        -1,
      ),
      [
        [-1, 2],
        [3, -1],
      ],
    );
    expectValues(
      tensor([
        [1, 2],
        [3, 4],
      ]).maskedFill(tensor([false, true]), 0),
      [
        [1, 0],
        [3, 0],
      ],
    );
    expectError(() => tensor([1, 2]).maskedFill(tensor([1, 0]), 0), "ERR_DTYPE", "maskedFill", "bool");
  });
  itNoLeak("eq, ne, lt, le, gt, ge with tensors and numbers", () => {
    const a = tensor([1, 2, 3]);
    const b = tensor([3, 2, 1]);
    expectValues(a.eq(b), [false, true, false], "bool");
    expectValues(a.ne(b), [true, false, true]);
    expectValues(a.lt(b), [true, false, false]);
    expectValues(a.le(b), [true, true, false]);
    expectValues(a.gt(b), [false, false, true]);
    expectValues(a.ge(b), [false, true, true]);
    expectValues(a.eq(2), [false, true, false]);
    expectValues(a.ne(2), [true, false, true]);
    expectValues(a.lt(2), [true, false, false]);
    expectValues(a.le(2), [true, true, false]);
    expectValues(a.gt(2), [false, false, true]);
    expectValues(a.ge(2), [false, true, true]);
    expectValues(i32(1, 2).lt(1.5), [true, false]);
    expectValues(tensor([NaN, 1, Infinity]).isnan(), [true, false, false]);
    expectValues(tensor([NaN, 1, Infinity]).isfinite(), [false, true, false]);
  });
});

describe("in-place ops", () => {
  itNoLeak("add_, mul_, copy_, fill_, zero_ modify the same tensor", () => {
    const a = tensor([1, 2]);
    a.add_(tensor([1, 1]), 2);
    expectValues(a, [3, 4]);
    a.mul_(0.5);
    expectValues(a, [1.5, 2]);
    a.copy_(tensor([7]));
    expectValues(a, [7, 7]);
    a.fill_(3);
    expectValues(a, [3, 3]);
    a.zero_();
    expectValues(a, [0, 0]);
    expectError(() => a.add_(zeros([3])), "ERR_SHAPE", "add_");
  });
  itNoLeak("an in-place update of a leaf that requires grad works under noGrad", () => {
    const w = ones([2], { requiresGrad: true });
    noGrad(() => w.add_(tensor([1, 2]), -1));
    expectValues(w, [0, -1]);
    expect(w.requiresGrad).toBe(true);
    expectError(() => w.add_(tensor([1, 2])), "ERR_AUTOGRAD");
  });
});
