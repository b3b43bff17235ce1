/**
 * Aggregates probe results over model seeds: every (seed, split) test metric is pooled, as in
 * "accuracy mean ± std over N splits x model seeds".
 *
 * @example
 * ```ts
 * import { summarizeProbes } from "werank-native";
 * const s = summarizeProbes(seeds.map((seed) => probeGraph(embed(seed), graph)));
 * console.log(`${(100 * s.mean).toFixed(2)} ± ${(100 * s.std).toFixed(2)} over ${s.count} runs`);
 * ```
 */
import { ArgumentError } from "../errors.js";
import type { ProbeResult } from "./linearProbe.js";

export interface ProbeSummary {
  metric: ProbeResult["metric"];
  /** Mean and population std over all (seed, split) pairs. */
  mean: number;
  std: number;
  count: number;
  /** Per-seed means (one per result). */
  seedMeans: number[];
  /** Std of the per-seed means (model-seed variation alone). */
  seedStd: number;
  converged: boolean;
}

export function summarizeProbes(results: readonly ProbeResult[]): ProbeSummary {
  if (!Array.isArray(results) || results.length === 0) throw new ArgumentError("summarizeProbes: expected a non-empty array of probe results");
  const metric = results[0]!.metric;
  if (results.some((r) => r.metric !== metric)) throw new ArgumentError("summarizeProbes: expected results of one metric (accuracy or microF1), not a mix");
  const all = results.flatMap((r) => r.splits.map((s: { test: number }) => s.test));
  const mean = all.reduce((a, b) => a + b, 0) / all.length;
  const seedMeans = results.map((r) => r.mean);
  const sm = seedMeans.reduce((a, b) => a + b, 0) / seedMeans.length;
  return {
    metric,
    mean,
    std: Math.sqrt(all.reduce((a, v) => a + (v - mean) ** 2, 0) / all.length),
    count: all.length,
    seedMeans,
    seedStd: Math.sqrt(seedMeans.reduce((a, v) => a + (v - sm) ** 2, 0) / seedMeans.length),
    converged: results.every((r) => r.converged),
  };
}
