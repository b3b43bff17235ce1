/**
 * The page of a collected sweep (`collect --html`): the configuration table (mean ± std over seeds),
 * the paired-by-seed differences with their 95 % intervals, the effect-against-value figure and the
 * rank-against-accuracy scatter; and the same figures as standalone SVG files (`collect --svg DIR`).
 *
 * @example
 * ```ts
 * const c = collectSweep("sweeps/werank", { paired: "werank=0" });
 * await writeSweepReport(c, "sweeps/werank/results.html");
 * ```
 */
import fs from "node:fs";
import path from "node:path";
import type { Collected } from "../experiment/collect.js";
import { atomicWriteFile } from "../util/atomicWrite.js";
import { renderSvg, type VegaLiteSpec } from "./plots.js";
import { pairedEffectFigure, rankAccuracyFigure } from "./sweepFigures.js";
import { esc, figure, page } from "./writeReport.js";

/** The sweep's figures by file stem. */
export function sweepFigures(c: Collected): Record<string, VegaLiteSpec | undefined> {
  return { "paired-effect": pairedEffectFigure(c), "rank-vs-accuracy": rankAccuracyFigure(c) };
}

/** Markdown pipe tables as HTML tables (collect's tables are plain pipe rows, no inline markup). */
function markdownToHtml(md: string): string {
  const out: string[] = [];
  let table: string[][] = [];
  const flush = (): void => {
    if (!table.length) return;
    const [head, , ...body] = table;
    out.push(`<table><tr>${head!.map((h) => `<th>${esc(h)}</th>`).join("")}</tr>${body.map((r) => `<tr>${r.map((c) => `<td class="n">${esc(c)}</td>`).join("")}</tr>`).join("")}</table>`);
    table = [];
  };
  for (const line of md.split("\n")) {
    if (line.startsWith("|"))
      table.push(
        line
          .slice(1, -1)
          .split("|")
          .map((c) => c.trim()),
      );
    else {
      flush();
      if (line.trim()) out.push(`<p>${esc(line)}</p>`);
    }
  }
  flush();
  return out.join("\n");
}

/** Writes the sweep page to `file` (atomically) and returns its absolute path. */
export async function writeSweepReport(c: Collected, file: string, title = "Sweep results"): Promise<string> {
  const figs = sweepFigures(c);
  const body = [
    `<h2>Results</h2>${markdownToHtml(c.markdown)}`,
    ...(c.pairedOn ? [await figure("paired-effect", figs["paired-effect"], "Paired accuracy change with its 95 % confidence band")] : []),
    await figure("rank-vs-accuracy", figs["rank-vs-accuracy"], "Effective rank against probe accuracy"),
  ];
  const abs = path.resolve(file);
  atomicWriteFile(abs, page(title, `${c.runs.length} finished run(s), ${c.missing.length} missing`, body.join("\n")));
  return abs;
}

/** Writes each figure with data as `<stem>.svg` into `dir`; returns the files written. */
export async function writeSweepSvgs(c: Collected, dir: string): Promise<string[]> {
  fs.mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  for (const [stem, spec] of Object.entries(sweepFigures(c))) {
    if (!spec) continue;
    const f = path.resolve(dir, `${stem}.svg`);
    atomicWriteFile(f, await renderSvg(spec));
    files.push(f);
  }
  return files;
}
