/**
 * Paired-seed differences with a t confidence interval: the statistic that answers "does this setting
 * change accuracy?" when each seed was run with and without it (issue "Answer the WERank question").
 *
 * For seeds i = 1..n with baseline value b_i and treated value a_i (same model seed and data seed),
 *   d_i = a_i - b_i,   mean = (1/n) sum d_i,   sd = sqrt(sum (d_i - mean)^2 / (n - 1)),
 *   95 % CI = mean ± t_{0.975, n-1} · sd / sqrt(n)      (Student's t over seeds, two-sided).
 * Pairing removes the seed-to-seed variance that both settings share, so the interval is narrower than
 * one built from the two groups' standard deviations. With n = 1 no interval exists (reported as NaN).
 *
 * @example
 * ```ts
 * const d = pairedDifference([0.81, 0.83, 0.80], [0.80, 0.81, 0.80]);
 * d.mean;       // 0.01
 * d.ci95;       // [lo, hi] from t(0.975, 2) = 4.303
 * ```
 */
import { ArgumentError } from "../errors.js";

export interface PairedDifference {
  /** Mean of the per-seed differences (treated − baseline). */
  mean: number;
  /** Sample standard deviation of the differences (n − 1); NaN for n = 1. */
  sd: number;
  /** Two-sided 95 % confidence interval of the mean difference (Student's t, n − 1 df); NaN for n = 1. */
  ci95: [number, number];
  /** Number of seed pairs. */
  n: number;
}

/** log Γ(x) for x > 0 (Lanczos, g = 7, 9 terms; about 15 significant digits). */
function logGamma(x: number): number {
  const c = [0.9999999999998099, 676.5203681218851, -1259.1392167224028, 771.3234287776531, -176.61503916999186, 12.507343278686905, -0.13857109526572012, 9.984369578019572e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  x -= 1;
  let a = c[0]!;
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction of the incomplete beta function (modified Lentz). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return h;
}

/** Regularized incomplete beta I_x(a, b). */
function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2) ? (front * betaContinuedFraction(a, b, x)) / a : 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** P(T <= t) for Student's t with `df` degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
  const tail = 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** The p-quantile of Student's t with `df` degrees of freedom (bisection on the CDF, |error| < 1e-12). */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new ArgumentError(`studentTQuantile: expected p in (0, 1) but received ${p}`);
  if (!(df > 0)) throw new ArgumentError(`studentTQuantile: expected df > 0 but received ${df}`);
  if (p === 0.5) return 0;
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  let lo = 0;
  let hi = 1;
  while (studentTCdf(hi, df) < p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-12 * Math.max(1, hi); i++) {
    const mid = 0.5 * (lo + hi);
    if (studentTCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/** Paired difference treated − baseline over seeds (same order in both arrays); see the module comment. */
export function pairedDifference(treated: readonly number[], baseline: readonly number[]): PairedDifference {
  if (treated.length !== baseline.length) throw new ArgumentError(`pairedDifference: expected as many baseline values as treated ones but received ${baseline.length} and ${treated.length}`);
  const n = treated.length;
  if (n === 0) throw new ArgumentError("pairedDifference: expected at least one seed pair but received none");
  const d = treated.map((a, i) => a - baseline[i]!);
  if (d.some((x) => !Number.isFinite(x))) throw new ArgumentError(`pairedDifference: expected finite values but received ${JSON.stringify(d)}`);
  const mean = d.reduce((s, x) => s + x, 0) / n;
  if (n === 1) return { mean, sd: NaN, ci95: [NaN, NaN], n };
  const sd = Math.sqrt(d.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1));
  const half = studentTQuantile(0.975, n - 1) * (sd / Math.sqrt(n));
  return { mean, sd, ci95: [mean - half, mean + half], n };
}

/** `x · scale` with an explicit sign (+ or −) and `digits` decimals; "–" when not finite. */
export function formatSigned(x: number, scale: number, digits: number): string {
  return Number.isFinite(x) ? `${x >= 0 ? "+" : "−"}${Math.abs(x * scale).toFixed(digits)}` : "–";
}

/** The 95 % interval of `d` as "[lo, hi]" (signed, scaled); `missing` when there is none (n < 2). */
export function formatCi95(d: PairedDifference, scale: number, digits: number, missing = "–"): string {
  return Number.isFinite(d.ci95[0]) ? `[${formatSigned(d.ci95[0], scale, digits)}, ${formatSigned(d.ci95[1], scale, digits)}]` : missing;
}
