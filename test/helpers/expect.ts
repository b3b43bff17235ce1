import { afterAll, beforeAll, expect } from "vitest";
import { memory, WerankError, type Tensor } from "../../src/index.js";

/** Flat numbers of a tensor (float64 view). */
export function flat(t: Tensor): number[] {
  return Array.from(t.toTypedArray() as Float32Array | Float64Array, Number);
}

/** 2-D host matrix of a tensor. */
export function mat(t: Tensor): number[][] {
  return t.toArray() as number[][];
}

/** Element-wise |a - b| <= tol (arrays of equal length). */
export function expectClose(actual: Tensor | readonly number[], expected: Tensor | readonly number[], tol = 1e-5): void {
  const a = Array.isArray(actual) ? (actual as number[]) : flat(actual as Tensor);
  const b = Array.isArray(expected) ? (expected as number[]) : flat(expected as Tensor);
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  expect(worst).toBeLessThanOrEqual(tol);
}

/** Host matrix product. */
export function matmulHost(a: number[][], b: number[][]): number[][] {
  return a.map((row) => b[0]!.map((_, j) => row.reduce((s, v, k) => s + v * b[k]![j]!, 0)));
}
export function transposeHost(a: number[][]): number[][] {
  return a[0]!.map((_, j) => a.map((r) => r[j]!));
}

/** "CODE: message" of the WerankError `fn` throws ("no error" when it returns). */
export function errorText(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return e instanceof WerankError ? `${e.code}: ${e.message}` : `not a WerankError: ${String(e)}`;
  }
  return "no error";
}

/** Registers hooks asserting that the file's tests leave no live native tensors behind. */
export function expectNoLeaks(): void {
  let base = 0;
  beforeAll(() => {
    base = memory().tensors;
  });
  afterAll(() => {
    expect(memory().tensors).toBe(base);
  });
}
