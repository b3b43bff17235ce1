/**
 * Reading a file a user named, safely: only regular files (after following symlinks), and never more
 * bytes than the caller allows. A character device (`/dev/zero`) has no end and a FIFO blocks the
 * process on open, so both are refused before anything is opened or allocated (issue "Hardening").
 *
 * @example
 * ```ts
 * const bytes = readRegularFile("run/checkpoints/epoch-3.json", { what: "checkpoint sidecar", maxBytes: 1 << 20, code: "ERR_IO" });
 * ```
 */
import fs from "node:fs";
import { makeError, type ErrorCode } from "../errors.js";

export interface RegularFileOptions {
  /** What the file is, for messages ("config file", "checkpoint", "node-feat.csv.gz"). */
  what: string;
  /** The error code to throw (default ERR_DATA). */
  code?: ErrorCode;
  /** Refuse files larger than this many bytes (default: no limit). */
  maxBytes?: number;
}

/** The WerankError subclass of `code` (a ConfigError for ERR_CONFIG, ...), so `instanceof` checks hold. */
function fail(code: ErrorCode, message: string, cause?: unknown): never {
  const e = makeError(code, message);
  if (cause !== undefined) Object.defineProperty(e, "cause", { value: cause, configurable: true, writable: true });
  throw e;
}

/**
 * Throws unless `file` exists and is a regular file (symlinks followed); returns its stats.
 * Called before open(): opening a FIFO for reading blocks until a writer appears.
 */
export function assertRegularFile(file: string, options: RegularFileOptions): fs.Stats {
  const code = options.code ?? "ERR_DATA";
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === "ENOENT" ? "it does not exist" : (e as Error).message;
    fail(code, `Could not read the ${options.what} ${file}: ${why}`, e);
  }
  if (!st.isFile()) {
    const kind = st.isDirectory()
      ? "a directory"
      : st.isFIFO()
        ? "a FIFO"
        : st.isCharacterDevice()
          ? "a character device"
          : st.isBlockDevice()
            ? "a block device"
            : st.isSocket()
              ? "a socket"
              : "not a regular file";
    fail(code, `Expected a regular file for the ${options.what} but ${file} is ${kind}`);
  }
  if (options.maxBytes !== undefined && st.size > options.maxBytes) {
    fail(code, `The ${options.what} ${file} is ${st.size} bytes, more than the ${options.maxBytes} bytes allowed for it`);
  }
  return st;
}

/** Reads a whole regular file (see {@link assertRegularFile}). */
export function readRegularFile(file: string, options: RegularFileOptions): Buffer {
  assertRegularFile(file, options);
  try {
    return fs.readFileSync(file);
  } catch (e) {
    fail(options.code ?? "ERR_DATA", `Could not read the ${options.what} ${file}: ${(e as Error).message}`, e);
  }
}

/** Reads a whole regular file as UTF-8 text (see {@link assertRegularFile}). */
export function readRegularTextFile(file: string, options: RegularFileOptions): string {
  return readRegularFile(file, options).toString("utf8");
}
