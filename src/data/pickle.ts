/**
 * A minimal, strict reader of Python pickles (protocol 2, as Python 2 wrote them) for the Planetoid
 * files (`ind.<name>.{x,tx,allx,y,ty,ally,graph}`): scipy CSR matrices, numpy arrays and a
 * `collections.defaultdict` of lists. It never executes anything: `GLOBAL`, `REDUCE`, `NEWOBJ` and
 * `BUILD` only build descriptions ({@link PyObject}), and a `GLOBAL` outside {@link ALLOWED_GLOBALS}
 * or any opcode these files do not use is refused with a DataError naming the file and the byte
 * offset. Lengths are checked against the bytes left before anything is sliced; byte strings are
 * views into the input, not copies.
 *
 * Opcodes (pickletools names): PROTO, STOP, MARK, GLOBAL, REDUCE, NEWOBJ, BUILD, NONE, NEWTRUE,
 * NEWFALSE, BININT, BININT1, BININT2, SHORT_BINSTRING, BINSTRING, SHORT_BINUNICODE, BINUNICODE,
 * EMPTY_TUPLE, TUPLE, TUPLE1, TUPLE2, TUPLE3, EMPTY_LIST, APPEND, APPENDS, EMPTY_DICT, SETITEM,
 * SETITEMS, BINPUT, LONG_BINPUT, BINGET, LONG_BINGET.
 *
 * @example
 * ```ts
 * const v = readPickle(fs.readFileSync("ind.cora.graph"), "ind.cora.graph");
 * (v as PyObject).cls;   // "collections.defaultdict"
 * ```
 */
import { DataError } from "../errors.js";

/** The only globals a pickle may name (module + "." + name). */
export const ALLOWED_GLOBALS: ReadonlySet<string> = new Set([
  "numpy.core.multiarray._reconstruct",
  "numpy.ndarray",
  "numpy.dtype",
  "scipy.sparse.csr.csr_matrix",
  "scipy.sparse._csr.csr_matrix",
  "collections.defaultdict",
  "__builtin__.list",
  "builtins.list",
]);

/** A global reference (never resolved to code). */
export interface PyGlobal {
  kind: "global";
  name: string;
}

/** The description of `cls(*args)` (REDUCE / NEWOBJ) with its BUILD state and SETITEM entries. */
export interface PyObject {
  kind: "object";
  cls: string;
  args: PyValue[];
  state?: PyValue;
  /** SETITEM(S) on the object (a defaultdict's items). */
  entries?: Map<PyKey, PyValue>;
}

export type PyKey = number | string;
export type PyValue = null | boolean | number | string | Uint8Array | PyValue[] | PyTuple | Map<PyKey, PyValue> | PyGlobal | PyObject;

/** Tuples are frozen arrays wrapped so lists (mutable) and tuples stay apart. */
export interface PyTuple {
  kind: "tuple";
  items: PyValue[];
}

const MARK = Symbol("mark");
type Slot = PyValue | typeof MARK;

/** Keys are ints or strings; a byte-string key is read as Latin-1 (Python 2 `str`). */
function toKey(v: PyValue, fail: (m: string) => never): PyKey {
  if (typeof v === "number" || typeof v === "string") return v;
  if (v instanceof Uint8Array) return latin1(v);
  return fail("a dict key that is not an int or a string");
}

/** Latin-1 text of a byte string. */
export function latin1(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]!);
  return s;
}

/** Parses `bytes` (see the module comment); `file` names the source in errors. */
export function readPickle(bytes: Uint8Array, file: string): PyValue {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stack: Slot[] = [];
  const memo = new Map<number, PyValue>();
  let pos = 0;
  let at = 0;
  const fail = (m: string): never => {
    throw new DataError(`Cannot read the pickle ${file}: ${m} at byte ${at}`);
  };
  const need = (n: number): void => {
    if (n < 0 || pos + n > bytes.length) fail(`a length of ${n} bytes runs past the end of the file (${bytes.length} bytes)`);
  };
  const u8 = (): number => (need(1), bytes[pos++]!);
  const u16 = (): number => (need(2), (pos += 2), view.getUint16(pos - 2, true));
  const i32 = (): number => (need(4), (pos += 4), view.getInt32(pos - 4, true));
  const u32 = (): number => (need(4), (pos += 4), view.getUint32(pos - 4, true));
  const take = (n: number): Uint8Array => (need(n), (pos += n), bytes.subarray(pos - n, pos));
  const line = (): string => {
    const end = bytes.indexOf(0x0a, pos);
    if (end < 0) fail("an unterminated GLOBAL line");
    const s = latin1(bytes.subarray(pos, end));
    pos = end + 1;
    return s;
  };
  const pop = (): PyValue => {
    const v = stack.pop();
    if (v === undefined) return fail("an empty stack");
    if (v === MARK) return fail("a MARK where a value was expected");
    return v;
  };
  const top = (): PyValue => {
    const v = stack[stack.length - 1];
    if (v === undefined || v === MARK) return fail("no value on the stack");
    return v;
  };
  const popMark = (): PyValue[] => {
    let k = stack.length - 1;
    while (k >= 0 && stack[k] !== MARK) k--;
    if (k < 0) fail("no MARK on the stack");
    const items = stack.splice(k + 1) as PyValue[];
    stack.pop();
    return items;
  };
  const setItems = (target: PyValue, kv: PyValue[]): void => {
    if (kv.length % 2 !== 0) fail("an odd number of items for SETITEMS");
    let map: Map<PyKey, PyValue>;
    if (target instanceof Map) map = target;
    else if (typeof target === "object" && target !== null && "kind" in target && target.kind === "object") map = target.entries ??= new Map();
    // biome-ignore lint/correctness/noVoidTypeReturn: fail() never returns; the return ends the branch for the type checker
    else return fail("SETITEMS on something that is not a dict");
    for (let i = 0; i < kv.length; i += 2) map.set(toKey(kv[i]!, fail), kv[i + 1]!);
  };
  const call = (cls: PyValue, args: PyValue): PyObject => {
    if (typeof cls !== "object" || cls === null || !("kind" in cls) || cls.kind !== "global") return fail("a call of something that is not an allowed global");
    if (typeof args !== "object" || args === null || !("kind" in args) || args.kind !== "tuple") return fail("call arguments that are not a tuple");
    return { kind: "object", cls: cls.name, args: args.items };
  };
  const tuple = (items: PyValue[]): PyTuple => ({ kind: "tuple", items });
  const utf8 = (b: Uint8Array): string => {
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(b);
    } catch {
      return fail("a string that is not valid UTF-8");
    }
  };
  while (true) {
    at = pos;
    const op = u8();
    switch (op) {
      case 0x80: // PROTO
        if (u8() > 2) fail("a pickle protocol above 2");
        break;
      case 0x2e: // STOP
        if (stack.length !== 1) fail(`${stack.length} values left on the stack at STOP`);
        if (pos !== bytes.length) fail(`${bytes.length - pos} trailing bytes after STOP`);
        return pop();
      case 0x28: // MARK
        stack.push(MARK);
        break;
      case 0x63: {
        // GLOBAL "module\nname\n"
        const name = `${line()}.${line()}`;
        if (!ALLOWED_GLOBALS.has(name)) fail(`the global '${name}' (only numpy arrays, scipy CSR matrices and dicts of lists are read)`);
        stack.push({ kind: "global", name });
        break;
      }
      case 0x52: {
        // REDUCE
        const args = pop();
        stack.push(call(pop(), args));
        break;
      }
      case 0x81: {
        // NEWOBJ
        const args = pop();
        stack.push(call(pop(), args));
        break;
      }
      case 0x62: {
        // BUILD
        const state = pop();
        const obj = top();
        if (typeof obj !== "object" || obj === null || !("kind" in obj) || obj.kind !== "object") fail("BUILD on something that is not an object");
        (obj as PyObject).state = state;
        break;
      }
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x88: // NEWTRUE
        stack.push(true);
        break;
      case 0x89: // NEWFALSE
        stack.push(false);
        break;
      case 0x4a: // BININT
        stack.push(i32());
        break;
      case 0x4b: // BININT1
        stack.push(u8());
        break;
      case 0x4d: // BININT2
        stack.push(u16());
        break;
      case 0x55: // SHORT_BINSTRING
        stack.push(take(u8()));
        break;
      case 0x54: // BINSTRING (signed 4-byte length)
        stack.push(take(i32()));
        break;
      case 0x8c: // SHORT_BINUNICODE
        stack.push(utf8(take(u8())));
        break;
      case 0x58: // BINUNICODE
        stack.push(utf8(take(u32())));
        break;
      case 0x29: // EMPTY_TUPLE
        stack.push(tuple([]));
        break;
      case 0x74: // TUPLE
        stack.push(tuple(popMark()));
        break;
      case 0x85: // TUPLE1
        stack.push(tuple([pop()]));
        break;
      case 0x86: {
        // TUPLE2
        const b = pop();
        stack.push(tuple([pop(), b]));
        break;
      }
      case 0x87: {
        // TUPLE3
        const c = pop();
        const b = pop();
        stack.push(tuple([pop(), b, c]));
        break;
      }
      case 0x5d: // EMPTY_LIST
        stack.push([]);
        break;
      case 0x61: {
        // APPEND
        const v = pop();
        const list = top();
        if (!Array.isArray(list)) fail("APPEND to something that is not a list");
        (list as PyValue[]).push(v);
        break;
      }
      case 0x65: {
        // APPENDS
        const items = popMark();
        const list = top();
        if (!Array.isArray(list)) fail("APPENDS to something that is not a list");
        for (const v of items) (list as PyValue[]).push(v);
        break;
      }
      case 0x7d: // EMPTY_DICT
        stack.push(new Map());
        break;
      case 0x73: {
        // SETITEM
        const v = pop();
        const k = pop();
        setItems(top(), [k, v]);
        break;
      }
      case 0x75: {
        // SETITEMS
        const kv = popMark();
        setItems(top(), kv);
        break;
      }
      case 0x71: // BINPUT
        memo.set(u8(), top());
        break;
      case 0x72: // LONG_BINPUT
        memo.set(u32(), top());
        break;
      case 0x68: // BINGET
      case 0x6a: {
        // LONG_BINGET
        const k = op === 0x68 ? u8() : u32();
        const v = memo.get(k);
        if (v === undefined) fail(`memo entry ${k} read before it was written`);
        stack.push(v!);
        break;
      }
      default:
        fail(`the opcode 0x${op.toString(16).padStart(2, "0")}, which a Planetoid file does not use (refused)`);
    }
  }
}
