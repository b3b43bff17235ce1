/** Linear algebra: products (batched, broadcast), addmm, singular values, eigenvalues, diagonals, SVD. */
import { describe, expect } from "vitest";
import { addmm, eye, manualSeed, matmul, randn, stack, tensor, zeros } from "../../src/index.js";
import { expectClose, expectError, expectValues, itNoLeak } from "../helpers/native.js";

const A = () =>
  tensor([
    [1, 2],
    [3, 4],
  ]);
const B = () =>
  tensor([
    [5, 6],
    [7, 8],
  ]);
// A @ B = [[19, 22], [43, 50]]

describe("products", () => {
  itNoLeak("matmul: matrix-matrix, matrix-vector, vector-vector", () => {
    expectValues(A().matmul(B()), [
      [19, 22],
      [43, 50],
    ]);
    expectValues(matmul(A(), B()), [
      [19, 22],
      [43, 50],
    ]);
    expectValues(A().matmul(tensor([1, 1])), [3, 7]);
    expectValues(tensor([1, 1]).matmul(A()), [4, 6]);
    expectValues(tensor([1, 2, 3]).matmul(tensor([4, 5, 6])), 32);
    expectValues(tensor([[1, 2, 3]]).matmul(tensor([[1], [1], [1]])), [[6]]);
  });
  itNoLeak("matmul: batched with broadcasting of batch dims", () => {
    const batch = stack([A(), B()]); // [2, 2, 2]
    expectValues(batch.matmul(eye(2)), [
      [
        [1, 2],
        [3, 4],
      ],
      [
        [5, 6],
        [7, 8],
      ],
    ]);
    expectValues(batch.matmul(A()), [
      [
        [7, 10],
        [15, 22],
      ],
      [
        [23, 34],
        [31, 46],
      ],
    ]);
    expectValues(A().matmul(batch), [
      [
        [7, 10],
        [15, 22],
      ],
      [
        [19, 22],
        [43, 50],
      ],
    ]);
    expect(zeros([3, 1, 2, 4]).matmul(zeros([5, 4, 6])).shape).toEqual([3, 5, 2, 6]);
  });
  itNoLeak("mm and bmm are strict", () => {
    expectValues(A().mm(B()), [
      [19, 22],
      [43, 50],
    ]);
    expectValues(stack([A(), A()]).bmm(stack([B(), eye(2)])), [
      [
        [19, 22],
        [43, 50],
      ],
      [
        [1, 2],
        [3, 4],
      ],
    ]);
    expectError(() => A().mm(tensor([1, 1])), "ERR_SHAPE", "mm", "[2, 2]", "[2]");
    expectError(() => stack([A(), A()]).bmm(B()), "ERR_SHAPE", "bmm");
    expectError(() => zeros([2, 2, 3]).bmm(zeros([3, 3, 2])), "ERR_SHAPE", "bmm");
  });
  itNoLeak("addmm: beta * bias + alpha * a @ b (bias broadcasts)", () => {
    expectValues(addmm(tensor([1, 1]), A(), B()), [
      [20, 23],
      [44, 51],
    ]);
    expectValues(
      addmm(
        tensor([
          [1, 1],
          [1, 1],
        ]),
        A(),
        B(),
        2,
        0.5,
      ),
      [
        [11.5, 13],
        [23.5, 27],
      ],
    );
    expectError(() => addmm(tensor([1, 1, 1]), A(), B()), "ERR_SHAPE", "addmm");
  });
  itNoLeak("shape and dtype errors name both operands", () => {
    expectError(() => zeros([2, 3]).matmul(zeros([2, 3])), "ERR_SHAPE", "matmul", "[2, 3]");
    expectError(() => zeros([2, 2]).matmul(zeros([2, 2], { dtype: "float64" })), "ERR_DTYPE", "matmul", "float32", "float64");
    expectError(() => zeros([2, 2], { dtype: "int32" }).matmul(zeros([2, 2], { dtype: "int32" })), "ERR_DTYPE", "matmul", "int32");
    expectError(() => tensor(1).matmul(A()), "ERR_SHAPE", "matmul");
  });
});

describe("decompositions", () => {
  itNoLeak("svdvals of a diagonal, a rank-1 and a batch of matrices (descending)", () => {
    expectClose(
      tensor([
        [3, 0],
        [0, -4],
      ]).svdvals(),
      [4, 3],
    );
    expectClose(
      tensor([
        [1, 2],
        [2, 4],
      ]).svdvals(),
      [5, 0],
      1e-5,
    );
    // [[1, 1], [0, 0]] has singular values sqrt(2), 0; 2 * I has 2, 2
    const b = stack([
      tensor([
        [1, 1],
        [0, 0],
      ]),
      eye(2).mul(2),
    ]);
    expectClose(b.svdvals(), [
      [Math.SQRT2, 0],
      [2, 2],
    ]);
    expect(zeros([4, 3, 5, 2]).svdvals().shape).toEqual([4, 3, 2]);
    expectError(() => tensor([1, 2]).svdvals(), "ERR_SHAPE", "svdvals");
    expectError(() => zeros([2, 2], { dtype: "int32" }).svdvals(), "ERR_DTYPE", "svdvals");
  });
  itNoLeak("svd: U diag(S) Vh reconstructs the matrix, U and V orthonormal", () => {
    manualSeed(3);
    const x = randn([4, 3], { dtype: "float64" });
    const { U, S, Vh } = x.svd();
    expect(U.shape).toEqual([4, 3]);
    expect(S.shape).toEqual([3]);
    expect(Vh.shape).toEqual([3, 3]);
    expect(U.mul(S).matmul(Vh).sub(x).abs().max().item()).toBeLessThan(1e-12);
    expect(
      U.t()
        .matmul(U)
        .sub(eye(3, 3, { dtype: "float64" }))
        .abs()
        .max()
        .item(),
    ).toBeLessThan(1e-12);
    expectClose(S, x.svdvals().toArray() as number[], 1e-12);
  });
  itNoLeak("eigvalsh (ascending), upper or lower triangle, batched; eigh vectors", () => {
    // [[2, 1], [1, 2]] has eigenvalues 1 and 3
    expectClose(
      tensor([
        [2, 1],
        [1, 2],
      ]).eigvalsh(),
      [1, 3],
    );
    expectClose(
      tensor([
        [2, 100],
        [1, 2],
      ]).eigvalsh("L"),
      [1, 3],
    );
    expectClose(
      tensor([
        [2, 1],
        [100, 2],
      ]).eigvalsh("U"),
      [1, 3],
    );
    expectClose(
      stack([
        eye(2),
        tensor([
          [2, 1],
          [1, 2],
        ]),
      ]).eigvalsh(),
      [
        [1, 1],
        [1, 3],
      ],
    );
    const { values, vectors } = tensor(
      [
        [2, 1],
        [1, 2],
      ],
      { dtype: "float64" },
    ).eigh();
    expectClose(values, [1, 3], 1e-12);
    const v = vectors.select(1, 1); // eigenvector of 3: ±[1, 1]/sqrt(2)
    expectClose(v.abs(), [Math.SQRT1_2, Math.SQRT1_2], 1e-12);
    expectError(() => zeros([2, 3]).eigvalsh(), "ERR_SHAPE", "square");
    expectError(() => eye(2).eigvalsh("X" as never), "ERR_ARGUMENT", "'L' or 'U'");
  });
  itNoLeak("qr, cholesky, inverse", () => {
    const x = tensor(
      [
        [4, 2],
        [2, 3],
      ],
      { dtype: "float64" },
    );
    const { Q, R } = x.qr();
    expect(Q.matmul(R).sub(x).abs().max().item()).toBeLessThan(1e-12);
    const L = x.cholesky();
    expectClose(
      L,
      [
        [2, 0],
        [1, Math.SQRT2],
      ],
      1e-12,
    );
    expectClose(
      x.inverse(),
      [
        [3 / 8, -2 / 8],
        [-2 / 8, 4 / 8],
      ],
      1e-12,
    );
    expectError(
      () =>
        tensor([
          [1, 2],
          [2, 1],
        ]).cholesky(),
      "ERR_LINALG",
    );
    expectError(
      () =>
        tensor([
          [1, 2],
          [2, 4],
        ]).inverse(),
      "ERR_LINALG",
    );
  });
});

describe("diagonals", () => {
  itNoLeak("diag (matrix -> vector, vector -> matrix, offsets), diagonal (batched), trace, outer", () => {
    const x = tensor([
      [1, 2, 3],
      [4, 5, 6],
      [7, 8, 9],
    ]);
    expectValues(x.diag(), [1, 5, 9]);
    expectValues(x.diag(1), [2, 6]);
    expectValues(x.diag(-1), [4, 8]);
    expectValues(tensor([1, 2]).diag(), [
      [1, 0],
      [0, 2],
    ]);
    expectValues(tensor([1, 2]).diag(1), [
      [0, 1, 0],
      [0, 0, 2],
      [0, 0, 0],
    ]);
    expectValues(stack([x, eye(3)]).diagonal(), [
      [1, 5, 9],
      [1, 1, 1],
    ]);
    expectValues(x.trace(), 15);
    expectValues(
      tensor([
        [1, 2, 3],
        [4, 5, 6],
      ]).trace(),
      6,
    );
    expectValues(tensor([1, 2]).outer(tensor([3, 4, 5])), [
      [3, 4, 5],
      [6, 8, 10],
    ]);
    expectError(() => zeros([2, 2, 2]).diag(), "ERR_SHAPE", "diag");
    expectError(() => tensor([1, 2]).trace(), "ERR_SHAPE", "trace");
  });
});
