/**
 * Checkpoints: a `.safetensors` file with every tensor (model parameters and buffers, optimizer
 * state, ...) and a JSON sidecar with everything else (step, epoch, optimizer scalars, config),
 * so the tensors load anywhere safetensors does (Python: `safetensors.torch.load_file`) and the
 * rest stays readable. The sidecar records the size and SHA-256 of its tensor file: a pair that
 * does not belong together (a crash between the two renames, a copied file) is refused with
 * ERR_DATA instead of resuming from mixed state. The pair is one atomic unit: the sidecar is
 * written last, so a checkpoint without its (matching) sidecar does not exist (see saveCheckpoint).
 *
 * @example
 * ```ts
 * import { saveCheckpoint, loadCheckpoint } from "werank-native";
 * const opt = optimizer.stateDict();
 * saveCheckpoint("runs/x/checkpoints/step-1000", {
 *   tensors: { ...Object.fromEntries(model.namedParameters()), ...prefixed("optimizer.", opt.tensors) },
 *   sidecar: { step: 1000, optimizer: opt.scalars },
 * });
 * const ck = loadCheckpoint("runs/x/checkpoints/step-1000");   // { tensors, sidecar, metadata }
 * ```
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { ArgumentError, DataError, WerankError } from "../../errors.js";
import type { Tensor } from "../../tensor/Tensor.js";
import { checkpointKillPoint } from "../../env.js";
import { writeAtomic } from "../../util/atomicWrite.js";
import { assertRegularFile, readRegularTextFile } from "../../util/regularFile.js";
import { decodeSafetensors, MAX_TENSOR_FILE_BYTES, readTensorFile, writeSafetensors } from "./safetensors.js";

/** Sidecar format marker and version. */
export const CHECKPOINT_FORMAT = "werank-native-checkpoint";
export const CHECKPOINT_VERSION = 1;

export interface CheckpointData {
  /** Named tensors (names are free-form; dots by convention). */
  tensors: Readonly<Record<string, Tensor>>;
  /** JSON-able extras: step, epoch, optimizer scalars, config, ... */
  sidecar?: Readonly<Record<string, unknown>>;
  /** String metadata stored inside the .safetensors header (`__metadata__`). */
  metadata?: Readonly<Record<string, string>>;
}

export interface LoadedCheckpoint {
  tensors: Record<string, Tensor>;
  sidecar: Record<string, unknown>;
  metadata: Record<string, string>;
}

/** `base` without a known extension: "ck/step-10", "ck/step-10.json" and "ck/step-10.safetensors" name one checkpoint. */
function basePath(file: string): string {
  if (typeof file !== "string" || file.length === 0) throw new ArgumentError(`checkpoint: expected a path but received ${String(file)}`);
  return file.replace(/\.(safetensors|json)$/, "");
}

/** Paths of a checkpoint's two files. */
export function checkpointFiles(file: string): { tensors: string; sidecar: string } {
  const b = basePath(file);
  return { tensors: `${b}.safetensors`, sidecar: `${b}.json` };
}

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Largest sidecar read (config, optimizer scalars and per-step timings are far smaller). */
export const MAX_SIDECAR_BYTES = 64 * 2 ** 20;

/**
 * Writes one checkpoint as an atomic unit. The sidecar is the commit record: it is written last and
 * records the tensor file's size and SHA-256, so a checkpoint exists only once its sidecar does and
 * matches. Order: remove an older sidecar of the same name; write the tensors to a temp file, fsync,
 * rename to `<base>.safetensors`; write the sidecar to a temp file, fsync, rename to `<base>.json`.
 * A kill at any point leaves either the previous complete checkpoints untouched or a tensor file
 * without a (matching) sidecar, which {@link listCheckpoints} and {@link loadCheckpoint} treat as absent
 * or corrupt, and a temp file that a resumed run removes.
 */
export function saveCheckpoint(file: string, data: CheckpointData): { tensors: string; sidecar: string } {
  const files = checkpointFiles(file);
  if (data === null || typeof data !== "object" || data.tensors === null || typeof data.tensors !== "object") {
    throw new ArgumentError("saveCheckpoint: expected { tensors, sidecar?, metadata? }");
  }
  let sidecarJson: string;
  try {
    sidecarJson = JSON.stringify(data.sidecar ?? {});
  } catch (e) {
    throw new ArgumentError(`saveCheckpoint: the sidecar is not JSON-serializable: ${(e as Error).message}`, { cause: e });
  }
  const name = path.basename(files.tensors, ".safetensors");
  try {
    fs.mkdirSync(path.dirname(path.resolve(files.tensors)), { recursive: true });
    fs.rmSync(files.sidecar, { force: true });
  } catch (e) {
    throw new WerankError("ERR_IO", `Could not prepare ${files.sidecar}: ${(e as Error).message}`, { cause: e });
  }
  const written = writeSafetensors(files.tensors, data.tensors, data.metadata, { beforeRename: () => checkpointKillPoint("tensors-written", name) });
  checkpointKillPoint("tensors-renamed", name);
  const doc = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    tensorsFile: path.basename(files.tensors),
    bytes: written.bytes,
    sha256: written.sha256,
    savedAt: new Date().toISOString(),
    data: JSON.parse(sidecarJson) as unknown,
  };
  writeAtomic(files.sidecar, (fd) => fs.writeSync(fd, `${JSON.stringify(doc, null, 2)}\n`), { beforeRename: () => checkpointKillPoint("sidecar-written", name) });
  checkpointKillPoint("sidecar-renamed", name);
  return files;
}

/** The sidecar of a checkpoint as written by {@link saveCheckpoint}. */
export interface CheckpointSidecar {
  format: typeof CHECKPOINT_FORMAT;
  version: number;
  tensorsFile: string;
  bytes: number;
  sha256: string;
  savedAt: string;
  data: Record<string, unknown>;
}

/** Reads and validates a sidecar (regular file, size cap, every field's type); ERR_IO when missing, ERR_DATA when malformed. */
export function readCheckpointSidecar(file: string): CheckpointSidecar {
  const sidecar = checkpointFiles(file).sidecar;
  const text = readRegularTextFile(sidecar, { what: "checkpoint sidecar", code: "ERR_IO", maxBytes: MAX_SIDECAR_BYTES });
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new DataError(`${sidecar}: not valid JSON (${(e as Error).message})`, { cause: e });
  }
  const bad = (what: string): DataError => new DataError(`${sidecar}: ${what}`);
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) throw bad("expected a JSON object");
  const d = doc as Record<string, unknown>;
  if (d.format !== CHECKPOINT_FORMAT) throw bad(`expected a ${CHECKPOINT_FORMAT} sidecar but the "format" field is ${JSON.stringify(d.format)}`);
  if (d.version !== CHECKPOINT_VERSION) throw bad(`expected version ${CHECKPOINT_VERSION} but received ${JSON.stringify(d.version)}`);
  if (typeof d.bytes !== "number" || !Number.isSafeInteger(d.bytes) || d.bytes < 8) throw bad(`"bytes" must be an integer >= 8 but is ${JSON.stringify(d.bytes)}`);
  if (typeof d.sha256 !== "string" || !/^[0-9a-f]{64}$/.test(d.sha256)) throw bad(`"sha256" must be 64 hex digits but is ${JSON.stringify(d.sha256)}`);
  if (typeof d.tensorsFile !== "string") throw bad(`"tensorsFile" must be a string but is ${JSON.stringify(d.tensorsFile)}`);
  if (typeof d.savedAt !== "string") throw bad(`"savedAt" must be a string but is ${JSON.stringify(d.savedAt)}`);
  if (d.data === null || typeof d.data !== "object" || Array.isArray(d.data)) throw bad(`"data" must be an object but is ${JSON.stringify(d.data)}`);
  return d as unknown as CheckpointSidecar;
}

/** The bytes of a tensor file after checking it against its sidecar: regular file, size (before reading), SHA-256. */
function checkTensorFile(tensorsFile: string, side: CheckpointSidecar, sidecarName: string): Uint8Array {
  const st = assertRegularFile(tensorsFile, { what: "checkpoint tensor file", code: "ERR_IO", maxBytes: MAX_TENSOR_FILE_BYTES });
  // The size is compared before reading, so a wrong file is never read into memory.
  const mismatch = (got: string): DataError => new DataError(`${tensorsFile}: does not match its sidecar ${sidecarName} (${got}): the file is corrupt or belongs to another checkpoint`);
  if (st.size !== side.bytes) throw mismatch(`${st.size} bytes, sidecar says ${side.bytes}`);
  const bytes = readTensorFile(tensorsFile);
  if (bytes.byteLength !== side.bytes || sha256(bytes) !== side.sha256) throw mismatch("a different SHA-256");
  return bytes;
}

/** Reads a checkpoint written by {@link saveCheckpoint}; validates the pair and the tensor file (ERR_DATA). */
export function loadCheckpoint(file: string): LoadedCheckpoint {
  const files = checkpointFiles(file);
  const side = readCheckpointSidecar(file);
  const bytes = checkTensorFile(files.tensors, side, path.basename(files.sidecar));
  const { tensors, metadata } = decodeSafetensors(bytes, files.tensors);
  return { tensors, metadata, sidecar: side.data };
}

/** Whether `file` is a complete checkpoint: a valid sidecar and a tensor file of the recorded size and SHA-256. */
export function isCompleteCheckpoint(file: string): boolean {
  const files = checkpointFiles(file);
  try {
    checkTensorFile(files.tensors, readCheckpointSidecar(file), path.basename(files.sidecar));
    return true;
  } catch (e) {
    if (e instanceof WerankError) return false;
    throw e;
  }
}

/** `{ a: t }` -> `{ "<prefix>a": t }` (to store several state dicts in one checkpoint). */
export function prefixed<T>(prefix: string, record: Readonly<Record<string, T>>): Record<string, T> {
  const r: Record<string, T> = {};
  for (const [k, v] of Object.entries(record)) r[prefix + k] = v;
  return r;
}

/** The entries whose names start with `prefix`, with the prefix removed (the inverse of {@link prefixed}). */
export function unprefixed<T>(prefix: string, record: Readonly<Record<string, T>>): Record<string, T> {
  const r: Record<string, T> = {};
  for (const [k, v] of Object.entries(record)) if (k.startsWith(prefix)) r[k.slice(prefix.length)] = v;
  return r;
}
