/**
 * Figures as SVG: vega-lite specs compiled by vega-lite and rendered headless by vega (no canvas,
 * no browser). Used by the run report, `compare` and the toy-model figures.
 *
 * @example
 * ```ts
 * const svg = await renderSvg(lineChart({
 *   title: "Effective rank", x: "epoch", y: "rank",
 *   points: [{ x: 0, y: 12, series: "online" }, { x: 10, y: 30, series: "online" }],
 * }));
 * ```
 */
import * as vega from "vega";
import * as vl from "vega-lite";

/** A vega-lite top-level spec (kept loose: vega-lite validates it when compiling). */
export type VegaLiteSpec = Record<string, unknown>;

export interface Point {
  x: number;
  y: number;
  /** Line label; numbers (epochs) get a sequential color scale in `sequential` charts. */
  series?: string | number;
  facet?: string;
  /** Line style group (drawn dashed/dotted per value, e.g. with and without a regularizer). */
  dash?: string;
  /** Error bar from yLo to yHi (e.g. mean ± std over splits); drawn when given. */
  yLo?: number;
  yHi?: number;
}

export interface LineChartOptions {
  title: string;
  x: string;
  y: string;
  points: readonly Point[];
  logY?: boolean;
  /** Color legend title (default "series"). */
  seriesTitle?: string;
  width?: number;
  height?: number;
  /** Draw points too (for sparse data such as probe accuracies). */
  markers?: boolean;
  /** Small multiples by `facet`, `columns` per row. */
  columns?: number;
  /** Color series by a sequential scale (e.g. epochs) instead of categories. */
  sequential?: boolean;
  /** Stroke-dash legend title (default "style"), for points with `dash`. */
  dashTitle?: string;
  /** Order of the `dash` values: the first is drawn solid, the next ones dashed (default: by name). */
  dashOrder?: readonly string[];
  /** Order of the series in the legend and color scale (default: by name). */
  seriesOrder?: readonly string[];
  /** Order of the facets (default: sorted by name). */
  facetOrder?: readonly string[];
  /**
   * The y axis spans at least this much (centred on the data, kept inside `yBounds`), so a
   * difference of 0.2 points does not fill the whole axis.
   */
  minYSpan?: number;
  /** Limits of the y axis domain when widened by minYSpan (e.g. [0, 100] for percentages). */
  yBounds?: readonly [number, number];
}

/** The y domain [lo, hi] covering the data (and error bars) and at least `span` wide, inside `bounds`. */
export function paddedDomain(values: readonly number[], span: number, bounds: readonly [number, number] = [-Infinity, Infinity]): [number, number] {
  const v = values.filter(Number.isFinite);
  let lo = Math.min(...v);
  let hi = Math.max(...v);
  if (hi - lo < span) {
    const mid = (lo + hi) / 2;
    lo = mid - span / 2;
    hi = mid + span / 2;
    if (lo < bounds[0]) [lo, hi] = [bounds[0], bounds[0] + span];
    if (hi > bounds[1]) [lo, hi] = [Math.max(bounds[0], bounds[1] - span), bounds[1]];
  }
  return [lo, hi];
}

/** Shared top level of every figure (schema, white background, font sizes). */
export const BASE = {
  $schema: "https://vega.github.io/schema/vega-lite/v5.json",
  background: "white",
  config: { view: { stroke: "#ddd" }, axis: { labelFontSize: 11, titleFontSize: 12 }, title: { fontSize: 14 }, legend: { labelLimit: 320 } },
};

/** Lines y(x), one per series, optionally faceted; log y for spectra. */
export function lineChart(o: LineChartOptions): VegaLiteSpec {
  const hasSeries = o.points.some((p) => p.series !== undefined);
  const hasFacet = o.points.some((p) => p.facet !== undefined);
  const hasDash = o.points.some((p) => p.dash !== undefined);
  // log scales cannot show zeros: clamp to the smallest positive value (a vanished singular value).
  const positive = o.points.filter((p) => p.y > 0).map((p) => p.y);
  const floor = positive.length ? Math.min(...positive) : 1e-12;
  const data = o.points.filter((p) => Number.isFinite(p.y) && Number.isFinite(p.x)).map((p) => ({ ...p, y: o.logY && p.y <= 0 ? floor : p.y }));
  const hasErr = data.some((p) => p.yLo !== undefined && p.yHi !== undefined);
  const fitted =
    o.minYSpan !== undefined && data.length > 0
      ? paddedDomain(
          data.flatMap((p) => [p.y, p.yLo ?? p.y, p.yHi ?? p.y]),
          o.minYSpan,
          o.yBounds,
        )
      : undefined;
  // a margin of 3 % so the ends of error bars are not drawn on the frame
  const domain = fitted && [fitted[0] - 0.03 * (fitted[1] - fitted[0]), fitted[1] + 0.03 * (fitted[1] - fitted[0])];
  const encoding: Record<string, unknown> = {
    // error bars at the first and last x would be cut in half by the frame: pad the x scale
    x: { field: "x", type: "quantitative", title: o.x, ...(hasErr ? { scale: { padding: 12 } } : {}) },
    y: { field: "y", type: "quantitative", title: o.y, ...(o.logY ? { scale: { type: "log" } } : { scale: { zero: false, ...(domain ? { domain } : {}) } }) },
  };
  if (hasSeries) {
    // Numeric series (epochs) are ordered by value, not as strings ("10" < "120" < "40").
    encoding.color = o.sequential
      ? { field: "series", type: o.points.some((p) => typeof p.series === "number") ? "quantitative" : "ordinal", title: o.seriesTitle ?? "series", scale: { scheme: "viridis" } }
      : { field: "series", type: "nominal", title: o.seriesTitle ?? "series", ...(o.seriesOrder ? { scale: { domain: [...o.seriesOrder] } } : {}) };
    encoding.detail = { field: "series" };
  }
  if (hasDash) {
    encoding.strokeDash = { field: "dash", type: "nominal", title: o.dashTitle ?? "style", ...(o.dashOrder ? { scale: { domain: [...o.dashOrder] } } : {}) };
    encoding.detail = hasSeries ? [{ field: "series" }, { field: "dash" }] : { field: "dash" };
  }
  const line = { mark: { type: "line", point: o.markers ?? false, strokeWidth: 1.5, clip: true }, encoding };
  // Error bars: a rule from yLo to yHi at each point, coloured like its line.
  const layer = hasErr
    ? {
        layer: [
          line,
          {
            mark: { type: "rule", strokeWidth: 1.5 },
            transform: [{ filter: "isValid(datum.yLo) && isValid(datum.yHi)" }],
            encoding: { x: encoding.x, y: { ...(encoding.y as object), field: "yLo" }, y2: { field: "yHi" }, ...(encoding.color ? { color: encoding.color } : {}) },
          },
        ],
      }
    : line;
  if (hasFacet) {
    return {
      ...BASE,
      title: o.title,
      data: { values: data },
      facet: { field: "facet", type: "nominal", title: null, ...(o.facetOrder ? { sort: [...o.facetOrder] } : {}) },
      columns: o.columns ?? 3,
      spec: { width: o.width ?? 260, height: o.height ?? 180, ...layer },
      resolve: { scale: { y: "independent", x: "independent" } },
    };
  }
  return { ...BASE, title: o.title, width: o.width ?? 420, height: o.height ?? 260, data: { values: data }, ...layer };
}

export interface IntervalChartOptions {
  title: string;
  /** Value axis title. */
  x: string;
  /** One row per item: a dot at `value` and a bar from `lo` to `hi`. */
  items: readonly { label: string; value: number; lo: number; hi: number }[];
  /** The value axis spans at least this much (see LineChartOptions.minYSpan). */
  minSpan?: number;
  bounds?: readonly [number, number];
  width?: number;
}

/** Dots with error bars, one row per item (final accuracies of several runs, mean ± std). */
export function intervalChart(o: IntervalChartOptions): VegaLiteSpec {
  const values = o.items.filter((i) => Number.isFinite(i.value));
  const domain = paddedDomain(
    values.flatMap((i) => [i.lo, i.hi, i.value]),
    o.minSpan ?? 0,
    o.bounds,
  );
  const x = { field: "lo", type: "quantitative", title: o.x, scale: { zero: false, domain } };
  const y = { field: "label", type: "nominal", title: null, sort: values.map((i) => i.label) };
  return {
    ...BASE,
    title: o.title,
    width: o.width ?? 420,
    height: { step: 28 },
    data: { values },
    layer: [
      { mark: { type: "rule", strokeWidth: 2 }, encoding: { x, x2: { field: "hi" }, y, color: { field: "label", type: "nominal", legend: null } } },
      { mark: { type: "point", filled: true, size: 70 }, encoding: { x: { ...x, field: "value" }, y, color: { field: "label", type: "nominal", legend: null } } },
      { mark: { type: "text", align: "left", dx: 8, dy: -9, fontSize: 10 }, encoding: { x: { ...x, field: "value" }, y, text: { field: "text" } } },
    ],
    transform: [{ calculate: "format(datum.value, '.2f') + ' ± ' + format((datum.hi - datum.lo) / 2, '.2f')", as: "text" }],
  };
}

export interface HeatmapOptions {
  title: string;
  /** Row-major matrix. */
  matrix: readonly (readonly number[])[];
  xTitle?: string;
  yTitle?: string;
  size?: number;
  /** Diverging color scale around 0 (alignment matrices have signed entries). */
  diverging?: boolean;
  /** Fixed color domain [min, max] (default: the data's range). */
  domain?: readonly [number, number];
  /** Color legend title (default "value"). */
  valueTitle?: string;
}

/** A matrix as a heat map (alignment matrices). */
export function heatmap(o: HeatmapOptions): VegaLiteSpec {
  const values: { i: number; j: number; v: number }[] = [];
  o.matrix.forEach((row, i) => row.forEach((v, j) => values.push({ i, j, v })));
  return {
    ...BASE,
    title: o.title,
    width: o.size ?? 240,
    height: o.size ?? 240,
    data: { values },
    mark: "rect",
    encoding: {
      x: { field: "j", type: "ordinal", title: o.xTitle ?? "j", axis: { labels: o.matrix.length <= 32 } },
      y: { field: "i", type: "ordinal", title: o.yTitle ?? "i", axis: { labels: o.matrix.length <= 32 } },
      color: {
        field: "v",
        type: "quantitative",
        title: o.valueTitle ?? "value",
        scale: { ...(o.diverging ? { scheme: "redblue", domainMid: 0, reverse: true } : { scheme: "viridis" }), ...(o.domain ? { domain: [...o.domain] } : {}) },
      },
    },
  };
}

/** Several charts next to each other (compare). */
export function hconcat(title: string, specs: VegaLiteSpec[]): VegaLiteSpec {
  return { ...BASE, title, hconcat: specs.map(({ $schema: _s, background: _b, config: _c, ...rest }) => rest) };
}

/** Compiles a vega-lite spec and renders it to a standalone SVG string. */
export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  const compiled = vl.compile(spec as unknown as vl.TopLevelSpec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
