/**
 * GRACE's own linear evaluation (CRIPAC-DIG/GRACE, eval.py `label_classification(z, y, ratio=0.1)`,
 * wrapped in `@repeat(3)`), reproduced in its structure:
 *
 *   for each of 3 repeats: a random 10% / 90% train/test split (train_test_split(test_size=0.9):
 *     n_test = ceil(0.9 n));
 *     C in 2^-10 .. 2^9 (np.arange(-10, 10)) chosen by GridSearchCV(cv=5) on the 10%: with one-hot
 *     targets sklearn uses KFold(5) without shuffling, i.e. 5 consecutive folds of the (already
 *     shuffled) train part, each validated once; mean validation accuracy per C, the first best C;
 *     then a refit on the whole 10% with that C, scored on the 90%
 *     (micro-F1 of the argmax predictions, which is accuracy for single-label nodes).
 *
 * Embeddings are l2-normalized and the classifier is one-vs-rest logistic regression fitted as liblinear
 * fits it (GRACE's LogisticRegression(solver='liblinear')). As in sklearn with one-hot targets, the CV
 * folds are scored by subset accuracy (each class thresholded at 0 on its own; a node counts only when
 * exactly its class is predicted), the test part by argmax accuracy. Mean ± population std over the
 * repeats (np.std), as GRACE prints.
 *
 * @example
 * ```ts
 * const r = graceProbe(embeddings, graph.labels, { seed: 0 });
 * r.mean;  // test accuracy averaged over the 3 repeats
 * ```
 */
import { ArgumentError } from "../errors.js";
import type { Split } from "../graph/Graph.js";
import type { Tensor } from "../tensor/Tensor.js";
import { repeatedCvProbe, sorted } from "./crossValidatedProbe.js";
import { checkEmbeddings, resolve, type ProbeOptions, type ProbeResult, type ProbeTargets } from "./linearProbe.js";

/** GRACE's grid: 2.0 ** np.arange(-10, 10). */
export const GRACE_C_GRID: readonly number[] = Object.freeze(Array.from({ length: 20 }, (_, i) => 2 ** (i - 10)));

export interface GraceProbeOptions extends ProbeOptions {
  /** Repeats with fresh train/test splits (default 3, GRACE's @repeat(3)). */
  repeats?: number;
  /** Train fraction of each repeat (default 0.1, GRACE's ratio). */
  trainFraction?: number;
  /** KFold folds inside the train part (default 5). */
  folds?: number;
  /** Seed of the splits (default 0). */
  seed?: number;
}

/** sklearn KFold(n_splits) fold boundaries: the first n % k folds hold one extra sample. */
export function kFoldBounds(n: number, k: number): number[] {
  const bounds = [0];
  for (let f = 0; f < k; f++) bounds.push(bounds[f]! + Math.floor(n / k) + (f < n % k ? 1 : 0));
  return bounds;
}

/** Linear-probe accuracy under GRACE's protocol (see the module comment). */
export function graceProbe(embeddings: Tensor, targets: ProbeTargets, options: GraceProbeOptions = {}): ProbeResult & { protocol: "grace" } {
  checkEmbeddings(embeddings);
  const r = resolve({ optimizer: "liblinear", cGrid: GRACE_C_GRID, ...options, solver: "ovr" });
  const repeats = options.repeats ?? 3;
  const frac = options.trainFraction ?? 0.1;
  const folds = options.folds ?? 5;
  const seed = options.seed ?? 0;
  if (!Number.isInteger(repeats) || repeats < 1) throw new ArgumentError(`graceProbe: expected repeats >= 1 but received ${repeats}`);
  if (!Number.isInteger(folds) || folds < 2) throw new ArgumentError(`graceProbe: expected folds >= 2 but received ${folds}`);
  if (!(frac > 0 && frac < 1)) throw new ArgumentError(`graceProbe: expected a train fraction in (0, 1) but received ${frac}`);
  const n = embeddings.shape[0]!;
  const nTrain = n - Math.ceil((1 - frac) * n);
  if (nTrain < folds) throw new ArgumentError(`graceProbe: ${n} nodes give a train part of ${nTrain}, fewer than the ${folds} folds`);
  const empty = new Int32Array(0);
  const bounds = kFoldBounds(nTrain, folds);
  const result = repeatedCvProbe(embeddings, targets, r, { repeats, nTrain, seed, name: "grace", subsetAccuracy: true }, (train, k) =>
    Array.from({ length: folds }, (_, f): Split => {
      const fit = Int32Array.from([...train.subarray(0, bounds[f]), ...train.subarray(bounds[f + 1]!)]);
      return { name: `grace-cv-${k}-${f}`, train: sorted(fit), val: sorted(train.slice(bounds[f], bounds[f + 1])), test: empty };
    }),
  );
  return { protocol: "grace", ...result };
}
