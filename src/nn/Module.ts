/**
 * Base class of every layer and network (as torch.nn.Module): named parameters and buffers,
 * submodules, train/eval mode, state dicts, device/dtype moves and ownership of native tensors.
 *
 * Parameters and buffers are `keep()`-ed when registered, so a module can be built inside a tidy()
 * scope; the module owns them and {@link Module.dispose} frees them. Names are dotted paths
 * ("layers.0.lin.weight") and follow PyTorch's names where a layer has a PyTorch counterpart
 * ("weight", "bias", "running_mean", "running_var", "num_batches_tracked"), so a state dict saved
 * from here reads naturally next to a PyTorch one.
 *
 * @example
 * ```ts
 * import { Linear, tidy } from "werank-native";
 * const lin = new Linear(16, 4);
 * lin.namedParameters().map(([n, p]) => [n, p.shape]); // [["weight", [4, 16]], ["bias", [4]]]
 * const y = tidy(() => lin.forward(x).relu());
 * lin.dispose();                                       // frees weight and bias
 * ```
 */
import { ArgumentError, ShapeError } from "../errors.js";
import { noGrad } from "../tensor/autograd.js";
import { type Device, isDevice } from "../tensor/device.js";
import { type DType, isDType } from "../tensor/dtype.js";
import { Tensor } from "../tensor/Tensor.js";
import { keep, tidy } from "../tensor/tidy.js";

/** A name -> tensor map (parameters and buffers), as torch's state_dict. */
export type StateDict = Record<string, Tensor>;

/** A module mapping one tensor to one tensor (norms, activations). */
export type UnaryModule = Module & { forward(x: Tensor): Tensor };

const FLOAT: ReadonlySet<DType> = new Set(["float32", "float64"]);

export abstract class Module {
  /** Training mode (dropout active, batch statistics in BatchNorm); see {@link train}/{@link eval}. */
  training = true;
  private readonly _params = new Map<string, Tensor>();
  private readonly _buffers = new Map<string, Tensor>();
  private readonly _modules = new Map<string, Module>();
  private _disposed = false;

  // ---- registration (for subclasses) ----------------------------------------------------------------

  /**
   * Adopts `t` as a trainable parameter: keeps it alive outside tidy scopes, turns gradient tracking
   * on, and makes this module its owner. `make` runs inside tidy() so init intermediates are freed.
   */
  protected registerParameter(name: string, make: Tensor | (() => Tensor)): Tensor {
    checkName(name, this._params, this._buffers, this._modules);
    const t = keep(typeof make === "function" ? tidy(make) : make);
    if (!t.isLeaf) throw new ArgumentError(`Module: parameter '${name}' must be a leaf tensor (create it outside autograd or detach it)`);
    t.setRequiresGrad(true);
    this._params.set(name, t);
    return t;
  }

  /** Adopts `t` as a buffer: state that is saved and moved with the module but not trained (running statistics). */
  protected registerBuffer(name: string, make: Tensor | (() => Tensor)): Tensor {
    checkName(name, this._params, this._buffers, this._modules);
    const t = keep(typeof make === "function" ? tidy(make) : make);
    this._buffers.set(name, t);
    return t;
  }

  /** Adds a child module under `name` (its parameters appear as "name.<param>"). */
  protected registerModule<M extends Module>(name: string, m: M): M {
    checkName(name, this._params, this._buffers, this._modules);
    if (!(m instanceof Module)) throw new ArgumentError(`Module: child '${name}' must be a Module`);
    this._modules.set(name, m);
    return m;
  }

  /** The current tensor of an own parameter (it is replaced by {@link to}, so read it through here). */
  protected param(name: string): Tensor {
    const t = this._params.get(name);
    if (t === undefined) throw new ArgumentError(`Module: no parameter '${name}'`);
    return t;
  }
  /** Like {@link param}, or undefined when the parameter was not registered (optional bias). */
  protected paramOpt(name: string): Tensor | undefined {
    return this._params.get(name);
  }
  protected buffer(name: string): Tensor {
    const t = this._buffers.get(name);
    if (t === undefined) throw new ArgumentError(`Module: no buffer '${name}'`);
    return t;
  }

  // ---- traversal --------------------------------------------------------------------------------------

  /** Direct children in registration order. */
  namedChildren(): [string, Module][] {
    return [...this._modules];
  }
  /** This module and all descendants with dotted names ("" for this one). */
  namedModules(prefix = ""): [string, Module][] {
    const out: [string, Module][] = [[prefix, this]];
    for (const [n, m] of this._modules) out.push(...m.namedModules(join(prefix, n)));
    return out;
  }
  /** Every parameter of this module and its descendants, with dotted names, in registration order. */
  namedParameters(prefix = ""): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [n, t] of this._params) out.push([join(prefix, n), t]);
    for (const [n, m] of this._modules) out.push(...m.namedParameters(join(prefix, n)));
    return out;
  }
  parameters(): Tensor[] {
    return this.namedParameters().map(([, t]) => t);
  }
  namedBuffers(prefix = ""): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [n, t] of this._buffers) out.push([join(prefix, n), t]);
    for (const [n, m] of this._modules) out.push(...m.namedBuffers(join(prefix, n)));
    return out;
  }
  buffers(): Tensor[] {
    return this.namedBuffers().map(([, t]) => t);
  }
  /** Total number of parameter entries. */
  parameterCount(): number {
    return this.parameters().reduce((a, t) => a + t.size, 0);
  }

  // ---- modes -----------------------------------------------------------------------------------------

  /** Sets training mode on this module and all descendants; returns this. */
  train(on = true): this {
    for (const [, m] of this.namedModules()) m.training = on;
    return this;
  }
  /** Evaluation mode (`train(false)`). */
  eval(): this {
    return this.train(false);
  }
  /** Drops `.grad` of every parameter. */
  zeroGrad(): void {
    for (const p of this.parameters()) p.zeroGrad();
  }

  // ---- state -----------------------------------------------------------------------------------------

  /**
   * Parameters and buffers by dotted name. By default these are the module's own tensors (do not
   * dispose them; they change as the module trains); `{ clone: true }` returns detached copies that
   * the caller owns (a snapshot).
   */
  stateDict(options: { clone?: boolean } = {}): StateDict {
    const out: StateDict = {};
    for (const [n, t] of [...this.namedParameters(), ...this.namedBuffers()]) {
      out[n] = options.clone ? keep(tidy(() => noGrad(() => t.detach().clone()))) : t;
    }
    return out;
  }

  /**
   * Copies values from `state` into this module's parameters and buffers (converting dtype and
   * device). Shapes must match (ERR_SHAPE names the entry); with `strict` (default) the names must
   * match exactly (ERR_ARGUMENT lists missing and unexpected ones).
   */
  loadStateDict(state: StateDict | Map<string, Tensor>, options: { strict?: boolean } = {}): void {
    const entries = state instanceof Map ? state : new Map(Object.entries(state));
    const own = new Map([...this.namedParameters(), ...this.namedBuffers()]);
    if (options.strict ?? true) {
      const missing = [...own.keys()].filter((k) => !entries.has(k));
      const unexpected = [...entries.keys()].filter((k) => !own.has(k));
      if (missing.length > 0 || unexpected.length > 0) {
        throw new ArgumentError(
          `loadStateDict: expected the keys of this ${this.constructor.name} but ` +
            [missing.length ? `missing ${missing.join(", ")}` : "", unexpected.length ? `unexpected ${unexpected.join(", ")}` : ""].filter(Boolean).join("; "),
        );
      }
    }
    for (const [name, src] of entries) {
      const dst = own.get(name);
      if (dst === undefined) continue;
      if (!(src instanceof Tensor)) throw new ArgumentError(`loadStateDict: expected a Tensor for '${name}'`);
      const a = dst.shape;
      const b = src.shape;
      if (a.length !== b.length || a.some((s, i) => s !== b[i])) {
        throw new ShapeError(`loadStateDict: expected shape [${a.join(", ")}] for '${name}' but received [${b.join(", ")}]`);
      }
    }
    noGrad(() => {
      for (const [name, src] of entries) own.get(name)?.copy_(src);
    });
    this.afterLoad();
  }

  /** Hook for modules that cache state read from buffers (BatchNorm's step counter). */
  protected afterLoad(): void {
    for (const [, m] of this._modules) m.afterLoad();
  }

  /**
   * Moves parameters and buffers to a device, or converts floating-point ones to a dtype (integer
   * buffers keep theirs, as in PyTorch). Gradients are dropped. Returns this.
   */
  to(deviceOrDtype: Device | DType): this {
    if (!isDevice(deviceOrDtype) && !isDType(deviceOrDtype)) {
      throw new ArgumentError(`Module.to: expected a device (cpu, cuda, cuda:<i>) or a dtype (float32, float64) but received ${String(deviceOrDtype)}`);
    }
    const conv = (t: Tensor): Tensor | undefined => {
      if (isDType(deviceOrDtype) && (!FLOAT.has(t.dtype) || t.dtype === deviceOrDtype)) return undefined;
      if (isDevice(deviceOrDtype) && t.device === (deviceOrDtype === "cuda" ? "cuda:0" : deviceOrDtype)) return undefined;
      return keep(tidy(() => noGrad(() => t.detach().to(deviceOrDtype))));
    };
    for (const map of [this._params, this._buffers]) {
      for (const [n, t] of map) {
        const c = conv(t);
        if (c === undefined) continue;
        if (map === this._params) c.setRequiresGrad(true);
        map.set(n, c);
        t.dispose();
      }
    }
    for (const [, m] of this._modules) m.to(deviceOrDtype);
    return this;
  }

  /** Frees every parameter and buffer of this module and its descendants. Idempotent. */
  dispose(): void {
    if (this._disposed) return;
    this._disposed = true;
    for (const t of this._params.values()) t.dispose();
    for (const t of this._buffers.values()) t.dispose();
    for (const m of this._modules.values()) m.dispose();
  }
  [Symbol.dispose](): void {
    this.dispose();
  }
  get isDisposed(): boolean {
    return this._disposed;
  }

  toString(): string {
    const kids = this.namedChildren();
    if (kids.length === 0) return `${this.constructor.name}(${this.extraRepr()})`;
    const inner = kids.map(([n, m]) => `  (${n}): ${m.toString().replace(/\n/g, "\n  ")}`).join("\n");
    return `${this.constructor.name}(${this.extraRepr()}\n${inner}\n)`;
  }
  /** Shown inside the parentheses of {@link toString}. */
  protected extraRepr(): string {
    return "";
  }
}

function join(prefix: string, name: string): string {
  return prefix === "" ? name : `${prefix}.${name}`;
}

function checkName(name: string, ...maps: Map<string, unknown>[]): void {
  if (typeof name !== "string" || name === "" || name.includes(".")) {
    throw new ArgumentError(`Module: expected a non-empty name without dots but received '${String(name)}'`);
  }
  if (maps.some((m) => m.has(name))) throw new ArgumentError(`Module: the name '${name}' is already registered`);
}
