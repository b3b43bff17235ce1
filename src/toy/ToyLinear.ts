/**
 * The linear toy network of the dimensional-collapse papers: L bias-free d x d weight matrices,
 *
 *   h_1 = W_1 x,  h_l = W_l h_{l-1},  z = h_L = W_L ... W_1 x
 *
 * (Jing et al., ICLR 2022: one layer in Sec. 4, two layers "without bias" in Sec. 5; the WERank
 * paper's toy models). Rows are samples, so a layer is x W^T as torch.nn.Linear. h_1 is the
 * "representation" and z the "embedding" when a projector W_2 follows the encoder W_1.
 *
 * Initializations:
 * - "uniform": torch.nn.Linear's U(-1/sqrt(d), 1/sqrt(d)) (case_1.py's nn.Linear);
 * - "spectrum": the official case_2.py init, W = U diag(exp(-0.35 i)) V^T with U, V the singular
 *   vectors of a U[0, 1) random matrix, i = 0..d-1: distinct singular values from 1 down to
 *   exp(-0.35 (d - 1)) (the paper initializes "to have non-degenerate singular values" so that
 *   the alignment matrix is well defined).
 *
 * @example
 * ```ts
 * manualSeed(0);
 * const net = new ToyLinear({ layers: 2, init: "spectrum" });
 * const [r, z] = tidy(() => net.forward(x));   // representation and embedding
 * net.dispose();
 * ```
 */
import { ConfigError, unknownName } from "../errors.js";
import { arange, rand } from "../tensor/creation.js";
import { linear } from "../tensor/functional.js";
import { kaimingUniform } from "../nn/init.js";
import { keep, tidy } from "../tensor/tidy.js";
import type { Tensor } from "../tensor/Tensor.js";

export type ToyInit = "uniform" | "spectrum";
export const TOY_INITS: readonly ToyInit[] = ["uniform", "spectrum"];

export interface ToyLinearOptions {
  /** Number of weight matrices L >= 1 (default 1). */
  layers?: number;
  /** Width d (default 16). */
  dim?: number;
  /** Initialization (default "uniform"). */
  init?: ToyInit;
}

/** One d x d weight with the given init, drawn from the seeded global generator. */
export function toyWeight(dim: number, init: ToyInit): Tensor {
  if (init === "uniform") return tidy(() => kaimingUniform([dim, dim], dim));
  if (init === "spectrum") {
    return tidy(() => {
      const { U, Vh } = rand([dim, dim], { dtype: "float64" }).svd();
      const s = arange(dim, undefined, 1, { dtype: "float64" }).mul(-0.35).exp();
      return U.mul(s.unsqueeze(0)).matmul(Vh).to("float32");
    });
  }
  throw new ConfigError(unknownName("init", String(init), TOY_INITS));
}

export class ToyLinear {
  readonly dim: number;
  readonly init: ToyInit;
  /** W_1 .. W_L, each [d, d], trainable. */
  readonly weights: Tensor[];

  constructor(o: ToyLinearOptions = {}) {
    const layers = o.layers ?? 1;
    this.dim = o.dim ?? 16;
    this.init = o.init ?? "uniform";
    if (!Number.isInteger(layers) || layers < 1) throw new ConfigError(`Expected layers >= 1 but received ${o.layers}`);
    if (!TOY_INITS.includes(this.init)) throw new ConfigError(unknownName("init", String(this.init), TOY_INITS));
    this.weights = Array.from({ length: layers }, () => keep(toyWeight(this.dim, this.init).setRequiresGrad(true)));
  }

  get layers(): number {
    return this.weights.length;
  }

  /** Outputs of every layer [h_1, ..., h_L] for inputs [N, d] (call inside tidy()). */
  forward(x: Tensor, weights: readonly Tensor[] = this.weights): Tensor[] {
    const out: Tensor[] = [];
    let h = x;
    for (const w of weights) out.push((h = linear(h, w)));
    return out;
  }

  dispose(): void {
    for (const w of this.weights) w.dispose();
  }
}
