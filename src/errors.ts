/**
 * Errors thrown by werank-native. Every failure a user can cause — bad shapes, unknown names, corrupt
 * files, a missing LibTorch — is a {@link WerankError} with a stable `code`, never a crash.
 *
 * @example
 * ```ts
 * import { zeros, WerankError } from "werank-native";
 * try {
 *   zeros([2, 3]).matmul(zeros([2, 3]));
 * } catch (e) {
 *   if (e instanceof WerankError && e.code === "ERR_SHAPE") console.error(e.message);
 * }
 * ```
 */

/** Stable error codes (DESIGN D4). */
export type ErrorCode =
  | "ERR_SHAPE"
  | "ERR_DTYPE"
  | "ERR_DEVICE"
  | "ERR_DATA"
  | "ERR_CONFIG"
  | "ERR_DISPOSED"
  | "ERR_ARGUMENT"
  | "ERR_INDEX"
  | "ERR_AUTOGRAD"
  | "ERR_LINALG"
  | "ERR_NATIVE_MISSING"
  | "ERR_OUT_OF_MEMORY"
  | "ERR_IO"
  | "ERR_INTERRUPTED"
  | "ERR_DIST"
  | "ERR_INTERNAL";

/** Base class of every error werank-native throws on purpose. */
export class WerankError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** Operand shapes do not fit the op. */
export class ShapeError extends WerankError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("ERR_SHAPE", message, options);
  }
}
/** A dtype the op does not accept. */
export class DTypeError extends WerankError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("ERR_DTYPE", message, options);
  }
}
/** Unknown device, or CUDA requested where there is none. */
export class DeviceError extends WerankError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("ERR_DEVICE", message, options);
  }
}
/** Malformed, truncated or inconsistent data files; names the file, the array and the first bad position. */
export class DataError extends WerankError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("ERR_DATA", message, options);
  }
}
/** Invalid configuration or command line. */
export class ConfigError extends WerankError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("ERR_CONFIG", message, options);
  }
}
/** A tensor was used after dispose() or after its tidy() scope ended. */
export class DisposedError extends WerankError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("ERR_DISPOSED", message, options);
  }
}
/** A bad argument value (out of range, wrong type, unknown name). */
export class ArgumentError extends WerankError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("ERR_ARGUMENT", message, options);
  }
}
/** Index values outside the valid range. */
export class IndexError extends WerankError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("ERR_INDEX", message, options);
  }
}
/** Misuse of autograd (backward without requiresGrad, non-scalar without gradient, ...). */
export class AutogradError extends WerankError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("ERR_AUTOGRAD", message, options);
  }
}
/** A linear-algebra routine failed (e.g. SVD did not converge on NaN input). */
export class LinalgError extends WerankError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("ERR_LINALG", message, options);
  }
}
/** The native addon (or LibTorch) could not be loaded. */
export class NativeMissingError extends WerankError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("ERR_NATIVE_MISSING", message, options);
  }
}
/** Host or device memory ran out. */
export class OutOfMemoryError extends WerankError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("ERR_OUT_OF_MEMORY", message, options);
  }
}

/** A data-parallel collective or rendezvous failed: a peer rank died, hung past the timeout, or never joined. */
export class DistError extends WerankError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("ERR_DIST", message, options);
  }
}

const byCode: Partial<Record<ErrorCode, new (message: string) => WerankError>> = {
  ERR_SHAPE: ShapeError,
  ERR_DTYPE: DTypeError,
  ERR_DEVICE: DeviceError,
  ERR_DATA: DataError,
  ERR_CONFIG: ConfigError,
  ERR_DISPOSED: DisposedError,
  ERR_ARGUMENT: ArgumentError,
  ERR_INDEX: IndexError,
  ERR_AUTOGRAD: AutogradError,
  ERR_LINALG: LinalgError,
  ERR_NATIVE_MISSING: NativeMissingError,
  ERR_OUT_OF_MEMORY: OutOfMemoryError,
  ERR_DIST: DistError,
};

/** Builds the WerankError subclass for a code (used by the native addon to raise errors). */
export function makeError(code: string, message: string): WerankError {
  const C = byCode[code as ErrorCode];
  return C ? new C(message) : new WerankError((code as ErrorCode) || "ERR_INTERNAL", message);
}

/** "did you mean" help for unknown names: the closest valid choice by edit distance. */
export function closest(name: string, choices: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of choices) {
    const d = editDistance(name.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined;
}

/** Message for an unknown name: "Unknown X 'foo' (did you mean 'bar'?). Valid choices: a, b, c". */
export function unknownName(what: string, name: string, choices: readonly string[]): string {
  const guess = closest(name, choices);
  return `Unknown ${what} '${name}'${guess ? ` (did you mean '${guess}'?)` : ""}. Valid choices: ${choices.join(", ")}`;
}

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}
