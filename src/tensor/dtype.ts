/** Data types and their codes shared with native/common/binding.h. */
import { unknownName, DTypeError } from "../errors.js";

/** `int16` exists because uint8 combined with int8 promotes to it (as in PyTorch). */
export type DType = "float32" | "float64" | "int32" | "int64" | "bool" | "uint8" | "int8" | "int16";

export const DTYPES: readonly DType[] = ["float32", "float64", "int32", "int64", "bool", "uint8", "int8", "int16"];

const CODE: Record<DType, number> = { float32: 0, float64: 1, int32: 2, int64: 3, bool: 4, uint8: 5, int8: 6, int16: 7 };

export function dtypeCode(d: DType | string): number {
  const c = CODE[d as DType];
  if (c === undefined) throw new DTypeError(unknownName("dtype", String(d), DTYPES));
  return c;
}

export function dtypeName(code: number): DType {
  const d = DTYPES[code];
  if (d === undefined) throw new DTypeError(`Unknown dtype code ${code}`);
  return d;
}

export function isDType(x: unknown): x is DType {
  return typeof x === "string" && (CODE as Record<string, number>)[x] !== undefined;
}

/** Typed array class that holds each dtype on the host. */
export type TypedArrayFor<D extends DType> = D extends "float32"
  ? Float32Array
  : D extends "float64"
    ? Float64Array
    : D extends "int32"
      ? Int32Array
      : D extends "int64"
        ? BigInt64Array
        : D extends "int8"
          ? Int8Array
          : D extends "int16"
            ? Int16Array
            : Uint8Array;

export type AnyTypedArray = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array | Int8Array | Int16Array;

/** The dtype a typed array carries when no dtype is requested. */
export function dtypeOfTypedArray(a: ArrayBufferView): DType | undefined {
  if (a instanceof Float32Array) return "float32";
  if (a instanceof Float64Array) return "float64";
  if (a instanceof Int32Array) return "int32";
  if (a instanceof BigInt64Array) return "int64";
  if (a instanceof Uint8Array) return "uint8";
  if (a instanceof Int8Array) return "int8";
  if (a instanceof Int16Array) return "int16";
  return undefined;
}
