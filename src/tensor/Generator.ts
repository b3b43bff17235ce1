/**
 * A seeded random generator of its own, so the data seed (augmentations, splits) is separate from the
 * model seed ({@link manualSeed}). It wraps a LibTorch CPU generator (mt19937); random tensors are drawn
 * on the CPU and moved, so a seed gives the same numbers on every device. Augmentations
 * ({@link DeviceGraph.augment}) draw one 64-bit key per view from it.
 *
 * @example
 * ```ts
 * import { Generator } from "werank-native";
 * const gen = new Generator(42);
 * const a = gen.randn([2, 3]);
 * const state = gen.getState();
 * const b = gen.randn([2, 3]);
 * gen.setState(state);
 * gen.randn([2, 3]);   // equals b
 * gen.dispose();
 * ```
 */
import { ArgumentError, DisposedError } from "../errors.js";
import { type GeneratorHandle, loadNative, N, NO_GENERATOR } from "../native/addon.js";
import type { TensorOptions } from "./creation.js";
import { deviceCode } from "./device.js";
import { dtypeCode } from "./dtype.js";
import { Tensor } from "./Tensor.js";

const registry = new FinalizationRegistry<GeneratorHandle>((id) => {
  if (N !== undefined) N.generatorDispose(id);
});

function checkSeed(seed: number, op: string): number {
  if (!Number.isSafeInteger(seed) || seed < 0) throw new ArgumentError(`${op}: expected a non-negative integer seed but received ${seed}`);
  return seed;
}

function checkShape(shape: readonly number[], op: string): readonly number[] {
  if (!Array.isArray(shape) || shape.some((s) => !Number.isInteger(s) || s < 0)) {
    throw new ArgumentError(`${op}: expected a shape of non-negative integers such as [2, 3] but received ${JSON.stringify(shape)}`);
  }
  return shape;
}

export class Generator {
  #id: GeneratorHandle;

  /** A generator seeded with `seed` (a non-negative safe integer). */
  constructor(seed: number) {
    checkSeed(seed, "Generator");
    this.#id = loadNative().generatorNew(seed);
    registry.register(this, this.#id, this);
  }

  /** @internal the native id (throws ERR_DISPOSED after dispose()). */
  get _id(): GeneratorHandle {
    if (this.#id < 0) throw new DisposedError("Expected a live Generator but it was disposed");
    return this.#id;
  }

  /** The seed it was created or last re-seeded with. */
  get seed(): number {
    return N.generatorInitialSeed(this._id);
  }

  /** Restarts the sequence from `seed`. */
  manualSeed(seed: number): this {
    N.generatorManualSeed(this._id, checkSeed(seed, "manualSeed"));
    return this;
  }

  /** The full state (for checkpoints); {@link setState} restores it exactly. */
  getState(): Uint8Array {
    return N.generatorGetState(this._id);
  }

  setState(state: Uint8Array): this {
    if (!(state instanceof Uint8Array)) throw new ArgumentError("setState: expected the Uint8Array returned by getState()");
    N.generatorSetState(this._id, state);
    return this;
  }

  /** Uniform samples in [0, 1). */
  rand(shape: readonly number[], options: TensorOptions = {}): Tensor {
    return this.#draw(0, checkShape(shape, "rand"), options, "float32");
  }

  /** Standard normal samples. */
  randn(shape: readonly number[], options: TensorOptions = {}): Tensor {
    return this.#draw(1, checkShape(shape, "randn"), options, "float32");
  }

  /** Integers uniform in [low, high) (int64 unless a dtype is given). */
  randint(low: number, high: number, shape: readonly number[], options: TensorOptions = {}): Tensor {
    if (!Number.isSafeInteger(low) || !Number.isSafeInteger(high)) throw new ArgumentError(`randint: expected integer bounds but received ${low}, ${high}`);
    return this.#draw(2, checkShape(shape, "randint"), options, "int64", low, high);
  }

  /** A random permutation of 0..n-1 (int64 unless a dtype is given). */
  randperm(n: number, options: TensorOptions = {}): Tensor {
    if (!Number.isSafeInteger(n) || n < 0) throw new ArgumentError(`randperm: expected a non-negative integer but received ${n}`);
    return this.#draw(3, [], options, "int64", n);
  }

  #draw(kind: number, shape: readonly number[], options: TensorOptions, fallback: "float32" | "int64", a = 0, b = 0): Tensor {
    const h = N.generatorRandom(this._id, kind, shape, dtypeCode(options.dtype ?? fallback), deviceCode(options.device ?? "cpu"), a, b);
    const t = new Tensor(h);
    if (options.requiresGrad) t.setRequiresGrad(true);
    return t;
  }

  get isDisposed(): boolean {
    return this.#id < 0;
  }

  /** Frees the native generator (idempotent). */
  dispose(): void {
    if (this.#id < 0) return;
    registry.unregister(this);
    N.generatorDispose(this.#id);
    this.#id = NO_GENERATOR;
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}
