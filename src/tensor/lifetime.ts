/**
 * Ownership of native handles (DESIGN D3): a tensor created inside a tidy() scope belongs to that
 * scope; one created outside any scope is watched by a FinalizationRegistry, a safety net that frees
 * it after garbage collection if the user never disposes it.
 *
 * Registering is deferred: a watched tensor waits in a pending list and is registered in batches
 * (at the end of the current job, or every {@link FLUSH_AT} tensors). Most tensors made outside a
 * scope are disposed by hand right away; they never pay FinalizationRegistry.register/unregister,
 * which cost more than the op itself (scripts/bench/dispatch.mjs, "dispose() each op"). The pending
 * list holds them strongly only until the flush, so an undisposed tensor is still freed after GC.
 */
import { N, type TensorHandle } from "../native/addon.js";

/** What the lifetime machinery needs of a tensor. */
export interface Tracked {
  _h: TensorHandle;
  /** Safety-net state: 0 none, 1 pending registration, 2 registered with the FinalizationRegistry. */
  _reg: 0 | 1 | 2;
  /** keep()-ed: survives every scope. */
  _kept: boolean;
}

/** Open tidy() scopes, innermost last. */
export const scopes: Tracked[][] = [];

const registry = new FinalizationRegistry<TensorHandle>((h) => {
  if (N !== undefined) N.dispose(h);
});

/** Gives a new tensor to the innermost scope, or to the safety net. */
export function adopt(t: Tracked): void {
  const s = scopes[scopes.length - 1];
  if (s !== undefined && !t._kept) s.push(t);
  else watch(t);
}

/** Tensors waiting to be registered with the safety net. */
let pending: Tracked[] = [];
let flushQueued = false;
/** Pending tensors that trigger a synchronous flush (bounds how many a long synchronous loop holds). */
export const FLUSH_AT = 1024;

/** Puts a tensor under the safety net (idempotent). */
export function watch(t: Tracked): void {
  if (t._reg !== 0) return;
  t._reg = 1;
  pending.push(t);
  if (pending.length >= FLUSH_AT) flushPending();
  else if (!flushQueued) {
    flushQueued = true;
    queueMicrotask(flushPending);
  }
}

/** Registers the pending tensors that are still alive; disposed ones are simply dropped. */
export function flushPending(): void {
  flushQueued = false;
  const list = pending;
  pending = [];
  for (const t of list) {
    if (t._reg !== 1) continue;
    if (t._h >= 0) {
      registry.register(t, t._h, t);
      t._reg = 2;
    } else t._reg = 0;
  }
}

/** Frees one tensor now (idempotent). */
export function free(t: Tracked): void {
  if (t._h < 0) return;
  if (t._reg === 2) registry.unregister(t);
  t._reg = 0; // a pending entry is skipped by the next flush
  N.dispose(t._h);
  t._h = -1 as TensorHandle; // a literal: dispose() is on the per-op path
}
