/**
 * BGRL's evaluation on datasets with official splits (nerdslab/bgrl, bgrl/logistic_regression_eval.py,
 * fit_logistic_regression_preset_splits; WikiCS's 20 train/validation masks with its test mask, and
 * ogbn-arXiv's official train/valid/test split):
 *
 *   per split: for C = 2^-10 .. 2^10 in ascending order, OneVsRestClassifier(LogisticRegression(
 *   solver='liblinear', C)) fitted on the train mask; validation accuracy of argmax predict_proba
 *   (= argmax of the one-vs-rest decision values); a C replaces the current one only when its
 *   validation accuracy is strictly larger (starting from 0), and the split reports the test accuracy
 *   of that C's model. So: the first C of the best validation accuracy, and a test accuracy of 0 when
 *   no C reaches a validation accuracy above 0 (BGRL's code never assigns one then). Fits use
 *   liblinear's optimizer with scikit-learn's tolerance (see crossValidatedProbe).
 *
 * @example
 * ```ts
 * const r = presetSplitsProbe(embeddings, graph.labels, graph.publicSplits!);
 * r.mean;  // mean test accuracy over WikiCS's 20 splits
 * ```
 */
import { ArgumentError } from "../errors.js";
import type { Split } from "../graph/Graph.js";
import type { Tensor } from "../tensor/Tensor.js";
import { linearProbe, summarizeSplits, type ProbeOptions, type ProbeResult, type ProbeTargets } from "./linearProbe.js";

/** Linear-probe accuracy under BGRL's preset-splits protocol (see the module comment). */
export function presetSplitsProbe(embeddings: Tensor, targets: ProbeTargets, splits: readonly Split[], options: ProbeOptions = {}): ProbeResult & { protocol: "bgrl" } {
  if (options.solver !== undefined && options.solver !== "ovr") {
    throw new ArgumentError(`presetSplitsProbe: BGRL's protocol is one-vs-rest logistic regression (liblinear) but received solver '${options.solver}'`);
  }
  const res = linearProbe(embeddings, targets, splits, { optimizer: "liblinear", ...options, solver: "ovr" });
  const perSplit = res.splits.map((s) => (s.val > 0 ? s : { ...s, test: 0 }));
  return { protocol: "bgrl", ...summarizeSplits(perSplit, res.metric === "microF1", res) };
}
