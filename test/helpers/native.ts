/** Shared assertions for the native tests: leak-checked cases, closeness of tensors, error shape. */
import { expect, it } from "vitest";
import { memory, type NestedArray, type Tensor, tidy, WerankError, type ErrorCode } from "../../src/index.js";

/**
 * A test whose body runs inside tidy(): every tensor it creates is freed when it ends, and the live
 * tensor count must return to where it started (an op that leaks a native handle fails here).
 */
export function itNoLeak(name: string, fn: () => void, timeout?: number): void {
  it(
    name,
    () => {
      const base = memory().tensors;
      tidy(fn);
      expect(memory().tensors, "live tensors after the test (leak)").toBe(base);
    },
    timeout,
  );
}

/** Shape of nested arrays (as tensor() infers it). */
export function shapeOf(x: NestedArray): number[] {
  const s: number[] = [];
  let cur: NestedArray = x;
  while (Array.isArray(cur)) {
    s.push(cur.length);
    if (cur.length === 0) break;
    cur = cur[0]!;
  }
  return s;
}

/** Flat numbers of a tensor (int64 as numbers, bool as 0/1). */
export function flat(t: Tensor): number[] {
  return Array.from(t.toTypedArray() as ArrayLike<number | bigint>, (v) => Number(v));
}

function flatten(x: NestedArray): number[] {
  if (!Array.isArray(x)) return [Number(x)];
  return x.flatMap((y) => flatten(y));
}

/** Shape and values within `tol` (relative to max(1, |expected|)); NaN matches NaN, ±Infinity itself. */
export function expectClose(t: Tensor, expected: NestedArray, tol = 1e-5): void {
  expect(t.shape, "shape").toEqual(shapeOf(expected));
  const a = flat(t);
  const e = flatten(expected);
  expect(a.length).toBe(e.length);
  for (let i = 0; i < e.length; i++) {
    const ok = Number.isNaN(e[i]!) ? Number.isNaN(a[i]!) : !Number.isFinite(e[i]!) ? a[i] === e[i] : Math.abs(a[i]! - e[i]!) <= tol * Math.max(1, Math.abs(e[i]!));
    if (!ok) expect.fail(`entry ${i}: expected ${e[i]} but received ${a[i]} (tensor ${JSON.stringify(t.toArray())})`);
  }
}

/** Exact values and dtype. */
export function expectValues(t: Tensor, expected: NestedArray, dtype?: string): void {
  if (dtype !== undefined) expect(t.dtype).toBe(dtype);
  expect(t.toArray()).toEqual(expected);
}

/**
 * Runs `fn`, which must throw a WerankError with `code`, a message containing every string of
 * `parts`, and no C++ backtrace. Returns the error for further checks.
 */
export function expectError(fn: () => unknown, code: ErrorCode, ...parts: (string | RegExp)[]): WerankError {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  if (err === undefined) expect.fail(`expected ${code} but nothing was thrown`);
  if (!(err instanceof WerankError)) expect.fail(`expected a WerankError ${code} but received ${String(err)} (${(err as Error)?.constructor?.name})`);
  expect(err.code, err.message).toBe(code);
  expect(err.message).not.toContain("Exception raised from");
  expect(err.message).not.toMatch(/frame #\d|\.cpp:\d+|c10::/);
  for (const p of parts) {
    if (typeof p === "string") expect(err.message).toContain(p);
    else expect(err.message).toMatch(p);
  }
  return err;
}
