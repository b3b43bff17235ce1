/**
 * Rank Differential Mechanism variants (Zhuo, Wang, Ma & Wang, ICLR 2023, "Towards a Unified
 * Theoretical Understanding of Non-contrastive Learning via Rank Differential Mechanism"; see
 * ../shared/seeds/rank-differential-mechanism-paper.txt). RDM explains asymmetric non-contrastive
 * methods by a rank difference between the two branches' outputs and replaces the learnable
 * predictor by a fixed *spectral filter* on one branch. Following the official code
 * (PKU-ML/Rank-Differential-Mechanism, solo/methods/rdmbyol.py and rdmsimsiam.py, `loss()`), with
 * o = U diag(s) V^T the SVD of a branch's output [N, d] and g the filter:
 *
 * - `location: "online"`: o' = o W with W = V diag(g(s)) V^T computed without gradient (W is a
 *   constant matrix; the gradient flows through o), so o' = U diag(s g(s)) V^T;
 * - `location: "target"`: the stop-gradient branch t becomes U diag(s g(s)) V^T (no gradient).
 *
 * Filters g (`pred_type`): "poly" s^sigma, "log" log(s), "log1" log(1 + s), "log2" log(1 + s^2).
 * For "poly" the output singular values are s^(1 + sigma), as the official target branch computes
 * (`s.pow(1 + sigma)`); the official code has only "poly" at the target, the other filters are
 * allowed there too by the same rule. Singular values are clamped to >= 1e-12 before log or a
 * negative power.
 *
 * Base method (`base`):
 * - "bgrl" (RDM-BYOL on graphs): EMA target encoder, loss 2 - mean cos(o1', sg t2') - mean cos(o2', sg t1')
 *   (BGRL's loss form, see {@link bgrlLoss}); `afterStep(m)` updates the target.
 * - "simsiam": one shared encoder, t_k = sg(o_k), loss -(mean cos(o1', t2') + mean cos(o2', t1')) / 2.
 * As in the official code there is no learnable predictor by default (the filter is the
 * predictor); `predictorHidden` adds BGRL's MLP predictor on the online branch.
 *
 * Shapes: o, t [N, d]; one SVD of [N, d] per view and step.
 *
 * @example
 * ```ts
 * const rdm = new RDM({ encoder: { type: "gcn", inputDim: 745, layers: [256, 128] }, base: "bgrl", filter: "poly", sigma: 1, location: "online" });
 * ```
 */
import { ConfigError, unknownName } from "../errors.js";
import type { GraphEncoder } from "../nn/GraphEncoder.js";
import type { MLP } from "../nn/MLP.js";
import { noGrad } from "../tensor/autograd.js";
import type { Tensor } from "../tensor/Tensor.js";
import { bgrlLossTerms, makeTargetEncoder, targetForward } from "./bgrl.js";
import { simsiamLossTerms } from "./simsiam.js";
import { emaUpdate } from "../nn/ema.js";
import { BaseObjective, type ObjectiveOptions, type ObjectiveResult, type View } from "./Objective.js";

export type RDMFilter = "poly" | "log" | "log1" | "log2";
export const RDM_FILTERS: readonly RDMFilter[] = ["poly", "log", "log1", "log2"];

export interface RDMOptions extends ObjectiveOptions {
  /** "bgrl" (EMA target, default) or "simsiam" (shared encoder, stop-gradient). */
  base?: "bgrl" | "simsiam";
  /** Spectral filter g (default "poly"). */
  filter?: RDMFilter;
  /** Power of the "poly" filter (default 1). */
  sigma?: number;
  /** Which branch is filtered (default "online"). */
  location?: "online" | "target";
  /** Add a learnable MLP predictor with this hidden width (default: none, as the official code). */
  predictorHidden?: number;
  /** EMA target init for base "bgrl" (default "reinit", as BGRL's code). */
  targetInit?: "reinit" | "copy";
}

/** g(s) for a filter (s clamped to >= 1e-12 where g needs it). */
export function filterValues(s: Tensor, filter: RDMFilter, sigma = 1): Tensor {
  switch (filter) {
    case "poly":
      return sigma >= 0 ? s.pow(sigma) : s.clamp(1e-12).pow(sigma);
    case "log":
      return s.clamp(1e-12).log();
    case "log1":
      return s.log1p();
    case "log2":
      return s.square().log1p();
    default:
      throw new ConfigError(unknownName("rdm filter", String(filter), RDM_FILTERS));
  }
}

/** Online filtering o -> o V diag(g(s)) V^T with the matrix built without gradient. */
export function filterOnline(o: Tensor, filter: RDMFilter, sigma = 1): Tensor {
  const w = noGrad(() => {
    const { S, Vh } = o.detach().svd();
    return Vh.t()
      .mul(filterValues(S, filter, sigma))
      .matmul(Vh);
  });
  return o.matmul(w);
}

/** Target filtering t -> U diag(s g(s)) V^T, without gradient. */
export function filterTarget(t: Tensor, filter: RDMFilter, sigma = 1): Tensor {
  return noGrad(() => {
    const { U, S, Vh } = t.detach().svd();
    return U.mul(S.mul(filterValues(S, filter, sigma))).matmul(Vh);
  });
}

export class RDM extends BaseObjective {
  readonly name: string = "rdm";
  readonly base: "bgrl" | "simsiam";
  readonly filter: RDMFilter;
  readonly sigma: number;
  readonly location: "online" | "target";
  readonly predictor: MLP | undefined;
  readonly target: GraphEncoder | undefined;

  constructor(options: RDMOptions) {
    super(options);
    this.base = options.base ?? "bgrl";
    this.filter = options.filter ?? "poly";
    this.sigma = options.sigma ?? 1;
    this.location = options.location ?? "online";
    const problem =
      this.base !== "bgrl" && this.base !== "simsiam"
        ? unknownName("rdm base", String(this.base), ["bgrl", "simsiam"])
        : !RDM_FILTERS.includes(this.filter)
          ? unknownName("rdm filter", String(this.filter), RDM_FILTERS)
          : this.location !== "online" && this.location !== "target"
            ? unknownName("rdm location", String(this.location), ["online", "target"])
            : !Number.isFinite(this.sigma)
              ? `rdm.sigma: expected a finite number but received ${this.sigma}`
              : undefined;
    if (problem) {
      this.dispose();
      throw new ConfigError(problem);
    }
    const d = this.encoder.representationDim;
    this.predictor = options.predictorHidden ? this.head("predictor", { dims: [options.predictorHidden, d], act: "prelu" }) : undefined;
    this.target = this.base === "bgrl" ? this.own("target", makeTargetEncoder(this.encoder, options.targetInit ?? "reinit"), true) : undefined;
  }

  forward(views: readonly [View, View]): ObjectiveResult {
    const [h1, h2] = this.encodeBoth(views);
    let o1 = this.predictor ? this.predictor.forward(h1) : h1;
    let o2 = this.predictor ? this.predictor.forward(h2) : h2;
    let [t1, t2] = this.target ? targetForward(this.target, views) : [h1.detach(), h2.detach()];
    if (this.location === "online") {
      o1 = filterOnline(o1, this.filter, this.sigma);
      o2 = filterOnline(o2, this.filter, this.sigma);
    } else {
      t1 = filterTarget(t1, this.filter, this.sigma);
      t2 = filterTarget(t2, this.filter, this.sigma);
    }
    // The base objective's own loss function, on the filtered outputs.
    const { loss, c12, c21 } = (this.base === "bgrl" ? bgrlLossTerms : simsiamLossTerms)(o1, t2, o2, t1);
    return {
      loss,
      terms: { cos12: c12.detach(), cos21: c21.detach() },
      outputs: { online: [o1, o2], target: [t1, t2], representation: [h1, h2] },
    };
  }

  afterStep(momentum: number): void {
    if (this.target) emaUpdate(this.target.parameters(), this.encoder.parameters(), momentum);
  }
}
