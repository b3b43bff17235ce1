/**
 * What a run trains, said the same way everywhere: the CLI lines, the default run name, summary.json,
 * the report and the sweep / collect tables all take their labels from {@link describeRegularizers}
 * of the RESOLVED configuration, so `--werank 0 --set werank.perLayer=0.5,0.01` reads as WERank with
 * those per-layer alphas, not as the plain objective.
 *
 * @example
 * ```ts
 * const cfg = resolveConfig({ set: ["werank.alpha=0", "werank.perLayer=0.5,0.01"] });
 * trainingLabel(cfg);   // "bgrl + WERank (encoder, alphas 0.5/0.01, gram smaller)"
 * runSlug(cfg);    // "bgrl+werank"
 * ```
 */
import path from "node:path";
import type { Config } from "./config.js";

/** The regularizers a configuration trains with (null: off), as recorded in summary.json. */
export interface RegularizerDescription {
  werank: {
    layers: Config["werank"]["layers"];
    /** One alpha for every selected weight, or the per-layer alphas in layer order. */
    alpha: number | number[];
    /** Per weight name when known (the Trainer fills it from the selected weights). */
    weights?: Record<string, number>;
    squared: boolean;
    gram: Config["werank"]["gram"];
    /** "width": each alpha above is divided by its layer's min(out, in) when training. */
    scale: Config["werank"]["scale"];
  } | null;
  svmax: { lambda: number; on: Config["svmax"]["on"] } | null;
  variance: { weight: number; gamma: number; on: Config["varianceReg"]["on"] } | null;
}

/** Whether WERank trains: alpha > 0, or per-layer alphas (which replace alpha) with one above 0. */
export function werankEnabled(cfg: Pick<Config, "werank">): boolean {
  const w = cfg.werank;
  return w.perLayer !== null ? w.perLayer.some((a) => a > 0) : w.alpha > 0;
}

/** The resolved regularizers of a configuration; `weights` names the selected WERank weights (in order). */
export function describeRegularizers(cfg: Pick<Config, "werank" | "svmax" | "varianceReg">, weights?: readonly string[]): RegularizerDescription {
  const w = cfg.werank;
  const alpha = w.perLayer ?? w.alpha;
  return {
    werank: werankEnabled(cfg)
      ? {
          layers: w.layers,
          alpha,
          ...(weights ? { weights: Object.fromEntries(weights.map((n, i) => [n, Array.isArray(alpha) ? alpha[i]! : alpha])) } : {}),
          squared: w.squared,
          gram: w.gram,
          scale: w.scale,
        }
      : null,
    svmax: cfg.svmax.lambda > 0 ? { lambda: cfg.svmax.lambda, on: cfg.svmax.on } : null,
    variance: cfg.varianceReg.weight > 0 ? { weight: cfg.varianceReg.weight, gamma: cfg.varianceReg.gamma, on: cfg.varianceReg.on } : null,
  };
}

/** "WERank (encoder, alphas 0.5/0.01, squared, gram smaller) + SVMax (lambda 0.1, on embedding)"; "" when none. */
export function regularizerLabel(d: RegularizerDescription): string {
  const parts: string[] = [];
  if (d.werank) {
    const a = Array.isArray(d.werank.alpha) ? `alphas ${d.werank.alpha.join("/")}` : `alpha ${d.werank.alpha}`;
    parts.push(`WERank (${d.werank.layers}, ${a}${d.werank.scale === "width" ? " / width" : ""}${d.werank.squared ? ", squared" : ""}, gram ${d.werank.gram})`);
  }
  if (d.svmax) parts.push(`SVMax (lambda ${d.svmax.lambda}, on ${d.svmax.on})`);
  if (d.variance) parts.push(`variance (weight ${d.variance.weight}, gamma ${d.variance.gamma}, on ${d.variance.on})`);
  return parts.join(" + ");
}

/** The objective and its regularizers: "bgrl + WERank (encoder, alpha 0.1, gram smaller)". */
export function trainingLabel(cfg: Pick<Config, "objective" | "werank" | "svmax" | "varianceReg">, weights?: readonly string[]): string {
  const regs = regularizerLabel(describeRegularizers(cfg, weights));
  return regs ? `${cfg.objective.name} + ${regs}` : cfg.objective.name;
}

/** The short form for run names: "bgrl+werank+svmax". */
export function runSlug(cfg: Pick<Config, "objective" | "werank" | "svmax" | "varianceReg">): string {
  const d = describeRegularizers(cfg);
  return [cfg.objective.name, d.werank && "werank", d.svmax && "svmax", d.variance && "variance"].filter(Boolean).join("+");
}

/** A new run's directory name before its timestamp: output.name, else "bgrl+werank-cora" (the objective's slug and the dataset). */
export function runName(cfg: Config): string {
  return cfg.output.name ?? `${runSlug(cfg)}-${path.basename(cfg.dataset.name).replace(/\.[a-z]+$/, "")}`;
}
