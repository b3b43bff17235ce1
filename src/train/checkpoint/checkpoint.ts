/**
 * Checkpoints: a `.safetensors` file with every tensor (model parameters and buffers, optimizer
 * state, ...) and a JSON sidecar with everything else (step, epoch, optimizer scalars, config),
 * so the tensors load anywhere safetensors does (Python: `safetensors.torch.load_file`) and the
 * rest stays readable. The sidecar records the size and SHA-256 of its tensor file: a pair that
 * does not belong together (a crash between the two renames, a copied file) is refused with
 * ERR_DATA instead of resuming from mixed state. Both files are written atomically.
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
import { decodeSafetensors, writeAtomic, writeSafetensors } from "./safetensors.js";

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

/** Writes `<base>.safetensors` then `<base>.json` (each atomically; the directory is created). */
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
  try {
    fs.mkdirSync(path.dirname(path.resolve(files.tensors)), { recursive: true });
  } catch (e) {
    throw new WerankError("ERR_IO", `Could not create the directory of ${files.tensors}: ${(e as Error).message}`, { cause: e });
  }
  writeSafetensors(files.tensors, data.tensors, data.metadata);
  const bytes = fs.readFileSync(files.tensors);
  const doc = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    tensorsFile: path.basename(files.tensors),
    bytes: bytes.byteLength,
    sha256: sha256(bytes),
    savedAt: new Date().toISOString(),
    data: JSON.parse(sidecarJson) as unknown,
  };
  writeAtomic(files.sidecar, (fd) => fs.writeSync(fd, JSON.stringify(doc, null, 2) + "\n"));
  return files;
}

/** Reads a checkpoint written by {@link saveCheckpoint}; validates the pair and the tensor file (ERR_DATA). */
export function loadCheckpoint(file: string): LoadedCheckpoint {
  const files = checkpointFiles(file);
  const read = (f: string): Buffer => {
    try {
      return fs.readFileSync(f);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      throw new WerankError("ERR_IO", `Could not read ${f}: ${err.code === "ENOENT" ? "no such file" : err.message}`, { cause: e });
    }
  };
  const sideText = read(files.sidecar).toString("utf8");
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(sideText) as Record<string, unknown>;
  } catch (e) {
    throw new DataError(`${files.sidecar}: not valid JSON (${(e as Error).message})`, { cause: e });
  }
  if (doc === null || typeof doc !== "object" || doc.format !== CHECKPOINT_FORMAT) {
    throw new DataError(`${files.sidecar}: expected a ${CHECKPOINT_FORMAT} sidecar but the "format" field is ${JSON.stringify((doc as Record<string, unknown> | null)?.format)}`);
  }
  if (doc.version !== CHECKPOINT_VERSION) throw new DataError(`${files.sidecar}: expected version ${CHECKPOINT_VERSION} but received ${JSON.stringify(doc.version)}`);
  const bytes = read(files.tensors);
  if (bytes.byteLength !== doc.bytes || sha256(bytes) !== doc.sha256) {
    throw new DataError(
      `${files.tensors}: does not match its sidecar ${path.basename(files.sidecar)} (${bytes.byteLength} bytes, sidecar says ${String(doc.bytes)}; ` +
        `or a different SHA-256): the file is corrupt or belongs to another checkpoint`,
    );
  }
  const { tensors, metadata } = decodeSafetensors(bytes, files.tensors);
  const data = doc.data;
  return { tensors, metadata, sidecar: data !== null && typeof data === "object" && !Array.isArray(data) ? (data as Record<string, unknown>) : {} };
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
