/**
 * BGRL's own linear evaluation (nerdslab/bgrl, bgrl/logistic_regression_eval.py,
 * fit_logistic_regression), reproduced exactly:
 *
 *   targets one-hot encoded, embeddings l2-normalized;
 *   for each repeat: a random 20% / 80% train/test split (sklearn train_test_split(test_size=0.8));
 *     GridSearchCV(OneVsRestClassifier(LogisticRegression(solver='liblinear')), C = 2^-10..2^10,
 *     cv=ShuffleSplit(n_splits=5, test_size=0.5)) on the 20%, with the default scorer. On one-hot
 *     (multilabel-indicator) targets that scorer is SUBSET accuracy of OneVsRestClassifier.predict:
 *     each class's decision function is thresholded at 0 on its own, and a validation row counts
 *     only when exactly its true class is predicted and no other. The C of the best mean fold score
 *     is selected (the first in ascending C on ties, as GridSearchCV's rank);
 *     the refit on the whole 20% with that C predicts the 80% by argmax of predict_proba (= argmax
 *     of the decision values), scored by plain accuracy.
 *   Every fit is liblinear's: its trust-region Newton method stopped by scikit-learn's tol = 1e-4
 *   (optimizer "liblinear", native/eval/probe.cc). That optimum is approximate, and near-ties of the
 *   fold scores at large C follow it: a tightly converged fit selects another C in some repeats.
 *
 * Selecting C by argmax accuracy on the folds instead (this module before, and the other protocols)
 * favours weaker regularization and overstates weakly trained embeddings by up to ~2 points on Cora.
 * The fold scores are computed from the native fits' coefficients with tensor ops (one product per
 * fold for the whole grid).
 *
 * Multi-label targets (PPI-style; BGRL evaluates those differently) keep the native micro-F1 on the
 * folds. Datasets with official splits (WikiCS, OGB) use {@link presetSplitsProbe} instead, as BGRL
 * does (see probeGraph).
 *
 * Native calls: one per fold (the whole grid) and one for the refit, per repeat.
 *
 * @example
 * ```ts
 * const r = crossValidatedProbe(embeddings, graph.labels, { repeats: 20, seed: 0 });
 * r.mean;  // test accuracy averaged over the 20 repeats
 * ```
 */
import { createRng, deriveSeed } from "../data/rng.js";
import { ArgumentError } from "../errors.js";
import type { Split } from "../graph/Graph.js";
import { arange, tensor } from "../tensor/creation.js";
import type { Tensor } from "../tensor/Tensor.js";
import { tidy } from "../tensor/tidy.js";
import { checkEmbeddings, fitOne, summarizeSplits, resolve, targetTensor, type ProbeOptions, type ProbeResult, type ProbeSplitResult, type ProbeTargets, type Resolved } from "./linearProbe.js";

export interface CrossValidatedProbeOptions extends ProbeOptions {
  /** Repeats with fresh train/test splits (default 20). */
  repeats?: number;
  /** Train fraction of each repeat (default 0.2, BGRL's test_size=0.8). */
  trainFraction?: number;
  /** Cross-validation folds inside the train part (default 5, ShuffleSplit(n_splits=5, test_size=0.5)). */
  folds?: number;
  /** Seed of the splits (default 0). */
  seed?: number;
}

/** One repeat of BGRL's protocol: node ids (sorted) of the train part, the test part, and the folds inside the train part. */
export interface BgrlRepeatSplit {
  train: Int32Array;
  test: Int32Array;
  folds: { train: Int32Array; val: Int32Array }[];
}

function shuffled(ids: Int32Array, seed: number): Int32Array {
  const rng = createRng(seed);
  const p = Int32Array.from(ids);
  for (let i = p.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = p[i]!;
    p[i] = p[j]!;
    p[j] = t;
  }
  return p;
}

/** @internal */
export const sorted = (a: Int32Array): Int32Array => a.sort();

/** Repeat k's seeded permutation of the n nodes: the first nTrain train (in permutation order), the rest test (sorted). */
function repeatSplit(n: number, nTrain: number, seed: number, k: number): { train: Int32Array; test: Int32Array } {
  const perm = shuffled(
    Int32Array.from({ length: n }, (_, i) => i),
    deriveSeed(seed, k),
  );
  return { train: perm.subarray(0, nTrain), test: sorted(perm.slice(nTrain)) };
}

/** BGRL's sizes and folds for n nodes (sklearn: n_test = ceil(0.8 n); ShuffleSplit(test_size=0.5): n_val = ceil(0.5 n_train)). */
function bgrlPlan(
  n: number,
  options: Pick<CrossValidatedProbeOptions, "repeats" | "trainFraction" | "folds" | "seed">,
): { repeats: number; nTrain: number; seed: number; foldsOf: (train: Int32Array, k: number) => Split[] } {
  const repeats = options.repeats ?? 20;
  const frac = options.trainFraction ?? 0.2;
  const folds = options.folds ?? 5;
  const seed = options.seed ?? 0;
  if (!Number.isInteger(repeats) || repeats < 1) throw new ArgumentError(`crossValidatedProbe: expected repeats >= 1 but received ${repeats}`);
  if (!Number.isInteger(folds) || folds < 1) throw new ArgumentError(`crossValidatedProbe: expected folds >= 1 but received ${folds}`);
  if (!(frac > 0 && frac < 1)) throw new ArgumentError(`crossValidatedProbe: expected a train fraction in (0, 1) but received ${frac}`);
  const nTest = Math.ceil((1 - frac) * n);
  const nTrain = n - nTest;
  const nVal = Math.ceil(0.5 * nTrain);
  if (nTrain < 2 || nTrain - nVal < 1) throw new ArgumentError(`crossValidatedProbe: ${n} nodes leave no room for a train part of ${frac}`);
  const empty = new Int32Array(0);
  const foldsOf = (train: Int32Array, k: number): Split[] =>
    Array.from({ length: folds }, (_, f): Split => {
      const fp = shuffled(train, deriveSeed(deriveSeed(seed, k), 1000 + f));
      return { name: `cv-${k}-${f}`, train: sorted(fp.slice(nVal)), val: sorted(fp.slice(0, nVal)), test: empty };
    });
  return { repeats, nTrain, seed, foldsOf };
}

/**
 * The splits {@link crossValidatedProbe} uses for `n` nodes (seeded; the same for the same options):
 * node ids (sorted) of each repeat's train and test parts and of the folds inside the train part.
 */
export function bgrlSplits(n: number, options: Pick<CrossValidatedProbeOptions, "repeats" | "trainFraction" | "folds" | "seed"> = {}): BgrlRepeatSplit[] {
  const { repeats, nTrain, seed, foldsOf } = bgrlPlan(n, options);
  return Array.from({ length: repeats }, (_, k) => {
    const { train, test } = repeatSplit(n, nTrain, seed, k);
    return { train: sorted(train.slice()), test, folds: foldsOf(train, k).map((f) => ({ train: f.train, val: f.val })) };
  });
}

/**
 * Per C, the number of `val` rows whose one-vs-rest prediction {k : w_k . x + b_k > 0} is exactly
 * {label} (sklearn's OneVsRestClassifier.predict on one-hot targets, scored by accuracy_score).
 * xn: the (normalized) float64 embeddings [N, D]; weight [G, K, D], intercept [G, K].
 */
function subsetCorrect(xn: Tensor, labels: Tensor, val: Int32Array, weight: Tensor, intercept: Tensor): Float64Array {
  return tidy(() => {
    const idx = tensor(val);
    const z = xn.indexSelect(0, idx).matmul(weight.transpose(1, 2)).add(intercept.unsqueeze(1)); // [G, V, K]
    const truth = labels.indexSelect(0, idx).unsqueeze(1).eq(arange(weight.shape[1]!).unsqueeze(0)); // [V, K]
    const wrong = z.gt(0).ne(truth).to("float64").sum(2); // [G, V]: classes predicted differently from the one-hot row
    return (wrong.eq(0).to("float64").sum(1).toTypedArray() as Float64Array).slice();
  });
}

/**
 * @internal The repeats of a cross-validated probe: per repeat k a seeded permutation, its first
 * `nTrain` nodes to train and the rest to test; the mean validation score of every C over
 * `foldsOf(train, k)` (each fold = one native call for the grid; sklearn's per-fold scores summed in
 * fold order, then divided), the first best C (GridSearchCV's tie rule), then a refit with it on the
 * whole train part, scored on the test part. The fold score is argmax accuracy, or with
 * `subsetAccuracy` (single-label targets) the subset accuracy of the one-vs-rest predictions.
 */
export function repeatedCvProbe(
  embeddings: Tensor,
  targets: ProbeTargets,
  r: Resolved,
  o: { repeats: number; nTrain: number; seed: number; name: string; subsetAccuracy?: boolean },
  foldsOf: (train: Int32Array, k: number) => Split[],
): ProbeResult {
  const n = embeddings.shape[0]!;
  const empty = new Int32Array(0);
  const { results, multilabel } = tidy(() => {
    const { t, multilabel } = targetTensor(targets, n);
    const subset = o.subsetAccuracy === true && !multilabel;
    const x64 = subset ? embeddings.to("float64") : undefined;
    const xn = x64 && r.settings.normalize ? x64.normalize(2, 1, 1e-12) : x64; // the rows the native fit sees
    const out: ProbeSplitResult[] = [];
    for (let k = 0; k < o.repeats; k++) {
      const { train, test } = repeatSplit(n, o.nTrain, o.seed, k);
      const folds = foldsOf(train, k);
      const val = new Float64Array(r.settings.cGrid.length);
      for (const fold of folds) {
        const scored: { correct?: Float64Array } = {};
        const fit = fitOne(embeddings, t, multilabel, fold, r, xn ? (w, b) => (scored.correct = subsetCorrect(xn, t, fold.val, w, b)) : undefined);
        fit.grid.forEach((g, c) => (val[c]! += scored.correct ? scored.correct[c]! / fold.val.length : g.val));
      }
      for (let c = 0; c < val.length; c++) val[c]! /= folds.length;
      let best = 0;
      for (let i = 1; i < val.length; i++) if (val[i]! > val[best]!) best = i;
      const split: Split = { name: `${o.name}-${k}`, train: sorted(train.slice()), val: empty, test };
      const { coef: _coef, ...rest } = fitOne(embeddings, t, multilabel, split, { ...r, settings: { ...r.settings, cGrid: [r.settings.cGrid[best]!] } });
      out.push({ ...rest, val: val[best]! });
    }
    return { results: out, multilabel };
  });
  return summarizeSplits(results, multilabel, r);
}

/** Linear-probe accuracy under BGRL's cross-validated protocol (see the module comment). */
export function crossValidatedProbe(embeddings: Tensor, targets: ProbeTargets, options: CrossValidatedProbeOptions = {}): ProbeResult & { protocol: "bgrl" } {
  checkEmbeddings(embeddings);
  if (options.solver !== undefined && options.solver !== "ovr") {
    throw new ArgumentError(`crossValidatedProbe: BGRL's protocol is one-vs-rest logistic regression (liblinear) but received solver '${options.solver}'`);
  }
  const r = resolve({ optimizer: "liblinear", ...options, solver: "ovr" });
  const { repeats, nTrain, seed, foldsOf } = bgrlPlan(embeddings.shape[0]!, options);
  return { protocol: "bgrl", ...repeatedCvProbe(embeddings, targets, r, { repeats, nTrain, seed, name: "bgrl", subsetAccuracy: true }, foldsOf) };
}
