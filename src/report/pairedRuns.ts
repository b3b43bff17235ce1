/**
 * Two groups of runs compared seed by seed (`werank-native compare RUNS... --vs BASELINE_RUNS...`):
 * runs pair when they share the model seed and the data seed (`train.seed`, `train.dataSeed` of their
 * config.json); the differences treated − baseline get their mean and a 95 % Student-t interval over
 * the pairs (src/metrics/pairedDifference.ts), as `collect --paired` does for a sweep. Runs without a
 * partner, unfinished runs and two runs of one group with the same seeds are listed, not dropped.
 *
 * @example
 * ```ts
 * const p = pairRuns(["runs/w0", "runs/w1"].map(readRun), ["runs/b0", "runs/b1"].map(readRun));
 * p.accuracy.ci95;   // [lo, hi], fractions
 * ```
 */
import { formatCi95, formatSigned, pairedDifference, type PairedDifference } from "../metrics/pairedDifference.js";
import type { RunData } from "./runData.js";

export interface PairedRuns {
  /** Probe accuracy difference (fractions, treated − baseline); n = 0 when no pair exists. */
  accuracy: PairedDifference;
  erankRepresentation: PairedDifference;
  erankEmbedding: PairedDifference;
  pairs: { seed: string; treated: string; baseline: string }[];
  /** Runs left out of the statistics, with the reason. */
  unpaired: { dir: string; seed: string; reason: string }[];
}

const seedOf = (r: RunData): string => {
  const t = (r.config as { train?: { seed?: unknown; dataSeed?: unknown } } | undefined)?.train;
  return `${typeof t?.seed === "number" ? t.seed : "?"}/${typeof t?.dataSeed === "number" ? t.dataSeed : 0}`;
};

const none = (): PairedDifference => ({ mean: NaN, sd: NaN, ci95: [NaN, NaN], n: 0 });

/** Pairs `treated` with `baseline` by seed (see the module comment). */
export function pairRuns(treated: readonly RunData[], baseline: readonly RunData[]): PairedRuns {
  const unpaired: PairedRuns["unpaired"] = [];
  const bySeed = (runs: readonly RunData[], group: string): Map<string, RunData> => {
    const m = new Map<string, RunData>();
    for (const r of runs) {
      const s = seedOf(r);
      if (r.summary?.status !== "completed") unpaired.push({ dir: r.dir, seed: s, reason: `${group} run did not complete (no summary.json or interrupted)` });
      else if (m.has(s)) unpaired.push({ dir: r.dir, seed: s, reason: `${group} group already has a run with seed/dataSeed ${s} (${m.get(s)!.dir})` });
      else m.set(s, r);
    }
    return m;
  };
  const t = bySeed(treated, "treated");
  const b = bySeed(baseline, "baseline");
  const pairs: [RunData, RunData][] = [];
  for (const [s, r] of t) {
    const base = b.get(s);
    if (base) pairs.push([r, base]);
    else unpaired.push({ dir: r.dir, seed: s, reason: "no baseline run with the same seed/dataSeed" });
  }
  for (const [s, r] of b) if (!t.has(s)) unpaired.push({ dir: r.dir, seed: s, reason: "no treated run with the same seed/dataSeed" });
  const diff = (f: (r: RunData) => number): PairedDifference =>
    pairs.length
      ? pairedDifference(
          pairs.map(([a]) => f(a)),
          pairs.map(([, z]) => f(z)),
        )
      : none();
  return {
    accuracy: diff((r) => r.summary!.probe.mean),
    erankRepresentation: diff((r) => r.summary!.effectiveRank.representation),
    erankEmbedding: diff((r) => r.summary!.effectiveRank.embedding),
    pairs: pairs.map(([a, z]) => ({ seed: seedOf(a), treated: a.dir, baseline: z.dir })),
    unpaired,
  };
}

const ci = (d: PairedDifference, scale: number, digits: number): string => formatCi95(d, scale, digits, "– (fewer than 2 pairs)");

/** The paired comparison as terminal text. */
export function formatPairedRuns(p: PairedRuns): string {
  return [
    `Paired by seed (same train.seed and train.dataSeed), treated − baseline, ${p.accuracy.n} pair(s);`,
    "95 % CI: Student's t over the pairs, n − 1 degrees of freedom:",
    `  accuracy (points)            ${formatSigned(p.accuracy.mean, 100, 2)}  ${ci(p.accuracy, 100, 2)}`,
    `  effective rank, representation ${formatSigned(p.erankRepresentation.mean, 1, 1)}  ${ci(p.erankRepresentation, 1, 1)}`,
    `  effective rank, embedding      ${formatSigned(p.erankEmbedding.mean, 1, 1)}  ${ci(p.erankEmbedding, 1, 1)}`,
    ...(p.unpaired.length ? [`  left out (${p.unpaired.length}): ${p.unpaired.map((u) => `${u.dir} (seed ${u.seed}: ${u.reason})`).join("; ")}`] : []),
  ].join("\n");
}
