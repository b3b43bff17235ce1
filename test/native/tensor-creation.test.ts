/** Creating tensors and reading them back: nested arrays, every typed array kind, factories, seeding, properties. */
import { describe, expect, it } from "vitest";
import {
  arange,
  empty,
  emptyLike,
  eye,
  full,
  fullLike,
  linspace,
  manualSeed,
  memory,
  ones,
  onesLike,
  rand,
  randint,
  randLike,
  randn,
  randnLike,
  randperm,
  scalar,
  tensor,
  tidy,
  zeros,
  zerosLike,
} from "../../src/index.js";
import { expectClose, expectError, expectValues, flat, itNoLeak } from "../helpers/native.js";

describe("tensor() from nested arrays", () => {
  itNoLeak("numbers become float32 with the inferred shape", () => {
    const t = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(t.shape).toEqual([2, 3]);
    expect(t.ndim).toBe(2);
    expect(t.size).toBe(6);
    expectValues(
      t,
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      "float32",
    );
    expect(t.toTypedArray()).toEqual(new Float32Array([1, 2, 3, 4, 5, 6]));
  });
  itNoLeak("booleans become bool", () => {
    const t = tensor([true, false, true]);
    expectValues(t, [true, false, true], "bool");
    expect(t.toTypedArray()).toEqual(new Uint8Array([1, 0, 1]));
  });
  itNoLeak("a dtype option converts (int64 via BigInt, int32 truncates, float64 keeps precision)", () => {
    expectValues(tensor([1, -2, 3], { dtype: "int64" }), [1, -2, 3], "int64");
    expect(tensor([1, -2], { dtype: "int64" }).toTypedArray()).toEqual(new BigInt64Array([1n, -2n]));
    expectValues(tensor([1.9, -2.9], { dtype: "int32" }), [1, -2], "int32");
    expectValues(tensor([0.1], { dtype: "float64" }), [0.1], "float64");
    expectValues(tensor([0, 2, 0], { dtype: "bool" }), [false, true, false], "bool");
    expectValues(tensor([3, 250], { dtype: "uint8" }), [3, 250], "uint8");
    expectValues(tensor([-3, 100], { dtype: "int8" }), [-3, 100], "int8");
  });
  itNoLeak("scalars and empty arrays", () => {
    const s = tensor(2.5);
    expect(s.shape).toEqual([]);
    expect(s.item()).toBe(2.5);
    expect(s.toArray()).toBe(2.5);
    expect(scalar(3, { dtype: "int32" }).dtype).toBe("int32");
    expect(tensor(true).item()).toBe(1);
    const e = tensor([]);
    expect(e.shape).toEqual([0]);
    expect(e.toArray()).toEqual([]);
    expect(tensor([[], []]).shape).toEqual([2, 0]);
  });
  itNoLeak("requiresGrad makes a leaf that requires grad", () => {
    const t = tensor([1, 2], { requiresGrad: true });
    expect(t.requiresGrad).toBe(true);
    expect(t.isLeaf).toBe(true);
    expect(tensor([1, 2]).requiresGrad).toBe(false);
  });
  itNoLeak("ragged, mixed or non-numeric input is rejected", () => {
    expectError(() => tensor([[1, 2], [3]]), "ERR_SHAPE", "ragged");
    expectError(() => tensor([1, true] as never), "ERR_DTYPE", "not a mix");
    expectError(() => tensor(["a"] as never), "ERR_DTYPE", "string");
  });
});

describe("tensor() from typed arrays", () => {
  const cases: [string, ArrayBufferView, string, (number | boolean)[]][] = [
    ["Float32Array", new Float32Array([1.5, -2]), "float32", [1.5, -2]],
    ["Float64Array", new Float64Array([0.1, 1e300]), "float64", [0.1, 1e300]],
    ["Int32Array", new Int32Array([-7, 2147483647]), "int32", [-7, 2147483647]],
    ["BigInt64Array", new BigInt64Array([-5n, 2n ** 40n]), "int64", [-5, 2 ** 40]],
    ["Uint8Array", new Uint8Array([0, 255]), "uint8", [0, 255]],
    ["Int8Array", new Int8Array([-128, 127]), "int8", [-128, 127]],
    ["Int16Array", new Int16Array([-300, 300]), "int16", [-300, 300]],
  ];
  for (const [name, data, dtype, values] of cases) {
    itNoLeak(`${name} keeps its dtype (${dtype}) and round-trips`, () => {
      const t = tensor(data);
      expectValues(t, values, dtype);
      const back = t.toTypedArray();
      expect(back.constructor).toBe(data.constructor);
      expect(back).toEqual(data);
    });
  }
  itNoLeak("shape option lays out the data row-major", () => {
    expectValues(
      tensor(new Int32Array([1, 2, 3, 4, 5, 6]), { shape: [3, 2] }),
      [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
      "int32",
    );
    expectError(() => tensor(new Float32Array(6), { shape: [2, 4] }), "ERR_SHAPE", "8", "6");
  });
  itNoLeak("a view into a larger buffer copies only the view", () => {
    const buf = new Float32Array([9, 1, 2, 3, 9]);
    const t = tensor(buf.subarray(1, 4));
    buf[2] = 100; // the tensor holds a copy
    expectValues(t, [1, 2, 3], "float32");
  });
  itNoLeak("dtype option converts typed arrays (Uint8Array -> bool, Int32Array -> float64)", () => {
    expectValues(tensor(new Uint8Array([0, 3, 1]), { dtype: "bool" }), [false, true, true], "bool");
    expectValues(tensor(new Int32Array([1, 2]), { dtype: "float64" }), [1, 2], "float64");
  });
  itNoLeak("unsupported typed arrays are named in the error", () => {
    expectError(() => tensor(new Uint16Array([1])), "ERR_DTYPE", "Uint16Array");
    expectError(() => tensor(new Uint8ClampedArray([1])), "ERR_DTYPE", "Uint8ClampedArray");
  });
});

describe("factories", () => {
  itNoLeak("zeros, ones, full, empty with dtype", () => {
    expectValues(
      zeros([2, 2]),
      [
        [0, 0],
        [0, 0],
      ],
      "float32",
    );
    expectValues(ones([3], { dtype: "int64" }), [1, 1, 1], "int64");
    expectValues(full([2], 7.5, { dtype: "float64" }), [7.5, 7.5], "float64");
    expectValues(full([1], 1, { dtype: "bool" }), [true], "bool");
    expect(empty([4, 0]).shape).toEqual([4, 0]);
    expect(zeros([]).shape).toEqual([]);
    expect(ones([2], { requiresGrad: true }).requiresGrad).toBe(true);
  });
  itNoLeak("arange: integer arguments give int64, fractional float32", () => {
    expectValues(arange(4), [0, 1, 2, 3], "int64");
    expectValues(arange(2, 8, 3), [2, 5], "int64");
    expectValues(arange(5, 0, -2), [5, 3, 1], "int64");
    expectValues(arange(0, 1, 0.25), [0, 0.25, 0.5, 0.75], "float32");
    expectValues(arange(0, 3, 1, { dtype: "float64" }), [0, 1, 2], "float64");
    expectError(() => arange(0, 3, 0), "ERR_ARGUMENT", "step");
  });
  itNoLeak("linspace includes both ends", () => {
    expectClose(linspace(0, 1, 5), [0, 0.25, 0.5, 0.75, 1]);
    expectValues(linspace(2, 2, 1), [2]);
    expect(linspace(-1, 1, 3, { dtype: "float64" }).dtype).toBe("float64");
  });
  itNoLeak("eye, square and rectangular", () => {
    expectValues(
      eye(2),
      [
        [1, 0],
        [0, 1],
      ],
      "float32",
    );
    expectValues(
      eye(2, 3, { dtype: "int32" }),
      [
        [1, 0, 0],
        [0, 1, 0],
      ],
      "int32",
    );
  });
  itNoLeak("rand/randn/randint/randperm follow manualSeed (the same values as torch.manual_seed in PyTorch)", () => {
    manualSeed(0);
    expectClose(rand([3]), [0.49625658988952637, 0.7682217955589294, 0.08847743272781372], 1e-7);
    manualSeed(0);
    expectClose(randn([3]), [1.5409960746765137, -0.293428897857666, -2.1787893772125244], 1e-7);
    manualSeed(0);
    expectValues(randint(0, 10, [5]), [4, 9, 3, 0, 3], "int64");
    manualSeed(0);
    expectValues(randperm(5), [4, 0, 1, 3, 2], "int64");
  });
  itNoLeak("the same seed gives the same stream, another seed another", () => {
    manualSeed(123);
    const a = flat(randn([16]));
    const a2 = flat(rand([4]));
    manualSeed(123);
    expect(flat(randn([16]))).toEqual(a);
    expect(flat(rand([4]))).toEqual(a2);
    manualSeed(124);
    expect(flat(randn([16]))).not.toEqual(a);
    expectError(() => manualSeed(-1), "ERR_ARGUMENT", "manualSeed");
  });
  itNoLeak("random factories have the right range and moments", () => {
    manualSeed(1);
    const u = rand([20000], { dtype: "float64" });
    expect(u.dtype).toBe("float64");
    expect(u.min().item()).toBeGreaterThanOrEqual(0);
    expect(u.max().item()).toBeLessThan(1);
    expect(Math.abs(u.mean().item() - 0.5)).toBeLessThan(0.01);
    const g = randn([20000]);
    expect(Math.abs(g.mean().item())).toBeLessThan(0.03);
    expect(Math.abs(g.std().item() - 1)).toBeLessThan(0.03);
    const r = randint(-2, 3, [2000]);
    expect(r.min().item()).toBe(-2);
    expect(r.max().item()).toBe(2);
    expect(randint(0, 5, [3], { dtype: "int32" }).dtype).toBe("int32");
    const p = randperm(50);
    expect(flat(p.sort().values)).toEqual([...Array(50).keys()]);
    expectError(() => randint(3, 3, [2]), "ERR_ARGUMENT", "high > low");
  });
  itNoLeak("*Like variants copy shape, dtype and device (dtype overridable)", () => {
    const x = tensor(new Float64Array([1, 2, 3, 4]), { shape: [2, 2] });
    expectValues(
      zerosLike(x),
      [
        [0, 0],
        [0, 0],
      ],
      "float64",
    );
    expectValues(
      onesLike(x, { dtype: "int32" }),
      [
        [1, 1],
        [1, 1],
      ],
      "int32",
    );
    expectValues(
      fullLike(x, 3),
      [
        [3, 3],
        [3, 3],
      ],
      "float64",
    );
    const r = randLike(x);
    expect(r.shape).toEqual([2, 2]);
    expect(r.dtype).toBe("float64");
    expect(randnLike(x).shape).toEqual([2, 2]);
    expect(emptyLike(x).shape).toEqual([2, 2]);
    expect(zerosLike(x, { requiresGrad: true }).requiresGrad).toBe(true);
    manualSeed(5);
    const a = flat(randnLike(x));
    manualSeed(5);
    expect(flat(randnLike(x))).toEqual(a);
  });
  itNoLeak("bad shapes and dtypes", () => {
    expectError(() => zeros([-1]), "ERR_SHAPE", "[-1]");
    expectError(() => zeros([1.5]), "ERR_SHAPE");
    expectError(() => zeros(3 as never), "ERR_ARGUMENT", "shape");
    expectError(() => zeros([2], { dtype: "flaot32" as never }), "ERR_DTYPE", "did you mean 'float32'");
    expectError(() => full([2], "a" as never), "ERR_ARGUMENT");
  });
});

describe("properties and copies", () => {
  itNoLeak("shape, dtype, device, item", () => {
    const t = tensor([[1, 2]]);
    expect(t.device).toBe("cpu");
    expect(Object.isFrozen(t.shape)).toBe(true);
    expect(tensor([4]).item()).toBe(4);
    expect(tensor(new BigInt64Array([7n])).item()).toBe(7);
    expectError(() => t.item(), "ERR_SHAPE", "one element", "[1, 2]");
  });
  itNoLeak("to(dtype), to(device), to(device, dtype)", () => {
    const t = tensor([1.7, -2.2]);
    expectValues(t.to("int32"), [1, -2], "int32");
    expectValues(t.to("float64"), [Math.fround(1.7), Math.fround(-2.2)], "float64");
    expectValues(t.to("bool"), [true, true], "bool");
    const c = t.to("cpu");
    expect(c.device).toBe("cpu");
    expectValues(t.to("cpu", "int64"), [1, -2], "int64");
  });
  itNoLeak("clone is a deep copy, detach shares data", () => {
    const t = tensor([1, 2, 3]);
    const c = t.clone();
    const d = t.detach();
    t.fill_(0);
    expectValues(c, [1, 2, 3]);
    expectValues(d, [0, 0, 0]);
  });
  itNoLeak("contiguous, isContiguous", () => {
    const t = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]).t();
    expect(t.isContiguous()).toBe(false);
    const c = t.contiguous();
    expect(c.isContiguous()).toBe(true);
    expectValues(c, [
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
  });
  itNoLeak("toString shows shape, dtype and small data", () => {
    const s = tensor([1, 2], { requiresGrad: true }).toString();
    expect(s).toContain("shape=[2]");
    expect(s).toContain("float32");
    expect(s).toContain("requiresGrad");
    expect(s).toContain("[1,2]");
  });
  it("memory() counts live tensors and bytes", () => {
    const before = memory();
    const t = zeros([10, 10]);
    const after = memory();
    expect(after.tensors).toBe(before.tensors + 1);
    expect(after.bytes - before.bytes).toBe(400);
    const v = tidy(() => t.view(100)); // a view shares the storage: no new bytes
    expect(memory().bytes - before.bytes).toBe(400);
    v.dispose();
    t.dispose();
    expect(memory().tensors).toBe(before.tensors);
  });
});
