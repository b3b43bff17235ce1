/**
 * A minimal, defensive zip reader for `.npz` archives: STORED members (np.savez) and DEFLATE members
 * (np.savez_compressed, inflated with node:zlib), with Zip64 records (numpy writes members with
 * `force_zip64`). Every offset and length read from the file is checked before use, sizes come from
 * the central directory, and every member's CRC-32 is verified, so a corrupt or truncated archive is
 * an ERR_DATA naming the file and member, never a crash or a hang.
 *
 * Reads are random-access through a {@link ByteSource}, so listing an archive or reading a few small
 * members of a 30 MB file touches only those bytes.
 *
 * @example
 * ```ts
 * const zip = ZipArchive.open("cora.npz");
 * zip.names();                    // ["adj_data.npy", ...]
 * const bytes = zip.read("labels.npy");
 * zip.close();
 * ```
 */
import fs from "node:fs";
import zlib from "node:zlib";
import { DataError, WerankError } from "../errors.js";
import { assertRegularFile } from "../util/regularFile.js";
import { crc32 } from "./crc32.js";

/** Random-access bytes: a file or an in-memory buffer. */
export interface ByteSource {
  readonly size: number;
  /** Exactly `length` bytes at `offset` (callers check the range first). */
  read(offset: number, length: number): Uint8Array;
  /** True when read() returns fresh memory the caller may keep (not a view of shared bytes). */
  readonly freshReads: boolean;
  close(): void;
}

/** A ByteSource over bytes already in memory (reads are views of them). */
export function bufferSource(bytes: Uint8Array): ByteSource {
  return { size: bytes.length, read: (o, n) => bytes.subarray(o, o + n), freshReads: false, close: () => {} };
}

/** A ByteSource over a file, read with positioned reads. */
export function fileSource(path: string): ByteSource {
  // Before open(): opening a FIFO blocks, and a character device has no size to check against.
  assertRegularFile(path, { what: "zip archive" });
  const fd = fs.openSync(path, "r");
  const st = fs.fstatSync(fd);
  if (!st.isFile()) {
    fs.closeSync(fd);
    throw new DataError(`Expected a file at ${path} but it is ${st.isDirectory() ? "a directory" : "not a regular file"}`);
  }
  const size = st.size;
  let open = true;
  return {
    size,
    freshReads: true,
    read(offset, length) {
      const buf = Buffer.allocUnsafe(length);
      let got = 0;
      while (got < length) {
        let n: number;
        try {
          n = fs.readSync(fd, buf, got, length - got, offset + got);
        } catch (e) {
          throw new DataError(`Cannot read ${path}: ${(e as Error).message}`, { cause: e });
        }
        if (n === 0) throw new DataError(`Unexpected end of file in ${path} at byte ${offset + got} (the file changed while reading?)`);
        got += n;
      }
      return buf;
    },
    close() {
      if (open) fs.closeSync(fd);
      open = false;
    },
  };
}

/** One member, as the central directory describes it. */
export interface ZipEntry {
  name: string;
  /** 0 = STORED, 8 = DEFLATE. */
  method: number;
  flags: number;
  crc32: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

const SIG_EOCD = 0x06054b50;
const SIG_EOCD64 = 0x06064b50;
const SIG_LOC64 = 0x07064b50;
const SIG_CEN = 0x02014b50;
const SIG_LOC = 0x04034b50;

function u16(b: Uint8Array, o: number): number {
  return b[o]! | (b[o + 1]! << 8);
}
function u32(b: Uint8Array, o: number): number {
  return (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16)) + b[o + 3]! * 16777216;
}
/** uint64 as a number; values above 2^53 are returned as Infinity so range checks reject them. */
function u64(b: Uint8Array, o: number): number {
  const hi = u32(b, o + 4);
  return hi >= 0x200000 ? Infinity : hi * 4294967296 + u32(b, o);
}

const MAX_INFLATE_RATIO = 64;
const MAX_INFLATE_SLACK = 64 << 20;

export class ZipArchive {
  readonly entries: ZipEntry[];
  private readonly byName = new Map<string, ZipEntry>();
  /** Where the member data must end (the start of the central directory). */
  private readonly dataEnd: number;

  private constructor(
    private readonly source: ByteSource,
    /** The file name used in error messages. */
    readonly file: string,
  ) {
    const { entries, cdOffset } = this.readDirectory();
    this.entries = entries;
    this.dataEnd = cdOffset;
    for (const e of entries) {
      // Two members of one name are ambiguous (zip tools disagree on which one wins): refuse.
      if (this.byName.has(e.name)) this.fail(`the member '${e.name}' appears twice`);
      this.byName.set(e.name, e);
    }
  }

  /** Opens an archive file (the caller closes it). */
  static open(path: string): ZipArchive {
    let src: ByteSource;
    try {
      src = fileSource(path);
    } catch (e) {
      if (e instanceof WerankError) throw e;
      throw new DataError(`Cannot read ${path}: ${(e as Error).message}`, { cause: e });
    }
    try {
      return new ZipArchive(src, path);
    } catch (e) {
      src.close();
      throw e;
    }
  }

  /** An archive over in-memory bytes (`file` names it in messages). */
  static fromBytes(bytes: Uint8Array, file: string): ZipArchive {
    return new ZipArchive(bufferSource(bytes), file);
  }

  private fail(msg: string): never {
    throw new DataError(`Corrupt zip archive ${this.file}: ${msg}`);
  }

  private readDirectory(): { entries: ZipEntry[]; cdOffset: number } {
    const size = this.source.size;
    if (size < 22) this.fail(`expected at least 22 bytes (an end-of-central-directory record) but the file has ${size} (truncated or not a zip file)`);
    const tailLen = Math.min(size, 22 + 65535);
    const tailStart = size - tailLen;
    const tail = this.source.read(tailStart, tailLen);
    let eocd = -1;
    for (let p = tailLen - 22; p >= 0; p--) {
      if (u32(tail, p) === SIG_EOCD && p + 22 + u16(tail, p + 20) <= tailLen) {
        eocd = p;
        break;
      }
    }
    if (eocd < 0) this.fail("no end-of-central-directory record found (truncated or not a zip file)");
    const disk = u16(tail, eocd + 4);
    const cdDisk = u16(tail, eocd + 6);
    let count = u16(tail, eocd + 10);
    let cdSize = u32(tail, eocd + 12);
    let cdOffset = u32(tail, eocd + 16);
    const eocdAbs = tailStart + eocd;
    let cdEnd = eocdAbs;
    if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
      // Zip64: a locator precedes the EOCD and points to the Zip64 EOCD record.
      const locAbs = eocdAbs - 20;
      if (locAbs < 0) this.fail("Zip64 markers but no Zip64 locator");
      const loc = this.source.read(locAbs, 20);
      if (u32(loc, 0) !== SIG_LOC64) this.fail(`expected a Zip64 locator at byte ${locAbs}`);
      const rec64 = u64(loc, 8);
      if (!(rec64 + 56 <= locAbs)) this.fail(`Zip64 end record offset ${rec64} is outside the file`);
      const r = this.source.read(rec64, 56);
      if (u32(r, 0) !== SIG_EOCD64) this.fail(`expected a Zip64 end record at byte ${rec64}`);
      count = u64(r, 32);
      cdSize = u64(r, 40);
      cdOffset = u64(r, 48);
      cdEnd = rec64;
    } else if (disk !== 0 || cdDisk !== 0) {
      this.fail("multi-disk (split) archives are not supported");
    }
    if (!(cdOffset + cdSize <= cdEnd)) this.fail(`central directory (offset ${cdOffset}, ${cdSize} bytes) runs past its end at byte ${cdEnd}`);
    if (count > cdSize / 46) this.fail(`${count} entries cannot fit in a central directory of ${cdSize} bytes`);
    const cd = this.source.read(cdOffset, cdSize);
    const entries: ZipEntry[] = [];
    let p = 0;
    for (let k = 0; k < count; k++) {
      if (p + 46 > cdSize || u32(cd, p) !== SIG_CEN) this.fail(`expected central directory entry ${k} at byte ${cdOffset + p}`);
      const flags = u16(cd, p + 8);
      const method = u16(cd, p + 10);
      const crc = u32(cd, p + 16);
      let compressedSize = u32(cd, p + 20);
      let usize = u32(cd, p + 24);
      const nameLen = u16(cd, p + 28);
      const extraLen = u16(cd, p + 30);
      const commentLen = u16(cd, p + 32);
      let localHeaderOffset = u32(cd, p + 42);
      const next = p + 46 + nameLen + extraLen + commentLen;
      if (next > cdSize) this.fail(`central directory entry ${k} runs past the directory's end`);
      const name = Buffer.from(cd.buffer, cd.byteOffset + p + 46, nameLen).toString(flags & 0x800 ? "utf8" : "latin1");
      // Zip64 extended information: 8-byte values for the fields that are 0xFFFFFFFF, in this order.
      let x = p + 46 + nameLen;
      const xEnd = x + extraLen;
      while (x + 4 <= xEnd) {
        const id = u16(cd, x);
        const len = u16(cd, x + 2);
        if (x + 4 + len > xEnd) this.fail(`entry '${name}': extra field runs past its end`);
        if (id === 0x0001) {
          let q = x + 4;
          const take = (): number => {
            if (q + 8 > x + 4 + len) this.fail(`entry '${name}': Zip64 extra field too short`);
            const v = u64(cd, q);
            q += 8;
            return v;
          };
          if (usize === 0xffffffff) usize = take();
          if (compressedSize === 0xffffffff) compressedSize = take();
          if (localHeaderOffset === 0xffffffff) localHeaderOffset = take();
        }
        x += 4 + len;
      }
      entries.push({ name, method, flags, crc32: crc, compressedSize, size: usize, localHeaderOffset });
      p = next;
    }
    return { entries, cdOffset };
  }

  /** Member names, in directory order. */
  names(): string[] {
    return this.entries.map((e) => e.name);
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  entry(name: string): ZipEntry | undefined {
    return this.byName.get(name);
  }

  /**
   * The uncompressed bytes of a member, CRC-checked, in memory the caller owns (never a view of the
   * source). `maxSize` is the most bytes the caller's shapes allow; independently, a DEFLATE member
   * may inflate to at most 64 MiB + 64× its compressed size (numeric arrays compress far less; a
   * compression bomb, ~1000×, is refused before inflating).
   */
  read(name: string, maxSize = Infinity): Uint8Array {
    const e = this.byName.get(name);
    if (!e) throw new DataError(`Expected a member '${name}' in zip archive ${this.file} but it has: ${this.names().join(", ") || "(none)"}`);
    const where = `member '${name}'`;
    if (e.size > maxSize) this.fail(`${where} declares ${e.size} uncompressed bytes but the array shapes read so far allow at most ${maxSize}`);
    if (e.method === 8 && e.size > MAX_INFLATE_SLACK + MAX_INFLATE_RATIO * e.compressedSize) {
      this.fail(`${where} declares ${e.size} bytes from ${e.compressedSize} compressed bytes, more than ${MAX_INFLATE_RATIO}× + 64 MiB (a compression bomb?)`);
    }
    if (e.flags & 0x1) this.fail(`${where} is encrypted`);
    if (!(e.localHeaderOffset + 30 <= this.dataEnd)) this.fail(`${where}: local header offset ${e.localHeaderOffset} is outside the data area`);
    const lh = this.source.read(e.localHeaderOffset, 30);
    if (u32(lh, 0) !== SIG_LOC) this.fail(`${where}: expected a local file header at byte ${e.localHeaderOffset}`);
    const dataStart = e.localHeaderOffset + 30 + u16(lh, 26) + u16(lh, 28);
    if (!(dataStart + e.compressedSize <= this.dataEnd)) {
      this.fail(`${where}: ${e.compressedSize} bytes of data at byte ${dataStart} run past the data area (truncated)`);
    }
    const raw = this.source.read(dataStart, e.compressedSize);
    let out: Uint8Array;
    if (e.method === 0) {
      if (e.size !== e.compressedSize) this.fail(`${where}: STORED member with compressed size ${e.compressedSize} != size ${e.size}`);
      out = this.source.freshReads ? raw : raw.slice();
    } else if (e.method === 8) {
      if (e.size > 0x7fffffff) this.fail(`${where}: uncompressed size ${e.size} is too large`);
      try {
        // maxOutputLength bounds the work and memory a corrupt stream can cause (zip bombs).
        out = zlib.inflateRawSync(raw, { maxOutputLength: Math.max(1, e.size) });
      } catch (err) {
        const tooBig = (err as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE";
        this.fail(`${where}: DEFLATE data is corrupt (${tooBig ? `it inflates to more than the ${e.size} bytes the directory declares` : (err as Error).message})`);
      }
      if (out.length !== e.size) this.fail(`${where}: inflated to ${out.length} bytes but the directory says ${e.size}`);
    } else {
      this.fail(`${where} uses compression method ${e.method}; only STORED (0) and DEFLATE (8) are supported`);
    }
    const c = crc32(out);
    if (c !== e.crc32) this.fail(`${where}: CRC-32 mismatch (stored 0x${e.crc32.toString(16)}, computed 0x${c.toString(16)}); the file is damaged`);
    return out;
  }

  close(): void {
    this.source.close();
  }
}
