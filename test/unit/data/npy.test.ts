import { describe, expect, it } from "vitest";
import { npyToFloat32, npyToInt32, parseNpy } from "../../../src/data/npy.js";
import { dataErr } from "../../helpers/dataError.js";
import { npy } from "../../helpers/npz.js";

const W = { file: "x.npy" };

describe("parseNpy", () => {
  it("reads every numeric dtype with the values written", () => {
    const vals = [0, 1, 2, 3, 4, 5];
    for (const d of ["<f4", "<f8", "|i1", "<i2", "<i4", "|u1", "<u2", "<u4", "<f2"] as const) {
      const a = parseNpy(npy(d, [2, 3], vals), W);
      expect(a.shape).toEqual([2, 3]);
      expect(Array.from(a.data as ArrayLike<number>)).toEqual(vals);
    }
    const i8 = parseNpy(npy("<i8", [3], [-5n, 0n, 2n ** 40n]), W);
    expect(i8.data).toBeInstanceOf(BigInt64Array);
    expect(Array.from(i8.data as BigInt64Array)).toEqual([-5n, 0n, 2n ** 40n]);
    const b = parseNpy(npy("|b1", [3], [1, 0, 1]), W);
    expect(b.dtype).toBe("b1");
    expect(Array.from(b.data as Uint8Array)).toEqual([1, 0, 1]);
  });

  it("decodes half floats and negative values", () => {
    const a = parseNpy(npy("<f2", [4], [-2, 0.5, 65504, -0.25]), W);
    expect(Array.from(a.data as Float32Array)).toEqual([-2, 0.5, 65504, -0.25]);
  });

  it("byte-swaps big-endian data", () => {
    expect(Array.from(parseNpy(npy(">f4", [3], [1.5, -2, 3e10]), W).data as Float32Array)).toEqual([1.5, -2, Math.fround(3e10)]);
    expect(Array.from(parseNpy(npy(">i4", [2], [-7, 123456789]), W).data as Int32Array)).toEqual([-7, 123456789]);
    expect(Array.from(parseNpy(npy(">i8", [2], [-7n, 2n ** 33n]), W).data as BigInt64Array)).toEqual([-7n, 2n ** 33n]);
  });

  it("accepts header versions 1, 2 and 3", () => {
    for (const version of [1, 2, 3] as const) {
      const a = parseNpy(npy("<i4", [2, 2], [1, 2, 3, 4], { version }), W);
      expect(Array.from(a.data as Int32Array)).toEqual([1, 2, 3, 4]);
    }
  });

  it("transposes Fortran-ordered 2-D arrays into row-major order", () => {
    const a = parseNpy(npy("<f4", [2, 3], [1, 2, 3, 4, 5, 6], { fortranOrder: true }), W);
    expect(a.fortranOrder).toBe(true);
    expect(Array.from(a.data as Float32Array)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("reads scalar and empty arrays, and Python 2 'L' suffixes", () => {
    expect(parseNpy(npy("<f8", [], [7]), W).shape).toEqual([]);
    expect(parseNpy(npy("<f8", [0, 3], []), W).data.length).toBe(0);
    const a = parseNpy(npy("<i4", [2], [5, 6], { headerText: "{'descr': '<i4', 'fortran_order': False, 'shape': (2L,), }" }), W);
    expect(a.shape).toEqual([2]);
  });

  it("refuses object arrays without unpickling them", () => {
    const m = dataErr(() => parseNpy(npy("|O", [2], [0, 0]), { file: "cs.npz", array: "class_names" }));
    expect(m).toContain("cs.npz array 'class_names'");
    expect(m).toContain("pickle");
  });

  it("refuses unsupported and structured dtypes", () => {
    expect(dataErr(() => parseNpy(npy("<U5", [2], [0, 0]), W))).toContain("unsupported dtype '<U5'");
    const structured = npy("<f4", [1], [1], { headerText: "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }" });
    expect(dataErr(() => parseNpy(structured, W))).toContain("structured dtypes");
  });

  it("names the problem in truncated or malformed data", () => {
    const good = npy("<f4", [4], [1, 2, 3, 4]);
    expect(dataErr(() => parseNpy(good.subarray(0, good.length - 1), W))).toMatch(/needs 16 data bytes but 15 follow.*truncated/);
    expect(dataErr(() => parseNpy(good.subarray(0, 5), W))).toContain("truncated");
    expect(dataErr(() => parseNpy(good.subarray(0, 40), W))).toContain("runs past the end");
    const badMagic = Uint8Array.from(good);
    badMagic[1] = 0x41;
    expect(dataErr(() => parseNpy(badMagic, W))).toContain("magic string");
    const v9 = Uint8Array.from(good);
    v9[6] = 9;
    expect(dataErr(() => parseNpy(v9, W))).toContain("format version 1, 2 or 3");
    const h = (t: string): Uint8Array => npy("<f4", [1], [1], { headerText: t });
    expect(dataErr(() => parseNpy(h("{'descr': '<f4', 'fortran_order': 0, 'shape': (1,), }"), W))).toContain("fortran_order");
    expect(dataErr(() => parseNpy(h("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }"), W))).toContain("non-negative integer dimensions");
    expect(dataErr(() => parseNpy(h("{'descr': '<f4', 'fortran_order': False, 'shape': (1,)"), W))).toContain("header");
    expect(dataErr(() => parseNpy(h("__import__('os')"), W))).toContain("unexpected character");
  });
});

describe("npyToInt32 / npyToFloat32", () => {
  it("narrows int64 and checks the range, naming the array and position", () => {
    const ok = parseNpy(npy("<i8", [3], [0n, -3n, 2147483647n]), W);
    expect(Array.from(npyToInt32(ok, W))).toEqual([0, -3, 2147483647]);
    const big = parseNpy(npy("<i8", [3], [0n, 1n, 2n ** 31n]), W);
    expect(() => npyToInt32(big, { file: "g.npz", array: "adj_indices" })).toThrow(/g\.npz array 'adj_indices' but received 2147483648 at position 2/);
    const u8 = parseNpy(npy("<u8", [2], [1n, 2n ** 63n]), W);
    expect(() => npyToInt32(u8, W)).toThrow(/position 1/);
  });

  it("accepts integral floats and refuses others", () => {
    expect(Array.from(npyToInt32(parseNpy(npy("<f8", [2], [3, 4]), W), W))).toEqual([3, 4]);
    expect(() => npyToInt32(parseNpy(npy("<f8", [2], [3, 4.5]), W), W, "class labels")).toThrow(/class labels.*4\.5 at position 1/);
    expect(() => npyToInt32(parseNpy(npy("<u4", [1], [2 ** 32 - 1]), W), W)).toThrow(/4294967295/);
  });

  it("widens to float32", () => {
    expect(Array.from(npyToFloat32(parseNpy(npy("|i1", [2], [-1, 5]), W)))).toEqual([-1, 5]);
    expect(Array.from(npyToFloat32(parseNpy(npy("<i8", [1], [7n]), W)))).toEqual([7]);
  });
});
