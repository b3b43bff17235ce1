/**
 * Training diagnostics around {@link collapseReport} (DESIGN D7): the numbers a run logs per
 * diagnostic pass (effective ranks, rank differential, mean pairwise cosine), the fixed node subset
 * that keeps diagnostics of large graphs to seconds, and the collapse warnings of a training run
 * (the report's own warnings plus a BGRL loss at its floor), silent during the warm-up.
 *
 * @example
 * ```ts
 * const warnings = collapseWarnings(report, { epoch: 50, warmupEpochs: 10, epochs: 100, objective: "bgrl", lastLoss: 2e-4 });
 * ```
 */
import { Generator } from "../tensor/Generator.js";
import type { Device } from "../tensor/device.js";
import { keep, tidy } from "../tensor/tidy.js";
import type { Tensor } from "../tensor/Tensor.js";
import type { CollapseReport } from "./collapseReport.js";

/** A BGRL loss this close to its floor 0 is reported as a suspected complete collapse. */
export const LOSS_FLOOR_WARNING = 1e-3;

/** Node count above which diagnostics use a fixed random subset of rows (keeps them to seconds). */
export const DIAGNOSTIC_ROWS = 4096;

/** The logged summary of a report: online and target effective ranks, rank differential, mean pairwise cosine. */
export interface SpectraNumbers {
  effectiveRank: { representation: number; embedding: number; target: number | null };
  /** erank(target) - erank(online) of the embeddings (RDM's sign); null without a target branch. */
  rankDifferential: number | null;
  meanPairwiseCosine: number;
}

/** {@link SpectraNumbers} of a report (NaN / null for what it lacks, or without a report). */
export function spectraNumbers(rep: CollapseReport | undefined): SpectraNumbers {
  return {
    effectiveRank: {
      representation: rep?.representations.online?.effectiveRank ?? NaN,
      embedding: rep?.embeddings.online?.effectiveRank ?? NaN,
      target: rep?.representations.target?.effectiveRank ?? null,
    },
    rankDifferential: rep?.rankDifferential.embeddings ?? null,
    meanPairwiseCosine: rep?.embeddings.online?.meanPairwiseCosine ?? NaN,
  };
}

/**
 * A fixed, sorted subset of DIAGNOSTIC_ROWS nodes drawn with `seed` when the graph has more (kept:
 * dispose it), so spectra are comparable across epochs and runs; undefined for smaller graphs.
 */
export function diagnosticRows(numNodes: number, seed: number, device: Device = "cpu"): Tensor | undefined {
  if (numNodes <= DIAGNOSTIC_ROWS) return undefined;
  const g = new Generator(seed);
  try {
    // Drawn on the CPU (the same rows on every device), then placed beside the outputs they index.
    return keep(tidy(() => g.randperm(numNodes).narrow(0, 0, DIAGNOSTIC_ROWS).sort(0).values.to(device)));
  } finally {
    g.dispose();
  }
}

export interface CollapseWarningContext {
  /** The epoch of the report. */
  epoch: number;
  warmupEpochs: number;
  /** The run's total epochs. */
  epochs: number;
  /** The objective's name ("bgrl" has a loss floor of 0). */
  objective: string;
  /** The last logged loss (NaN: none). */
  lastLoss: number;
}

/**
 * DESIGN D7: the report's warnings (centred measures: relative variance, normalized effective rank)
 * and a BGRL loss at its floor; none during the learning-rate warm-up, when a freshly initialized
 * model's outputs may still sit close together.
 */
export function collapseWarnings(rep: CollapseReport, c: CollapseWarningContext): string[] {
  if (c.epoch <= Math.min(c.warmupEpochs, c.epochs - 1)) return [];
  const out = [...rep.warnings];
  const floor = c.objective === "bgrl" ? 0 : undefined;
  if (floor !== undefined && Number.isFinite(c.lastLoss) && c.lastLoss - floor < LOSS_FLOOR_WARNING) {
    out.push(`complete collapse suspected: the ${c.objective} loss ${c.lastLoss.toExponential(2)} is within ${LOSS_FLOOR_WARNING} of its floor ${floor} (the branches may predict a constant)`);
  }
  return out;
}
