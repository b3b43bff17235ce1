/**
 * Normalization layers by name: "batch" ({@link BatchNorm1d}), "layer" ({@link LayerNorm}, per node
 * unless `layerNormMode: "graph"`), "none" (undefined: no layer).
 *
 * @example
 * ```ts
 * const bn = makeNorm("batch", 256, { batchNormMomentum: 0.99 });   // BGRL's encoder norm
 * ```
 */
import { ArgumentError, unknownName } from "../errors.js";
import type { DType } from "../tensor/dtype.js";
import { BatchNorm1d } from "./BatchNorm1d.js";
import { LayerNorm } from "./LayerNorm.js";

export type NormName = "batch" | "layer" | "none";
export const NORMS: readonly NormName[] = ["batch", "layer", "none"];

export interface NormOptions {
  /** BatchNorm1d momentum, PyTorch semantics (default 0.1; BGRL uses 0.99). */
  batchNormMomentum?: number;
  /** LayerNorm mode (default "node"). */
  layerNormMode?: "node" | "graph";
  dtype?: DType;
}

export function makeNorm(name: NormName, numFeatures: number, options: NormOptions = {}): BatchNorm1d | LayerNorm | undefined {
  if (!NORMS.includes(name)) throw new ArgumentError(unknownName("norm", String(name), NORMS));
  if (name === "batch") return new BatchNorm1d(numFeatures, { momentum: options.batchNormMomentum ?? 0.1, dtype: options.dtype });
  if (name === "layer") return new LayerNorm(numFeatures, { mode: options.layerNormMode ?? "node", dtype: options.dtype });
  return undefined;
}
