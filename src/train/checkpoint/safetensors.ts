/**
 * The safetensors format (https://github.com/huggingface/safetensors), written and read exactly,
 * so checkpoints load in Python with `safetensors.torch.load_file`:
 *
 *   [8 bytes: N, unsigned little-endian]  [N bytes: JSON header, UTF-8, padded with spaces]  [data]
 *
 * The header maps each tensor name to `{ "dtype": "F32", "shape": [2, 3], "data_offsets": [b, e] }`
 * (offsets into the data section) plus an optional `"__metadata__"` object of string values. Data
 * are little-endian and C-contiguous; tensors are laid out back to back without holes. As the
 * reference writer does, the header is padded to a multiple of 8 bytes and tensors are ordered by
 * element size (largest first) then name, so every tensor starts aligned to its element size.
 *
 * Writing is atomic (a temp file renamed over the target, src/util/atomicWrite.ts). Reading validates everything and
 * raises ERR_DATA naming the file and the problem: truncation, bad JSON, unknown dtypes, offsets
 * out of range, overlapping tensors, holes, trailing bytes.
 *
 * @example
 * ```ts
 * import { writeSafetensors, readSafetensors, randn } from "werank-native";
 * writeSafetensors("model.safetensors", { "encoder.weight": randn([4, 3]) }, { step: "100" });
 * const { tensors, metadata } = readSafetensors("model.safetensors");
 * ```
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import { ArgumentError, DataError, WerankError } from "../../errors.js";
import { tensor } from "../../tensor/creation.js";
import type { DType } from "../../tensor/dtype.js";
import { Tensor } from "../../tensor/Tensor.js";
import { writeAtomic, type WriteAtomicOptions } from "../../util/atomicWrite.js";
import { readRegularFile } from "../../util/regularFile.js";

/** The safetensors dtypes werank-native reads and writes. */
export type SafetensorsDType = "F32" | "F64" | "I32" | "I64" | "I16" | "BOOL" | "U8" | "I8";

const TO_ST: Record<DType, SafetensorsDType> = {
  float32: "F32",
  float64: "F64",
  int32: "I32",
  int64: "I64",
  bool: "BOOL",
  uint8: "U8",
  int8: "I8",
  int16: "I16",
};
const FROM_ST: Record<SafetensorsDType, { dtype: DType; size: number; array: TypedArrayCtor }> = {
  F32: { dtype: "float32", size: 4, array: Float32Array },
  F64: { dtype: "float64", size: 8, array: Float64Array },
  I32: { dtype: "int32", size: 4, array: Int32Array },
  I64: { dtype: "int64", size: 8, array: BigInt64Array },
  BOOL: { dtype: "bool", size: 1, array: Uint8Array },
  U8: { dtype: "uint8", size: 1, array: Uint8Array },
  I8: { dtype: "int8", size: 1, array: Int8Array },
  I16: { dtype: "int16", size: 2, array: Int16Array },
};
/** Valid in the format but not representable here (named in the error). */
const OTHER_ST = ["F16", "BF16", "U16", "U32", "U64", "F8_E4M3", "F8_E5M2"];

type TypedArrayCtor = new (buffer: ArrayBufferLike, byteOffset: number, length: number) => ArrayBufferView;

/** The reference implementation refuses headers above 100 MB (a corrupt length must not allocate gigabytes). */
export const MAX_HEADER_BYTES = 100_000_000;
const METADATA = "__metadata__";

/** One tensor's entry in the header. */
export interface SafetensorsEntry {
  dtype: SafetensorsDType;
  shape: number[];
  dataOffsets: [number, number];
}

/** A parsed and validated header. */
export interface SafetensorsHeader {
  entries: Map<string, SafetensorsEntry>;
  metadata: Record<string, string>;
  /** Byte position of the data section in the file. */
  dataStart: number;
}

function checkEndianness(): void {
  if (os.endianness() !== "LE") throw new WerankError("ERR_INTERNAL", "safetensors: big-endian hosts are not supported");
}

interface Prepared {
  name: string;
  dtype: SafetensorsDType;
  shape: number[];
  bytes: number;
  tensor: Tensor;
}

function prepare(tensors: Readonly<Record<string, Tensor>>, metadata: Readonly<Record<string, string>> | undefined): { header: Buffer; items: Prepared[] } {
  checkEndianness();
  if (tensors === null || typeof tensors !== "object") throw new ArgumentError(`safetensors: expected a record of named tensors but received ${String(tensors)}`);
  const items: Prepared[] = [];
  for (const [name, t] of Object.entries(tensors)) {
    if (name === METADATA) throw new ArgumentError(`safetensors: '${METADATA}' is reserved and cannot name a tensor`);
    if (!(t instanceof Tensor)) throw new ArgumentError(`safetensors: expected a Tensor for '${name}' but received ${String(t)}`);
    const dtype = TO_ST[t.dtype];
    const shape = [...t.shape];
    items.push({ name, dtype, shape, bytes: shape.reduce((a, b) => a * b, 1) * FROM_ST[dtype].size, tensor: t });
  }
  // Largest element size first, then by name: aligned tensors and a deterministic file.
  items.sort((a, b) => FROM_ST[b.dtype].size - FROM_ST[a.dtype].size || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const header: Record<string, unknown> = {};
  if (metadata !== undefined) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== "string") throw new ArgumentError(`safetensors: expected string metadata values but '${k}' is ${typeof v}`);
    }
    header[METADATA] = { ...metadata };
  }
  let offset = 0;
  for (const it of items) {
    header[it.name] = { dtype: it.dtype, shape: it.shape, data_offsets: [offset, offset + it.bytes] };
    offset += it.bytes;
  }
  const json = Buffer.from(JSON.stringify(header), "utf8");
  const padded = Math.ceil(json.length / 8) * 8;
  const buf = Buffer.alloc(8 + padded, 0x20);
  buf.writeBigUInt64LE(BigInt(padded), 0);
  json.copy(buf, 8);
  return { header: buf, items };
}

function tensorBytes(t: Tensor): Uint8Array {
  const a = t.toTypedArray(); // host copy, contiguous, little-endian
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** The complete file contents for `tensors` (and optional string `metadata`); a Buffer under Node, declared as Uint8Array so the types need no Node types. */
export function encodeSafetensors(tensors: Readonly<Record<string, Tensor>>, metadata?: Readonly<Record<string, string>>): Uint8Array {
  const { header, items } = prepare(tensors, metadata);
  return Buffer.concat([header, ...items.map((it) => tensorBytes(it.tensor))]);
}

/**
 * Writes a .safetensors file atomically: a temp file in the same directory, fsync'd, then renamed
 * over `file`, so a crash never leaves a half-written checkpoint. Tensors are copied to the host
 * one at a time.
 */
export function writeSafetensors(
  file: string,
  tensors: Readonly<Record<string, Tensor>>,
  metadata?: Readonly<Record<string, string>>,
  options: WriteAtomicOptions = {},
): { bytes: number; sha256: string } {
  const { header, items } = prepare(tensors, metadata);
  // Hashed while written, so a checkpoint's sidecar can record it without reading the file back.
  const hash = createHash("sha256");
  let bytes = 0;
  const put = (fd: number, b: Uint8Array): void => {
    fs.writeSync(fd, b);
    hash.update(b);
    bytes += b.byteLength;
  };
  writeAtomic(
    file,
    (fd) => {
      put(fd, header);
      for (const it of items) {
        const b = tensorBytes(it.tensor);
        if (b.byteLength !== it.bytes) throw new WerankError("ERR_INTERNAL", `safetensors: '${it.name}' has ${b.byteLength} bytes, expected ${it.bytes}`);
        put(fd, b);
      }
    },
    options,
  );
  return { bytes, sha256: hash.digest("hex") };
}

const isSize = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;

/** Parses and validates the header of a complete file image; `source` names the file in errors. */
export function parseSafetensorsHeader(bytes: Uint8Array, source = "<buffer>"): SafetensorsHeader {
  const bad = (what: string): DataError => new DataError(`${source}: not a valid safetensors file: ${what}`);
  if (bytes.byteLength < 8) throw bad(`truncated (${bytes.byteLength} bytes; expected at least 8 for the header length)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n64 = view.getBigUint64(0, true);
  if (n64 > BigInt(MAX_HEADER_BYTES)) throw bad(`header length ${n64} exceeds the limit of ${MAX_HEADER_BYTES} bytes`);
  const n = Number(n64);
  if (8 + n > bytes.byteLength) throw bad(`truncated (header length ${n} but only ${bytes.byteLength - 8} bytes follow)`);
  if (n < 2) throw bad(`header length ${n} is too small for a JSON object`);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + n));
  } catch {
    throw bad("the header is not valid UTF-8");
  }
  if (text[0] !== "{") throw bad(`the header must start with '{' but starts with ${JSON.stringify(text.slice(0, 8))}`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw bad(`the header is not valid JSON (${(e as Error).message})`);
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) throw bad("the header is not a JSON object");
  const dataStart = 8 + n;
  const dataLen = bytes.byteLength - dataStart;
  const entries = new Map<string, SafetensorsEntry>();
  let metadata: Record<string, string> = {};
  for (const [name, v] of Object.entries(raw as Record<string, unknown>)) {
    if (name === METADATA) {
      if (v === null) continue;
      if (typeof v !== "object" || Array.isArray(v)) throw bad(`${METADATA} must be an object of strings`);
      for (const [k, s] of Object.entries(v as Record<string, unknown>)) {
        if (typeof s !== "string") throw bad(`${METADATA}.${k} must be a string but is ${JSON.stringify(s)}`);
      }
      metadata = { ...(v as Record<string, string>) };
      continue;
    }
    if (v === null || typeof v !== "object" || Array.isArray(v)) throw bad(`tensor '${name}': expected an object with dtype, shape and data_offsets`);
    const { dtype, shape, data_offsets: off } = v as Record<string, unknown>;
    if (typeof dtype !== "string" || !Object.hasOwn(FROM_ST, dtype)) {
      const known = OTHER_ST.includes(String(dtype));
      throw bad(`tensor '${name}': ${known ? "unsupported" : "unknown"} dtype ${JSON.stringify(dtype)} (supported: ${Object.keys(FROM_ST).join(", ")})`);
    }
    if (!Array.isArray(shape) || !shape.every(isSize)) throw bad(`tensor '${name}': shape must be an array of non-negative integers but is ${JSON.stringify(shape)}`);
    if (!Array.isArray(off) || off.length !== 2 || !off.every(isSize)) throw bad(`tensor '${name}': data_offsets must be [begin, end] but is ${JSON.stringify(off)}`);
    const [b, e] = off as [number, number];
    if (b > e) throw bad(`tensor '${name}': data_offsets [${b}, ${e}] end before they begin`);
    if (e > dataLen) throw bad(`tensor '${name}': data_offsets [${b}, ${e}] lie outside the ${dataLen} data bytes (truncated file?)`);
    const st = dtype as SafetensorsDType;
    const numel = (shape as number[]).reduce((a, c) => a * c, 1);
    if (!Number.isSafeInteger(numel) || numel * FROM_ST[st].size !== e - b) {
      throw bad(`tensor '${name}': ${st} [${(shape as number[]).join(", ")}] needs ${numel * FROM_ST[st].size} bytes but data_offsets [${b}, ${e}] hold ${e - b}`);
    }
    entries.set(name, { dtype: st, shape: [...(shape as number[])], dataOffsets: [b, e] });
  }
  // Back to back, no overlaps and no holes, exactly filling the data section (as the reference reader).
  const sorted = [...entries.entries()].sort((x, y) => x[1].dataOffsets[0] - y[1].dataOffsets[0] || x[1].dataOffsets[1] - y[1].dataOffsets[1]);
  let pos = 0;
  let prev = "";
  for (const [
    name,
    {
      dataOffsets: [b, e],
    },
  ] of sorted) {
    if (b < pos) throw bad(`tensor '${name}' (bytes ${b}..${e}) overlaps tensor '${prev}' (ending at ${pos})`);
    if (b > pos) throw bad(`a hole of ${b - pos} bytes before tensor '${name}' (bytes ${pos}..${b} belong to no tensor)`);
    pos = e;
    prev = name;
  }
  if (pos !== dataLen) throw bad(`${dataLen - pos} trailing bytes after the last tensor (the data section has ${dataLen} bytes, tensors cover ${pos})`);
  return { entries, metadata, dataStart };
}

/** The tensors and metadata of a complete file image (validated; see {@link parseSafetensorsHeader}). */
export function decodeSafetensors(bytes: Uint8Array, source = "<buffer>"): { tensors: Record<string, Tensor>; metadata: Record<string, string> } {
  checkEndianness();
  const { entries, metadata, dataStart } = parseSafetensorsHeader(bytes, source);
  const tensors: Record<string, Tensor> = {};
  try {
    for (const [name, e] of entries) {
      const info = FROM_ST[e.dtype];
      const start = bytes.byteOffset + dataStart + e.dataOffsets[0];
      const len = e.dataOffsets[1] - e.dataOffsets[0];
      const numel = len / info.size;
      // Typed arrays need aligned offsets; copy the slice when the file's layout does not give one.
      const aligned = start % info.size === 0;
      const buf = aligned ? bytes.buffer : bytes.buffer.slice(start, start + len);
      const data = new info.array(buf, aligned ? start : 0, numel);
      tensors[name] = tensor(data, { dtype: info.dtype, shape: e.shape });
    }
  } catch (err) {
    for (const t of Object.values(tensors)) t.dispose();
    throw err;
  }
  return { tensors, metadata };
}

/** Reads and validates a .safetensors file; raises ERR_DATA for a corrupt file and ERR_IO when it cannot be read. */
export function readSafetensors(file: string): { tensors: Record<string, Tensor>; metadata: Record<string, string> } {
  return decodeSafetensors(readTensorFile(file), file);
}

/** Largest tensor file read (a Buffer's limit on 64-bit Node); larger ones are refused before allocating. */
export const MAX_TENSOR_FILE_BYTES = 2 ** 32;

/** The bytes of a .safetensors file: regular files only (a FIFO would block, /dev/zero never end), ERR_IO when unreadable. */
export function readTensorFile(file: string): Uint8Array {
  return readRegularFile(file, { what: "tensor file", code: "ERR_IO", maxBytes: MAX_TENSOR_FILE_BYTES });
}
