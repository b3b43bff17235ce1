/** Assertions that a call fails with ERR_DATA; they return the message for further checks. */
import { expect } from "vitest";
import { DataError } from "../../src/errors.js";

/** The message of the `cls` error `fn` throws (fails the test when it throws nothing or something else). */
export function errorOf(cls: new (...args: never[]) => Error, fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(cls);
    return (e as Error).message;
  }
  throw new Error(`expected a ${cls.name}`);
}

/** The message of the DataError `fn` throws. */
export const dataErr = (fn: () => unknown): string => errorOf(DataError, fn);

/** The message of the DataError `p` rejects with. */
export async function dataErrAsync(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(DataError);
    return (e as Error).message;
  }
  throw new Error("expected a DataError");
}
