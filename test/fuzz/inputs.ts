/**
 * Hostile inputs shared by the data-format fuzz suites: special files (FIFO, character device,
 * symlink to one, directory, missing, empty), truncations at many offsets, byte flips, and gzip
 * compression bombs built cheaply as many identical gzip members (a gzip file may hold several).
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import type { Rng } from "../../src/data/rng.js";

/** Paths that are not regular files, or not there, named `base` (so extension-based dispatch sees them). */
export function specialFiles(dir: string, base: string): { name: string; path: string }[] {
  const sub = fs.mkdtempSync(path.join(dir, "special-"));
  const fifo = path.join(sub, `fifo-${base}`);
  execFileSync("mkfifo", [fifo]);
  const link = path.join(sub, `zero-link-${base}`);
  fs.symlinkSync("/dev/zero", link);
  const folder = path.join(sub, `dir-${base}`);
  fs.mkdirSync(folder);
  const empty = path.join(sub, `empty-${base}`);
  fs.writeFileSync(empty, "");
  return [
    { name: "a FIFO", path: fifo },
    { name: "/dev/zero", path: "/dev/zero" },
    { name: "a symlink to /dev/zero", path: link },
    { name: "a directory", path: folder },
    { name: "a missing file", path: path.join(sub, `missing-${base}`) },
    { name: "an empty file", path: empty },
  ];
}

/** `count` truncation lengths in [0, length): evenly spread, plus the first and last few bytes. */
export function truncationOffsets(length: number, count: number): number[] {
  const set = new Set<number>([0, 1, 2, length - 1, length - 2, length - 22].filter((x) => x >= 0 && x < length));
  for (let k = 0; set.size < Math.min(count, length); k++) set.add(Math.floor((k * length) / count) % length);
  return [...set].sort((a, b) => a - b);
}

/** A copy of `b` with 1-8 random bits flipped. */
export function flipBits(b: Uint8Array, rng: Rng): Uint8Array {
  const c = Uint8Array.from(b);
  const flips = 1 + rng.int(8);
  for (let k = 0; k < flips; k++) c[rng.int(c.length)]! ^= 1 << rng.int(8);
  return c;
}

/** A copy of `b` with 1-4 bytes overwritten by random or extreme values. */
export function overwriteBytes(b: Uint8Array, rng: Rng, from = 0): Uint8Array {
  const c = Uint8Array.from(b);
  const edits = 1 + rng.int(4);
  for (let k = 0; k < edits; k++) c[from + rng.int(Math.max(1, c.length - from))] = [0, 0xff, 0x7f, 0x80, rng.int(256)][rng.int(5)]!;
  return c;
}

const bombCache = new Map<string, Buffer>();

/**
 * A gzip file of `members` identical members, each `text` repeated to `memberBytes` bytes: e.g.
 * 32 members of 64 MiB of "0,0,0,...\n" is about 2 MB on disk and inflates to 2 GiB.
 */
export function gzipBomb(text: string, memberBytes: number, members: number): Buffer {
  const key = `${text}|${memberBytes}`;
  let member = bombCache.get(key);
  if (!member) {
    const unit = Buffer.from(text);
    const block = Buffer.alloc(memberBytes);
    for (let o = 0; o < memberBytes; o += unit.length) unit.copy(block, o);
    member = zlib.gzipSync(block, { level: 9 });
    bombCache.set(key, member);
  }
  return Buffer.concat(Array.from({ length: members }, () => member!));
}

/** Writes `bytes` to `dir/name` (creating folders) and returns the path. */
export function put(dir: string, name: string, bytes: Uint8Array | string): string {
  const p = path.join(dir, name);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, bytes);
  return p;
}
