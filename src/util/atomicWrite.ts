/**
 * Writes that never leave a half-written file behind (DESIGN D4): write to a temporary file in the
 * same directory, fsync it, then rename it over the target (atomic on POSIX file systems). Every
 * writer of the package goes through {@link writeAtomic}, so a temp file left by a kill has one
 * recognizable name ({@link isTempFile}) and a resumed run can remove it ({@link removeTempFiles}).
 *
 * @example
 * ```ts
 * atomicWriteFile("runs/a/summary.json", JSON.stringify(summary));
 * writeAtomic("ck/epoch-3.safetensors", (fd) => fs.writeSync(fd, header));
 * ```
 */
import fs from "node:fs";
import path from "node:path";
import { WerankError } from "../errors.js";

/** `.<name>.tmp-<pid>-<random>`: hidden, next to its target. */
const TEMP = /^\..+\.tmp-\d+-[a-z0-9]+$/;

/** Whether `name` (a base name) is a temp file of {@link writeAtomic}. */
export function isTempFile(name: string): boolean {
  return TEMP.test(name);
}

/** Removes the temp files {@link writeAtomic} left in `dir` (a process killed mid-write); returns their names. */
export function removeTempFiles(dir: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const stale = names.filter(isTempFile);
  for (const n of stale) fs.rmSync(path.join(dir, n), { force: true });
  return stale;
}

export interface WriteAtomicOptions {
  /** Called after the temp file is complete and fsync'd, before the rename (the checkpoint's kill points). */
  beforeRename?: () => void;
}

/**
 * Runs `write(fd)` on a temp file next to `file`, fsyncs it, then renames it over `file`; removes the
 * temp file on failure. Errors other than WerankErrors become ERR_IO naming the file.
 */
export function writeAtomic(file: string, write: (fd: number) => void, options: WriteAtomicOptions = {}): void {
  const dir = path.dirname(path.resolve(file));
  const tmp = path.join(dir, `.${path.basename(file)}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 10)}`);
  let fd: number | undefined;
  try {
    fd = fs.openSync(tmp, "wx");
    write(fd);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    options.beforeRename?.();
    fs.renameSync(tmp, file);
  } catch (e) {
    if (fd !== undefined) fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    if (e instanceof WerankError) throw e;
    const err = e as NodeJS.ErrnoException;
    throw new WerankError("ERR_IO", `Could not write ${file}: ${err.code ?? ""} ${err.message}`.trim(), { cause: e });
  }
}

export function atomicWriteFile(file: string, data: string | ArrayBufferView): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
  } catch (e) {
    throw new WerankError("ERR_IO", `Could not create the directory of ${file}: ${(e as Error).message}`, { cause: e });
  }
  writeAtomic(file, (fd) => {
    if (typeof data === "string") fs.writeSync(fd, data);
    else fs.writeSync(fd, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  });
}

export function atomicWriteJson(file: string, value: unknown): void {
  atomicWriteFile(file, `${JSON.stringify(value, null, 2)}\n`);
}
