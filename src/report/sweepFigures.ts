/**
 * Figures of a collected sweep (`werank-native collect --paired ... --html/--svg`):
 * - the paired accuracy change against the paired key's value (e.g. WERank's alpha; log axis when all
 *   values are positive), one line per setting of the other grid keys (e.g. the layer set), with the
 *   95 % CI as a band and the baseline (Δ = 0) as a rule: WERank's Figure 4, with intervals;
 * - final effective rank of the representation against probe accuracy, one point per run.
 *
 * @example
 * ```ts
 * const c = collectSweep("sweeps/werank", { paired: "werank=0" });
 * const svg = await renderSvg(pairedEffectFigure(c)!);
 * ```
 */
import type { Collected } from "../experiment/collect.js";
import { BASE, type VegaLiteSpec } from "./plots.js";

/** "k=v k2=v2" of the grid keys other than `skip` (the line or colour a run belongs to). */
function settingLabel(params: Record<string, unknown>, keys: readonly string[]): string {
  const parts = keys.map((k) => `${k.split(".").pop()}=${JSON.stringify(params[k])}`);
  return parts.length ? parts.join(" ") : "all runs";
}

/** Paired accuracy change (points) against the paired key's value; undefined without `paired` data. */
export function pairedEffectFigure(c: Collected): VegaLiteSpec | undefined {
  if (!c.pairedOn) return undefined;
  const on = c.pairedOn;
  const others = Object.keys(c.rows[0]?.params ?? {}).filter((k) => k !== on.key);
  const values = c.rows
    .filter((r) => r.paired && r.paired.accuracy.n > 0 && typeof r.params[on.key] === "number")
    .map((r) => {
      const p = r.paired!;
      const finiteCi = Number.isFinite(p.accuracy.ci95[0]);
      return {
        x: r.params[on.key] as number,
        y: 100 * p.accuracy.mean,
        lo: 100 * (finiteCi ? p.accuracy.ci95[0] : p.accuracy.mean),
        hi: 100 * (finiteCi ? p.accuracy.ci95[1] : p.accuracy.mean),
        n: p.accuracy.n,
        series: settingLabel(r.params, others),
      };
    });
  if (values.length === 0) return undefined;
  const log = values.every((v) => v.x > 0);
  const key = on.key.split(".").pop();
  const x = { field: "x", type: "quantitative", title: `${on.key}${log ? " (log scale)" : ""}`, scale: log ? { type: "log" } : { zero: false } };
  const color = { field: "series", type: "nominal", title: others.length ? others.map((k) => k.split(".").pop()).join(", ") : "series" };
  return {
    ...BASE,
    title: `Probe accuracy change against ${key} = ${JSON.stringify(on.value)} (paired by seed, 95 % CI)`,
    width: 460,
    height: 280,
    data: { values },
    layer: [
      { mark: { type: "area", opacity: 0.18 }, encoding: { x, y: { field: "lo", type: "quantitative", title: "Δ accuracy (points)" }, y2: { field: "hi" }, color } },
      {
        mark: { type: "line", point: true, strokeWidth: 1.5 },
        encoding: {
          x,
          y: { field: "y", type: "quantitative", title: "Δ accuracy (points)" },
          color,
          tooltip: [{ field: "x" }, { field: "y", format: ".2f" }, { field: "lo", format: ".2f" }, { field: "hi", format: ".2f" }, { field: "n", title: "seed pairs" }],
        },
      },
      {
        data: { values: [{ y: 0, label: `${key} = ${JSON.stringify(on.value)} (baseline)` }] },
        mark: { type: "rule", strokeDash: [4, 4], color: "#555" },
        encoding: { y: { field: "y", type: "quantitative" } },
      },
      {
        data: { values: [{ y: 0, label: `${key} = ${JSON.stringify(on.value)} (baseline)` }] },
        mark: { type: "text", align: "left", dy: -6, x: 4, color: "#555" },
        encoding: { y: { field: "y", type: "quantitative" }, text: { field: "label" } },
      },
    ],
  };
}

/** Final representation effective rank against probe accuracy, one point per finished run. */
export function rankAccuracyFigure(c: Collected): VegaLiteSpec | undefined {
  const keys = Object.keys(c.rows[0]?.params ?? {});
  const values = c.runs
    .filter((r) => Number.isFinite(r.erankRepresentation) && Number.isFinite(r.accuracy))
    .map((r) => ({ x: r.erankRepresentation, y: 100 * r.accuracy, series: settingLabel(r.params, keys), seed: `${r.seed}/${r.dataSeed}` }));
  if (values.length === 0) return undefined;
  return {
    ...BASE,
    title: "Final effective rank (representation) against probe accuracy, every run",
    width: 460,
    height: 280,
    data: { values },
    mark: { type: "point", filled: true, size: 60, opacity: 0.8 },
    encoding: {
      x: { field: "x", type: "quantitative", title: "effective rank of the representation", scale: { zero: false } },
      y: { field: "y", type: "quantitative", title: "probe accuracy (%)", scale: { zero: false } },
      color: { field: "series", type: "nominal", title: "configuration" },
      tooltip: [{ field: "series" }, { field: "seed", title: "seed/dataSeed" }, { field: "x", format: ".1f" }, { field: "y", format: ".2f" }],
    },
  };
}
