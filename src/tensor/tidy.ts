/**
 * Scoped tensor lifetime (DESIGN D3). `tidy(fn)` disposes every tensor created inside `fn` except
 * the ones it returns and the ones passed to `keep()`; a scope must be synchronous (it never spans an
 * `await`).
 *
 * @example
 * ```ts
 * import { randn, tidy, keep, memory } from "werank-native";
 * const before = memory().tensors;
 * const y = tidy(() => randn([3, 3]).matmul(randn([3, 3])).relu());  // intermediates freed
 * memory().tensors === before + 1;  // only y is alive
 * ```
 */
import { ArgumentError } from "../errors.js";
import { loadNative, N, type NativeMemory, type TensorHandle } from "../native/addon.js";
import { scopes, type Tracked, watch, free } from "./lifetime.js";
import { Tensor } from "./Tensor.js";

/** Collects the tensors reachable from a scope's result (arrays, Maps and plain objects, shallowly recursive). */
function collect(x: unknown, out: Set<Tracked>, depth = 0): void {
  if (x instanceof Tensor) {
    out.add(x);
    return;
  }
  if (depth > 4 || x === null || typeof x !== "object") return;
  if (Array.isArray(x)) for (const v of x) collect(v, out, depth + 1);
  else if (x instanceof Map) for (const v of x.values()) collect(v, out, depth + 1);
  else if (Object.getPrototypeOf(x) === Object.prototype) for (const v of Object.values(x)) collect(v, out, depth + 1);
}

/** Runs `fn` in a scope and frees what it created, except its result and kept tensors. */
export function tidy<T>(fn: () => T): T {
  if (typeof fn !== "function") throw new ArgumentError("tidy: expected a function");
  loadNative();
  const scope: Tracked[] = [];
  scopes.push(scope);
  let result: T;
  try {
    result = fn();
  } catch (e) {
    scopes.pop();
    end(scope, new Set());
    throw e;
  }
  scopes.pop();
  if (isThenable(result)) {
    end(scope, new Set());
    // The async function goes on without the scope; its eventual rejection must not surface as an
    // unhandled rejection on top of this error.
    if (result instanceof Promise) result.catch(() => undefined);
    throw new ArgumentError("tidy: the function must be synchronous (a scope never spans an await); await outside tidy()");
  }
  const survivors = new Set<Tracked>();
  collect(result, survivors);
  end(scope, survivors);
  return result;
}

function isThenable(x: unknown): x is PromiseLike<unknown> {
  return x instanceof Promise || (x !== null && typeof x === "object" && typeof (x as { then?: unknown }).then === "function");
}

function end(scope: Tracked[], survivors: Set<Tracked>): void {
  const parent = scopes[scopes.length - 1];
  const handles: number[] = [];
  for (const t of scope) {
    if (t._h < 0) continue;
    if (t._kept || survivors.has(t)) {
      if (parent !== undefined && !t._kept) parent.push(t);
      else watch(t);
    } else {
      handles.push(t._h);
      t._h = -1 as TensorHandle; // a literal: this is the per-op path
    }
  }
  if (handles.length > 0) N.disposeMany(Int32Array.from(handles));
}

/** Exempts a tensor from every enclosing tidy() scope; the caller disposes it. Returns it. */
export function keep<T extends Tensor>(t: T): T {
  if (!(t instanceof Tensor)) throw new ArgumentError("keep: expected a Tensor");
  t._kept = true;
  return t;
}

/** Disposes tensors found in a value (a tensor, arrays or objects of tensors). */
export function dispose(x: unknown): void {
  const found = new Set<Tracked>();
  collect(x, found);
  for (const t of found) free(t);
}

/** Live native tensors and the bytes they hold (and CUDA allocator stats where present). */
export function memory(): NativeMemory {
  return loadNative().memory();
}

/**
 * Resets the CUDA allocators' peak statistics (`memory().cuda[i].peakAllocated`) to the bytes
 * allocated now, on every CUDA device, as torch.cuda.reset_peak_memory_stats; a no-op without CUDA.
 * Call `synchronize()` first to include queued work.
 *
 * @example
 * ```ts
 * import { memory, resetPeakMemory, synchronize } from "werank-native";
 * synchronize();
 * resetPeakMemory();
 * trainer.step(false);
 * synchronize();
 * const peak = memory().cuda?.[0]?.peakAllocated;   // bytes, since the reset
 * ```
 */
export function resetPeakMemory(): void {
  loadNative().resetPeakMemory();
}

/** Number of native calls made so far (to bound the calls per training step). */
export function nativeCalls(): number {
  return loadNative().napiCalls();
}
