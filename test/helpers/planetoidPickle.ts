/**
 * Writes Planetoid-style Python 2 pickles (protocol 2) the way cPickle wrote the ind.<name>.* files:
 * numpy arrays as _reconstruct + BUILD, scipy CSR matrices as NEWOBJ + BUILD with a state dict, and
 * the adjacency as a collections.defaultdict(list). For synthetic fixtures (CiteSeer-like padding,
 * malformed files) in test/unit/data/loadPlanetoid.test.ts.
 */
import fs from "node:fs";
import path from "node:path";
import { csr } from "./npz.js";

class W {
  parts: Buffer[] = [];
  op(...b: number[]): this {
    this.parts.push(Buffer.from(b));
    return this;
  }
  int(v: number): this {
    if (v >= 0 && v < 256) return this.op(0x4b, v);
    if (v >= 0 && v < 65536) return this.op(0x4d, v & 255, v >> 8);
    const b = Buffer.alloc(5);
    b[0] = 0x4a;
    b.writeInt32LE(v, 1);
    this.parts.push(b);
    return this;
  }
  str(s: string | Buffer): this {
    const b = typeof s === "string" ? Buffer.from(s, "latin1") : s;
    if (b.length < 256) return this.op(0x55, b.length).raw(b);
    const h = Buffer.alloc(5);
    h[0] = 0x54;
    h.writeInt32LE(b.length, 1);
    this.parts.push(h);
    return this.raw(b);
  }
  raw(b: Buffer): this {
    this.parts.push(b);
    return this;
  }
  global(module: string, name: string): this {
    return this.raw(Buffer.from(`c${module}\n${name}\n`, "latin1"));
  }
  bytes(): Buffer {
    return Buffer.concat(this.parts);
  }
}

type DType = "i4" | "f4" | "f8" | "i8";

function encode(values: readonly number[], dtype: DType): Buffer {
  const size = dtype === "f8" || dtype === "i8" ? 8 : 4;
  const b = Buffer.alloc(values.length * size);
  values.forEach((v, i) => {
    if (dtype === "i4") b.writeInt32LE(v, 4 * i);
    else if (dtype === "f4") b.writeFloatLE(v, 4 * i);
    else if (dtype === "f8") b.writeDoubleLE(v, 8 * i);
    else b.writeBigInt64LE(BigInt(v), 8 * i);
  });
  return b;
}

function ndarray(w: W, shape: readonly number[], values: readonly number[], dtype: DType): void {
  w.global("numpy.core.multiarray", "_reconstruct").global("numpy", "ndarray").int(0).op(0x85).str("b").op(0x87, 0x52);
  w.op(0x28).int(1);
  for (const d of shape) w.int(d);
  w.op(shape.length === 1 ? 0x85 : 0x86);
  w.global("numpy", "dtype").str(dtype).int(0).int(1).op(0x87, 0x52);
  w.op(0x28).int(3).str("<").op(0x4e, 0x4e, 0x4e).int(-1).int(-1).int(0).op(0x74, 0x62);
  w.op(0x89).str(encode(values, dtype)).op(0x74, 0x62);
}

/** A protocol-2 pickle of a dense array (labels). */
export function pickleArray(rows: readonly (readonly number[])[], dtype: DType = "i4"): Buffer {
  const w = new W().op(0x80, 2);
  ndarray(w, [rows.length, rows[0]?.length ?? 0], rows.flat(), dtype);
  return w.op(0x2e).bytes();
}

/** A protocol-2 pickle of a scipy.sparse.csr_matrix of dense `rows` (zeros left out). */
export function pickleCsr(rows: readonly (readonly number[])[], cols: number): Buffer {
  const { indptr, indices, data } = csr(rows.map((r) => [...r]));
  const w = new W().op(0x80, 2).global("scipy.sparse.csr", "csr_matrix").op(0x29, 0x81).op(0x7d, 0x28);
  w.str("format").str("csr").str("_shape").int(rows.length).int(cols).op(0x86);
  w.str("indptr");
  ndarray(w, [indptr.length], indptr, "i4");
  w.str("indices");
  ndarray(w, [indices.length], indices, "i4");
  w.str("data");
  ndarray(w, [data.length], data, "f4");
  return w.op(0x75, 0x62, 0x2e).bytes();
}

/** A protocol-2 pickle of collections.defaultdict(list) {node: [neighbours]}. */
export function pickleGraph(adj: ReadonlyMap<number, readonly number[]>): Buffer {
  const w = new W().op(0x80, 2).global("collections", "defaultdict").global("__builtin__", "list").op(0x85, 0x52, 0x28);
  for (const [k, vs] of adj) {
    w.int(k).op(0x5d);
    if (vs.length > 0) {
      w.op(0x28);
      for (const v of vs) w.int(v);
      w.op(0x65);
    }
  }
  return w.op(0x75, 0x2e).bytes();
}

export interface PlanetoidFixture {
  x: number[][];
  y: number[][];
  allx: number[][];
  ally: number[][];
  tx: number[][];
  ty: number[][];
  graph: Map<number, number[]>;
  testIndex: number[];
}

/** Writes the eight ind.<prefix>.* files of `f` into `dir`. */
export function writePlanetoid(dir: string, prefix: string, f: PlanetoidFixture): void {
  fs.mkdirSync(dir, { recursive: true });
  const cols = f.allx[0]!.length;
  const put = (part: string, b: Buffer | string): void => fs.writeFileSync(path.join(dir, `ind.${prefix}.${part}`), b);
  put("x", pickleCsr(f.x, cols));
  put("tx", pickleCsr(f.tx, cols));
  put("allx", pickleCsr(f.allx, cols));
  put("y", pickleArray(f.y));
  put("ty", pickleArray(f.ty));
  put("ally", pickleArray(f.ally));
  put("graph", pickleGraph(f.graph));
  put("test.index", `${f.testIndex.join("\n")}\n`);
}
