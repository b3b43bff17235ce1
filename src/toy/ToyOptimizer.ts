/**
 * The toy models' optimizer, written compactly with in-place tensor ops: plain SGD (the papers'
 * "basic stochastic gradient descent without momentum or weight decay") or Adam (Kingma & Ba, with
 * bias correction). This is the toy's single optimizer call site; the fused native optimizer
 * replaces {@link ToyOptimizer.step}'s body once it is merged.
 *
 *   SGD:  p <- p - lr g
 *   Adam: m <- b1 m + (1 - b1) g,  v <- b2 v + (1 - b2) g^2,
 *         p <- p - lr (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
 *
 * @example
 * ```ts
 * const opt = new ToyOptimizer(params, { kind: "sgd", lr: 0.1 });
 * opt.zeroGrad(); tidy(() => loss().backward()); opt.step();
 * ```
 */
import { ConfigError, unknownName } from "../errors.js";
import { noGrad, zeroGrads } from "../tensor/autograd.js";
import { zerosLike } from "../tensor/creation.js";
import { keep, tidy } from "../tensor/tidy.js";
import type { Tensor } from "../tensor/Tensor.js";

export type ToyOptimizerKind = "sgd" | "adam";
export const TOY_OPTIMIZERS: readonly ToyOptimizerKind[] = ["sgd", "adam"];

export interface ToyOptimizerOptions {
  kind?: ToyOptimizerKind;
  lr: number;
  betas?: [number, number];
  eps?: number;
}

export class ToyOptimizer {
  readonly kind: ToyOptimizerKind;
  readonly lr: number;
  private readonly params: readonly Tensor[];
  private readonly state: { m: Tensor; v: Tensor }[] = [];
  private t = 0;
  private readonly betas: [number, number];
  private readonly eps: number;

  constructor(params: readonly Tensor[], o: ToyOptimizerOptions) {
    this.kind = o.kind ?? "sgd";
    this.lr = o.lr;
    this.betas = o.betas ?? [0.9, 0.999];
    this.eps = o.eps ?? 1e-8;
    if (!TOY_OPTIMIZERS.includes(this.kind)) throw new ConfigError(unknownName("optimizer", String(this.kind), TOY_OPTIMIZERS));
    if (!(Number.isFinite(this.lr) && this.lr > 0)) throw new ConfigError(`Expected a learning rate > 0 but received ${o.lr}`);
    this.params = params;
    if (this.kind === "adam") for (const p of params) this.state.push({ m: keep(zerosLike(p)), v: keep(zerosLike(p)) });
  }

  zeroGrad(): void {
    zeroGrads(this.params);
  }

  /** One update from the accumulated gradients (parameters without a gradient are skipped). */
  step(): void {
    this.t++;
    const [b1, b2] = this.betas;
    const c1 = 1 - b1 ** this.t;
    const c2 = 1 - b2 ** this.t;
    tidy(() =>
      noGrad(() => {
        this.params.forEach((p, i) => {
          const g = p.grad;
          if (g === null) return;
          if (this.kind === "sgd") {
            p.add_(g, -this.lr);
            return;
          }
          const { m, v } = this.state[i]!;
          m.mul_(b1).add_(g, 1 - b1);
          v.mul_(b2).add_(g.square(), 1 - b2);
          p.add_(m.div(v.div(c2).sqrt().add(this.eps)), -this.lr / c1);
        });
      }),
    );
  }

  dispose(): void {
    for (const s of this.state) {
      s.m.dispose();
      s.v.dispose();
    }
  }
}
