import zlib from "node:zlib";
import { describe, expect, it } from "vitest";
import { crc32, crc32js } from "../../../src/data/crc32.js";
import { ZipArchive } from "../../../src/data/zip.js";
import { dataErr } from "../../helpers/dataError.js";
import { zip } from "../../helpers/npz.js";

const members = [
  { name: "a.npy", data: new TextEncoder().encode("hello hello hello hello") },
  { name: "b.npy", data: new Uint8Array(1000).map((_, i) => i % 7) },
  { name: "empty.npy", data: new Uint8Array(0) },
];

describe("crc32", () => {
  it("matches the check value of the standard and the JS fallback", () => {
    const d = new TextEncoder().encode("123456789");
    expect(crc32(d)).toBe(0xcbf43926);
    expect(crc32js(d)).toBe(0xcbf43926);
    const big = new Uint8Array(5000).map((_, i) => (i * 31) & 255);
    expect(crc32js(big)).toBe(crc32(big));
  });
});

describe("ZipArchive", () => {
  for (const opts of [{}, { compress: true }, { zip64: true }, { compress: true, zip64: true }]) {
    it(`reads members back (${JSON.stringify(opts)})`, () => {
      const z = ZipArchive.fromBytes(zip(members, opts), "t.npz");
      expect(z.names()).toEqual(["a.npy", "b.npy", "empty.npy"]);
      for (const m of members) expect(Buffer.from(z.read(m.name)).equals(Buffer.from(m.data))).toBe(true);
      expect(z.entry("b.npy")!.method).toBe(opts.compress ? 8 : 0);
    });
  }

  it("skips a trailing archive comment when finding the end record", () => {
    const bytes = Buffer.from(zip(members));
    bytes.writeUInt16LE(5, bytes.length - 2);
    const z = ZipArchive.fromBytes(Buffer.concat([bytes, Buffer.from("hello")]), "c.npz");
    expect(z.names().length).toBe(3);
  });

  it("reports a missing member with the members present", () => {
    const z = ZipArchive.fromBytes(zip(members), "t.npz");
    expect(dataErr(() => z.read("labels.npy"))).toContain("Expected a member 'labels.npy' in zip archive t.npz but it has: a.npy, b.npy, empty.npy");
  });

  it("detects damaged data through the CRC", () => {
    const bytes = Uint8Array.from(zip(members));
    bytes[30 + 5 + 2] ^= 0x10; // inside a.npy's data
    expect(dataErr(() => ZipArchive.fromBytes(bytes, "t.npz").read("a.npy"))).toMatch(/t\.npz: member 'a\.npy': CRC-32 mismatch/);
  });

  it("refuses truncated files, non-zip bytes and unknown methods", () => {
    const bytes = zip(members);
    expect(dataErr(() => ZipArchive.fromBytes(bytes.subarray(0, bytes.length - 10), "t.npz"))).toContain("no end-of-central-directory record");
    expect(dataErr(() => ZipArchive.fromBytes(new Uint8Array(10), "t.npz"))).toContain("at least 22 bytes");
    expect(dataErr(() => ZipArchive.fromBytes(new TextEncoder().encode("x".repeat(100)), "t.npz"))).toContain("not a zip file");
    const m = Buffer.from(zip(members));
    const cd = m.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    m.writeUInt16LE(12, cd + 10); // bzip2
    expect(dataErr(() => ZipArchive.fromBytes(m, "t.npz").read("a.npy"))).toContain("compression method 12");
  });

  it("bounds DEFLATE output by the declared size (zip bombs)", () => {
    const big = new Uint8Array(1 << 20);
    const bytes = Buffer.from(zip([{ name: "z.npy", data: big }], { compress: true }));
    const cd = bytes.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    bytes.writeUInt32LE(100, cd + 24); // claim 100 bytes uncompressed
    expect(dataErr(() => ZipArchive.fromBytes(bytes, "t.npz").read("z.npy"))).toContain("DEFLATE data is corrupt");
    expect(zlib.deflateRawSync(big).length).toBeLessThan(2000);
  });

  it("refuses duplicate member names and members larger than the caller allows or the ratio permits", () => {
    expect(dataErr(() => ZipArchive.fromBytes(zip([...members, members[0]!]), "t.npz"))).toContain("the member 'a.npy' appears twice");
    expect(dataErr(() => ZipArchive.fromBytes(zip(members), "t.npz").read("b.npy", 999))).toContain(
      "member 'b.npy' declares 1000 uncompressed bytes but the array shapes read so far allow at most 999",
    );
    const bytes = Buffer.from(zip([{ name: "z.npy", data: new Uint8Array(1 << 20) }], { compress: true }));
    const cd = bytes.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    bytes.writeUInt32LE(100 << 20, cd + 24); // claim 100 MiB from about 1 KB
    expect(dataErr(() => ZipArchive.fromBytes(bytes, "t.npz").read("z.npy"))).toMatch(/declares 104857600 bytes from \d+ compressed bytes, more than 64× \+ 64 MiB/);
  });

  it("rejects offsets that point outside the file", () => {
    const m = Buffer.from(zip(members));
    const cd = m.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    m.writeUInt32LE(0x7ffffff0, cd + 42);
    expect(dataErr(() => ZipArchive.fromBytes(m, "t.npz").read("a.npy"))).toContain("local header offset");
    const e = Buffer.from(zip(members));
    e.writeUInt32LE(0x7ffffff0, e.length - 6); // central directory offset in the end record
    expect(dataErr(() => ZipArchive.fromBytes(e, "t.npz"))).toContain("central directory");
  });
});
