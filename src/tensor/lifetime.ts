/**
 * Ownership of native handles (DESIGN D3): a tensor created inside a tidy() scope belongs to that
 * scope; one created outside any scope is watched by a FinalizationRegistry, a safety net that frees
 * it after garbage collection if the user never disposes it.
 */
import { N } from "../native/addon.js";

/** What the lifetime machinery needs of a tensor. */
export interface Tracked {
  _h: number;
  /** Registered with the FinalizationRegistry. */
  _reg: boolean;
  /** keep()-ed: survives every scope. */
  _kept: boolean;
}

/** Open tidy() scopes, innermost last. */
export const scopes: Tracked[][] = [];

const registry = new FinalizationRegistry<number>((h) => {
  if (N !== undefined) N.dispose(h);
});

/** Gives a new tensor to the innermost scope, or to the safety net. */
export function adopt(t: Tracked): void {
  const s = scopes[scopes.length - 1];
  if (s !== undefined && !t._kept) s.push(t);
  else watch(t);
}

export function watch(t: Tracked): void {
  if (!t._reg) {
    registry.register(t, t._h, t);
    t._reg = true;
  }
}

/** Frees one tensor now (idempotent). */
export function free(t: Tracked): void {
  if (t._h < 0) return;
  if (t._reg) {
    registry.unregister(t);
    t._reg = false;
  }
  N.dispose(t._h);
  t._h = -1;
}
