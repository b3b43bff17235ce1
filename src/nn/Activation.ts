/**
 * Activations by name, as modules so that a network is a uniform list of layers: "relu", "elu",
 * "prelu" (a learnable {@link PReLU}, one slope, init 0.25), "none" (identity).
 *
 * @example
 * ```ts
 * const act = makeActivation("prelu");
 * const y = act.forward(h);
 * ```
 */
import { ArgumentError, unknownName } from "../errors.js";
import type { DType } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/Tensor.js";
import { Module } from "./Module.js";
import { PReLU } from "./PReLU.js";

export type ActivationName = "relu" | "elu" | "prelu" | "none";
export const ACTIVATIONS: readonly ActivationName[] = ["relu", "elu", "prelu", "none"];

/** A parameter-free activation (relu, elu, identity). */
export class Activation extends Module {
  readonly kind: "relu" | "elu" | "none";

  constructor(kind: "relu" | "elu" | "none") {
    super();
    if (kind !== "relu" && kind !== "elu" && kind !== "none") throw new ArgumentError(unknownName("activation", String(kind), ["relu", "elu", "none"]));
    this.kind = kind;
  }

  forward(x: Tensor): Tensor {
    return this.kind === "relu" ? x.relu() : this.kind === "elu" ? x.elu() : x;
  }

  protected override extraRepr(): string {
    return this.kind;
  }
}

/** A module for the activation `name`; unknown names raise ERR_ARGUMENT with the valid choices. */
export function makeActivation(name: ActivationName, dtype: DType = "float32"): Activation | PReLU {
  if (!ACTIVATIONS.includes(name)) throw new ArgumentError(unknownName("activation", String(name), ACTIVATIONS));
  return name === "prelu" ? new PReLU({ dtype }) : new Activation(name);
}
