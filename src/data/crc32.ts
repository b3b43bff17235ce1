/**
 * CRC-32 (the zip/gzip polynomial 0xEDB88320). Uses node:zlib's native crc32 where Node has it
 * (>= 20.15), else a table-driven fallback.
 *
 * @example
 * ```ts
 * crc32(new TextEncoder().encode("123456789")); // 0xcbf43926
 * ```
 */
import zlib from "node:zlib";

let table: Uint32Array | undefined;

function crc32js(data: Uint8Array): number {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = table[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const native = (zlib as unknown as { crc32?: (d: Uint8Array) => number }).crc32;

/** CRC-32 of `data` as an unsigned 32-bit number. */
export function crc32(data: Uint8Array): number {
  return native ? native(data) >>> 0 : crc32js(data);
}

/** The pure-JS implementation (exported for tests that compare it with the native one). */
export { crc32js };
