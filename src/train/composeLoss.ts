/**
 * The loss a training step minimizes: the objective's loss plus the configured regularizers, with
 * every named part kept for logging.
 *
 *   L = L_objective + L_WERank(weights) + ½ (SVMax(x1) + SVMax(x2)) + ½ (var(x1) + var(x2))
 *
 * where x1, x2 are both views' online representations or embeddings (`on`). Terms are added in
 * this order (floating-point sums are not associative: the order is part of a run's trajectory).
 *
 * @example
 * ```ts
 * const { loss, terms } = composeLoss(objective.forward([v1, v2]), { werank, svmax: { regularizer: new SVMax(), on: "embedding" } });
 * loss.backward();
 * ```
 */
import type { EmbeddingRegularizer } from "../regularizers/EmbeddingRegularizer.js";
import type { WERank } from "../regularizers/werank.js";
import type { ObjectiveResult } from "../ssl/Objective.js";
import type { Tensor } from "../tensor/Tensor.js";

/** An embedding regularizer and the online output it acts on. */
export interface AppliedRegularizer {
  regularizer: EmbeddingRegularizer;
  on: "representation" | "embedding";
}

/** The regularizers of a run (absent: off). */
export interface LossRegularizers {
  werank?: WERank | undefined;
  svmax?: AppliedRegularizer | undefined;
  variance?: AppliedRegularizer | undefined;
}

/** Objective loss + regularizers, and the named terms (objective terms, then werank, svmax, variance). */
export function composeLoss(r: ObjectiveResult, regs: LossRegularizers): { loss: Tensor; terms: Record<string, Tensor> } {
  let loss = r.loss;
  const terms: Record<string, Tensor> = { ...r.terms };
  if (regs.werank) {
    const w = regs.werank.compute();
    loss = loss.add(w.loss);
    terms.werank = w.loss;
  }
  // SVMax and the variance hinge act on both views' online outputs (averaged).
  const both = ({ regularizer, on }: AppliedRegularizer): Tensor => {
    const xs = on === "representation" ? r.outputs.representation : r.outputs.online;
    return regularizer.forward(xs[0]!).loss.add(regularizer.forward(xs[1]!).loss).mul(0.5);
  };
  if (regs.svmax) {
    const s = both(regs.svmax);
    loss = loss.add(s);
    terms.svmax = s;
  }
  if (regs.variance) {
    const v = both(regs.variance);
    loss = loss.add(v);
    terms.variance = v;
  }
  return { loss, terms };
}
