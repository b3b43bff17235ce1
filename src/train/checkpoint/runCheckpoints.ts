/**
 * The checkpoints of a run directory (`<run>/checkpoints/<name>.safetensors` + `.json`) and what a
 * resume needs around them:
 *
 * - {@link listCheckpoints}: the complete ones, ordered by the epoch recorded in their sidecar (not by
 *   name: an old `interrupt` checkpoint must not beat a newer `epoch-20`);
 * - {@link latestCheckpoint}: the newest one whose tensors also match their SHA-256, falling back past
 *   a damaged one;
 * - {@link parseTrainerState}: the Trainer's sidecar fields, validated (an epoch of 1e12, "2" or 1.5
 *   must not resume as "completed");
 * - {@link prepareRunForResume}: removes temp files left by a kill and cuts metrics.jsonl /
 *   spectra.jsonl back to the resumed epoch, so no epoch is logged twice.
 *
 * @example
 * ```ts
 * const ck = latestCheckpoint("runs/bgrl-cora-20261122-101500");   // ".../checkpoints/epoch-20" or undefined
 * ```
 */
import fs from "node:fs";
import path from "node:path";
import { DataError } from "../../errors.js";
import { isTempFile, removeTempFiles, writeAtomic } from "../../util/atomicWrite.js";
import { assertRegularFile, readRegularTextFile } from "../../util/regularFile.js";
import { checkpointFiles, isCompleteCheckpoint, readCheckpointSidecar } from "./checkpoint.js";

interface Listed {
  base: string;
  epoch: number;
  savedAt: string;
}

function listed(runDir: string): Listed[] {
  const dir = path.join(runDir, "checkpoints");
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const out: Listed[] = [];
  for (const f of names) {
    if (!f.endsWith(".json") || isTempFile(f)) continue;
    const base = path.join(dir, f.slice(0, -".json".length));
    try {
      const side = readCheckpointSidecar(base);
      const epoch = side.data.epoch;
      if (typeof epoch !== "number" || !Number.isSafeInteger(epoch) || epoch < 0) continue;
      // Cheap completeness check here (the size, no read); latestCheckpoint verifies the SHA-256.
      if (assertRegularFile(checkpointFiles(base).tensors, { what: "checkpoint tensor file", code: "ERR_IO" }).size !== side.bytes) continue;
      out.push({ base, epoch, savedAt: side.savedAt });
    } catch {
      // an incomplete or foreign checkpoint is not a checkpoint
    }
  }
  // By recorded epoch, then by save time: equal epochs hold the same state, the later write wins.
  return out.sort((a, b) => a.epoch - b.epoch || (a.savedAt < b.savedAt ? -1 : a.savedAt > b.savedAt ? 1 : 0));
}

/** A run directory's complete checkpoints (paths without extension), oldest epoch first, newest last. */
export function listCheckpoints(runDir: string): string[] {
  return listed(runDir).map((l) => l.base);
}

/** The newest complete checkpoint whose tensors match their recorded SHA-256 (undefined when none). */
export function latestCheckpoint(runDir: string): string | undefined {
  const all = listed(runDir);
  for (let i = all.length - 1; i >= 0; i--) if (isCompleteCheckpoint(all[i]!.base)) return all[i]!.base;
  return undefined;
}

/** What the Trainer stores in a checkpoint sidecar besides the tensors. */
export interface TrainerState {
  epoch: number;
  optimizer: Record<string, unknown>;
  generator: string;
  stepSeconds: number[];
  lastLoss: number;
  /** Where a mini-batch epoch was interrupted (absent at an epoch boundary). */
  batch?: EpochProgress | undefined;
}

/** The steps of an unfinished mini-batch epoch: enough to finish it exactly as an uninterrupted run. */
export interface EpochProgress {
  /** Steps of the epoch already taken. */
  step: number;
  /** The generator's state (base64) when the epoch began: its node permutation is drawn again from it. */
  epochGenerator: string;
  /** Sums of the taken steps' loss / steps and terms / steps (null: not read). */
  loss: number | null;
  terms: Record<string, number>;
  /** Data-parallel ranks that took those steps (absent: 1): a step's seeds depend on it. */
  ranks?: number;
}

/**
 * Validates the Trainer's sidecar fields against the run being resumed (`epochs`: its total). Every
 * field is checked: a resumed run must continue exactly where the checkpoint was taken.
 */
export function parseTrainerState(data: Record<string, unknown>, file: string, epochs: number): TrainerState {
  const bad = (field: string, want: string): DataError => new DataError(`Cannot resume from ${file}: "${field}" must be ${want} but is ${JSON.stringify(data[field]) ?? "missing"}`);
  const { epoch, optimizer, generator, stepSeconds, lastLoss } = data;
  if (typeof epoch !== "number" || !Number.isSafeInteger(epoch) || epoch < 0 || epoch > epochs) throw bad("epoch", `an integer in [0, ${epochs}] (train.epochs)`);
  if (optimizer === null || typeof optimizer !== "object" || Array.isArray(optimizer)) throw bad("optimizer", "an object");
  if (typeof generator !== "string" || generator.length === 0 || !/^[A-Za-z0-9+/]+=*$/.test(generator)) throw bad("generator", "a base64 string");
  const steps = stepSeconds ?? [];
  if (!Array.isArray(steps) || steps.length > epoch || !steps.every((s) => typeof s === "number" && Number.isFinite(s) && s >= 0)) {
    throw bad("stepSeconds", `an array of at most ${epoch} non-negative numbers`);
  }
  // NaN is written as null by JSON.
  if (lastLoss !== undefined && lastLoss !== null && typeof lastLoss !== "number") throw bad("lastLoss", "a number or null");
  const state: TrainerState = { epoch, optimizer: optimizer as Record<string, unknown>, generator, stepSeconds: steps as number[], lastLoss: typeof lastLoss === "number" ? lastLoss : NaN };
  const b = data.batch as Partial<EpochProgress> | undefined;
  if (b === undefined) return state;
  const valid =
    b !== null &&
    typeof b === "object" &&
    Number.isSafeInteger(b.step) &&
    b.step! > 0 &&
    epoch < epochs &&
    typeof b.epochGenerator === "string" &&
    /^[A-Za-z0-9+/]+=*$/.test(b.epochGenerator) &&
    (b.loss === null || typeof b.loss === "number") &&
    b.terms !== null &&
    typeof b.terms === "object" &&
    Object.values(b.terms).every((v) => typeof v === "number") &&
    (b.ranks === undefined || (Number.isSafeInteger(b.ranks) && b.ranks >= 1));
  if (!valid) throw bad("batch", `{ step > 0, epochGenerator (base64), loss, terms, ranks? } of an epoch before ${epochs}`);
  return { ...state, batch: b as EpochProgress };
}

/**
 * Before resuming `runDir` at `epoch` (of `epochs`): removes temp files a kill left behind and keeps
 * only the log records written before that checkpoint was taken. Epoch records up to `epoch` stay;
 * spectra, eval and warning records at `epoch` stay unless `epoch` is the last one (the final
 * diagnostics come after the final checkpoint and are written again).
 */
export function prepareRunForResume(runDir: string, epoch: number, epochs: number): void {
  removeTempFiles(runDir);
  removeTempFiles(path.join(runDir, "checkpoints"));
  const keep = (r: { type?: unknown; epoch?: unknown }): boolean => typeof r.epoch === "number" && (r.epoch < epoch || (r.epoch === epoch && (epoch < epochs || r.type === "epoch")));
  for (const f of ["metrics.jsonl", "spectra.jsonl"]) truncateJsonl(path.join(runDir, f), keep);
}

/** Rewrites a JSONL file (atomically) with the records `keep` accepts; a torn line is dropped. */
function truncateJsonl(file: string, keep: (record: Record<string, unknown>) => boolean): void {
  if (!fs.existsSync(file)) return;
  const text = readRegularTextFile(file, { what: "run log", code: "ERR_DATA" });
  const lines = text.split("\n").filter((line) => {
    if (!line.trim()) return false;
    try {
      const r = JSON.parse(line) as unknown;
      return r !== null && typeof r === "object" && keep(r as Record<string, unknown>);
    } catch {
      return false;
    }
  });
  const out = lines.map((l) => `${l}\n`).join("");
  if (out !== text) writeAtomic(file, (fd) => fs.writeSync(fd, out));
}

/**
 * Every tensor of a checkpoint must have a counterpart in the model being restored, with the same
 * dtype and shape (`expected` maps names to tensors of the right kind): an I32 tensor where F32 is
 * expected would otherwise be converted silently. Every name `required` accepts must be present.
 */
export function checkCheckpointTensors(
  tensors: Readonly<Record<string, { dtype: string; shape: readonly number[] }>>,
  expected: ReadonlyMap<string, { dtype: string; shape: readonly number[] }>,
  file: string,
  required: (name: string) => boolean = () => true,
): void {
  const missing = [...expected.keys()].filter((n) => required(n) && !Object.hasOwn(tensors, n));
  if (missing.length > 0) throw new DataError(`Cannot resume from ${file}: missing tensor${missing.length > 1 ? "s" : ""} ${missing.slice(0, 5).join(", ")}${missing.length > 5 ? ", ..." : ""}`);
  for (const [name, t] of Object.entries(tensors)) {
    const want = expected.get(name);
    if (want === undefined) throw new DataError(`Cannot resume from ${file}: unexpected tensor '${name}' (not part of this model or optimizer)`);
    if (t.dtype !== want.dtype) throw new DataError(`Cannot resume from ${file}: tensor '${name}' is ${t.dtype} but the model expects ${want.dtype}`);
    if (t.shape.length !== want.shape.length || t.shape.some((s, i) => s !== want.shape[i])) {
      throw new DataError(`Cannot resume from ${file}: tensor '${name}' has shape [${t.shape.join(", ")}] but the model expects [${want.shape.join(", ")}]`);
    }
  }
}
