import { nativeCalls } from "../../src/index.js";

/** Native calls made by fn (nativeCalls() is itself a native call: the empty baseline is subtracted). */
export function callsOf(fn: () => unknown): number {
  const a = nativeCalls();
  const empty = nativeCalls() - a;
  const b = nativeCalls();
  fn();
  return nativeCalls() - b - empty;
}
