/**
 * Command-line overrides of config keys: `--set optim.lr=0.001`, values parsed as JSON where they
 * look like JSON (numbers, booleans, null, arrays, objects), comma lists become arrays, anything
 * else is a string.
 *
 * @example
 * ```ts
 * applyOverride(cfg, "encoder.layers=512,256");   // cfg.encoder.layers = [512, 256]
 * ```
 */
import { ConfigError } from "../errors.js";

export function parseValue(raw: string): unknown {
  const s = raw.trim();
  if (s === "") return "";
  if (/^(true|false|null)$/.test(s) || /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(s) || /^[[{"]/.test(s)) {
    try {
      return JSON.parse(s);
    } catch {
      throw new ConfigError(`Expected valid JSON for the value '${raw}' (arrays as [1,2] or 1,2)`);
    }
  }
  if (s.includes(",")) return s.split(",").map((p) => parseValue(p));
  return s;
}

/** Keys that name Object.prototype's internals, never a config key (refused by resolveConfig). */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

/** Splits "a.b.c=value" into its path and parsed value. */
export function parseAssignment(text: string): { path: string[]; value: unknown } {
  const eq = text.indexOf("=");
  if (eq <= 0) throw new ConfigError(`Expected KEY=VALUE for --set but received '${text}' (e.g. --set optim.lr=0.001)`);
  const key = text.slice(0, eq).trim();
  if (!/^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*$/.test(key)) throw new ConfigError(`Expected a dotted key such as 'optim.lr' but received '${key}'`);
  const path = key.split(".");
  // Object.prototype's own names would reach the prototype through setPath, never a config key.
  if (path.some((k) => FORBIDDEN_KEYS.has(k))) throw new ConfigError(`Expected a config key such as 'optim.lr' but received '${key}'`);
  return { path, value: parseValue(text.slice(eq + 1)) };
}

/** Sets a nested value, creating objects along the way. Returns the object. */
export function setPath(obj: Record<string, unknown>, path: readonly string[], value: unknown): Record<string, unknown> {
  let cur: Record<string, unknown> = obj;
  for (let i = 0; i < path.length - 1; i++) {
    const k = path[i]!;
    const next = cur[k];
    if (typeof next !== "object" || next === null || Array.isArray(next)) cur[k] = {};
    cur = cur[k] as Record<string, unknown>;
  }
  cur[path[path.length - 1]!] = value;
  return obj;
}

export function getPath(obj: unknown, path: readonly string[]): unknown {
  let cur = obj;
  for (const k of path) {
    if (typeof cur !== "object" || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

export function applyOverride(obj: Record<string, unknown>, assignment: string): Record<string, unknown> {
  const { path, value } = parseAssignment(assignment);
  return setPath(obj, path, value);
}

/**
 * Deep merge of plain objects (b wins; arrays are replaced, not merged). The result shares nothing
 * mutable with a or b: later setPath calls on it must not reach the caller's objects.
 */
export function deepMerge<T extends Record<string, unknown>>(a: T, b: Record<string, unknown>): T {
  const out: Record<string, unknown> = structuredClone(a);
  for (const [k, v] of Object.entries(b)) {
    if (FORBIDDEN_KEYS.has(k)) continue;
    const prev = out[k];
    out[k] =
      v !== null && typeof v === "object" && !Array.isArray(v) && prev !== null && typeof prev === "object" && !Array.isArray(prev)
        ? deepMerge(prev as Record<string, unknown>, v as Record<string, unknown>)
        : structuredClone(v);
  }
  return out as T;
}
