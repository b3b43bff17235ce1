/**
 * Creating tensors: from nested arrays or typed arrays, constant and random factories, seeding.
 *
 * Numbers become float32 unless a dtype is given (JS has no integer/float distinction);
 * booleans become bool; a typed array keeps its own dtype (Int32Array -> int32, ...).
 *
 * @example
 * ```ts
 * import { tensor, zeros, randn, manualSeed } from "werank-native";
 * manualSeed(0);
 * const x = randn([4, 3]);
 * const y = tensor(new Int32Array([0, 2, 1, 1]));  // int32, shape [4]
 * const z = zeros([2, 2], { dtype: "float64" });
 * ```
 */
import { ArgumentError, DTypeError, ShapeError } from "../errors.js";
import { loadNative } from "../native/addon.js";
import { type Device, deviceCode } from "./device.js";
import { type DType, dtypeCode, dtypeOfTypedArray } from "./dtype.js";
import { Tensor } from "./Tensor.js";

export interface TensorOptions {
  dtype?: DType;
  device?: Device;
  requiresGrad?: boolean;
}

/** Data accepted by {@link tensor}. */
export type TensorData = number | boolean | readonly TensorData[] | ArrayBufferView;

function opts(o: TensorOptions | undefined, fallback: DType = "float32"): [number, number] {
  return [dtypeCode(o?.dtype ?? fallback), deviceCode(o?.device ?? "cpu")];
}

function finish(t: Tensor, o: TensorOptions | undefined): Tensor {
  if (o?.requiresGrad) t.setRequiresGrad(true);
  return t;
}

function checkShape(shape: readonly number[], op: string): readonly number[] {
  if (!Array.isArray(shape)) throw new ArgumentError(`${op}: expected a shape array such as [2, 3] but received ${String(shape)}`);
  for (const s of shape) {
    if (!Number.isInteger(s) || s < 0) throw new ShapeError(`${op}: expected non-negative integer sizes but received [${shape.join(", ")}]`);
  }
  return shape;
}

/** Shape of nested arrays; throws ERR_SHAPE for ragged input. */
function inferShape(data: TensorData): number[] {
  const shape: number[] = [];
  let cur: TensorData = data;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    if (cur.length === 0) break;
    cur = cur[0] as TensorData;
  }
  return shape;
}

/**
 * A tensor holding a copy of `data` (nested arrays, a scalar, or a typed array with `shape`).
 * @example tensor([[1, 2], [3, 4]], { requiresGrad: true })
 */
export function tensor(data: TensorData, options: TensorOptions & { shape?: readonly number[] } = {}): Tensor {
  const N = loadNative();
  if (ArrayBuffer.isView(data)) {
    const own = dtypeOfTypedArray(data);
    if (own === undefined)
      throw new DTypeError(`tensor: unsupported typed array ${data.constructor.name}; use Float32Array, Float64Array, Int32Array, BigInt64Array, Uint8Array, Int8Array or Int16Array`);
    const dtype = options.dtype ?? own;
    const length = (data as unknown as { length: number }).length;
    const shape = checkShape(options.shape ?? [length], "tensor");
    return new Tensor(N.fromData(data, shape, dtypeCode(dtype), deviceCode(options.device ?? "cpu"), options.requiresGrad ?? false));
  }
  const shape = inferShape(data);
  const flat: (number | boolean)[] = [];
  let sawBool = false;
  let sawNumber = false;
  const walk = (x: TensorData, d: number): void => {
    if (d === shape.length) {
      if (typeof x === "boolean") sawBool = true;
      else if (typeof x === "number") sawNumber = true;
      else if (Array.isArray(x)) throw new ShapeError(`tensor: expected nested arrays of shape [${shape.join(", ")}] but the input is ragged (deeper at depth ${d})`);
      else throw new DTypeError(`tensor: expected numbers or booleans but received ${typeof x === "string" ? `the string '${x}'` : x === null ? "null" : typeof x}`);
      flat.push(x);
      return;
    }
    if (!Array.isArray(x) || x.length !== shape[d]) throw new ShapeError(`tensor: expected nested arrays of shape [${shape.join(", ")}] but the input is ragged at depth ${d}`);
    for (const y of x) walk(y as TensorData, d + 1);
  };
  walk(data, 0);
  if (sawBool && sawNumber) throw new DTypeError("tensor: expected all numbers or all booleans, not a mix");
  const dtype = options.dtype ?? (sawBool ? "bool" : "float32");
  let buf: ArrayBufferView;
  if (sawBool) buf = Uint8Array.from(flat as boolean[], (b) => (b ? 1 : 0));
  else if (dtype === "int64") buf = BigInt64Array.from(flat as number[], (v) => BigInt(Math.trunc(v)));
  else buf = Float64Array.from(flat as number[]);
  return new Tensor(N.fromData(buf, shape, dtypeCode(dtype), deviceCode(options.device ?? "cpu"), options.requiresGrad ?? false));
}

/** A one-element 0-d tensor. */
export function scalar(value: number, options: TensorOptions = {}): Tensor {
  return tensor(value, options);
}

export function zeros(shape: readonly number[], options?: TensorOptions): Tensor {
  const N = loadNative();
  return finish(new Tensor(N.zeros(checkShape(shape, "zeros"), ...opts(options))), options);
}
export function ones(shape: readonly number[], options?: TensorOptions): Tensor {
  const N = loadNative();
  return finish(new Tensor(N.ones(checkShape(shape, "ones"), ...opts(options))), options);
}
/** Uninitialized memory (fill it before reading). */
export function empty(shape: readonly number[], options?: TensorOptions): Tensor {
  const N = loadNative();
  return finish(new Tensor(N.empty(checkShape(shape, "empty"), ...opts(options))), options);
}
export function full(shape: readonly number[], value: number, options?: TensorOptions): Tensor {
  const N = loadNative();
  return finish(new Tensor(N.full(checkShape(shape, "full"), value, ...opts(options))), options);
}
/** `arange(end)` or `arange(start, end, step)`: values in [start, end). Integer arguments give int64 unless a dtype is given. */
export function arange(startOrEnd: number, end?: number, step = 1, options?: TensorOptions): Tensor {
  const N = loadNative();
  const [s, e] = end === undefined ? [0, startOrEnd] : [startOrEnd, end];
  const ints = Number.isInteger(s) && Number.isInteger(e) && Number.isInteger(step);
  return finish(new Tensor(N.arange(s, e, step, ...opts(options, ints ? "int64" : "float32"))), options);
}
export function linspace(start: number, end: number, steps: number, options?: TensorOptions): Tensor {
  const N = loadNative();
  return finish(new Tensor(N.linspace(start, end, steps, ...opts(options))), options);
}
/** Identity matrix n x m (m defaults to n). */
export function eye(n: number, m: number = n, options?: TensorOptions): Tensor {
  const N = loadNative();
  return finish(new Tensor(N.eye(n, m, ...opts(options))), options);
}
/** Uniform [0, 1) samples from the seeded global generator ({@link manualSeed}). */
export function rand(shape: readonly number[], options?: TensorOptions): Tensor {
  const N = loadNative();
  return finish(new Tensor(N.rand(checkShape(shape, "rand"), ...opts(options))), options);
}
/** Standard normal samples from the seeded global generator. */
export function randn(shape: readonly number[], options?: TensorOptions): Tensor {
  const N = loadNative();
  return finish(new Tensor(N.randn(checkShape(shape, "randn"), ...opts(options))), options);
}
/** Integers uniform in [low, high) (int64 unless a dtype is given). */
export function randint(low: number, high: number, shape: readonly number[], options?: TensorOptions): Tensor {
  const N = loadNative();
  return new Tensor(N.randint(low, high, checkShape(shape, "randint"), ...opts(options, "int64")));
}
/** A random permutation of 0..n-1 (int64). */
export function randperm(n: number, options?: TensorOptions): Tensor {
  const N = loadNative();
  return new Tensor(N.randperm(n, ...opts(options, "int64")));
}

function like(kind: string, t: Tensor, value: number | undefined, options?: TensorOptions): Tensor {
  const N = loadNative();
  const made = new Tensor(N.like(kind, t._h, value ?? 0, options?.dtype ? dtypeCode(options.dtype) : -1));
  if (!options?.device || options.device === t.device) return finish(made, options);
  // The copy on the other device replaces `made`, which must not outlive this call (even when to() throws).
  try {
    return finish(made.to(options.device), options);
  } finally {
    made.dispose();
  }
}
export const zerosLike = (t: Tensor, options?: TensorOptions): Tensor => like("zeros", t, undefined, options);
export const onesLike = (t: Tensor, options?: TensorOptions): Tensor => like("ones", t, undefined, options);
export const fullLike = (t: Tensor, value: number, options?: TensorOptions): Tensor => like("full", t, value, options);
export const randLike = (t: Tensor, options?: TensorOptions): Tensor => like("rand", t, undefined, options);
export const randnLike = (t: Tensor, options?: TensorOptions): Tensor => like("randn", t, undefined, options);
export const emptyLike = (t: Tensor, options?: TensorOptions): Tensor => like("empty", t, undefined, options);

/** Seeds the global generators (CPU and CUDA), as torch.manual_seed. */
export function manualSeed(seed: number): void {
  if (!Number.isInteger(seed) || seed < 0) throw new ArgumentError(`manualSeed: expected a non-negative integer but received ${seed}`);
  loadNative().manualSeed(seed);
}
