/** Reductions over all elements or chosen dims, with keepdim; sort/topk/cumsum. */
import { describe, expect } from "vitest";
import { tensor, zeros } from "../../src/index.js";
import { expectClose, expectError, expectValues, itNoLeak } from "../helpers/native.js";

// [[1, 2, 3], [4, 5, 6]]
const m = () =>
  tensor([
    [1, 2, 3],
    [4, 5, 6],
  ]);

describe("sum and mean", () => {
  itNoLeak("over everything, one dim, several dims, negative dims, keepdim", () => {
    expectValues(m().sum(), 21);
    expect(m().sum().shape).toEqual([]);
    expectValues(m().sum(0), [5, 7, 9]);
    expectValues(m().sum(1), [6, 15]);
    expectValues(m().sum(-1), [6, 15]);
    expectValues(m().sum(1, true), [[6], [15]]);
    expectValues(m().sum([0, 1]), 21);
    expectValues(m().sum([0, 1], true), [[21]]);
    expectValues(m().mean(), 3.5);
    expectValues(m().mean(0), [2.5, 3.5, 4.5]);
    expectValues(m().mean(1, true), [[2], [5]]);
  });
  itNoLeak("dtypes: int sums stay integer (int64), mean needs floats", () => {
    expectValues(tensor(new Int32Array([1, 2])).sum(), 3, "int64");
    expectValues(tensor(new Uint8Array([200, 200])).sum(), 400, "int64");
    expectValues(tensor([1, 2], { dtype: "float64" }).mean(), 1.5, "float64");
    expectError(() => tensor(new Int32Array([1])).mean(), "ERR_DTYPE", "mean", "int32", "float32");
  });
  itNoLeak("bad dims", () => {
    expectError(() => m().sum(2), "ERR_SHAPE", "sum", "dim", "[2, 3]");
    expectError(() => m().mean([0, -3]), "ERR_SHAPE", "mean");
  });
});

describe("var and std", () => {
  itNoLeak("unbiased (n-1, default) and biased (n)", () => {
    // values 1..6: mean 3.5, sum of squared deviations 17.5
    expectClose(m().var(), 17.5 / 5);
    expectClose(m().var(undefined, false), 17.5 / 6);
    expectClose(m().std(), Math.sqrt(17.5 / 5));
    expectClose(m().std(undefined, false), Math.sqrt(17.5 / 6));
    expectClose(m().var(0), [4.5, 4.5, 4.5]);
    expectClose(m().var(0, false), [2.25, 2.25, 2.25]);
    expectClose(m().var(1, true, true), [[1], [1]]);
    expectClose(m().std(1, false), [Math.sqrt(2 / 3), Math.sqrt(2 / 3)]);
    expectClose(tensor([5]).var(), NaN); // n - 1 = 0, as PyTorch
    expectError(() => m().var(4), "ERR_SHAPE", "var");
  });
});

describe("max, min, argmax, argmin, prod", () => {
  itNoLeak("over everything and along a dim", () => {
    const x = tensor([
      [1, 9, 3],
      [7, 2, 8],
    ]);
    expectValues(x.max(), 9);
    expectValues(x.min(), 1);
    expectValues(x.max(0), [7, 9, 8]);
    expectValues(x.max(1, true), [[9], [8]]);
    expectValues(x.min(1), [1, 2]);
    expectValues(x.argmax(), 1, "int64");
    expectValues(x.argmax(1), [1, 2], "int64");
    expectValues(x.argmin(0), [0, 1, 0]);
    expectValues(x.argmax(0, true), [[1, 0, 1]]);
    expectValues(x.argmin(), 0);
    expectValues(x.prod(), 1 * 9 * 3 * 7 * 2 * 8);
    expectValues(x.prod(1), [27, 112]);
    expectError(() => zeros([0]).max(), "ERR_SHAPE", "non-empty");
    expectError(() => x.max(2), "ERR_SHAPE", "max", "dim");
  });
});

describe("logsumexp and norm", () => {
  itNoLeak("logsumexp over all, a dim, keepdim", () => {
    const x = tensor([
      [0, Math.log(3)],
      [1, 1],
    ]);
    expectClose(x.logsumexp(1), [Math.log(4), 1 + Math.log(2)]);
    expectClose(x.logsumexp(), Math.log(1 + 3 + 2 * Math.E));
    expectClose(x.logsumexp(0, true), [[Math.log(1 + Math.E), Math.log(3 + Math.E)]]);
    expectClose(tensor([1000, 1000]).logsumexp(), 1000 + Math.log(2)); // stable
    expectError(() => x.logsumexp(3), "ERR_SHAPE", "logsumexp");
  });
  itNoLeak("norm: p = 2 (default), 1, Infinity, 'fro', over dims", () => {
    const x = tensor([
      [3, -4],
      [0, 12],
    ]);
    expectClose(x.norm(), 13);
    expectClose(x.norm("fro"), 13);
    expectClose(x.norm(1), 19);
    expectClose(x.norm(Infinity), 12);
    expectClose(x.norm(2, 1), [5, 12]);
    expectClose(x.norm(2, 0, true), [[3, Math.sqrt(16 + 144)]]);
    expectClose(x.norm("fro", [0, 1]), 13);
    expectClose(x.norm(1, 0), [3, 16]);
    expectError(() => x.norm(0), "ERR_ARGUMENT", "p > 0");
    expectError(() => x.norm(2, 5), "ERR_SHAPE", "norm");
  });
});

describe("all, any, cumsum, sort, topk", () => {
  itNoLeak("values and indices", () => {
    expectValues(tensor([true, true]).all(), true);
    expectValues(tensor([true, false]).all(), false);
    expectValues(tensor([false, true]).any(), true);
    expectValues(tensor([1, 2, 3]).cumsum(0), [1, 3, 6]);
    expectValues(
      tensor([
        [1, 2],
        [3, 4],
      ]).cumsum(1),
      [
        [1, 3],
        [3, 7],
      ],
    );
    const s = tensor([3, 1, 2]).sort();
    expectValues(s.values, [1, 2, 3]);
    expectValues(s.indices, [1, 2, 0], "int64");
    expectValues(tensor([3, 1, 2]).sort(0, true).values, [3, 2, 1]);
    const k = tensor([
      [5, 1, 4],
      [2, 8, 3],
    ]).topk(2);
    expectValues(k.values, [
      [5, 4],
      [8, 3],
    ]);
    expectValues(k.indices, [
      [0, 2],
      [1, 2],
    ]);
    expectValues(tensor([5, 1, 4]).topk(1, 0, false).values, [1]);
    expectError(() => tensor([1, 2]).topk(3), "ERR_ARGUMENT", "topk", "k");
  });
});
