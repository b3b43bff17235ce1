/**
 * The linear probe: how linearly decodable frozen embeddings are (BGRL's evaluation protocol).
 *
 * Per split: embeddings are l2-normalized row-wise; for every C of a grid, a logistic regression is
 * fitted on the train nodes (natively: the whole L-BFGS loop and the whole grid are one call to
 * native/eval/probe.cc); the C with the best validation metric is selected (the smallest such C on
 * ties) and its test metric reported. The test metric at the selected C is that of the model fitted on
 * the train nodes with that C (a "refit" with the chosen C on train would give the same model).
 * Over splits: mean and standard deviation (population, ddof = 0, as numpy's std in BGRL's code).
 *
 * Solvers (each fitted to convergence: max|grad| <= tolGrad, or loss / step change below tolChange,
 * capped at maxIter L-BFGS iterations with strong-Wolfe line search; iterations and convergence are
 * reported per fit):
 * - "multinomial" (default): softmax regression, intercept not penalized = scikit-learn's
 *   LogisticRegression(solver="lbfgs", multi_class="multinomial").
 * - "ovr": one binary logistic regression per class, predicted class = largest decision value,
 *   intercept penalized like liblinear with intercept_scaling = 1 = scikit-learn's
 *   LogisticRegression(solver="liblinear"), the solver of BGRL's evaluation code.
 * Multi-label targets (PPI-style) use one binary classifier per label (threshold 0.5) and micro-F1.
 *
 * Regularization scaling: scikit-learn minimizes C * sum_i loss_i + 0.5 ||W||^2; we minimize
 * mean_i loss_i + (lambda / 2) ||W||^2 with lambda = 1 / (C * n_train), the same minimizer. The grid is
 * given in C (default 2^-10 .. 2^10, 21 values, as BGRL's code); results report both C and lambda.
 *
 * @example
 * ```ts
 * import { linearProbe, randomSplits } from "werank-native";
 * const res = linearProbe(embeddings, graph.labels, randomSplits(graph, { numSplits: 20, seed: 0 }));
 * console.log(`${(100 * res.mean).toFixed(2)} ± ${(100 * res.std).toFixed(2)}`, res.converged);
 * ```
 */
import { ArgumentError, DataError, ShapeError, unknownName } from "../errors.js";
import type { Split } from "../graph/Graph.js";
import { loadNative, NO_TENSOR, type TensorHandle } from "../native/addon.js";
import { tensor } from "../tensor/creation.js";
import { Tensor } from "../tensor/Tensor.js";
import { tidy } from "../tensor/tidy.js";

export type ProbeSolver = "multinomial" | "ovr";
export const PROBE_SOLVERS: readonly ProbeSolver[] = ["multinomial", "ovr"];

/**
 * How each fit is optimized: "lbfgs" to a tight tolerance (the optimum), or "liblinear" (ovr, and multi-label targets):
 * liblinear's trust-region Newton method with scikit-learn's defaults (tol 1e-4, 100 iterations), an
 * approximate optimum exactly as LogisticRegression(solver='liblinear') returns it (the `bgrl` protocol).
 */
export type ProbeOptimizer = "lbfgs" | "liblinear";
export const PROBE_OPTIMIZERS: readonly ProbeOptimizer[] = ["lbfgs", "liblinear"];

/** 2^-10, 2^-9, ..., 2^10: BGRL's grid of inverse regularization strengths C. */
export const DEFAULT_C_GRID: readonly number[] = Object.freeze(Array.from({ length: 21 }, (_, i) => 2 ** (i - 10)));

/** Convergence defaults (recorded in results and in a run's config.json). */
export const PROBE_DEFAULTS = Object.freeze({
  solver: "multinomial" as ProbeSolver,
  maxIter: 1000,
  tolGrad: 1e-5,
  tolChange: 1e-9,
  historySize: 20,
  normalize: true,
  warmStart: true,
  optimizer: "lbfgs" as ProbeOptimizer,
});

export interface ProbeOptions {
  solver?: ProbeSolver;
  /** Inverse regularization strengths C (scikit-learn's); lambda = 1 / (C * n_train). */
  cGrid?: readonly number[];
  /** L-BFGS iteration cap per fit (default 1000). */
  maxIter?: number;
  /** Stop when max|gradient| <= tolGrad (default 1e-5, on the mean-loss objective). */
  tolGrad?: number;
  /** Stop when the loss or the step changes by less than tolChange (default 1e-9). */
  tolChange?: number;
  /** L-BFGS memory (default 20). */
  historySize?: number;
  /** l2-normalize embeddings row-wise first (default true, BGRL's protocol). */
  normalize?: boolean;
  /** Start each C from the previous C's solution (default true; same optimum, fewer iterations). */
  warmStart?: boolean;
  /** Number of classes (default: max label + 1). */
  numClasses?: number;
  /** "lbfgs" (default) or "liblinear" (solver ovr; see {@link ProbeOptimizer}). */
  optimizer?: ProbeOptimizer;
}

/** Class ids per node, or multi-label 0/1 rows ({@link Graph.multiLabels}'s form), or a tensor of either. */
export type ProbeTargets = Int32Array | Tensor | { numLabels: number; data: Uint8Array };

export interface ProbeGridPoint {
  c: number;
  /** lambda = 1 / (C * n_train). */
  weightDecay: number;
  train: number;
  val: number;
  test: number;
  iterations: number;
  functionEvaluations: number;
  converged: boolean;
  /** Final objective (mean loss + L2 term). */
  loss: number;
  gradMaxAbs: number;
}

export interface ProbeSplitResult {
  split: string;
  bestC: number;
  weightDecay: number;
  train: number;
  val: number;
  test: number;
  iterations: number;
  converged: boolean;
  gradMaxAbs: number;
  grid: ProbeGridPoint[];
}

export interface ProbeFit extends ProbeSplitResult {
  /** Coefficients at the selected C on the (normalized) embeddings: weight [K, D] row-major, intercept [K]. */
  coef: { classes: number; dim: number; weight: Float64Array; intercept: Float64Array };
}

export interface ProbeResult {
  metric: "accuracy" | "microF1";
  solver: ProbeSolver;
  settings: ProbeSettings;
  splits: ProbeSplitResult[];
  /** Mean and population std of the test metric over splits. */
  mean: number;
  std: number;
  valMean: number;
  trainMean: number;
  /** True when the selected fit of every split converged. */
  converged: boolean;
  /** Fits (over all splits and grid values) that hit the iteration cap. */
  unconvergedFits: number;
}

/** The resolved fit settings (recorded in results and in a run's config.json). */
export interface ProbeSettings {
  cGrid: number[];
  maxIter: number;
  tolGrad: number;
  tolChange: number;
  historySize: number;
  normalize: boolean;
  warmStart: boolean;
  optimizer: ProbeOptimizer;
}

/** @internal resolved probe options (shared with crossValidatedProbe). */
export interface Resolved {
  solver: ProbeSolver;
  numClasses: number;
  settings: ProbeSettings;
}

/** @internal */
export function resolve(o: ProbeOptions): Resolved {
  const solver = o.solver ?? PROBE_DEFAULTS.solver;
  if (!PROBE_SOLVERS.includes(solver)) throw new ArgumentError(unknownName("probe solver", String(solver), PROBE_SOLVERS));
  const cGrid = [...(o.cGrid ?? DEFAULT_C_GRID)].sort((a, b) => a - b);
  if (cGrid.length === 0 || cGrid.some((c) => !(c > 0) || !Number.isFinite(c))) {
    throw new ArgumentError(`linearProbe: expected a non-empty grid of C values > 0 but received [${(o.cGrid ?? []).join(", ")}]`);
  }
  const { maxIter, tolGrad, tolChange, historySize, normalize, warmStart, optimizer } = { ...PROBE_DEFAULTS, ...definedOnly(o) };
  if (!PROBE_OPTIMIZERS.includes(optimizer)) throw new ArgumentError(unknownName("probe optimizer", String(optimizer), PROBE_OPTIMIZERS));
  if (optimizer === "liblinear" && solver !== "ovr") throw new ArgumentError(`linearProbe: the liblinear optimizer fits one-vs-rest classifiers; use solver 'ovr' (received '${solver}')`);
  const numClasses = o.numClasses ?? 0;
  if (!Number.isInteger(maxIter) || maxIter < 1) throw new ArgumentError(`linearProbe: expected maxIter >= 1 but received ${maxIter}`);
  if (!Number.isInteger(historySize) || historySize < 1) throw new ArgumentError(`linearProbe: expected historySize >= 1 but received ${historySize}`);
  if (!(tolGrad >= 0) || !(tolChange >= 0)) throw new ArgumentError(`linearProbe: expected tolerances >= 0 but received tolGrad ${tolGrad}, tolChange ${tolChange}`);
  if (!Number.isInteger(numClasses) || numClasses < 0) throw new ArgumentError(`linearProbe: expected an integer numClasses but received ${numClasses}`);
  return { solver, numClasses, settings: { cGrid, maxIter, tolGrad, tolChange, historySize, normalize, warmStart, optimizer } };
}

function definedOnly(o: ProbeOptions): Partial<ProbeOptions> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<ProbeOptions>;
}

/** Targets as a tensor (created in the current scope) and whether they are multi-label. */
/** @internal */
export function targetTensor(targets: ProbeTargets, n: number): { t: Tensor; multilabel: boolean } {
  if (targets instanceof Tensor) return { t: targets, multilabel: targets.ndim === 2 };
  if (targets instanceof Int32Array) {
    if (targets.length !== n) throw new ShapeError(`linearProbe: expected ${n} labels (one per embedding row) but received ${targets.length}`);
    return { t: tensor(targets), multilabel: false };
  }
  if (targets !== null && typeof targets === "object" && "numLabels" in targets && targets.data instanceof Uint8Array) {
    const L = targets.numLabels;
    if (!Number.isInteger(L) || L < 1 || targets.data.length !== n * L) {
      throw new ShapeError(`linearProbe: expected multi-label data of ${n} x ${L} values but received ${targets.data.length}`);
    }
    return { t: tensor(targets.data, { shape: [n, L] }), multilabel: true };
  }
  throw new ArgumentError("linearProbe: expected labels as an Int32Array, a Tensor, or { numLabels, data: Uint8Array }");
}

function checkSplit(s: Split, i: number): void {
  if (s === null || typeof s !== "object" || !(s.train instanceof Int32Array) || !(s.val instanceof Int32Array) || !(s.test instanceof Int32Array)) {
    throw new ArgumentError(`linearProbe: expected split ${i} as { name, train, val, test } of Int32Array node ids`);
  }
  if (s.train.length === 0) throw new DataError(`linearProbe: expected a non-empty train split but split '${s.name ?? i}' has 0 nodes`);
}

/**
 * @internal the whole C grid of one split in one native call. `onGrid`, when given, sees the
 * coefficients of every C (weight [G, K, D], intercept [G, K] float64, ascending C) inside the call's
 * tidy scope, e.g. to score the validation rows with another rule.
 */
export function fitOne(x: Tensor, y: Tensor, multilabel: boolean, split: Split, r: Resolved, onGrid?: (weight: Tensor, intercept: Tensor) => void): ProbeFit {
  const N = loadNative();
  return tidy(() => {
    const idx = (a: Int32Array): TensorHandle => (a.length === 0 ? NO_TENSOR : tensor(a)._h);
    const mode = multilabel ? "multilabel" : r.solver;
    const { cGrid, ...settings } = r.settings;
    const [hs, hw, hb] = N.probeFit(x._h, y._h, idx(split.train), idx(split.val), idx(split.test), cGrid, { mode, numClasses: r.numClasses, ...settings });
    const stats = new Tensor(hs).toTypedArray() as Float64Array;
    const wT = new Tensor(hw);
    const bT = new Tensor(hb);
    onGrid?.(wT, bT);
    const nTrain = split.train.length;
    const grid: ProbeGridPoint[] = r.settings.cGrid.map((_, g) => {
      const row = stats.subarray(g * 9, g * 9 + 9);
      return {
        c: row[0]!,
        weightDecay: 1 / (row[0]! * nTrain),
        train: row[1]!,
        val: row[2]!,
        test: row[3]!,
        iterations: row[4]!,
        functionEvaluations: row[5]!,
        converged: row[6] === 1,
        loss: row[7]!,
        gradMaxAbs: row[8]!,
      };
    });
    // First maximum in ascending C = the strongest regularization among equally good values.
    let best = 0;
    for (let g = 1; g < grid.length; g++) if (grid[g]!.val > grid[best]!.val) best = g;
    const b = grid[best]!;
    const [, K, D] = wT.shape as [number, number, number];
    const weight = (wT.select(0, best).toTypedArray() as Float64Array).slice();
    const intercept = (bT.select(0, best).toTypedArray() as Float64Array).slice();
    return {
      split: split.name,
      bestC: b.c,
      weightDecay: b.weightDecay,
      train: b.train,
      val: b.val,
      test: b.test,
      iterations: b.iterations,
      converged: b.converged,
      gradMaxAbs: b.gradMaxAbs,
      grid,
      coef: { classes: K, dim: D, weight, intercept },
    };
  });
}

/** @internal */
export function checkEmbeddings(x: unknown): asserts x is Tensor {
  if (!(x instanceof Tensor)) throw new ArgumentError("linearProbe: expected the embeddings as a Tensor [N, D]");
  if (x.ndim !== 2) throw new ShapeError(`linearProbe: expected embeddings of shape [N, D] but received [${x.shape.join(", ")}]`);
}

/**
 * Fits the probe on one split (the whole C grid in one native call) and returns the selected fit with
 * its coefficients.
 */
export function fitProbe(embeddings: Tensor, targets: ProbeTargets, split: Split, options: ProbeOptions = {}): ProbeFit {
  checkEmbeddings(embeddings);
  const r = resolve(options);
  checkSplit(split, 0);
  return tidy(() => {
    const { t, multilabel } = targetTensor(targets, embeddings.shape[0]!);
    return fitOne(embeddings, t, multilabel, split, r);
  });
}

/** Linear-probe evaluation of embeddings [N, D] over splits: per-split results, mean ± std of the test metric. */
export function linearProbe(embeddings: Tensor, targets: ProbeTargets, splits: readonly Split[], options: ProbeOptions = {}): ProbeResult {
  checkEmbeddings(embeddings);
  const r = resolve(options);
  if (!Array.isArray(splits) || splits.length === 0) throw new ArgumentError("linearProbe: expected a non-empty array of splits");
  splits.forEach(checkSplit);
  const { results, multilabel } = tidy(() => {
    const { t, multilabel } = targetTensor(targets, embeddings.shape[0]!);
    return { results: splits.map((s) => fitOne(embeddings, t, multilabel, s, r)), multilabel };
  });
  return summarizeSplits(
    results.map(({ coef: _coef, ...rest }) => rest),
    multilabel,
    r,
  );
}

/** @internal The ProbeResult of per-split results: mean ± population std of the test metric. */
export function summarizeSplits(splits: ProbeSplitResult[], multilabel: boolean, r: { solver: ProbeSolver; settings: ProbeSettings }): ProbeResult {
  const tests = splits.map((s) => s.test);
  const mean = avg(tests);
  return {
    metric: multilabel ? "microF1" : "accuracy",
    solver: r.solver,
    settings: r.settings,
    splits,
    mean,
    std: Math.sqrt(avg(tests.map((v) => (v - mean) ** 2))),
    valMean: avg(splits.map((s) => s.val)),
    trainMean: avg(splits.map((s) => s.train)),
    converged: splits.every((s) => s.converged),
    unconvergedFits: splits.reduce((a, s) => a + s.grid.filter((g) => !g.converged).length, 0),
  };
}

/** @internal */
export function avg(xs: readonly number[]): number {
  return xs.length === 0 ? Number.NaN : xs.reduce((a, b) => a + b, 0) / xs.length;
}
