/**
 * Numerical rank: the number of singular values above a relative tolerance, #{i : s_i > rtol * s_max}.
 *
 * The default rtol = 1e-5 sits above the noise floor of float32 embeddings (values below about
 * 1e-6 * s_max are rounding noise) and of the Gram-matrix route of {@link spectra} (about 1e-8).
 * collapseReport records the tolerance it used.
 *
 * @example
 * ```ts
 * import { eye, numericalRank } from "werank-native";
 * numericalRank(eye(5));                  // 5
 * numericalRank([1, 1e-3, 1e-9]);         // 2
 * numericalRank(z, { rtol: 1e-3, center: true });
 * ```
 */
import { singularValuesOf, type SpectrumInput, type SpectrumOptions } from "./spectrum.js";
import { ArgumentError } from "../errors.js";

/** Default relative tolerance of {@link numericalRank}. */
export const DEFAULT_RANK_RTOL = 1e-5;

export function numericalRank(x: SpectrumInput, options: SpectrumOptions & { rtol?: number } = {}): number {
  const rtol = options.rtol ?? DEFAULT_RANK_RTOL;
  if (!(rtol >= 0) || !Number.isFinite(rtol)) throw new ArgumentError(`numericalRank: expected rtol >= 0 but received ${rtol}`);
  const s = singularValuesOf(x, options, "numericalRank");
  let max = 0;
  for (let i = 0; i < s.length; i++) max = Math.max(max, s[i]!);
  if (max === 0) return 0;
  let r = 0;
  for (let i = 0; i < s.length; i++) if (s[i]! > rtol * max) r++;
  return r;
}
