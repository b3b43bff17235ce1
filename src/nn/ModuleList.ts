/**
 * An indexed list of submodules, as torch.nn.ModuleList: children are named "0", "1", ... so their
 * parameters appear as "layers.0.weight" in the parent.
 *
 * @example
 * ```ts
 * const layers = new ModuleList([new Linear(8, 16), new Linear(16, 4)]);
 * layers.at(1).forward(h);
 * ```
 */
import { ArgumentError } from "../errors.js";
import { Module } from "./Module.js";

export class ModuleList<M extends Module = Module> extends Module {
  private readonly items: M[] = [];

  constructor(modules: readonly M[] = []) {
    super();
    for (const m of modules) this.push(m);
  }

  push(m: M): M {
    this.registerModule(String(this.items.length), m);
    this.items.push(m);
    return m;
  }

  at(i: number): M {
    const m = this.items[i];
    if (m === undefined) throw new ArgumentError(`ModuleList: index ${i} out of range [0, ${this.items.length})`);
    return m;
  }

  get length(): number {
    return this.items.length;
  }

  [Symbol.iterator](): Iterator<M> {
    return this.items[Symbol.iterator]();
  }
}
