/**
 * The self-supervised objectives of the toy experiments, on a {@link ToyLinear} network f with
 * output z = f(x) (the embedding) for two augmented views x1, x2. They reuse the graph objectives'
 * loss functions (src/ssl), so the toy and the graph runs optimize the same formulas:
 *
 * - "infonce":   symmetric InfoNCE on z ({@link toyInfoNCE}; Jing et al. Sec. 4-5, WERank's InfoNCE model);
 * - "directclr": the same InfoNCE on the fixed sub-vector z[:, :d0] and no projector (Jing et al. Sec. 6);
 * - "ema":       BYOL-style: a linear predictor P on the online branch and an EMA copy f_ξ of the
 *                network as target, L = 2 - mean cos(P z1, sg f_ξ(x2)) - mean cos(P z2, sg f_ξ(x1))
 *                ({@link bgrlLoss}); after each step ξ <- m ξ + (1 - m) θ (WERank's EMA model);
 * - "simsiam":   a linear predictor P and stop-gradient on the same network,
 *                L = -(mean cos(P z1, sg z2) + mean cos(P z2, sg z1)) / 2 ({@link simsiamLoss});
 * - "vicreg":    VICReg on z with its default weights 25 / 25 / 1 ({@link vicregLoss}; WERank's VICReg model).
 *
 * Predictors are d x d, bias-free, with torch.nn.Linear's init; the EMA target starts as a copy of
 * the online weights (BYOL). Shapes: x1, x2 [N, d] -> z [N, d] -> scalar loss.
 *
 * @example
 * ```ts
 * const obj = createToyObjective("ema", net, { emaMomentum: 0.99 });
 * tidy(() => obj.loss(net, x1, x2).loss.backward());
 * opt.step(); obj.afterStep?.(net);
 * ```
 */
import { ConfigError, unknownName } from "../errors.js";
import { bgrlLoss } from "../ssl/bgrl.js";
import { emaUpdate } from "../nn/ema.js";
import { simsiamLoss } from "../ssl/simsiam.js";
import { vicregLoss } from "../ssl/vicreg.js";
import { noGrad } from "../tensor/autograd.js";
import { linear } from "../tensor/functional.js";
import { keep, tidy } from "../tensor/tidy.js";
import type { Tensor } from "../tensor/Tensor.js";
import { toyWeight, type ToyLinear } from "./ToyLinear.js";
import { toyInfoNCE, type ToySimilarity } from "./toyInfoNCE.js";

export type ToyObjectiveName = "infonce" | "directclr" | "ema" | "simsiam" | "vicreg";
export const TOY_OBJECTIVES: readonly ToyObjectiveName[] = ["infonce", "directclr", "ema", "simsiam", "vicreg"];

export interface ToyObjectiveOptions {
  /** InfoNCE similarity form (infonce, directclr; default "cosine"). */
  similarity?: ToySimilarity;
  /** InfoNCE temperature (default: 0.1 for cosine and dot, 1 for l2). */
  tau?: number;
  /** DirectCLR sub-vector width d0 (default half the width). */
  d0?: number;
  /** EMA momentum m of the "ema" target (default 0.99). */
  emaMomentum?: number;
}

export interface ToyObjective {
  readonly name: ToyObjectiveName;
  /** Trainable parameters besides the network's weights (the predictor). */
  readonly extraParameters: readonly Tensor[];
  /** Loss of one step (call inside tidy()). */
  loss(net: ToyLinear, x1: Tensor, x2: Tensor): { loss: Tensor; terms: Record<string, Tensor> };
  /** After the optimizer step (the EMA update). */
  afterStep?(net: ToyLinear): void;
  dispose(): void;
}

const last = (hs: Tensor[]): Tensor => hs[hs.length - 1]!;

/** Builds the toy objective `name` for the network `net` (its predictor/target are owned by the objective). */
export function createToyObjective(name: string, net: ToyLinear, o: ToyObjectiveOptions = {}): ToyObjective {
  const d = net.dim;
  const predictor = (): Tensor => keep(toyWeight(d, "uniform").setRequiresGrad(true));
  switch (name) {
    case "infonce":
      return {
        name,
        extraParameters: [],
        loss: (f, x1, x2) => {
          const loss = toyInfoNCE(last(f.forward(x1)), last(f.forward(x2)), o);
          return { loss, terms: { infoNCE: loss.detach() } };
        },
        dispose: () => {},
      };
    case "directclr": {
      const d0 = o.d0 ?? Math.max(1, Math.floor(d / 2));
      if (!Number.isInteger(d0) || d0 < 1 || d0 > d) throw new ConfigError(`Expected d0 in 1..${d} but received ${o.d0}`);
      return {
        name,
        extraParameters: [],
        loss: (f, x1, x2) => {
          const loss = toyInfoNCE(last(f.forward(x1)).narrow(1, 0, d0), last(f.forward(x2)).narrow(1, 0, d0), o);
          return { loss, terms: { infoNCE: loss.detach() } };
        },
        dispose: () => {},
      };
    }
    case "simsiam": {
      const p = predictor();
      return {
        name,
        extraParameters: [p],
        loss: (f, x1, x2) => {
          const z1 = last(f.forward(x1));
          const z2 = last(f.forward(x2));
          const loss = simsiamLoss(linear(z1, p), z2, linear(z2, p), z1);
          return { loss, terms: { negCos: loss.detach() } };
        },
        dispose: () => p.dispose(),
      };
    }
    case "ema": {
      const m = o.emaMomentum ?? 0.99;
      if (!(m >= 0 && m <= 1)) throw new ConfigError(`Expected an EMA momentum in [0, 1] but received ${o.emaMomentum}`);
      const p = predictor();
      const target = tidy(() => net.weights.map((w) => keep(w.detach().clone())));
      return {
        name,
        extraParameters: [p],
        loss: (f, x1, x2) => {
          const [y1, y2] = noGrad(() => [last(f.forward(x1, target)), last(f.forward(x2, target))]);
          const q1 = linear(last(f.forward(x1)), p);
          const q2 = linear(last(f.forward(x2)), p);
          const loss = bgrlLoss(q1, y2!, q2, y1!);
          return { loss, terms: { byol: loss.detach() } };
        },
        afterStep: (f) => emaUpdate(target, f.weights, m),
        dispose: () => {
          p.dispose();
          for (const t of target) t.dispose();
        },
      };
    }
    case "vicreg":
      return {
        name,
        extraParameters: [],
        loss: (f, x1, x2) => {
          const r = vicregLoss(last(f.forward(x1)), last(f.forward(x2)));
          return { loss: r.loss, terms: { invariance: r.invariance.detach(), variance: r.variance.detach(), covariance: r.covariance.detach() } };
        },
        dispose: () => {},
      };
    default:
      throw new ConfigError(unknownName("toy objective", String(name), TOY_OBJECTIVES));
  }
}
