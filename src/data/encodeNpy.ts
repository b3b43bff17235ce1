/**
 * NumPy .npy encoding of a float32 matrix (format version 1.0: magic "\x93NUMPY", version 1.0, a
 * little-endian uint16 header length, an ASCII dict header padded with spaces to a 64-byte boundary
 * and ended by "\n", then the C-order little-endian data), as numpy.save writes it.
 *
 * @example
 * ```ts
 * atomicWriteFile("emb.npy", encodeNpy(new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3]));  // np.load -> float32 (2, 3)
 * ```
 */
import { ShapeError } from "../errors.js";

export function encodeNpy(data: Float32Array, shape: readonly number[]): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (shape.some((s) => !Number.isInteger(s) || s < 0) || count !== data.length) {
    throw new ShapeError(`encodeNpy: expected ${data.length} values to match shape [${shape.join(", ")}]`);
  }
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(", ");
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (${dims}), }`;
  // magic (6) + version (2) + header length (2) + header, a multiple of 64 bytes.
  const headerLen = Math.ceil((10 + dict.length + 1) / 64) * 64 - 10;
  const out = new Uint8Array(10 + headerLen + data.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  new DataView(out.buffer).setUint16(8, headerLen, true);
  out.set(Buffer.from(`${dict.padEnd(headerLen - 1, " ")}\n`, "latin1"), 10);
  const body = new Float32Array(out.buffer, 10 + headerLen, data.length);
  body.set(data); // typed arrays are little-endian on every platform Node runs on
  return out;
}
