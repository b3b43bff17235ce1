/** Shape ops: views, slicing, indexing, gather/scatter, joining, repeating. */
import { describe, expect } from "vitest";
import { arange, cat, stack, tensor, zeros } from "../../src/index.js";
import { expectError, expectValues, itNoLeak } from "../helpers/native.js";

const m23 = () =>
  tensor([
    [1, 2, 3],
    [4, 5, 6],
  ]);
const idx = (...v: number[]) => tensor(new BigInt64Array(v.map(BigInt)));

describe("views and reshaping", () => {
  itNoLeak("reshape and view (both call forms, -1 inferred)", () => {
    expectValues(m23().reshape(3, 2), [
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    expectValues(m23().reshape([6]), [1, 2, 3, 4, 5, 6]);
    expectValues(m23().view(-1, 2), [
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    expect(m23().reshape(1, 2, 3).shape).toEqual([1, 2, 3]);
  });
  itNoLeak("a view shares storage with its base", () => {
    const a = m23();
    const v = a.view(6);
    a.fill_(7);
    expectValues(v, [7, 7, 7, 7, 7, 7]);
  });
  itNoLeak("reshape to a wrong size and view of a non-contiguous tensor", () => {
    expectError(() => m23().reshape(4), "ERR_SHAPE", "reshape", "6 elements", "[2, 3]", "[4]");
    expectError(() => m23().view(5, -1), "ERR_SHAPE", "[5, -1]");
    expectError(() => m23().t().view(6), "ERR_SHAPE", "reshape()");
    expectError(() => m23().reshape(1.5 as number), "ERR_ARGUMENT", "integer");
  });
  itNoLeak("transpose, t, T, permute", () => {
    expectValues(m23().transpose(0, 1), [
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
    expectValues(m23().t(), [
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
    expectValues(m23().T, [
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
    expectValues(tensor([1, 2]).t(), [1, 2]);
    const x = arange(6).reshape(1, 2, 3);
    expect(x.permute(2, 0, 1).shape).toEqual([3, 1, 2]);
    expectValues(x.permute([2, 0, 1]), [[[0, 3]], [[1, 4]], [[2, 5]]]);
    expectError(() => x.permute(0, 1), "ERR_SHAPE", "permute");
    expectError(() => zeros([2, 2, 2]).t(), "ERR_SHAPE", "at most 2 dims");
    expectError(() => m23().transpose(0, 2), "ERR_SHAPE", "transpose", "dim");
  });
  itNoLeak("unsqueeze, squeeze, flatten, expand", () => {
    expect(m23().unsqueeze(0).shape).toEqual([1, 2, 3]);
    expect(m23().unsqueeze(-1).shape).toEqual([2, 3, 1]);
    expect(zeros([1, 2, 1]).squeeze().shape).toEqual([2]);
    expect(zeros([1, 2, 1]).squeeze(0).shape).toEqual([2, 1]);
    expect(zeros([1, 2, 1]).squeeze(1).shape).toEqual([1, 2, 1]);
    expect(zeros([2, 3, 4]).flatten().shape).toEqual([24]);
    expect(zeros([2, 3, 4]).flatten(1).shape).toEqual([2, 12]);
    expect(zeros([2, 3, 4, 5]).flatten(1, 2).shape).toEqual([2, 12, 5]);
    expectValues(tensor([[1], [2]]).expand(2, 3), [
      [1, 1, 1],
      [2, 2, 2],
    ]);
    expectValues(tensor([[1], [2]]).expand([-1, 2]), [
      [1, 1],
      [2, 2],
    ]);
    expectError(() => tensor([1, 2]).expand(3), "ERR_SHAPE", "expand", "[2]", "[3]");
    expectError(() => m23().unsqueeze(4), "ERR_SHAPE", "unsqueeze");
    expectError(() => m23().flatten(3), "ERR_SHAPE", "flatten");
  });
});

describe("slicing and selection", () => {
  itNoLeak("narrow, slice (python semantics), select", () => {
    expectValues(m23().narrow(1, 1, 2), [
      [2, 3],
      [5, 6],
    ]);
    expectValues(tensor([1, 2, 3, 4]).narrow(0, -2, 2), [3, 4]);
    expectValues(arange(10).slice(0, 2, 8, 3), [2, 5]);
    expectValues(arange(5).slice(0, -2), [3, 4]);
    expectValues(arange(5).slice(0, null, 2), [0, 1]);
    expectValues(arange(5).slice(0, 3, 100), [3, 4]);
    expectValues(m23().select(0, 1), [4, 5, 6]);
    expectValues(m23().select(1, -1), [3, 6]);
    expectError(() => m23().narrow(1, 2, 2), "ERR_INDEX", "narrow", "start=2", "length=2");
    expectError(() => m23().select(0, 2), "ERR_INDEX", "select", "2");
    expectError(() => arange(5).slice(0, 0, 4, 0), "ERR_ARGUMENT", "step");
  });
  itNoLeak("indexSelect with int64 and int32 indices", () => {
    expectValues(m23().indexSelect(1, idx(2, 0, 2)), [
      [3, 1, 3],
      [6, 4, 6],
    ]);
    expectValues(m23().indexSelect(0, tensor(new Int32Array([1]))), [[4, 5, 6]]);
    expectError(() => m23().indexSelect(0, idx(2)), "ERR_INDEX", "indexSelect", "[0, 2)", "2");
    expectError(() => m23().indexSelect(0, idx(-1)), "ERR_INDEX", "indexSelect");
    expectError(() => m23().indexSelect(0, tensor([0])), "ERR_DTYPE", "int64 or int32");
  });
  itNoLeak("gather along dims 0 and 1", () => {
    expectValues(
      m23().gather(
        1,
        tensor(
          [
            [2, 0],
            [1, 1],
          ],
          { dtype: "int64" },
        ),
      ),
      [
        [3, 1],
        [5, 5],
      ],
    );
    expectValues(m23().gather(0, tensor([[1, 0, 1]], { dtype: "int64" })), [[4, 2, 6]]);
    expectError(() => m23().gather(1, tensor([[3]], { dtype: "int64" })), "ERR_INDEX", "gather", "[0, 3)");
    expectError(() => m23().gather(1, idx(0)), "ERR_SHAPE", "gather", "2 dims");
  });
  itNoLeak("scatterAdd accumulates duplicates and leaves the input unchanged", () => {
    const base = zeros([3]);
    const out = base.scatterAdd(0, idx(0, 2, 0, 0), tensor([1, 2, 3, 4]));
    expectValues(out, [8, 0, 2]);
    expectValues(base, [0, 0, 0]);
    const z = zeros([2, 3]).scatterAdd(
      1,
      tensor(
        [
          [0, 0],
          [2, 1],
        ],
        { dtype: "int64" },
      ),
      tensor([
        [1, 2],
        [3, 4],
      ]),
    );
    expectValues(z, [
      [3, 0, 0],
      [0, 4, 3],
    ]);
    expectError(() => base.scatterAdd(0, idx(3), tensor([1])), "ERR_INDEX", "scatterAdd");
  });
  itNoLeak("indexAdd with alpha and repeated rows", () => {
    const a = zeros([3, 2]);
    const out = a.indexAdd(
      0,
      idx(0, 2, 0),
      tensor([
        [1, 1],
        [2, 2],
        [3, 3],
      ]),
    );
    expectValues(out, [
      [4, 4],
      [0, 0],
      [2, 2],
    ]);
    expectValues(a.indexAdd(0, idx(1), tensor([[1, 2]]), 0.5), [
      [0, 0],
      [0.5, 1],
      [0, 0],
    ]);
    expectValues(a.indexAdd(1, idx(1), tensor([[1], [2], [3]])), [
      [0, 1],
      [0, 2],
      [0, 3],
    ]);
    expectError(() => a.indexAdd(0, idx(3), tensor([[1, 1]])), "ERR_INDEX", "indexAdd", "[0, 3)");
    expectError(() => a.indexAdd(0, idx(0, 1), tensor([[1, 1]])), "ERR_SHAPE", "indexAdd");
  });
  itNoLeak("maskedSelect and nonzero", () => {
    expectValues(m23().maskedSelect(m23().gt(3)), [4, 5, 6]);
    expectValues(
      tensor([
        [0, 1],
        [2, 0],
      ]).nonzero(),
      [
        [0, 1],
        [1, 0],
      ],
      "int64",
    );
  });
});

describe("joining and repeating", () => {
  itNoLeak("cat along dims 0, 1 and -1 (with dtype promotion)", () => {
    expectValues(
      cat([
        tensor([[1, 2]]),
        tensor([
          [3, 4],
          [5, 6],
        ]),
      ]),
      [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
    );
    expectValues(cat([tensor([[1], [2]]), tensor([[3], [4]])], 1), [
      [1, 3],
      [2, 4],
    ]);
    expectValues(cat([tensor([[1], [2]]), tensor([[3], [4]])], -1), [
      [1, 3],
      [2, 4],
    ]);
    expectValues(cat([tensor(new Int32Array([1])), tensor([0.5])]), [1, 0.5], "float32");
    expectError(() => cat([zeros([2, 3]), zeros([2, 4])]), "ERR_SHAPE", "cat", "[2, 3]", "[2, 4]");
    expectError(() => cat([]), "ERR_ARGUMENT", "non-empty");
    expectError(() => cat([zeros([2]), [1, 2] as never]), "ERR_ARGUMENT", "tensor(...)");
  });
  itNoLeak("stack makes a new dim", () => {
    expectValues(stack([tensor([1, 2]), tensor([3, 4])]), [
      [1, 2],
      [3, 4],
    ]);
    expectValues(stack([tensor([1, 2]), tensor([3, 4])], 1), [
      [1, 3],
      [2, 4],
    ]);
    expectValues(stack([tensor([1, 2]), tensor([3, 4])], -1), [
      [1, 3],
      [2, 4],
    ]);
    expectError(() => stack([zeros([2]), zeros([3])]), "ERR_SHAPE", "stack");
  });
  itNoLeak("repeat, flip, chunk", () => {
    expectValues(tensor([1, 2]).repeat(2), [1, 2, 1, 2]);
    expectValues(tensor([[1, 2]]).repeat(2, 2), [
      [1, 2, 1, 2],
      [1, 2, 1, 2],
    ]);
    expectValues(m23().flip(1), [
      [3, 2, 1],
      [6, 5, 4],
    ]);
    expectValues(m23().flip(0, 1), [
      [6, 5, 4],
      [3, 2, 1],
    ]);
    const parts = arange(5).chunk(2);
    expect(parts.length).toBe(2);
    expectValues(parts[0]!, [0, 1, 2]);
    expectValues(parts[1]!, [3, 4]);
    expect(
      m23()
        .chunk(3, 1)
        .map((p) => p.shape),
    ).toEqual([
      [2, 1],
      [2, 1],
      [2, 1],
    ]);
    expectError(() => m23().flip(2), "ERR_SHAPE", "flip");
    expectError(() => m23().repeat(2), "ERR_SHAPE", "repeat");
    expectError(() => m23().chunk(0), "ERR_ARGUMENT", "chunk");
  });
});
