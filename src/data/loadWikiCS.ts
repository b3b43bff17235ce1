/**
 * Loader for WikiCS (Mernyei & Cangea, "Wiki-CS: A Wikipedia-Based Benchmark for Graph Neural
 * Networks", 2020), the `data.json` of github.com/pmernyei/wiki-cs-dataset (`dataset/data.json`),
 * the file PyG's `WikiCS` downloads. Its keys:
 *
 * - `features`: N rows of 300 floats (averaged GloVe vectors of the article text);
 * - `labels` (some copies: `label`): N class ids in 0..9;
 * - `links`: N lists of neighbour ids (hyperlinks; directed as stored);
 * - `train_masks`, `val_masks`, `stopping_masks`: 20 lists of N booleans (or 0/1) each — the 20
 *   public splits; `test_mask`: one list of N booleans shared by all splits.
 *
 * Result: 20 `publicSplits` named "public-0" … "public-19" with train/val/stopping/test node ids.
 * Links are symmetrized by default (PyG's `is_undirected=True`, as GRACE/BGRL use). GRACE/BGRL
 * standardize WikiCS features: pass `zScore: true` (the presets do).
 *
 * @example
 * ```ts
 * const g = await loadWikiCS("data/wikics/data.json", { zScore: true });
 * g.publicSplits!.length;   // 20
 * ```
 */
import path from "node:path";
import { DataError } from "../errors.js";
import type { Graph, Split } from "../graph/Graph.js";
import { assembleGraph, type PreprocessOptions } from "./assembleGraph.js";
import { readRegularTextFile } from "../util/regularFile.js";
import { labelsToInt32 } from "./checks.js";

const MAX_JSON_BYTES = 2 ** 29 - 64;

export interface LoadWikiCSOptions extends PreprocessOptions {
  /** Graph name (default "wikics"). */
  name?: string;
  /** Name used for in-memory JSON in messages (default "<data.json>"). */
  file?: string;
}

type Json = unknown;

/** Node ids where `mask` is true; an empty set is refused (an empty test split would print "– ± – %"). */
function maskIds(mask: Json, n: number, where: string): Int32Array {
  if (!Array.isArray(mask) || mask.length !== n) throw new DataError(`Expected a list of ${n} booleans at ${where} but received ${Array.isArray(mask) ? `a list of ${mask.length}` : typeof mask}`);
  let count = 0;
  for (let i = 0; i < n; i++) {
    const v = mask[i];
    if (v === true || v === 1) count++;
    else if (v !== false && v !== 0) throw new DataError(`Expected booleans (or 0/1) at ${where} but received ${JSON.stringify(v)} at position ${i}`);
  }
  if (count === 0) throw new DataError(`Expected at least one true entry at ${where} but the mask selects no node`);
  const ids = new Int32Array(count);
  let k = 0;
  for (let i = 0; i < n; i++) if (mask[i] === true || mask[i] === 1) ids[k++] = i;
  return ids;
}

function maskList(data: Record<string, Json>, key: string, n: number, file: string): Int32Array[] {
  const v = data[key];
  if (!Array.isArray(v) || v.length === 0) throw new DataError(`Expected a non-empty list of masks under '${key}' in ${file} but received ${Array.isArray(v) ? "an empty list" : typeof v}`);
  return v.map((m, s) => maskIds(m, n, `${file} key '${key}' split ${s}`));
}

/** Builds a Graph from the parsed `data.json` object (see the module comment). */
export function wikiCSFromJson(data: unknown, options: LoadWikiCSOptions & { file: string }): Graph {
  const file = options.file;
  if (data === null || typeof data !== "object" || Array.isArray(data))
    throw new DataError(`Expected a JSON object with keys features, labels, links, train_masks, ... in ${file} but received ${Array.isArray(data) ? "a list" : typeof data}`);
  const d = data as Record<string, Json>;
  const labelKey = "labels" in d ? "labels" : "label";
  for (const k of ["features", labelKey, "links", "train_masks", "val_masks", "test_mask"]) {
    if (!(k in d)) throw new DataError(`Expected a key '${k}' in ${file} but it has: ${Object.keys(d).join(", ") || "none"}`);
  }
  const feats = d.features;
  if (!Array.isArray(feats)) throw new DataError(`Expected a list of feature rows under 'features' in ${file} but received ${typeof feats}`);
  const n = feats.length;
  if (n === 0) throw new DataError(`Expected at least one feature row under 'features' in ${file} but the list is empty`);
  const f0 = feats[0];
  const cols = Array.isArray(f0) ? f0.length : 0;
  const x = new Float32Array(n * cols);
  for (let i = 0; i < n; i++) {
    const row = feats[i];
    if (!Array.isArray(row) || row.length !== cols)
      throw new DataError(`Expected ${cols} feature values per row in ${file} key 'features' but row ${i} has ${Array.isArray(row) ? row.length : typeof row}`);
    for (let c = 0; c < cols; c++) {
      const v = row[c];
      if (typeof v !== "number" || !Number.isFinite(v)) throw new DataError(`Expected finite numbers in ${file} key 'features' but received ${JSON.stringify(v)} at row ${i}, column ${c}`);
      x[i * cols + c] = v;
    }
  }
  const lab = d[labelKey];
  if (!Array.isArray(lab) || lab.length !== n)
    throw new DataError(`Expected ${n} labels (one per feature row) in ${file} key '${labelKey}' but received ${Array.isArray(lab) ? lab.length : typeof lab}`);
  for (let i = 0; i < n; i++) {
    if (typeof lab[i] !== "number") throw new DataError(`Expected non-negative integer class labels in ${file} key '${labelKey}' but received ${JSON.stringify(lab[i])} at position ${i}`);
  }
  const { labels, numClasses } = labelsToInt32(lab as number[], `${file} key '${labelKey}'`);
  const links = d.links;
  if (!Array.isArray(links) || links.length !== n) throw new DataError(`Expected ${n} neighbour lists in ${file} key 'links' but received ${Array.isArray(links) ? links.length : typeof links}`);
  let m = 0;
  for (let i = 0; i < n; i++) {
    const l = links[i];
    if (!Array.isArray(l)) throw new DataError(`Expected a list of neighbour ids in ${file} key 'links' but received ${typeof l} at node ${i}`);
    m += l.length;
  }
  const src = new Int32Array(m);
  const dst = new Int32Array(m);
  let e = 0;
  for (let i = 0; i < n; i++) {
    const l = links[i] as Json[];
    for (let k = 0; k < l.length; k++) {
      const j = l[k];
      if (typeof j !== "number" || !Number.isInteger(j) || j < 0 || j >= n)
        throw new DataError(`Expected node ids in [0, ${n}) in ${file} key 'links' but received ${JSON.stringify(j)} at node ${i}, position ${k}`);
      src[e] = i;
      dst[e++] = j;
    }
  }
  const train = maskList(d, "train_masks", n, file);
  const val = maskList(d, "val_masks", n, file);
  const stopping = "stopping_masks" in d ? maskList(d, "stopping_masks", n, file) : undefined;
  const test = maskIds(d.test_mask, n, `${file} key 'test_mask'`);
  if (val.length !== train.length || (stopping && stopping.length !== train.length)) {
    throw new DataError(
      `Expected as many val_masks${stopping ? " and stopping_masks" : ""} as train_masks (${train.length}) in ${file} but received ${val.length}${stopping ? ` and ${stopping.length}` : ""}`,
    );
  }
  const publicSplits: Split[] = train.map((t, s) => ({ name: `public-${s}`, train: t, val: val[s]!, test, ...(stopping ? { stopping: stopping[s]! } : {}) }));
  return assembleGraph(
    {
      name: options.name ?? "wikics",
      numNodes: n,
      src,
      dst,
      features: { kind: "dense", rows: n, cols, data: x },
      labels,
      numClasses,
      publicSplits,
      provenance: { format: "wikics", files: [file], preprocessing: [] },
    },
    options,
  );
}

/** Loads WikiCS `data.json` (a path, or its text/bytes) into a validated Graph with 20 public splits. */
export async function loadWikiCS(source: string | Uint8Array, options: LoadWikiCSOptions = {}): Promise<Graph> {
  let text: string;
  let file: string;
  if (typeof source === "string") {
    file = path.resolve(source);
    // V8 strings hold at most 2^29 - 24 characters: a larger file could not be parsed anyway.
    text = readRegularTextFile(file, { what: "WikiCS data.json", maxBytes: MAX_JSON_BYTES });
  } else {
    file = options.file ?? "<data.json>";
    text = Buffer.from(source.buffer, source.byteOffset, source.byteLength).toString("utf8");
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new DataError(`Malformed JSON in ${file}: ${(e as Error).message} (truncated or corrupt file?)`, { cause: e });
  }
  return wikiCSFromJson(data, { ...options, file });
}
