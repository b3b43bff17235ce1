/**
 * Graph Barlow Twins (Bielak, Kajdanowicz & Chawla, 2022; the image method is Zbontar et al., ICML
 * 2021): drive the cross-correlation of the two views' standardized embeddings to the identity.
 *
 *   ẑ = (z - mean) / (std + 1e-15)  per dimension over the N nodes (unbiased std)
 *   C = ẑ1^T ẑ2 / N      [d, d]
 *   L = sum_j (1 - C_jj)^2 + lambda * sum_{j != k} C_jk^2,   lambda = 1 / d by default
 *
 * exactly as G-BT's official `barlow_twins_loss` (pbielak/graph-barlow-twins, gssl/loss.py), which
 * uses no projector; one is optional here.
 *
 * @example
 * ```ts
 * const bt = new BarlowTwins({ encoder: { type: "gcn", inputDim: 745, layers: [512, 256] } });
 * const { loss, terms } = bt.forward([v1, v2]);   // terms.onDiagonal, terms.offDiagonal
 * ```
 */
import { ConfigError } from "../errors.js";
import type { MLP } from "../nn/MLP.js";
import type { Tensor } from "../tensor/Tensor.js";
import { BaseObjective, type HeadSpec, type ObjectiveOptions, type ObjectiveResult, type View } from "./Objective.js";

export interface BarlowTwinsOptions extends ObjectiveOptions {
  /** Off-diagonal weight (default 1 / d, G-BT). */
  lambda?: number;
  /** Optional projector after the encoder (default none, as G-BT). */
  projector?: HeadSpec;
}

/** Cross-correlation of the standardized embeddings, C = ẑa^T ẑb / N. */
export function crossCorrelation(za: Tensor, zb: Tensor, eps = 1e-15): Tensor {
  const n = za.shape[0]!;
  const std = (z: Tensor): Tensor => z.sub(z.mean(0, true)).div(z.std(0, true, true).add(eps));
  return std(za).t().matmul(std(zb)).div(n);
}

/** G-BT loss and its two parts (unweighted off-diagonal sum). */
export function barlowTwinsLoss(za: Tensor, zb: Tensor, lambda?: number): { loss: Tensor; onDiagonal: Tensor; offDiagonal: Tensor } {
  const c = crossCorrelation(za, zb);
  const diag = c.diagonal();
  const onDiagonal = diag.rsub(1).square().sum();
  const offDiagonal = c.square().sum().sub(diag.square().sum());
  const lam = lambda ?? 1 / za.shape[1]!;
  return { loss: onDiagonal.add(offDiagonal.mul(lam)), onDiagonal, offDiagonal };
}

export class BarlowTwins extends BaseObjective {
  readonly name: string = "barlow";
  readonly lambda: number | undefined;
  readonly projector: MLP | undefined;

  constructor(options: BarlowTwinsOptions) {
    super(options);
    this.lambda = options.lambda;
    if (this.lambda !== undefined && !(Number.isFinite(this.lambda) && this.lambda >= 0)) {
      this.dispose();
      throw new ConfigError(`barlow.lambda: expected a finite value >= 0 but received ${this.lambda}`);
    }
    this.projector = options.projector ? this.head("projector", options.projector) : undefined;
  }

  forward(views: readonly [View, View]): ObjectiveResult {
    const [h1, h2] = this.encodeBoth(views);
    const z1 = this.projector ? this.projector.forward(h1) : h1;
    const z2 = this.projector ? this.projector.forward(h2) : h2;
    const r = barlowTwinsLoss(z1, z2, this.lambda);
    return { loss: r.loss, terms: { onDiagonal: r.onDiagonal.detach(), offDiagonal: r.offDiagonal.detach() }, outputs: { online: [z1, z2], representation: [h1, h2] } };
  }
}
