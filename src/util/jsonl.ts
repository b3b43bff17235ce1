/**
 * Reading the JSONL logs of a run directory (metrics.jsonl, spectra.jsonl) back: shared by the run
 * directory (src/experiment/RunDir.ts) and the report (src/report/runData.ts), which must not depend
 * on each other's internals.
 *
 * @example
 * ```ts
 * const events = readJsonl<{ type: string }>("runs/bgrl-cora-1/metrics.jsonl");
 * ```
 */
import fs from "node:fs";
import { readRegularTextFile } from "./regularFile.js";

/** Largest run file read back (metrics, spectra, summaries); a FIFO or device is refused. */
export const MAX_RUN_FILE_BYTES = 2 ** 30;

/** Reads a JSONL file, skipping a torn last line (a run killed mid-write). */
export function readJsonl<T = Record<string, unknown>>(file: string): T[] {
  if (!fs.existsSync(file)) return [];
  const out: T[] = [];
  for (const line of readRegularTextFile(file, { what: "run log", code: "ERR_DATA", maxBytes: MAX_RUN_FILE_BYTES }).split("\n")) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as T);
    } catch {
      // only the last line of an interrupted run can be partial
    }
  }
  return out;
}
