/**
 * A reader for NumPy's `.npy` format (format versions 1, 2 and 3) that only ever reads numeric
 * arrays: object arrays (`|O`) would need pickle, and pickle runs code, so they are refused.
 *
 * Format (numpy/lib/format.py): the magic `\x93NUMPY`, a major and minor version byte, the header
 * length (uint16 little-endian in version 1, uint32 in 2 and 3), then the header — a Python dict
 * literal such as `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }`, latin-1 (v1, v2) or
 * UTF-8 (v3), padded with spaces and ending in a newline — then the raw array bytes.
 *
 * Accepted dtypes: `f2 f4 f8 i1 i2 i4 i8 u1 u2 u4 u8 b1`, in either byte order (`<`, `>`, `|`, `=`).
 * Half floats become float32; big-endian data is byte-swapped. Fortran-ordered 2-D arrays are
 * transposed into row-major order. The data must be exactly `prod(shape) * itemsize` bytes.
 *
 * @example
 * ```ts
 * const a = parseNpy(fs.readFileSync("x.npy"), { file: "x.npy" });
 * a.shape;   // [3, 4]
 * a.data;    // Float32Array(12), row-major
 * ```
 */
import { DataError } from "../errors.js";

export type NpyDType = "f2" | "f4" | "f8" | "i1" | "i2" | "i4" | "i8" | "u1" | "u2" | "u4" | "u8" | "b1";

/** Typed array holding an npy array's values (half floats already widened to float32). */
export type NpyData = Float32Array | Float64Array | Int8Array | Int16Array | Int32Array | BigInt64Array | Uint8Array | Uint16Array | Uint32Array | BigUint64Array;

export interface NpyArray {
  dtype: NpyDType;
  shape: number[];
  /** Always false after parsing (Fortran data is transposed); kept to describe the file. */
  fortranOrder: boolean;
  /** prod(shape) values, row-major. */
  data: NpyData;
}

/** Where an array came from, for error messages: the file and, inside an archive, the array name. */
export interface NpyWhere {
  file: string;
  array?: string;
}

/** "file 'x.npz' array 'labels'" */
export function describeWhere(w: NpyWhere): string {
  return w.array !== undefined ? `${w.file} array '${w.array}'` : w.file;
}

const ITEMSIZE: Record<NpyDType, number> = { f2: 2, f4: 4, f8: 8, i1: 1, i2: 2, i4: 4, i8: 8, u1: 1, u2: 2, u4: 4, u8: 8, b1: 1 };

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The parsed header of an npy array. */
export interface NpyHeader {
  dtype: NpyDType;
  /** True when the stored bytes are big-endian. */
  bigEndian: boolean;
  shape: number[];
  fortranOrder: boolean;
  /** Byte offset of the data from the start of the npy bytes. */
  dataOffset: number;
  /** prod(shape) */
  size: number;
}

type PyValue = string | number | boolean | null | PyValue[] | { [k: string]: PyValue };

/** A recursive-descent parser for the Python literal subset numpy writes in headers (no eval). */
function parsePyLiteral(text: string, fail: (msg: string, pos: number) => never): PyValue {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && (text[i] === " " || text[i] === "\t" || text[i] === "\n" || text[i] === "\r")) i++;
  };
  const value = (depth: number): PyValue => {
    if (depth > 32) fail("nesting deeper than 32 levels", i);
    ws();
    const c = text[i];
    if (c === undefined) fail("unexpected end of header", i);
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, i + 1);
      if (end < 0) fail("unterminated string", i);
      const s = text.slice(i + 1, end);
      i = end + 1;
      return s;
    }
    if (c === "{" || c === "(" || c === "[") {
      const close = c === "{" ? "}" : c === "(" ? ")" : "]";
      i++;
      const items: PyValue[] = [];
      const obj: { [k: string]: PyValue } = {};
      for (;;) {
        ws();
        if (text[i] === close) {
          i++;
          break;
        }
        const v = value(depth + 1);
        if (c === "{") {
          if (typeof v !== "string") fail("expected a string key", i);
          ws();
          if (text[i] !== ":") fail("expected ':'", i);
          i++;
          obj[v as string] = value(depth + 1);
        } else items.push(v);
        ws();
        if (text[i] === ",") i++;
        else if (text[i] !== close) fail(`expected ',' or '${close}'`, i);
      }
      return c === "{" ? obj : items;
    }
    const m = /^(True|False|None|-?\d+L?)/.exec(text.slice(i, i + 24));
    if (!m) fail(`unexpected character '${c}'`, i);
    i += m[0].length;
    if (m[0] === "True") return true;
    if (m[0] === "False") return false;
    if (m[0] === "None") return null;
    return Number(m[0].replace("L", ""));
  };
  const v = value(0);
  ws();
  if (i !== text.length) fail("unexpected text after the header dict", i);
  return v;
}

/** Parses the magic, version and header dict; validates dtype and shape against the byte count. */
export function parseNpyHeader(bytes: Uint8Array, where: NpyWhere): NpyHeader {
  const w = describeWhere(where);
  const bad = (msg: string): never => {
    throw new DataError(`Malformed .npy data in ${w}: ${msg}`);
  };
  if (bytes.length < 10) bad(`expected at least 10 bytes but received ${bytes.length} (truncated)`);
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  for (let k = 0; k < 6; k++) if (bytes[k] !== magic[k]) bad(`expected the magic string \\x93NUMPY at byte 0 but byte ${k} is 0x${bytes[k]!.toString(16)}`);
  const major = bytes[6]!;
  if (major < 1 || major > 3) bad(`expected format version 1, 2 or 3 but received ${major}.${bytes[7]}`);
  let headerLen: number;
  let start: number;
  if (major === 1) {
    headerLen = bytes[8]! | (bytes[9]! << 8);
    start = 10;
  } else {
    if (bytes.length < 12) bad(`expected at least 12 bytes for a version ${major} header but received ${bytes.length} (truncated)`);
    headerLen = (bytes[8]! | (bytes[9]! << 8) | (bytes[10]! << 16)) + bytes[11]! * 16777216;
    start = 12;
  }
  if (start + headerLen > bytes.length) bad(`header length ${headerLen} runs past the end of the data (${bytes.length} bytes; truncated)`);
  const raw = bytes.subarray(start, start + headerLen);
  const text = major === 3 ? new TextDecoder("utf-8").decode(raw) : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString("latin1");
  const dict = parsePyLiteral(text, (msg, pos) => bad(`header ${msg} at header character ${pos}: ${JSON.stringify(text.slice(0, 120))}`));
  if (dict === null || typeof dict !== "object" || Array.isArray(dict)) return bad(`expected a dict header but received ${JSON.stringify(text.slice(0, 80))}`);
  const descr = dict.descr;
  if (typeof descr !== "string") {
    return bad(`expected a simple dtype string in 'descr' but received ${JSON.stringify(descr)} (structured dtypes are not supported)`);
  }
  const dm = /^([<>|=])([a-zA-Z])(\d+)$/.exec(descr);
  if (descr.endsWith("O") || (dm && dm[2] === "O")) {
    bad(`dtype '${descr}' is an object array, which would need pickle to read; werank-native never unpickles (only numeric arrays are read)`);
  }
  const dtype = dm ? (`${dm[2]}${dm[3]}` as NpyDType) : undefined;
  if (!dm || dtype === undefined || !(dtype in ITEMSIZE)) {
    return bad(`unsupported dtype '${descr}'; expected one of <f2 <f4 <f8 |i1 <i2 <i4 <i8 |u1 <u2 <u4 <u8 |b1`);
  }
  const fortran = dict.fortran_order;
  if (typeof fortran !== "boolean") bad(`expected True or False for 'fortran_order' but received ${JSON.stringify(fortran)}`);
  const shapeV = dict.shape;
  if (!Array.isArray(shapeV)) return bad(`expected a tuple for 'shape' but received ${JSON.stringify(shapeV)}`);
  const shape: number[] = [];
  let size = 1;
  for (const s of shapeV) {
    if (typeof s !== "number" || !Number.isSafeInteger(s) || s < 0) return bad(`expected non-negative integer dimensions in 'shape' but received (${shapeV.join(", ")})`);
    shape.push(s);
    size *= s;
  }
  const itemsize = ITEMSIZE[dtype];
  const dataOffset = start + headerLen;
  const have = bytes.length - dataOffset;
  if (!Number.isSafeInteger(size * itemsize) || size * itemsize !== have) {
    bad(`shape (${shape.join(", ")}) of dtype '${descr}' needs ${size * itemsize} data bytes but ${have} follow the header${size * itemsize > have ? " (truncated)" : ""}`);
  }
  return { dtype, bigEndian: dm[1] === ">" || (dm[1] === "=" && !LITTLE_ENDIAN_HOST), shape, fortranOrder: fortran as boolean, dataOffset, size };
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

/**
 * The data as a typed array: a view of `bytes` when allowed and possible (aligned, native byte
 * order), else a fresh copy, byte-swapped when needed.
 */
function decodeData(bytes: Uint8Array, h: NpyHeader, mayView: boolean): NpyData {
  const item = ITEMSIZE[h.dtype];
  const n = h.size;
  const at = bytes.byteOffset + h.dataOffset;
  const swap = item > 1 && h.bigEndian === LITTLE_ENDIAN_HOST;
  let copy: Uint8Array;
  if (mayView && !swap && h.dtype !== "f2" && at % item === 0) copy = new Uint8Array(bytes.buffer, at, n * item);
  else {
    copy = new Uint8Array(n * item);
    copy.set(bytes.subarray(h.dataOffset, h.dataOffset + n * item));
  }
  if (swap) {
    for (let k = 0; k < copy.length; k += item) copy.subarray(k, k + item).reverse();
  }
  const buf = copy.buffer;
  const o = copy.byteOffset;
  switch (h.dtype) {
    case "f2": {
      const u = new Uint16Array(buf, o, n);
      const f = new Float32Array(n);
      for (let k = 0; k < n; k++) f[k] = halfToFloat(u[k]!);
      return f;
    }
    case "f4":
      return new Float32Array(buf, o, n);
    case "f8":
      return new Float64Array(buf, o, n);
    case "i1":
      return new Int8Array(buf, o, n);
    case "i2":
      return new Int16Array(buf, o, n);
    case "i4":
      return new Int32Array(buf, o, n);
    case "i8":
      return new BigInt64Array(buf, o, n);
    case "u1":
    case "b1":
      return copy;
    case "u2":
      return new Uint16Array(buf, o, n);
    case "u4":
      return new Uint32Array(buf, o, n);
    case "u8":
      return new BigUint64Array(buf, o, n);
  }
}

/** Row-major copy of a Fortran-ordered (column-major) 2-D array. */
function fortranToC(data: NpyData, rows: number, cols: number): NpyData {
  const Ctor = data.constructor as new (n: number) => NpyData;
  const out = new Ctor(data.length);
  const src = data as unknown as ArrayLike<number>;
  const dst = out as unknown as { [i: number]: number };
  for (let c = 0; c < cols; c++) for (let r = 0; r < rows; r++) dst[r * cols + c] = src[c * rows + r]!;
  return out;
}

/**
 * Parses a whole `.npy` byte array (see the module comment for what is accepted). With
 * `share: true` the result may be a view of `bytes` (no copy) when the data is aligned and in native
 * byte order; by default it is always a copy.
 */
export function parseNpy(bytes: Uint8Array, where: NpyWhere, options: { share?: boolean } = {}): NpyArray {
  const h = parseNpyHeader(bytes, where);
  let data = decodeData(bytes, h, options.share ?? false);
  if (h.fortranOrder && h.shape.length > 1) {
    if (h.shape.length !== 2) throw new DataError(`Unsupported .npy data in ${describeWhere(where)}: Fortran-ordered arrays with ${h.shape.length} dimensions are not supported (only 1-D and 2-D)`);
    data = fortranToC(data, h.shape[0]!, h.shape[1]!);
  }
  return { dtype: h.dtype, shape: h.shape, fortranOrder: h.fortranOrder, data };
}

function isIntDType(d: NpyDType): boolean {
  return d[0] === "i" || d[0] === "u" || d === "b1";
}

/**
 * The values as int32, checking the range (int64 ids and labels are common in .npz files; Cora's
 * labels are int8). Float arrays are accepted when every value is an integer.
 */
export function npyToInt32(a: NpyArray, where: NpyWhere, what = "integer values"): Int32Array {
  const n = a.data.length;
  const w = describeWhere(where);
  const fail = (k: number, v: string): never => {
    throw new DataError(`Expected ${what} in int32 range in ${w} but received ${v} at position ${k}`);
  };
  if (a.data instanceof Int32Array) return a.data;
  if (a.data instanceof BigInt64Array || a.data instanceof BigUint64Array) {
    const out = new Int32Array(n);
    if (LITTLE_ENDIAN_HOST) {
      // Each int64 is (low, high) as two int32: in range iff high is the sign extension of low.
      const words = new Int32Array(a.data.buffer, a.data.byteOffset, n * 2);
      const unsigned = a.data instanceof BigUint64Array;
      for (let k = 0; k < n; k++) {
        const lo = words[2 * k]!;
        const hi = words[2 * k + 1]!;
        if (hi !== lo >> 31 || (unsigned && lo < 0)) fail(k, String(a.data[k]));
        out[k] = lo;
      }
    } else {
      for (let k = 0; k < n; k++) {
        const v = a.data[k]!;
        if (v > 2147483647n || v < -2147483648n) fail(k, String(v));
        out[k] = Number(v);
      }
    }
    return out;
  }
  const src = a.data as ArrayLike<number>;
  const out = new Int32Array(n);
  const exact = isIntDType(a.dtype) && a.dtype !== "u4";
  for (let k = 0; k < n; k++) {
    const v = src[k]!;
    if (!exact && !(Number.isInteger(v) && v >= -2147483648 && v <= 2147483647)) fail(k, String(v));
    out[k] = v;
  }
  return out;
}

/** The values as float32 (a copy unless they already are float32). int64 values are converted exactly where representable. */
export function npyToFloat32(a: NpyArray): Float32Array {
  if (a.data instanceof Float32Array) return a.data;
  const n = a.data.length;
  const out = new Float32Array(n);
  if (a.data instanceof BigInt64Array || a.data instanceof BigUint64Array) {
    for (let k = 0; k < n; k++) out[k] = Number(a.data[k]!);
  } else out.set(a.data as ArrayLike<number>);
  return out;
}

/** Number of values, for reporting. */
export function npyItemSize(d: NpyDType): number {
  return ITEMSIZE[d];
}
