/**
 * The whole set of collapse diagnostics (DESIGN D7) for given representations (encoder outputs),
 * embeddings (projector / predictor outputs) of both branches and named weights, as plain JSON that
 * the Trainer appends to `spectra.jsonl` every K epochs (one line per call, see {@link spectraLine}
 * and docs/spectra-jsonl.md for the format).
 *
 * Per output [N, D] (all from a handful of batched native calls for the whole report):
 * - covarianceSpectrum: DirectCLR's embedding spectrum (Jing et al., ICLR 2022, Fig. 2; the
 *   authors' spectrum.py): rows l2-normalized, then the eigenvalues of their covariance
 *   (s_i^2 / (N - 1) of the centred normalized rows), descending;
 * - unnormalizedCovarianceSpectrum: the same without the l2 normalization (covariance of the raw output);
 * - effectiveRank (Roy & Vetterli) and numericalRank (s_i > rtol * s_max) of the centred output;
 * - normalizedRank = effectiveRank / min(N - 1, D);
 * - relativeVariance = ||X - mean||_F^2 / ||X||_F^2: the share of the output's energy that varies
 *   across rows (0 = every row the same point, complete collapse; scale-free and centred);
 * - rankMe (Garrido et al., on the uncentred output, eps 1e-7);
 * - meanPairwiseCosine (uncentred: a shared mean direction raises it even when the output is healthy);
 * - svmax: mean singular value of the row-normalized output with its bounds.
 * Across branches: rankDifferential = erank(target) - erank(online) per kind: the RDM paper's
 * (Zhuo et al., ICLR 2023) rank difference, positive when the target branch has the higher
 * effective rank, as the paper finds for BYOL / SimSiam (the online predictor lowers it).
 * Per weight matrix: singular values, effective rank, the WERank term ||G - I||_F as the
 * regularizer trains it (options.werank: Gram choice, squared) and, for regularized layers, alpha times it.
 * Between consecutive layers: DirectCLR alignment matrix summaries (and the matrices on request).
 *
 * Warnings (centred measures, each message names the measure, its value and its threshold):
 * complete collapse when relativeVariance < {@link COMPLETE_COLLAPSE_RELATIVE_VARIANCE};
 * dimensional collapse when effectiveRank < max({@link DIMENSIONAL_COLLAPSE_MIN_RANK},
 * {@link DIMENSIONAL_COLLAPSE_NORMALIZED_RANK} * min(N - 1, D)).
 *
 * @example
 * ```ts
 * import { collapseReport, spectraLine } from "werank-native";
 * const report = collapseReport({
 *   epoch: 10,
 *   representations: { online: h1, target: h2 },
 *   embeddings: { online: p1, target: z2 },
 *   weights: encoder.namedParameters(),
 * });
 * fs.appendFileSync("spectra.jsonl", spectraLine(report));
 * ```
 */
import { ArgumentError } from "../errors.js";
import { Tensor } from "../tensor/Tensor.js";
import { alignmentChain, alignmentSummary, hostMatrixToArray } from "./alignmentMatrix.js";
import { effectiveRank } from "./effectiveRank.js";
import { meanPairwiseCosines } from "./meanPairwiseCosine.js";
import { maxCenteredRank } from "./normalizedRank.js";
import { DEFAULT_RANK_RTOL, numericalRank } from "./numericalRank.js";
import { rankMe } from "./rankMe.js";
import { spectra } from "./spectrum.js";
import { type SvmaxStats, svmaxFromSingularValues } from "./svmaxStats.js";
import { type NamedWeights, namedWeightList, type WERankTermOptions, weightSpectra } from "./weightSpectra.js";

/** Version of the spectra.jsonl line format (2: DirectCLR spectrum on normalized rows, rank differential target - online, trained WERank terms). */
export const SPECTRA_FORMAT_VERSION = 2;

/** relativeVariance below which a report warns of complete collapse (rows within about 3 % of one point). */
export const COMPLETE_COLLAPSE_RELATIVE_VARIANCE = 1e-3;
/**
 * Dimensional collapse: an effective rank (centred) below this share of its maximum min(N - 1, D),
 * and never below {@link DIMENSIONAL_COLLAPSE_MIN_RANK} (e.g. below 2.56 of 128, below 2 of 16).
 */
export const DIMENSIONAL_COLLAPSE_NORMALIZED_RANK = 0.02;
/** The least effective rank threshold of the dimensional-collapse warning (about one direction left). */
export const DIMENSIONAL_COLLAPSE_MIN_RANK = 2;
/** What rankDifferential holds (recorded in every report). */
export const RANK_DIFFERENTIAL_DEFINITION = "erank(target) - erank(online)";

export interface CollapseReportInputs {
  epoch?: number;
  step?: number;
  /** Encoder outputs [N, D] per branch, e.g. { online, target }. */
  representations?: Readonly<Record<string, Tensor>>;
  /** Projector / predictor outputs [N, D] per branch, e.g. { online: predictor output, target: target projection }. */
  embeddings?: Readonly<Record<string, Tensor>>;
  /** Named weights in layer order ([out, in] layout); 1-d tensors are skipped. */
  weights?: NamedWeights;
}

export interface CollapseReportOptions {
  /** Relative tolerance of the numerical rank (default 1e-5). */
  rtol?: number;
  /**
   * Layer pairs to align: "auto" (default) = consecutive matrices in the weight list whose shapes
   * chain (next.in == this.out), "none", or explicit [from, to] name pairs.
   */
  alignment?: "auto" | "none" | readonly (readonly [string, string])[];
  /**
   * Include the full alignment matrices (true), or (default) their leading block: the first
   * `alignmentBlock` rows and columns, the directions of the largest singular values.
   */
  alignmentMatrices?: boolean;
  /** Side of the leading block logged when alignmentMatrices is not true (default 32; 0 = none). */
  alignmentBlock?: number;
  /** Significant digits kept in logged arrays (default 6). */
  precision?: number;
  /** Branch names of the rank differential, [online, target] (default ["online", "target"]). */
  branches?: readonly [string, string];
  /** How the per-layer WERank term is formed (as trained: Gram choice, squared) and the alphas of the regularized weights by name. */
  werank?: WERankTermOptions & { alphas?: Readonly<Record<string, number>> };
}

export interface OutputDiagnostics {
  rows: number;
  dim: number;
  /** DirectCLR's spectrum: covariance eigenvalues of the l2-normalized rows, descending. */
  covarianceSpectrum: number[];
  /** Covariance eigenvalues of the output as it is (no normalization), descending. */
  unnormalizedCovarianceSpectrum: number[];
  effectiveRank: number;
  normalizedRank: number;
  /** ||X - mean||_F^2 / ||X||_F^2 (0 when every row is the same point; 0 for an all-zero output). */
  relativeVariance: number;
  numericalRank: number;
  rankMe: number;
  meanPairwiseCosine: number;
  svmax: SvmaxStats;
}

export interface WeightDiagnostics {
  name: string;
  shape: number[];
  singularValues: number[];
  effectiveRank: number;
  numericalRank: number;
  /** ||G - I||_F (or squared) as the regularizer trains it (options.werank), whether or not the layer is regularized. */
  werank: number;
  /** alpha * werank for a regularized layer: its share of the loss (absent for other layers). */
  werankWeighted?: number;
}

export interface AlignmentDiagnostics {
  from: string;
  to: string;
  shape: [number, number];
  diagonalAbsMean: number;
  diagonalEnergy: number;
  /** The matrix, or its leading block (top-left: the largest singular directions) when `shape` is larger. */
  matrix?: number[][];
}

/** One line of spectra.jsonl. */
export interface CollapseReport {
  type: "spectra";
  version: number;
  epoch?: number;
  step?: number;
  rtol: number;
  representations: Record<string, OutputDiagnostics>;
  embeddings: Record<string, OutputDiagnostics>;
  /** erank(target) - erank(online) per kind (RDM's sign); null when a branch is missing. */
  rankDifferential: { definition: string; representations: number | null; embeddings: number | null };
  /** The WERank term's form in `weights[].werank`. */
  werankTerm: { gram: string; squared: boolean };
  weights: WeightDiagnostics[];
  alignment: AlignmentDiagnostics[];
  warnings: string[];
}

function rounder(digits: number): (v: number) => number {
  return (v) => (Number.isFinite(v) ? Number(v.toPrecision(digits)) : v);
}

function checkOutputs(kind: string, outs: Readonly<Record<string, Tensor>> | undefined): [string, Tensor][] {
  if (outs === undefined) return [];
  if (outs === null || typeof outs !== "object") throw new ArgumentError(`collapseReport: expected an object of named tensors for ${kind}`);
  const list = Object.entries(outs);
  for (const [name, t] of list) {
    if (!(t instanceof Tensor)) throw new ArgumentError(`collapseReport: expected a Tensor for ${kind}.${name}`);
    if (t.ndim !== 2 || t.shape[0]! < 2) {
      throw new ArgumentError(`collapseReport: expected ${kind}.${name} of shape [N, D] with N >= 2 but received [${t.shape.join(", ")}]`);
    }
  }
  return list;
}

/** Computes the collapse diagnostics; returns plain JSON (numbers, arrays, strings). */
export function collapseReport(inputs: CollapseReportInputs, options: CollapseReportOptions = {}): CollapseReport {
  const rtol = options.rtol ?? DEFAULT_RANK_RTOL;
  if (!(rtol >= 0)) throw new ArgumentError(`collapseReport: expected rtol >= 0 but received ${rtol}`);
  const digits = options.precision ?? 6;
  if (!Number.isInteger(digits) || digits < 1 || digits > 17) throw new ArgumentError(`collapseReport: expected precision in 1..17 but received ${digits}`);
  const r = rounder(digits);
  const [online, target] = options.branches ?? ["online", "target"];

  const kinds = { representations: checkOutputs("representations", inputs.representations), embeddings: checkOutputs("embeddings", inputs.embeddings) };
  const all = [...kinds.representations, ...kinds.embeddings].map(([, t]) => t);
  const report: CollapseReport = {
    type: "spectra",
    version: SPECTRA_FORMAT_VERSION,
    ...(inputs.epoch !== undefined ? { epoch: inputs.epoch } : {}),
    ...(inputs.step !== undefined ? { step: inputs.step } : {}),
    rtol,
    representations: {},
    embeddings: {},
    rankDifferential: { definition: RANK_DIFFERENTIAL_DEFINITION, representations: null, embeddings: null },
    werankTerm: { gram: options.werank?.gram ?? "smaller", squared: options.werank?.squared ?? false },
    weights: [],
    alignment: [],
    warnings: [],
  };

  if (all.length > 0) {
    // Four batched decompositions and one cosine pass cover every output.
    const centred = spectra(all, { center: true });
    const raw = spectra(all);
    const normed = spectra(all, { rowNormalize: true });
    const normedCentred = spectra(all, { rowNormalize: true, center: true });
    const cos = meanPairwiseCosines(all);
    let i = 0;
    for (const kind of ["representations", "embeddings"] as const) {
      for (const [name, t] of kinds[kind]) {
        const [n, d] = t.shape as [number, number];
        const s = centred[i]!;
        const erank = effectiveRank(s);
        const energy = sumSquares(raw[i]!);
        const diag: OutputDiagnostics = {
          rows: n,
          dim: d,
          covarianceSpectrum: Array.from(normedCentred[i]!, (v) => r((v * v) / (n - 1))),
          unnormalizedCovarianceSpectrum: Array.from(s, (v) => r((v * v) / (n - 1))),
          effectiveRank: erank,
          normalizedRank: erank / maxCenteredRank(n, d),
          relativeVariance: energy > 0 ? Math.min(1, sumSquares(s) / energy) : 0,
          numericalRank: numericalRank(s, { rtol }),
          rankMe: rankMe(raw[i]!),
          meanPairwiseCosine: cos[i]!,
          svmax: svmaxFromSingularValues(normed[i]!),
        };
        report[kind][name] = diag;
        report.warnings.push(...outputWarnings(`${kind}.${name}`, diag));
        i++;
      }
      const a = report[kind][online];
      const b = report[kind][target];
      if (a !== undefined && b !== undefined) report.rankDifferential[kind] = b.effectiveRank - a.effectiveRank;
    }
  }

  if (inputs.weights !== undefined) {
    const named = namedWeightList(inputs.weights, "collapseReport");
    const alphas = options.werank?.alphas ?? {};
    for (const w of weightSpectra(named, options.werank)) {
      const alpha = Object.hasOwn(alphas, w.name) ? alphas[w.name]! : undefined;
      report.weights.push({
        name: w.name,
        shape: w.shape,
        singularValues: Array.from(w.singularValues, r),
        effectiveRank: w.effectiveRank,
        numericalRank: numericalRank(w.singularValues, { rtol }),
        werank: w.werank,
        ...(alpha !== undefined ? { werankWeighted: alpha * w.werank } : {}),
      });
    }
    report.alignment = alignments(named, options);
  }
  return report;
}

function sumSquares(s: ArrayLike<number>): number {
  let acc = 0;
  for (let i = 0; i < s.length; i++) acc += s[i]! * s[i]!;
  return acc;
}

/** Collapse warnings of one output from centred, scale-free measures: the measure, its value, its threshold. */
function outputWarnings(label: string, d: OutputDiagnostics): string[] {
  if (d.relativeVariance < COMPLETE_COLLAPSE_RELATIVE_VARIANCE) {
    return [`complete collapse of ${label}: relative variance ||X - mean||^2 / ||X||^2 = ${d.relativeVariance.toExponential(2)} (threshold ${COMPLETE_COLLAPSE_RELATIVE_VARIANCE})`];
  }
  const max = maxCenteredRank(d.rows, d.dim);
  const threshold = Math.max(DIMENSIONAL_COLLAPSE_MIN_RANK, DIMENSIONAL_COLLAPSE_NORMALIZED_RANK * max);
  if (d.effectiveRank < threshold) {
    return [`dimensional collapse of ${label}: effective rank of the centred output = ${d.effectiveRank.toFixed(2)} of ${max} (threshold ${threshold.toFixed(2)})`];
  }
  return [];
}

function alignments(named: [string, Tensor][], options: CollapseReportOptions): AlignmentDiagnostics[] {
  const mode = options.alignment ?? "auto";
  if (mode === "none") return [];
  const mats = named.filter(([, t]) => t.ndim === 2);
  const byName = new Map(mats);
  let pairs: [string, string][];
  if (mode === "auto") {
    pairs = [];
    for (let i = 0; i + 1 < mats.length; i++) {
      if (mats[i + 1]![1].shape[1] === mats[i]![1].shape[0]) pairs.push([mats[i]![0], mats[i + 1]![0]]);
    }
  } else if (Array.isArray(mode)) {
    pairs = mode.map(([a, b]) => {
      for (const n of [a, b]) if (!byName.has(n)) throw new ArgumentError(`collapseReport: alignment names unknown 2-d weight '${n}'. Valid choices: ${[...byName.keys()].join(", ")}`);
      return [a, b];
    });
  } else {
    throw new ArgumentError(`collapseReport: expected alignment "auto", "none" or [from, to] pairs but received ${String(mode)}`);
  }
  const out: AlignmentDiagnostics[] = [];
  // Consecutive pairs of one chain share a decomposition: group runs [a, b], [b, c], ... into one call.
  let k = 0;
  while (k < pairs.length) {
    const chain = [pairs[k]![0], pairs[k]![1]];
    while (k + 1 < pairs.length && pairs[k + 1]![0] === chain[chain.length - 1]) chain.push(pairs[++k]![1]);
    k++;
    const ms = alignmentChain(chain.map((n) => byName.get(n)!));
    ms.forEach((m, j) => {
      const entry: AlignmentDiagnostics = { from: chain[j]!, to: chain[j + 1]!, shape: [m.rows, m.cols], ...alignmentSummary(m) };
      const block = options.alignmentMatrices === true ? Infinity : (options.alignmentBlock ?? 32);
      if (block > 0) entry.matrix = hostMatrixToArray(m, block).map((row) => row.map(rounder(options.precision ?? 6)));
      out.push(entry);
    });
  }
  return out;
}

/** The JSONL line for spectra.jsonl (JSON without spaces, newline-terminated). */
export function spectraLine(report: CollapseReport): string {
  return `${JSON.stringify(report)}\n`;
}
