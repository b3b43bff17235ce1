/** Autograd: gradients against hand-computed values and against central finite differences (float64). */
import { describe, expect, it } from "vitest";
import { cosineSimilarity, crossEntropy, isGradEnabled, layerNorm, logSoftmax, manualSeed, memory, noGrad, normalize, ones, randn, tensor, tidy, enableGrad, type Tensor } from "../../src/index.js";
import { gradcheck } from "../helpers/gradcheck.js";
import { expectClose, expectError, expectValues, itNoLeak } from "../helpers/native.js";

const f64 = { dtype: "float64" as const };
const r = (...shape: number[]) => randn(shape, f64);

describe("autograd basics", () => {
  itNoLeak("backward of a scalar fills .grad of the leaves", () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    x.mul(x).sum().backward(); // d/dx sum(x^2) = 2x
    expectValues(x.grad!, [2, 4, 6]);
    expect(x.isLeaf).toBe(true);
    expect(x.mul(2).isLeaf).toBe(false);
  });
  itNoLeak("backward(gradient) of a non-scalar computes sum(y * gradient)", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    x.mul(3).backward(tensor([1, 10]));
    expectValues(x.grad!, [3, 30]);
  });
  itNoLeak("gradients accumulate until zeroGrad()", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    x.sum().backward();
    x.sum().backward();
    expectValues(x.grad!, [2, 2]);
    x.zeroGrad();
    expect(x.grad).toBeNull();
    x.mul(5).sum().backward();
    expectValues(x.grad!, [5, 5]);
  });
  itNoLeak("retainGraph allows a second backward; retainGrad keeps a non-leaf's grad", () => {
    const x = tensor([2], { requiresGrad: true });
    const h = x.mul(x).retainGrad();
    const y = h.mul(3).sum();
    y.backward(undefined, { retainGraph: true });
    y.backward();
    expectValues(x.grad!, [24]); // twice 3 * 2x
    expectValues(h.grad!, [6]);
  });
  itNoLeak("detach cuts the graph; noGrad records nothing; enableGrad inside noGrad records again", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    expect(x.detach().requiresGrad).toBe(false);
    const y = x.mul(x.detach()).sum(); // treats the second factor as a constant: grad = x
    y.backward();
    expectValues(x.grad!, [1, 2]);
    expect(isGradEnabled()).toBe(true);
    const z = noGrad(() => {
      expect(isGradEnabled()).toBe(false);
      const inner = enableGrad(() => x.mul(2));
      expect(inner.requiresGrad).toBe(true);
      return x.mul(2);
    });
    expect(z.requiresGrad).toBe(false);
    expect(isGradEnabled()).toBe(true);
  });
  itNoLeak("noGrad restores the mode when its function throws", () => {
    expect(() =>
      noGrad(() => {
        throw new Error("boom");
      }),
    ).toThrow("boom");
    expect(isGradEnabled()).toBe(true);
  });
  itNoLeak("setRequiresGrad turns tracking on and off for leaves", () => {
    const x = tensor([1]);
    expect(x.setRequiresGrad().requiresGrad).toBe(true);
    expect(x.setRequiresGrad(false).requiresGrad).toBe(false);
    expectError(() => tensor(new Int32Array([1])).setRequiresGrad(), "ERR_DTYPE", "floating-point");
    const y = tensor([1], { requiresGrad: true }).mul(2);
    expectError(() => y.setRequiresGrad(false), "ERR_AUTOGRAD", "detach()");
  });
  itNoLeak("gradient of the README example: sum(w @ w)", () => {
    const w = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { requiresGrad: true },
    );
    w.matmul(w).sum().backward();
    expectValues(w.grad!, [
      [7, 11],
      [9, 13],
    ]);
  });
  itNoLeak("hand-computed gradients of crossEntropy: softmax(z) - onehot, divided by N", () => {
    const z = tensor(
      [
        [0, 0],
        [Math.log(3), 0],
      ],
      { requiresGrad: true, dtype: "float64" },
    );
    crossEntropy(z, tensor(new BigInt64Array([0n, 1n]))).backward();
    expectClose(
      z.grad!,
      [
        [(0.5 - 1) / 2, 0.5 / 2],
        [0.75 / 2, (0.25 - 1) / 2],
      ],
      1e-12,
    );
  });
});

describe("gradients match central finite differences (float64)", () => {
  // Each case builds its inputs inside the test (seeded) and checks every entry of every input.
  const cases: [string, () => [(...xs: Tensor[]) => Tensor, Tensor[]]][] = [
    ["matmul", () => [(a, b) => a.matmul(b), [r(3, 4), r(4, 2)]]],
    ["batched matmul with broadcasting", () => [(a, b) => a.matmul(b), [r(2, 3, 4), r(4, 2)]]],
    ["mm + relu chain", () => [(x, w1, w2) => x.mm(w1).relu().mm(w2).tanh(), [r(4, 3), r(3, 5), r(5, 2)]]],
    ["linear + bias", () => [(x, w, b) => x.matmul(w.t()).add(b).sigmoid(), [r(3, 4), r(2, 4), r(2)]]],
    ["normalize (p = 2, dim 1)", () => [(x) => normalize(x), [r(3, 4)]]],
    ["cosineSimilarity", () => [(a, b) => cosineSimilarity(a, b), [r(4, 5), r(4, 5)]]],
    ["logSoftmax", () => [(x) => logSoftmax(x, 1), [r(3, 4)]]],
    ["svdvals (distinct singular values)", () => [(x) => x.svdvals(), [r(4, 3)]]],
    ["batched svdvals", () => [(x) => x.svdvals(), [r(2, 3, 3)]]],
    ["layerNorm with weight and bias", () => [(x, w, b) => layerNorm(x, [4], w, b), [r(3, 4), r(4), r(4)]]],
    ["indexAdd (self and source)", () => [(a, s) => a.indexAdd(0, tensor(new BigInt64Array([2n, 0n, 2n])), s, 0.5).square(), [r(3, 2), r(3, 2)]]],
    ["crossEntropy", () => [(z) => crossEntropy(z, tensor(new BigInt64Array([1n, 0n, 3n]))), [r(3, 4)]]],
    ["var/std/logsumexp/norm", () => [(x) => x.var(1).add(x.std(0).sum()).add(x.logsumexp(1).sum()).add(x.norm()), [r(3, 4)]]],
    [
      "gather / indexSelect / where",
      () => [
        (x) =>
          x
            .gather(
              1,
              tensor(
                [
                  [0, 2],
                  [1, 1],
                ],
                { dtype: "int64" },
              ),
            )
            .sum()
            .add(
              x
                .indexSelect(1, tensor(new Int32Array([2, 0])))
                .exp()
                .sum(),
            )
            .add(x.gt(0).logicalNot().sum().mul(0)),
        [r(2, 3)],
      ],
    ],
  ];
  for (const [name, build] of cases) {
    it(name, () => {
      const base = memory().tensors;
      tidy(() => {
        manualSeed(42);
        const [f, inputs] = build();
        const worst = gradcheck(f, inputs);
        expect(worst).toBeLessThan(1e-5);
      });
      expect(memory().tensors).toBe(base);
    });
  }

  it("the gradient checker itself catches a wrong gradient", () => {
    tidy(() => {
      manualSeed(1);
      const x = r(3);
      // detach() hides the dependence of one factor: autograd gives x, finite differences give 2x.
      expect(() => gradcheck((t) => t.mul(t.detach()).sum(), [x])).toThrow(/finite difference/);
    });
  });
});

describe("autograd errors", () => {
  itNoLeak("backward on a tensor that does not require grad, or a non-scalar without gradient", () => {
    expectError(() => ones([2]).sum().backward(), "ERR_AUTOGRAD", "requires grad", "requiresGrad: true");
    const x = ones([2], { requiresGrad: true });
    expectError(() => x.mul(2).backward(), "ERR_AUTOGRAD", "scalar", "[2]");
    expectError(() => x.mul(2).backward(ones([3])), "ERR_SHAPE", "backward", "[2]", "[3]");
    expectError(() => noGrad(() => x.mul(2).sum()).backward(), "ERR_AUTOGRAD");
  });
  itNoLeak("a second backward through a freed graph", () => {
    const x = ones([2], { requiresGrad: true });
    const y = x.mul(x).sum();
    y.backward();
    expectError(() => y.backward(), "ERR_AUTOGRAD", "retainGraph");
    expect(x.grad).not.toBeNull();
  });
});
