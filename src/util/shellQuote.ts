/**
 * Quoting for generated shell scripts (the Slurm job script): a value becomes one single-quoted
 * word, so `$(...)`, backticks, `;`, globs and newlines reach the program as plain text instead of
 * running on the compute node (issue "Hardening"). Inside single quotes bash expands nothing; a
 * single quote itself is closed, escaped and reopened: `it's` -> `'it'\''s'`.
 *
 * @example
 * ```ts
 * shellQuote("runs/a b $(rm -rf ~)");   // "'runs/a b $(rm -rf ~)'"
 * ```
 */
import { ConfigError } from "../errors.js";

export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Any C0 control character (newline, CR, NUL, ...) or DEL. */
// eslint-disable-next-line no-control-regex
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * Throws a ConfigError when `value` holds a control character. For values that cannot be quoted,
 * such as `#SBATCH` lines: sbatch reads them up to the newline, and a newline would start a script
 * line that bash runs.
 */
export function assertNoControlChars(what: string, value: string): string {
  const m = CONTROL.exec(value);
  if (m) {
    throw new ConfigError(`${what} must not contain control characters but ${JSON.stringify(value)} has ${JSON.stringify(m[0])} at position ${m.index}`);
  }
  return value;
}
