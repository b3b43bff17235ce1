/**
 * BGRL's own linear evaluation (nerdslab/bgrl, bgrl/logistic_regression_eval.py,
 * fit_logistic_regression), reproduced exactly in its structure:
 *
 *   for each repeat: a random 20% / 80% train/test split (sklearn train_test_split(test_size=0.8));
 *     C (grid 2^-10..2^10) chosen by 5-fold ShuffleSplit cross-validation on the 20%
 *     (each fold: a random half to fit, the other half to validate; mean validation accuracy per C,
 *     the first best C in ascending order as GridSearchCV);
 *     then a refit on the whole 20% with that C, scored on the 80%.
 *
 * The `random` protocol of {@link probeGraph} instead selects C on one 10% validation split and keeps
 * the 10% fit: it trains on half as many nodes, which lowers accuracies by 0.4-1 point on Amazon
 * Computers and Coauthor CS and by 2-5 on Cora (docs/results.md). Embeddings are l2-normalized as in BGRL; the classifier defaults to
 * one-vs-rest (liblinear-style), BGRL's.
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

/**
 * @internal The repeats of a cross-validated probe: per repeat k a seeded permutation, its first
 * `nTrain` nodes to train and the rest to test; the mean validation accuracy of every C over
 * `foldsOf(train, k)` (each fold = one native call for the grid), the first best C (GridSearchCV's
 * tie rule), then a refit with it on the whole train part, scored on the test part.
 */
export function repeatedCvProbe(
  embeddings: Tensor,
  targets: ProbeTargets,
  r: Resolved,
  o: { repeats: number; nTrain: number; seed: number; name: string },
  foldsOf: (train: Int32Array, k: number) => Split[],
): ProbeResult {
  const n = embeddings.shape[0]!;
  const all = Int32Array.from({ length: n }, (_, i) => i);
  const empty = new Int32Array(0);
  const { results, multilabel } = tidy(() => {
    const { t, multilabel } = targetTensor(targets, n);
    const out: ProbeSplitResult[] = [];
    for (let k = 0; k < o.repeats; k++) {
      const perm = shuffled(all, deriveSeed(o.seed, k));
      const train = perm.subarray(0, o.nTrain);
      const folds = foldsOf(train, k);
      const valSum = new Float64Array(r.settings.cGrid.length);
      for (const fold of folds) fitOne(embeddings, t, multilabel, fold, r).grid.forEach((g, i) => (valSum[i]! += g.val));
      let best = 0;
      for (let i = 1; i < valSum.length; i++) if (valSum[i]! > valSum[best]!) best = i;
      const split: Split = { name: `${o.name}-${k}`, train: sorted(train.slice()), val: empty, test: sorted(perm.slice(o.nTrain)) };
      const { coef: _coef, ...rest } = fitOne(embeddings, t, multilabel, split, { ...r, settings: { ...r.settings, cGrid: [r.settings.cGrid[best]!] } });
      out.push({ ...rest, val: valSum[best]! / folds.length });
    }
    return { results: out, multilabel };
  });
  return summarizeSplits(results, multilabel, r);
}

/** Linear-probe accuracy under BGRL's cross-validated protocol (see the module comment). */
export function crossValidatedProbe(embeddings: Tensor, targets: ProbeTargets, options: CrossValidatedProbeOptions = {}): ProbeResult & { protocol: "bgrl" } {
  checkEmbeddings(embeddings);
  const r = resolve({ solver: "ovr", ...options });
  const repeats = options.repeats ?? 20;
  const frac = options.trainFraction ?? 0.2;
  const folds = options.folds ?? 5;
  const seed = options.seed ?? 0;
  if (!Number.isInteger(repeats) || repeats < 1) throw new ArgumentError(`crossValidatedProbe: expected repeats >= 1 but received ${repeats}`);
  if (!Number.isInteger(folds) || folds < 1) throw new ArgumentError(`crossValidatedProbe: expected folds >= 1 but received ${folds}`);
  if (!(frac > 0 && frac < 1)) throw new ArgumentError(`crossValidatedProbe: expected a train fraction in (0, 1) but received ${frac}`);
  const n = embeddings.shape[0]!;
  // sklearn: n_test = ceil(test_size * n), n_train = n - n_test; ShuffleSplit(test_size=0.5): n_val = ceil(0.5 * n_train).
  const nTest = Math.ceil((1 - frac) * n);
  const nTrain = n - nTest;
  const nVal = Math.ceil(0.5 * nTrain);
  if (nTrain < 2 || nTrain - nVal < 1) throw new ArgumentError(`crossValidatedProbe: ${n} nodes leave no room for a train part of ${frac}`);
  const empty = new Int32Array(0);
  const result = repeatedCvProbe(embeddings, targets, r, { repeats, nTrain, seed, name: "bgrl" }, (train, k) =>
    Array.from({ length: folds }, (_, f): Split => {
      const fp = shuffled(train, deriveSeed(deriveSeed(seed, k), 1000 + f));
      return { name: `cv-${k}-${f}`, train: sorted(fp.slice(nVal)), val: sorted(fp.slice(0, nVal)), test: empty };
    }),
  );
  return { protocol: "bgrl", ...result };
}
