// Over 400 lines on purpose: the Tensor class is the whole op surface (one method per LibTorch op), as torch.Tensor is.
/**
 * The PyTorch-like tensor of werank-native. A `Tensor` is a thin JS object around an integer handle
 * to a LibTorch tensor in the native addon; every op is one N-API call and autograd is LibTorch's.
 *
 * @example
 * ```ts
 * import { tensor, tidy } from "werank-native";
 * const w = tensor([[1, 2], [3, 4]], { requiresGrad: true });
 * const loss = tidy(() => w.matmul(w).sum());
 * loss.backward();
 * w.grad!.toArray(); // [[7, 11], [9, 13]]
 * ```
 */
import { ArgumentError, DisposedError } from "../errors.js";
import { N, NO_TENSOR, type H } from "../native/addon.js";

/** util.inspect.custom, as the registered symbol it is: the declarations then need no Node types (issue 14). */
const INSPECT_CUSTOM: unique symbol = Symbol.for("nodejs.util.inspect.custom");
import { type Device, deviceCode, deviceName, isDevice } from "./device.js";
import { type AnyTypedArray, type DType, dtypeCode, dtypeName, isDType } from "./dtype.js";
import { adopt, free, type Tracked } from "./lifetime.js";

/** Nested arrays of numbers (or booleans), as returned by {@link Tensor.toArray}. */
export type NestedArray = number | boolean | NestedArray[];

/** Dimensions to reduce over: one, several, or all when omitted. */
export type Dims = number | readonly number[];

/** Handle of a tensor argument, with a clear error for anything else. */
export function th(x: unknown, op: string): H {
  if (x instanceof Tensor) return x._h;
  throw new ArgumentError(`${op}: expected a Tensor but received ${describe(x)}`);
}

/** Handle of an optional tensor argument (-1 when absent). */
export function thOpt(x: unknown, op: string): H {
  return x === undefined || x === null ? NO_TENSOR : th(x, op);
}

function describe(x: unknown): string {
  if (x === null) return "null";
  if (Array.isArray(x)) return "an array (wrap it with tensor(...))";
  return typeof x === "object" ? ((x as object).constructor?.name ?? "an object") : `${typeof x} ${String(x)}`;
}

export class Tensor implements Tracked {
  /** @internal native handle; -1 once disposed. */
  _h: H;
  /** @internal safety-net state (lifetime.ts) */
  _reg: 0 | 1 | 2;
  /** @internal */
  _kept: boolean;
  /** @internal cached shape (a tensor's shape never changes). */
  _shape: readonly number[] | undefined;

  /** @internal use the creation functions ({@link tensor}, {@link zeros}, ...). */
  constructor(h: H) {
    this._h = h;
    this._reg = 0;
    this._kept = false;
    this._shape = undefined;
    adopt(this);
  }

  // ---- properties ------------------------------------------------------------------------------

  /** Sizes of each dimension. */
  get shape(): readonly number[] {
    return (this._shape ??= Object.freeze(N.shape(this._h)));
  }
  /** Number of dimensions. */
  get ndim(): number {
    return this.shape.length;
  }
  /** Number of elements. */
  get size(): number {
    return this.shape.reduce((a, b) => a * b, 1);
  }
  get dtype(): DType {
    return dtypeName(N.dtype(this._h));
  }
  get device(): Device {
    return deviceName(N.device(this._h));
  }
  get requiresGrad(): boolean {
    return N.requiresGrad(this._h);
  }
  /** True for tensors created by the user (not by an op); only leaves accumulate `.grad`. */
  get isLeaf(): boolean {
    return N.isLeaf(this._h);
  }
  /** True once disposed (by {@link dispose} or the end of its tidy() scope). */
  get isDisposed(): boolean {
    return this._h < 0;
  }
  /** Turns gradient tracking on or off for a leaf tensor; returns this. */
  setRequiresGrad(on = true): this {
    N.setRequiresGrad(this._h, on);
    return this;
  }

  // ---- host copies -----------------------------------------------------------------------------

  /** A copy of the data as a flat typed array (Float32Array for float32, BigInt64Array for int64, ...). */
  toTypedArray(): AnyTypedArray {
    return N.toTypedArray(this._h);
  }
  /** A copy of the data as nested JS arrays (int64 values become numbers, bool values booleans). */
  toArray(): NestedArray {
    const flat = N.toTypedArray(this._h);
    const isBool = this.dtype === "bool";
    const at = (i: number): number | boolean => (isBool ? flat[i] !== 0 : typeof flat[i] === "bigint" ? Number(flat[i]) : (flat[i] as number));
    const shape = this.shape;
    if (shape.length === 0) return at(0);
    let pos = 0;
    const build = (d: number): NestedArray[] => {
      const n = shape[d]!;
      const out: NestedArray[] = new Array(n);
      for (let i = 0; i < n; i++) out[i] = d === shape.length - 1 ? at(pos++) : build(d + 1);
      return out;
    };
    return build(0);
  }
  /** The value of a one-element tensor as a number (true/false become 1/0). */
  item(): number {
    return Number(N.item(this._h));
  }

  // ---- movement and copies -----------------------------------------------------------------------

  /** Moves to a device and/or converts the dtype: `t.to("cuda")`, `t.to("float64")`, `t.to("cpu", "int64")`. */
  to(deviceOrDtype: Device | DType, dtype?: DType): Tensor {
    if (isDType(deviceOrDtype)) return new Tensor(N.to(this._h, -2, dtypeCode(deviceOrDtype)));
    if (!isDevice(deviceOrDtype)) {
      // Neither: report it as what it looks like ("gpu", "cuda:x" -> ERR_DEVICE; "float16" -> ERR_DTYPE).
      const s = String(deviceOrDtype);
      if (s === "" || /^(cpu|cuda|gpu|mps|xla|hip)/i.test(s)) deviceCode(s);
      dtypeCode(s);
    }
    return new Tensor(N.to(this._h, deviceCode(deviceOrDtype), dtype === undefined ? -1 : dtypeCode(dtype)));
  }
  clone(): Tensor {
    return new Tensor(N.clone(this._h));
  }
  contiguous(): Tensor {
    return new Tensor(N.contiguous(this._h));
  }
  isContiguous(): boolean {
    return N.isContiguous(this._h);
  }
  /** A tensor sharing the data but cut from the autograd graph. */
  detach(): Tensor {
    return new Tensor(N.detach(this._h));
  }

  // ---- autograd --------------------------------------------------------------------------------

  /** Computes gradients of this (scalar) tensor, or of `sum(this * gradient)`, into the leaves' `.grad`. */
  backward(gradient?: Tensor, options: { retainGraph?: boolean } = {}): void {
    N.backward(this._h, thOpt(gradient, "backward"), options.retainGraph ?? false);
  }
  /** The accumulated gradient (a new handle each access), or null before any backward(). */
  get grad(): Tensor | null {
    const h = N.grad(this._h);
    return h < 0 ? null : new Tensor(h);
  }
  /** Drops the accumulated gradient (PyTorch's set-to-none). */
  zeroGrad(): void {
    N.zeroGrads([this._h]);
  }
  /** Keeps `.grad` for a non-leaf tensor. */
  retainGrad(): this {
    N.retainGrad(this._h);
    return this;
  }

  // ---- lifetime ---------------------------------------------------------------------------------

  /** Frees the native tensor now; later use raises ERR_DISPOSED. Idempotent. */
  dispose(): void {
    free(this);
  }
  [Symbol.dispose](): void {
    free(this);
  }

  // ---- shape ops -----------------------------------------------------------------------------------

  reshape(...shape: number[] | [readonly number[]]): Tensor {
    return new Tensor(N.reshape(this._h, flatShape(shape)));
  }
  view(...shape: number[] | [readonly number[]]): Tensor {
    return new Tensor(N.view(this._h, flatShape(shape)));
  }
  transpose(dim0: number, dim1: number): Tensor {
    return new Tensor(N.transpose(this._h, dim0, dim1));
  }
  /** Transpose of a matrix (no-op for 0-d and 1-d). */
  t(): Tensor {
    return new Tensor(N.t(this._h));
  }
  /** Transpose of a matrix (property form). */
  get T(): Tensor {
    return this.t();
  }
  permute(...dims: number[] | [readonly number[]]): Tensor {
    return new Tensor(N.permute(this._h, flatShape(dims)));
  }
  /** `length` entries starting at `start` along `dim` (a view). */
  narrow(dim: number, start: number, length: number): Tensor {
    return new Tensor(N.narrow(this._h, dim, start, length));
  }
  /** Python-style slice `[start:end:step]` along `dim` (a view); bounds are clamped, negatives count from the end. */
  slice(dim: number, start?: number | null, end?: number | null, step = 1): Tensor {
    return new Tensor(N.slice(this._h, dim, start ?? null, end ?? null, step));
  }
  /** The sub-tensor at `index` along `dim` (drops that dim). */
  select(dim: number, index: number): Tensor {
    return new Tensor(N.select(this._h, dim, index));
  }
  indexSelect(dim: number, index: Tensor): Tensor {
    return new Tensor(N.indexSelect(this._h, dim, th(index, "indexSelect")));
  }
  gather(dim: number, index: Tensor): Tensor {
    return new Tensor(N.gather(this._h, dim, th(index, "gather")));
  }
  /** Out-of-place scatter-add: a copy of this with `src` added at `index` along `dim`. */
  scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor {
    return new Tensor(N.scatterAdd(this._h, dim, th(index, "scatterAdd"), th(src, "scatterAdd")));
  }
  /** Out-of-place index-add: a copy of this with `alpha * src` added at rows `index` along `dim`. */
  indexAdd(dim: number, index: Tensor, src: Tensor, alpha = 1): Tensor {
    return new Tensor(N.indexAdd(this._h, dim, th(index, "indexAdd"), th(src, "indexAdd"), alpha));
  }
  unsqueeze(dim: number): Tensor {
    return new Tensor(N.unsqueeze(this._h, dim));
  }
  squeeze(dim?: number): Tensor {
    return new Tensor(dim === undefined ? N.squeeze(this._h) : N.squeeze(this._h, dim));
  }
  /** Broadcasts size-1 dims to `shape` (a view); -1 keeps a size. */
  expand(...shape: number[] | [readonly number[]]): Tensor {
    return new Tensor(N.expand(this._h, flatShape(shape)));
  }
  flatten(startDim = 0, endDim = -1): Tensor {
    return new Tensor(N.flatten(this._h, startDim, endDim));
  }
  repeat(...reps: number[] | [readonly number[]]): Tensor {
    return new Tensor(N.repeat(this._h, flatShape(reps)));
  }
  flip(...dims: number[] | [readonly number[]]): Tensor {
    return new Tensor(N.flip(this._h, flatShape(dims)));
  }
  chunk(chunks: number, dim = 0): Tensor[] {
    return N.chunk(this._h, chunks, dim).map((h) => new Tensor(h));
  }
  maskedSelect(mask: Tensor): Tensor {
    return new Tensor(N.maskedSelect(this._h, th(mask, "maskedSelect")));
  }
  /** Indices of non-zero entries, shape [count, ndim]. */
  nonzero(): Tensor {
    return new Tensor(N.nonzero(this._h));
  }

  // ---- elementwise (broadcasting, PyTorch dtype promotion) --------------------------------------------
  // A number operand acts as a Python scalar: an integral number keeps an int tensor int
  // (int32 * 2 -> int32, uint8 + 10 wraps), a fractional one promotes to float32 (int32 * 2.5).

  add(other: Tensor | number, alpha?: number): Tensor {
    return new Tensor(typeof other === "number" ? N.addScalar(this._h, alpha === undefined ? other : other * alpha) : N.add(this._h, th(other, "add"), alpha));
  }
  sub(other: Tensor | number, alpha?: number): Tensor {
    return new Tensor(typeof other === "number" ? N.subScalar(this._h, alpha === undefined ? other : other * alpha) : N.sub(this._h, th(other, "sub"), alpha));
  }
  /** `other - this`. */
  rsub(other: number): Tensor {
    return new Tensor(N.rsubScalar(this._h, other));
  }
  mul(other: Tensor | number): Tensor {
    return new Tensor(typeof other === "number" ? N.mulScalar(this._h, other) : N.mul(this._h, th(other, "mul")));
  }
  div(other: Tensor | number): Tensor {
    return new Tensor(typeof other === "number" ? N.divScalar(this._h, other) : N.div(this._h, th(other, "div")));
  }
  /** `other / this`. */
  rdiv(other: number): Tensor {
    return new Tensor(N.rdivScalar(this._h, other));
  }
  pow(exponent: Tensor | number): Tensor {
    return new Tensor(typeof exponent === "number" ? N.powScalar(this._h, exponent) : N.pow(this._h, th(exponent, "pow")));
  }
  maximum(other: Tensor): Tensor {
    return new Tensor(N.maximum(this._h, th(other, "maximum")));
  }
  minimum(other: Tensor): Tensor {
    return new Tensor(N.minimum(this._h, th(other, "minimum")));
  }
  neg(): Tensor {
    return new Tensor(N.neg(this._h));
  }
  abs(): Tensor {
    return new Tensor(N.abs(this._h));
  }
  exp(): Tensor {
    return new Tensor(N.exp(this._h));
  }
  log(): Tensor {
    return new Tensor(N.log(this._h));
  }
  log1p(): Tensor {
    return new Tensor(N.log1p(this._h));
  }
  sqrt(): Tensor {
    return new Tensor(N.sqrt(this._h));
  }
  rsqrt(): Tensor {
    return new Tensor(N.rsqrt(this._h));
  }
  square(): Tensor {
    return new Tensor(N.square(this._h));
  }
  reciprocal(): Tensor {
    return new Tensor(N.reciprocal(this._h));
  }
  sign(): Tensor {
    return new Tensor(N.sign(this._h));
  }
  floor(): Tensor {
    return new Tensor(N.floor(this._h));
  }
  ceil(): Tensor {
    return new Tensor(N.ceil(this._h));
  }
  round(): Tensor {
    return new Tensor(N.round(this._h));
  }
  /** Clamps into [min, max]; either bound may be omitted (null/undefined). */
  clamp(min?: number | null, max?: number | null): Tensor {
    return new Tensor(N.clamp(this._h, min ?? null, max ?? null));
  }
  relu(): Tensor {
    return new Tensor(N.relu(this._h));
  }
  /** PReLU with learnable slope `weight` (one value, or one per channel = dim 1). */
  prelu(weight: Tensor): Tensor {
    return new Tensor(N.prelu(this._h, th(weight, "prelu")));
  }
  leakyRelu(negativeSlope = 0.01): Tensor {
    return new Tensor(N.leakyRelu(this._h, negativeSlope));
  }
  elu(alpha = 1): Tensor {
    return new Tensor(N.elu(this._h, alpha));
  }
  gelu(): Tensor {
    return new Tensor(N.gelu(this._h));
  }
  sigmoid(): Tensor {
    return new Tensor(N.sigmoid(this._h));
  }
  tanh(): Tensor {
    return new Tensor(N.tanh(this._h));
  }
  /** Copy of this with `value` where `mask` (bool) is true. */
  maskedFill(mask: Tensor, value: number): Tensor {
    return new Tensor(N.maskedFill(this._h, th(mask, "maskedFill"), value));
  }

  // comparisons -> bool tensors
  eq(other: Tensor | number): Tensor {
    return new Tensor(typeof other === "number" ? N.eqScalar(this._h, other) : N.eq(this._h, th(other, "eq")));
  }
  ne(other: Tensor | number): Tensor {
    return new Tensor(typeof other === "number" ? N.neScalar(this._h, other) : N.ne(this._h, th(other, "ne")));
  }
  lt(other: Tensor | number): Tensor {
    return new Tensor(typeof other === "number" ? N.ltScalar(this._h, other) : N.lt(this._h, th(other, "lt")));
  }
  le(other: Tensor | number): Tensor {
    return new Tensor(typeof other === "number" ? N.leScalar(this._h, other) : N.le(this._h, th(other, "le")));
  }
  gt(other: Tensor | number): Tensor {
    return new Tensor(typeof other === "number" ? N.gtScalar(this._h, other) : N.gt(this._h, th(other, "gt")));
  }
  ge(other: Tensor | number): Tensor {
    return new Tensor(typeof other === "number" ? N.geScalar(this._h, other) : N.ge(this._h, th(other, "ge")));
  }
  logicalAnd(other: Tensor): Tensor {
    return new Tensor(N.logicalAnd(this._h, th(other, "logicalAnd")));
  }
  logicalOr(other: Tensor): Tensor {
    return new Tensor(N.logicalOr(this._h, th(other, "logicalOr")));
  }
  logicalNot(): Tensor {
    return new Tensor(N.logicalNot(this._h));
  }
  isnan(): Tensor {
    return new Tensor(N.isnan(this._h));
  }
  isfinite(): Tensor {
    return new Tensor(N.isfinite(this._h));
  }

  // ---- in-place (for user-written optimizers; wrap parameter updates in noGrad) ---------------------------

  /** this += alpha * other, in place. */
  add_(other: Tensor, alpha = 1): this {
    N.add_(this._h, th(other, "add_"), alpha);
    return this;
  }
  /** this *= s, in place. */
  mul_(s: number): this {
    N.mul_(this._h, s);
    return this;
  }
  /** Copies `src` (broadcast) into this, in place. */
  copy_(src: Tensor): this {
    N.copy_(this._h, th(src, "copy_"));
    return this;
  }
  fill_(value: number): this {
    N.fill_(this._h, value);
    return this;
  }
  zero_(): this {
    N.fill_(this._h, 0);
    return this;
  }

  // ---- reductions ------------------------------------------------------------------------------------

  sum(dim?: Dims, keepdim = false): Tensor {
    return new Tensor(N.sum(this._h, dim, keepdim));
  }
  mean(dim?: Dims, keepdim = false): Tensor {
    return new Tensor(N.mean(this._h, dim, keepdim));
  }
  prod(dim?: number, keepdim = false): Tensor {
    return new Tensor(N.prod(this._h, dim ?? null, keepdim));
  }
  /** Variance; `unbiased` divides by n - 1 (PyTorch's default). */
  var(dim?: Dims, unbiased = true, keepdim = false): Tensor {
    return new Tensor(N.var(this._h, dim, unbiased, keepdim));
  }
  std(dim?: Dims, unbiased = true, keepdim = false): Tensor {
    return new Tensor(N.std(this._h, dim, unbiased, keepdim));
  }
  /** Maximum over all elements, or the values along `dim`. */
  max(dim?: number, keepdim = false): Tensor {
    return new Tensor(N.max(this._h, dim ?? null, keepdim));
  }
  min(dim?: number, keepdim = false): Tensor {
    return new Tensor(N.min(this._h, dim ?? null, keepdim));
  }
  argmax(dim?: number, keepdim = false): Tensor {
    return new Tensor(N.argmax(this._h, dim ?? null, keepdim));
  }
  argmin(dim?: number, keepdim = false): Tensor {
    return new Tensor(N.argmin(this._h, dim ?? null, keepdim));
  }
  logsumexp(dim?: Dims, keepdim = false): Tensor {
    return new Tensor(N.logsumexp(this._h, dim, keepdim));
  }
  /** Vector p-norm over `dim` (all entries when omitted); `"fro"` is the Frobenius norm (2-norm of the entries). */
  norm(p: number | "fro" = 2, dim?: Dims, keepdim = false): Tensor {
    if (p !== "fro" && (typeof p !== "number" || !(p > 0))) throw new ArgumentError(`norm: expected p > 0 or "fro" but received ${String(p)}`);
    return new Tensor(N.norm(this._h, p === "fro" ? -1 : p, dim, keepdim));
  }
  all(): Tensor {
    return new Tensor(N.all(this._h));
  }
  any(): Tensor {
    return new Tensor(N.any(this._h));
  }
  cumsum(dim: number): Tensor {
    return new Tensor(N.cumsum(this._h, dim));
  }
  /** Sorted values and their indices along `dim`. */
  sort(dim = -1, descending = false): { values: Tensor; indices: Tensor } {
    const [v, i] = N.sort(this._h, dim, descending);
    return { values: new Tensor(v), indices: new Tensor(i) };
  }
  topk(k: number, dim = -1, largest = true): { values: Tensor; indices: Tensor } {
    const [v, i] = N.topk(this._h, k, dim, largest);
    return { values: new Tensor(v), indices: new Tensor(i) };
  }

  // ---- linear algebra ------------------------------------------------------------------------------------

  /** Matrix product with broadcasting over batch dims (as torch.matmul). */
  matmul(other: Tensor): Tensor {
    return new Tensor(N.matmul(this._h, th(other, "matmul")));
  }
  /** Strict 2-d matrix product. */
  mm(other: Tensor): Tensor {
    return new Tensor(N.mm(this._h, th(other, "mm")));
  }
  /** Batched matrix product of [B, n, k] and [B, k, m]. */
  bmm(other: Tensor): Tensor {
    return new Tensor(N.bmm(this._h, th(other, "bmm")));
  }
  /** Singular values (descending), batched over leading dims; differentiable. */
  svdvals(): Tensor {
    return new Tensor(N.svdvals(this._h));
  }
  /** Reduced SVD: this = U diag(S) Vh. */
  svd(): { U: Tensor; S: Tensor; Vh: Tensor } {
    const [u, s, vh] = N.svd(this._h);
    return { U: new Tensor(u), S: new Tensor(s), Vh: new Tensor(vh) };
  }
  /** Eigenvalues (ascending) of symmetric matrices, batched. */
  eigvalsh(uplo: "L" | "U" = "L"): Tensor {
    return new Tensor(N.eigvalsh(this._h, uplo));
  }
  eigh(): { values: Tensor; vectors: Tensor } {
    const [v, q] = N.eigh(this._h);
    return { values: new Tensor(v), vectors: new Tensor(q) };
  }
  qr(): { Q: Tensor; R: Tensor } {
    const [q, r] = N.qr(this._h);
    return { Q: new Tensor(q), R: new Tensor(r) };
  }
  /** Diagonal of a matrix, or a diagonal matrix from a vector (`k` offsets the diagonal). */
  diag(k = 0): Tensor {
    return new Tensor(N.diag(this._h, k));
  }
  /** Diagonals of the last two dims (batched). */
  diagonal(): Tensor {
    return new Tensor(N.diagonal(this._h));
  }
  trace(): Tensor {
    return new Tensor(N.trace(this._h));
  }
  outer(other: Tensor): Tensor {
    return new Tensor(N.outer(this._h, th(other, "outer")));
  }
  cholesky(): Tensor {
    return new Tensor(N.cholesky(this._h));
  }
  inverse(): Tensor {
    return new Tensor(N.inverse(this._h));
  }

  // ---- nn functional (methods; free functions live in functional.ts) -----------------------------------------

  softmax(dim: number): Tensor {
    return new Tensor(N.softmax(this._h, dim));
  }
  logSoftmax(dim: number): Tensor {
    return new Tensor(N.logSoftmax(this._h, dim));
  }
  /** x / max(||x||_p, eps) along `dim`. */
  normalize(p = 2, dim = 1, eps = 1e-12): Tensor {
    return new Tensor(N.normalize(this._h, p, dim, eps));
  }

  // ---- printing ------------------------------------------------------------------------------------------

  toString(): string {
    if (this._h < 0) return "Tensor(disposed)";
    const head = `Tensor(shape=[${this.shape.join(", ")}], dtype=${this.dtype}, device=${this.device}${this.requiresGrad ? ", requiresGrad" : ""})`;
    return this.size <= 64 ? `${head} ${JSON.stringify(this.toArray())}` : head;
  }
  [INSPECT_CUSTOM](): string {
    return this.toString();
  }
}

/** Accepts `f(2, 3)` and `f([2, 3])`. */
export function flatShape(args: number[] | [readonly number[]]): readonly number[] {
  const a = args.length === 1 && Array.isArray(args[0]) ? (args[0] as readonly number[]) : (args as number[]);
  for (const v of a) {
    if (!Number.isInteger(v)) throw new ArgumentError(`Expected integer sizes or dims but received [${a.join(", ")}]`);
  }
  return a;
}

/** Raised by helpers that need a live tensor. */
export function assertLive(t: Tensor, what: string): void {
  if (t._h < 0) throw new DisposedError(`${what}: the tensor was disposed`);
}
