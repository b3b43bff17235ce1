/** Device strings and their codes shared with native/common/binding.h (-1 = cpu, i = cuda:i). */
import { DeviceError } from "../errors.js";

/** `"cpu"`, `"cuda"` (= `"cuda:0"`) or `"cuda:<index>"`. */
export type Device = "cpu" | "cuda" | `cuda:${number}`;

const cache = new Map<string, number>();

export function deviceCode(d: Device | string): number {
  const hit = cache.get(d);
  if (hit !== undefined) return hit;
  let code: number;
  if (d === "cpu") code = -1;
  else if (d === "cuda") code = 0;
  else {
    const m = /^cuda:(\d+)$/.exec(d);
    if (!m) throw new DeviceError(`Unknown device '${d}'. Valid choices: cpu, cuda, cuda:<index> (e.g. cuda:0)`);
    code = Number(m[1]);
  }
  cache.set(d, code);
  return code;
}

export function deviceName(code: number): Device {
  return code < 0 ? "cpu" : `cuda:${code}`;
}

export function isDevice(x: unknown): x is Device {
  return typeof x === "string" && (x === "cpu" || x === "cuda" || /^cuda:\d+$/.test(x));
}
