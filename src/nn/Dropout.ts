/**
 * Inverted dropout (Srivastava et al., 2014), as torch.nn.Dropout: in training each entry is zeroed
 * with probability p and the rest scaled by 1/(1 - p); in eval mode it is the identity.
 *
 * Shapes: any -> same. No parameters.
 *
 * @example
 * ```ts
 * const drop = new Dropout(0.5);
 * const y = drop.forward(h);   // identity after drop.eval()
 * ```
 */
import { ArgumentError } from "../errors.js";
import { dropout } from "../tensor/functional.js";
import type { Tensor } from "../tensor/Tensor.js";
import { Module } from "./Module.js";

export class Dropout extends Module {
  readonly p: number;

  constructor(p = 0.5) {
    super();
    if (!(p >= 0 && p < 1)) throw new ArgumentError(`Dropout: expected p in [0, 1) but received ${p}`);
    this.p = p;
  }

  forward(x: Tensor): Tensor {
    return this.training && this.p > 0 ? dropout(x, this.p, true) : x;
  }

  protected override extraRepr(): string {
    return `p=${this.p}`;
  }
}
