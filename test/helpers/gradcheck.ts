/**
 * Gradients by autograd against central finite differences, in float64. Each entry of each input
 * is perturbed by ±eps on the host; the function is evaluated without autograd for the differences.
 *
 * @example
 * ```ts
 * gradcheck((a, b) => a.matmul(b).sum(), [randn([2, 3], f64), randn([3, 2], f64)]);
 * ```
 */
import { expect } from "vitest";
import { noGrad, tensor, type Tensor, tidy } from "../../src/index.js";

export interface GradcheckOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
  /** Which inputs to check (default: all). */
  check?: boolean[];
}

/** Reduces a non-scalar output to a scalar with fixed pseudo-random weights, so every entry matters. */
function toScalar(y: Tensor): Tensor {
  if (y.size === 1) return y.sum();
  const n = y.size;
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = Math.sin(1.7 * i + 0.3) + 0.1 * ((i % 3) - 1);
  return y.mul(tensor(w, { shape: y.shape, dtype: y.dtype })).sum();
}

/**
 * Asserts that autograd's gradient of `f` at `inputs` (float64 leaves) matches finite differences.
 * Returns the largest absolute difference seen.
 */
export function gradcheck(f: (...xs: Tensor[]) => Tensor, inputs: readonly Tensor[], options: GradcheckOptions = {}): number {
  const eps = options.eps ?? 1e-6;
  const atol = options.atol ?? 1e-6;
  const rtol = options.rtol ?? 1e-4;
  return tidy(() => {
    for (const x of inputs) {
      expect(x.dtype, "gradcheck works in float64").toBe("float64");
      x.zeroGrad();
      x.setRequiresGrad(true);
    }
    toScalar(f(...inputs)).backward();
    let worst = 0;
    inputs.forEach((x, i) => {
      if (options.check && options.check[i] === false) return;
      const g = x.grad;
      const analytic = g === null ? new Float64Array(x.size) : (g.toTypedArray() as Float64Array);
      const base = x.toTypedArray() as Float64Array;
      const evalAt = (j: number, delta: number): number =>
        tidy(() =>
          noGrad(() => {
            const data = Float64Array.from(base);
            data[j]! += delta;
            const xs = inputs.map((y, k) => (k === i ? tensor(data, { shape: x.shape, dtype: "float64" }) : y.detach()));
            return toScalar(f(...xs)).item();
          }),
        );
      for (let j = 0; j < base.length; j++) {
        const numeric = (evalAt(j, eps) - evalAt(j, -eps)) / (2 * eps);
        const diff = Math.abs(numeric - analytic[j]!);
        worst = Math.max(worst, diff);
        if (diff > atol + rtol * Math.abs(numeric)) {
          expect.fail(`input ${i} entry ${j}: autograd ${analytic[j]} vs finite difference ${numeric} (|diff| ${diff.toExponential(2)})`);
        }
      }
      x.zeroGrad();
    });
    return worst;
  });
}
