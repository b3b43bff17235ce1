/**
 * The whole set of collapse diagnostics (DESIGN D7) for given representations (encoder outputs),
 * embeddings (projector / predictor outputs) of both branches and named weights, as plain JSON that
 * the Trainer appends to `spectra.jsonl` every K epochs (one line per call, see {@link spectraLine}
 * and docs/spectra-jsonl.md for the format).
 *
 * Per output [N, D] (all from a handful of batched native calls for the whole report):
 * - covarianceSpectrum: eigenvalues of the covariance, s_i^2 / (N - 1) of the centred output
 *   (DirectCLR's Fig. 2 plot), descending;
 * - effectiveRank (Roy & Vetterli) and numericalRank (s_i > rtol * s_max) of the centred output;
 * - normalizedRank = effectiveRank / min(N - 1, D);
 * - rankMe (Garrido et al., on the uncentred output, eps 1e-7);
 * - meanPairwiseCosine (complete collapse);
 * - svmax: mean singular value of the row-normalized output with its bounds.
 * Across branches: rankDifferential = erank(online) - erank(target) (RDM), per kind.
 * Per weight matrix: singular values, effective rank, WERank term ||W^T W - I||_F.
 * Between consecutive layers: DirectCLR alignment matrix summaries (and the matrices on request).
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
import { type NamedWeights, namedWeightList, weightSpectra } from "./weightSpectra.js";

/** Version of the spectra.jsonl line format. */
export const SPECTRA_FORMAT_VERSION = 1;

/** Mean pairwise cosine at or above which a report warns of complete collapse. */
export const COSINE_COLLAPSE_WARNING = 0.9;

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
  /** Include the full alignment matrices (default: only when both sides are at most 32). */
  alignmentMatrices?: boolean;
  /** Significant digits kept in logged arrays (default 6). */
  precision?: number;
  /** Branch names of the rank differential, [online, target] (default ["online", "target"]). */
  branches?: readonly [string, string];
}

export interface OutputDiagnostics {
  rows: number;
  dim: number;
  covarianceSpectrum: number[];
  effectiveRank: number;
  normalizedRank: number;
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
  werank: number;
}

export interface AlignmentDiagnostics {
  from: string;
  to: string;
  shape: [number, number];
  diagonalAbsMean: number;
  diagonalEnergy: number;
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
  /** erank(online) - erank(target) per kind; null when a branch is missing. */
  rankDifferential: { representations: number | null; embeddings: number | null };
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
    rankDifferential: { representations: null, embeddings: null },
    weights: [],
    alignment: [],
    warnings: [],
  };

  if (all.length > 0) {
    // Three batched decompositions and one cosine pass cover every output.
    const centred = spectra(all, { center: true });
    const raw = spectra(all);
    const normed = spectra(all, { rowNormalize: true });
    const cos = meanPairwiseCosines(all);
    let i = 0;
    for (const kind of ["representations", "embeddings"] as const) {
      for (const [name, t] of kinds[kind]) {
        const [n, d] = t.shape as [number, number];
        const s = centred[i]!;
        const erank = effectiveRank(s);
        const diag: OutputDiagnostics = {
          rows: n,
          dim: d,
          covarianceSpectrum: Array.from(s, (v) => r((v * v) / (n - 1))),
          effectiveRank: erank,
          normalizedRank: erank / maxCenteredRank(n, d),
          numericalRank: numericalRank(s, { rtol }),
          rankMe: rankMe(raw[i]!),
          meanPairwiseCosine: cos[i]!,
          svmax: svmaxFromSingularValues(normed[i]!),
        };
        report[kind][name] = diag;
        if (diag.meanPairwiseCosine >= COSINE_COLLAPSE_WARNING) {
          report.warnings.push(`complete collapse: mean pairwise cosine of ${kind}.${name} is ${diag.meanPairwiseCosine.toFixed(3)}`);
        }
        i++;
      }
      const a = report[kind][online];
      const b = report[kind][target];
      if (a !== undefined && b !== undefined) report.rankDifferential[kind] = a.effectiveRank - b.effectiveRank;
    }
  }

  if (inputs.weights !== undefined) {
    const named = namedWeightList(inputs.weights, "collapseReport");
    for (const w of weightSpectra(named)) {
      report.weights.push({
        name: w.name,
        shape: w.shape,
        singularValues: Array.from(w.singularValues, r),
        effectiveRank: w.effectiveRank,
        numericalRank: numericalRank(w.singularValues, { rtol }),
        werank: w.werank,
      });
    }
    report.alignment = alignments(named, options);
  }
  return report;
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
      if (options.alignmentMatrices ?? (m.rows <= 32 && m.cols <= 32)) entry.matrix = hostMatrixToArray(m).map((row) => row.map(rounder(options.precision ?? 6)));
      out.push(entry);
    });
  }
  return out;
}

/** The JSONL line for spectra.jsonl (JSON without spaces, newline-terminated). */
export function spectraLine(report: CollapseReport): string {
  return `${JSON.stringify(report)}\n`;
}
