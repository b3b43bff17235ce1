/**
 * Writes that never leave a half-written file behind (DESIGN D4): write to a temporary file in the
 * same directory, then rename over the target (atomic on POSIX file systems).
 *
 * @example
 * ```ts
 * atomicWriteFile("runs/a/summary.json", JSON.stringify(summary));
 * ```
 */
import fs from "node:fs";
import path from "node:path";

export function atomicWriteFile(file: string, data: string | NodeJS.ArrayBufferView): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  try {
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

export function atomicWriteJson(file: string, value: unknown): void {
  atomicWriteFile(file, JSON.stringify(value, null, 2) + "\n");
}
