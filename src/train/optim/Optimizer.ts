/**
 * The base of the fused optimizers ({@link Adam}, {@link AdamW}, {@link SGD}). An optimizer lives
 * in the native addon with its state (moment estimates, momentum buffers, per-parameter step
 * counts); `step()` updates every parameter in ONE native call and `zeroGrad()` clears every
 * gradient in one more (DESIGN D2). Semantics follow torch.optim (1.13): state is created on a
 * parameter's first step with a gradient, and parameters without a gradient are skipped.
 *
 * The optimizer references the parameter tensors themselves: load weights into them in place
 * (`copy_`), not by replacing them, or the optimizer keeps updating the old ones.
 *
 * @example
 * ```ts
 * import { AdamW, randn, tidy } from "werank-native";
 * const w = randn([4, 3], { requiresGrad: true });
 * const opt = new AdamW([w], { lr: 1e-3, weightDecay: 1e-5 });
 * tidy(() => w.square().sum()).backward();
 * opt.step();       // one native call for all parameters
 * opt.zeroGrad();
 * opt.dispose();
 * ```
 */
import { ArgumentError, ConfigError, DataError, DisposedError } from "../../errors.js";
import { loadNative, type H, type OptimizerHandle } from "../../native/addon.js";
import { Tensor } from "../../tensor/Tensor.js";

/** Native optimizer kinds (native/optim/optimizer.cc). */
export type OptimizerKind = "Adam" | "AdamW" | "SGD";
const KIND_CODE: Record<OptimizerKind, number> = { Adam: 0, AdamW: 1, SGD: 2 };

/** Every hyper-parameter of the three optimizers (unused ones are ignored by a kind). */
export interface OptimizerHyper {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  momentum: number;
  dampening: number;
  nesterov: boolean;
}

/** The JSON-able half of a state dict (for a checkpoint's sidecar). */
export interface OptimizerScalars {
  kind: OptimizerKind;
  hyper: OptimizerHyper;
  /** Steps taken by each parameter (0: no state yet). */
  steps: number[];
}

/**
 * An optimizer's state: tensors named `state.<param index>.<exp_avg | exp_avg_sq | momentum_buffer>`
 * (copies owned by the caller) and the scalars. Fits a safetensors checkpoint plus its JSON sidecar.
 */
export interface OptimizerStateDict {
  tensors: Record<string, Tensor>;
  scalars: OptimizerScalars;
}

// The safety net frees the native optimizer when its JS object is collected without dispose().
const registry = new FinalizationRegistry<OptimizerHandle>((id) => {
  try {
    loadNative().optimDispose(id);
  } catch {
    // the addon is gone at process exit
  }
});

function checkNumber(owner: string, name: string, v: unknown, lo: number, hi = Infinity, hiOpen = false): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v < lo || (hiOpen ? v >= hi : v > hi)) {
    const range = hi === Infinity ? `>= ${lo}` : `in [${lo}, ${hi}${hiOpen ? ")" : "]"}`;
    throw new ConfigError(`${owner}: expected ${name} ${range} but received ${String(v)}`);
  }
  return v;
}

/** Checks the hyper-parameters of a kind with messages naming the option (native re-checks). */
export function validateHyper(kind: OptimizerKind, h: OptimizerHyper): OptimizerHyper {
  checkNumber(kind, "lr", h.lr, 0);
  checkNumber(kind, "weightDecay", h.weightDecay, 0);
  if (kind === "SGD") {
    checkNumber(kind, "momentum", h.momentum, 0);
    checkNumber(kind, "dampening", h.dampening, -Infinity);
    if (typeof h.nesterov !== "boolean") throw new ConfigError(`SGD: expected nesterov to be true or false but received ${String(h.nesterov)}`);
    if (h.nesterov && (h.momentum <= 0 || h.dampening !== 0)) {
      throw new ConfigError(`SGD: expected momentum > 0 and dampening = 0 for nesterov but received momentum ${h.momentum} and dampening ${h.dampening}`);
    }
  } else {
    checkNumber(kind, "betas[0]", h.beta1, 0, 1, true);
    checkNumber(kind, "betas[1]", h.beta2, 0, 1, true);
    checkNumber(kind, "eps", h.eps, 0);
  }
  return h;
}

function packHyper(h: OptimizerHyper): Float64Array {
  return Float64Array.of(h.lr, h.beta1, h.beta2, h.eps, h.weightDecay, h.momentum, h.dampening, h.nesterov ? 1 : 0);
}

const STATE_NAME = /^state\.(\d+)\.(exp_avg|exp_avg_sq|momentum_buffer)$/;

export abstract class Optimizer {
  /** The optimized parameters, in order (state names index into this list). */
  readonly params: readonly Tensor[];
  readonly kind: OptimizerKind;
  /** @internal native optimizer id; -1 once disposed. */
  _id: OptimizerHandle;
  protected _hyper: OptimizerHyper;

  protected constructor(kind: OptimizerKind, params: readonly Tensor[], hyper: OptimizerHyper) {
    if (!Array.isArray(params)) throw new ArgumentError(`${kind}: expected an array of parameter tensors but received ${String(params)}`);
    params.forEach((p, i) => {
      if (!(p instanceof Tensor)) throw new ArgumentError(`${kind}: expected a Tensor for parameter ${i} but received ${String(p)}`);
    });
    this.kind = kind;
    this.params = Object.freeze([...params]);
    this._hyper = validateHyper(kind, { ...hyper });
    const N = loadNative();
    this._id = N.optimCreate(
      KIND_CODE[kind],
      Int32Array.from(params, (p) => p._h),
      packHyper(this._hyper),
    );
    registry.register(this, this._id, this);
  }

  /** The learning rate used by the next `step()` (set it every step for a schedule). */
  get lr(): number {
    return this._hyper.lr;
  }
  set lr(value: number) {
    this._hyper.lr = checkNumber(this.kind, "lr", value, 0);
  }

  /** A copy of the hyper-parameters. */
  get hyper(): OptimizerHyper {
    return { ...this._hyper };
  }

  /** Updates every parameter that has a gradient, in one native call; returns how many were updated. */
  step(): number {
    const id = this.id();
    // The native optimizer holds its own references: a disposed parameter would still be updated, silently.
    const gone = this.params.findIndex((p) => p.isDisposed);
    if (gone >= 0) throw new DisposedError(`${this.kind}.step: parameter ${gone} was disposed; create the optimizer again for the live parameters`);
    return loadNative().optimStep(id, this._hyper.lr);
  }

  /** Clears every parameter's gradient in one native call (drops it by default, as PyTorch 2.x; `setToNone: false` zeroes it). */
  zeroGrad(options: { setToNone?: boolean } = {}): void {
    loadNative().optimZeroGrad(this.id(), options.setToNone ?? true);
  }

  /** The state as named tensor copies plus scalars (see {@link OptimizerStateDict}); dispose the tensors when done. */
  stateDict(): OptimizerStateDict {
    const s = loadNative().optimState(this.id());
    const tensors: Record<string, Tensor> = {};
    for (let k = 0; k < s.handle.length; k++) tensors[`state.${s.index[k]}.${s.slot[k]}`] = new Tensor(s.handle[k]!);
    return { tensors, scalars: { kind: this.kind, hyper: this.hyper, steps: s.steps } };
  }

  /**
   * Replaces the state (and the hyper-parameters) with a state dict from {@link stateDict} or a
   * checkpoint. Validated completely before anything changes; raises ERR_DATA on a mismatch.
   */
  loadStateDict(state: OptimizerStateDict): void {
    const id = this.id();
    const sc = state?.scalars;
    if (sc === undefined || typeof sc !== "object") throw new DataError(`${this.kind}.loadStateDict: expected { tensors, scalars } but received ${String(state)}`);
    if (sc.kind !== this.kind) throw new DataError(`${this.kind}.loadStateDict: expected the state of a ${this.kind} optimizer but received one of ${String(sc.kind)}`);
    if (!Array.isArray(sc.steps) || sc.steps.length !== this.params.length) {
      throw new DataError(`${this.kind}.loadStateDict: expected step counts for ${this.params.length} parameters but received ${Array.isArray(sc.steps) ? sc.steps.length : String(sc.steps)}`);
    }
    if (sc.hyper !== undefined && (sc.hyper === null || typeof sc.hyper !== "object" || Array.isArray(sc.hyper))) {
      throw new DataError(`${this.kind}.loadStateDict: expected hyper-parameters as an object but received ${JSON.stringify(sc.hyper)}`);
    }
    let hyper: OptimizerHyper;
    try {
      hyper = validateHyper(this.kind, { ...this._hyper, ...sc.hyper });
    } catch (e) {
      throw new DataError(`${this.kind}.loadStateDict: invalid hyper-parameters: ${(e as Error).message}`, { cause: e });
    }
    const index: number[] = [];
    const slot: string[] = [];
    const handle: H[] = [];
    for (const [name, t] of Object.entries(state.tensors ?? {})) {
      const m = STATE_NAME.exec(name);
      if (m === null) throw new DataError(`${this.kind}.loadStateDict: unexpected tensor '${name}' (expected state.<index>.exp_avg, exp_avg_sq or momentum_buffer)`);
      if (!(t instanceof Tensor)) throw new DataError(`${this.kind}.loadStateDict: expected a Tensor for '${name}'`);
      index.push(Number(m[1]));
      slot.push(m[2]!);
      handle.push(t._h);
    }
    const N = loadNative();
    N.optimLoadState(id, sc.steps, index, slot, handle);
    N.optimSetHyper(id, packHyper(hyper));
    this._hyper = hyper;
  }

  /** Frees the native optimizer and its state (idempotent). The parameters stay alive. */
  dispose(): void {
    if (this._id < 0) return;
    registry.unregister(this);
    loadNative().optimDispose(this._id);
    this._id = -1 as OptimizerHandle;
  }
  [Symbol.dispose](): void {
    this.dispose();
  }
  get isDisposed(): boolean {
    return this._id < 0;
  }

  private id(): OptimizerHandle {
    if (this._id < 0) throw new DisposedError(`${this.kind}: the optimizer was disposed; create a new one (and loadStateDict to resume)`);
    return this._id;
  }
}

/** Live native optimizers and the tensors and bytes of their state (not counted by memory()). */
export function optimizerMemory(): { optimizers: number; stateTensors: number; stateBytes: number } {
  return loadNative().optimStats();
}
