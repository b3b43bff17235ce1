/**
 * Writers for test fixtures: `.npy` arrays (format versions 1-3, any byte order, Fortran order),
 * zip archives (STORED or DEFLATE, optional Zip64 extra fields as numpy's force_zip64 writes them)
 * and `.npz` files built from them. No fixture files are committed; tests build them in code.
 */
import zlib from "node:zlib";
import { crc32 } from "../../src/data/crc32.js";

export type TestDType = "<f2" | "<f4" | "<f8" | "|i1" | "<i2" | "<i4" | "<i8" | "|u1" | "<u2" | "<u4" | "<u8" | "|b1" | ">f4" | ">i8" | ">i4" | "|O" | "<U5";

export interface NpyOptions {
  version?: 1 | 2 | 3;
  fortranOrder?: boolean;
  /** Replace the header dict text entirely (for malformed-header tests). */
  headerText?: string;
}

const SIZE: Record<string, number> = { f2: 2, f4: 4, f8: 8, i1: 1, i2: 2, i4: 4, i8: 8, u1: 1, u2: 2, u4: 4, u8: 8, b1: 1, O: 8, U5: 20 };

function floatToHalf(v: number): number {
  const f32 = new Float32Array([v]);
  const x = new Uint32Array(f32.buffer)[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = ((x >>> 23) & 0xff) - 127 + 15;
  const mant = x & 0x7fffff;
  if (exp <= 0) return sign;
  if (exp >= 31) return sign | 0x7c00;
  return sign | (exp << 10) | (mant >>> 13);
}

/** The bytes of one value in the given dtype, little- or big-endian. */
function encode(dtype: string, values: ArrayLike<number | bigint>): Uint8Array {
  const order = dtype[0];
  const kind = dtype.slice(1);
  const size = SIZE[kind]!;
  const out = new Uint8Array(values.length * size);
  const dv = new DataView(out.buffer);
  const le = order !== ">";
  for (let k = 0; k < values.length; k++) {
    const v = values[k]!;
    const o = k * size;
    switch (kind) {
      case "f2":
        dv.setUint16(o, floatToHalf(Number(v)), le);
        break;
      case "f4":
        dv.setFloat32(o, Number(v), le);
        break;
      case "f8":
        dv.setFloat64(o, Number(v), le);
        break;
      case "i1":
        dv.setInt8(o, Number(v));
        break;
      case "i2":
        dv.setInt16(o, Number(v), le);
        break;
      case "i4":
        dv.setInt32(o, Number(v), le);
        break;
      case "i8":
        dv.setBigInt64(o, BigInt(v), le);
        break;
      case "u1":
      case "b1":
        dv.setUint8(o, Number(v));
        break;
      case "u2":
        dv.setUint16(o, Number(v), le);
        break;
      case "u4":
        dv.setUint32(o, Number(v), le);
        break;
      case "u8":
        dv.setBigUint64(o, BigInt(v), le);
        break;
      default:
        dv.setUint8(o, 0x80); // object / unicode payloads are never read
    }
  }
  return out;
}

/** An `.npy` file. `values` are row-major; with fortranOrder they are written column-major, as numpy does. */
export function npy(dtype: TestDType, shape: number[], values: ArrayLike<number | bigint>, o: NpyOptions = {}): Uint8Array {
  const version = o.version ?? 1;
  const fortran = o.fortranOrder ?? false;
  let vals = values;
  if (fortran && shape.length === 2) {
    const [r, c] = shape as [number, number];
    const t: (number | bigint)[] = new Array(values.length);
    for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) t[j * r + i] = values[i * c + j]!;
    vals = t;
  }
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
  const dict = o.headerText ?? `{'descr': '${dtype}', 'fortran_order': ${fortran ? "True" : "False"}, 'shape': ${shapeText}, }`;
  const pre = version === 1 ? 10 : 12;
  let header = dict;
  const total = pre + header.length + 1;
  header += `${" ".repeat((64 - (total % 64)) % 64)}\n`;
  const hb = Buffer.from(header, version === 3 ? "utf8" : "latin1");
  const out = Buffer.alloc(pre + hb.length);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]).copy(out, 0);
  if (version === 1) out.writeUInt16LE(hb.length, 8);
  else out.writeUInt32LE(hb.length, 8);
  hb.copy(out, pre);
  return Buffer.concat([out, encode(dtype, vals)]);
}

export interface ZipMember {
  name: string;
  data: Uint8Array;
}

export interface ZipOptions {
  /** DEFLATE members (np.savez_compressed) instead of STORED. */
  compress?: boolean;
  /** Write Zip64 extra fields with 0xFFFFFFFF size markers, as numpy's force_zip64 does. */
  zip64?: boolean;
}

/** A zip archive with a central directory, built the way Python's zipfile writes one. */
export function zip(members: ZipMember[], o: ZipOptions = {}): Uint8Array {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const m of members) {
    const name = Buffer.from(m.name, "utf8");
    const body = o.compress ? zlib.deflateRawSync(m.data) : Buffer.from(m.data);
    const crc = crc32(m.data);
    const method = o.compress ? 8 : 0;
    const extra = o.zip64 ? Buffer.alloc(20) : Buffer.alloc(0);
    if (o.zip64) {
      extra.writeUInt16LE(1, 0);
      extra.writeUInt16LE(16, 2);
      extra.writeBigUInt64LE(BigInt(m.data.length), 4);
      extra.writeBigUInt64LE(BigInt(body.length), 12);
    }
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    lh.writeUInt16LE(o.zip64 ? 45 : 20, 4);
    lh.writeUInt16LE(method, 8);
    lh.writeUInt32LE(crc, 14);
    lh.writeUInt32LE(o.zip64 ? 0xffffffff : body.length, 18);
    lh.writeUInt32LE(o.zip64 ? 0xffffffff : m.data.length, 22);
    lh.writeUInt16LE(name.length, 26);
    lh.writeUInt16LE(extra.length, 28);
    locals.push(lh, name, extra, body);
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0);
    ch.writeUInt16LE(20, 4);
    ch.writeUInt16LE(o.zip64 ? 45 : 20, 6);
    ch.writeUInt16LE(method, 10);
    ch.writeUInt32LE(crc, 16);
    ch.writeUInt32LE(o.zip64 ? 0xffffffff : body.length, 20);
    ch.writeUInt32LE(o.zip64 ? 0xffffffff : m.data.length, 24);
    ch.writeUInt16LE(name.length, 28);
    ch.writeUInt16LE(extra.length, 30);
    ch.writeUInt32LE(offset, 42);
    centrals.push(ch, name, extra);
    offset += 30 + name.length + extra.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(members.length, 8);
  eocd.writeUInt16LE(members.length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, eocd]);
}

export type ArraySpec = { dtype: TestDType; shape: number[]; values: ArrayLike<number | bigint>; npy?: NpyOptions };

/** An `.npz` archive of named arrays (`name` → `name.npy`). */
export function npz(arrays: Record<string, ArraySpec>, o: ZipOptions = {}): Uint8Array {
  return zip(
    Object.entries(arrays).map(([k, a]) => ({ name: `${k}.npy`, data: npy(a.dtype, a.shape, a.values, a.npy) })),
    o,
  );
}

/** CSR of a dense 0/1 or valued matrix given as rows of numbers. */
export function csr(rows: number[][]): { indptr: number[]; indices: number[]; data: number[]; shape: [number, number] } {
  const indptr = [0];
  const indices: number[] = [];
  const data: number[] = [];
  for (const r of rows) {
    r.forEach((v, j) => {
      if (v !== 0) {
        indices.push(j);
        data.push(v);
      }
    });
    indptr.push(indices.length);
  }
  return { indptr, indices, data, shape: [rows.length, rows[0]?.length ?? 0] };
}

/** A gnn-benchmark style npz spec from an edge list, CSR features and labels. */
export function benchmarkArrays(opts: { n: number; edges: [number, number][]; features: number[][]; labels: number[]; labelDType?: TestDType }): Record<string, ArraySpec> {
  const rows: number[][] = Array.from({ length: opts.n }, () => []);
  for (const [s, d] of opts.edges) rows[s]!.push(d);
  const adjIndptr = [0];
  const adjIndices: number[] = [];
  for (const r of rows) {
    adjIndices.push(...r);
    adjIndptr.push(adjIndices.length);
  }
  const x = csr(opts.features);
  return {
    adj_data: { dtype: "<f4", shape: [adjIndices.length], values: adjIndices.map(() => 1) },
    adj_indices: { dtype: "<i4", shape: [adjIndices.length], values: adjIndices },
    adj_indptr: { dtype: "<i4", shape: [opts.n + 1], values: adjIndptr },
    adj_shape: { dtype: "<i8", shape: [2], values: [BigInt(opts.n), BigInt(opts.n)] },
    attr_data: { dtype: "<f4", shape: [x.data.length], values: x.data },
    attr_indices: { dtype: "<i4", shape: [x.indices.length], values: x.indices },
    attr_indptr: { dtype: "<i4", shape: [opts.n + 1], values: x.indptr },
    attr_shape: { dtype: "<i8", shape: [2], values: [BigInt(opts.n), BigInt(x.shape[1])] },
    labels: { dtype: opts.labelDType ?? "<i8", shape: [opts.n], values: opts.labelDType === "<i8" || !opts.labelDType ? opts.labels.map(BigInt) : opts.labels },
  };
}
