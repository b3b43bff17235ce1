// Over 400 lines on purpose: one tokenizer state machine (NumberTableParser) whose hot loop must stay in one place to stay fast.
/**
 * A streaming parser for numeric text tables (CSV, TSV or whitespace-separated; optionally
 * gzip-compressed): bytes go through a hand-written number tokenizer straight into growing typed
 * arrays, with no per-line strings, so an ogbn-arxiv feature file (169k rows × 128 floats) parses in
 * seconds in constant extra memory.
 *
 * Rules: values are separated by `,`, `;`, tab or spaces; lines by `\n` (`\r` is ignored); empty
 * lines are skipped; a first line with a non-numeric value is a header (when `header` is "auto" or
 * true); every data line has the same number of values. `nan`/`inf`/`infinity` (any case, signed)
 * parse to NaN/±Infinity so the caller's finiteness check can name their position. Anything else
 * non-numeric, a ragged line or an integer out of range is an ERR_DATA naming file, line and column.
 *
 * @example
 * ```ts
 * const t = await readNumberTable("raw/edge.csv.gz", { type: "int32" });
 * t.rows; t.cols;   // 1166243 2
 * t.data;           // Int32Array, row-major
 * ```
 */
import fs from "node:fs";
import zlib from "node:zlib";
import { DataError } from "../errors.js";
import { assertRegularFile } from "../util/regularFile.js";

export type TableType = "int32" | "float32" | "float64";

export interface NumberTable {
  rows: number;
  cols: number;
  /** rows * cols values, row-major. */
  data: Int32Array | Float32Array | Float64Array;
  /** Header fields when the first line was a header. */
  header?: string[];
}

export interface TableOptions {
  type: TableType;
  /** "auto" (default): a first line with a non-numeric value is a header; false: never; true: always skip line 1. */
  header?: "auto" | boolean;
  /** Required values per line (default: whatever the first data line has). */
  cols?: number;
  /** Name used in messages (default: the path). */
  file?: string;
  /** Stop after this many data rows (e.g. 1 to peek at the width). */
  maxRows?: number;
  /**
   * Refuse more than this many data rows (e.g. one per node when the node count is known). It also
   * bounds the text read: at most 1 MiB + 64 bytes per expected value, so a compression bomb or a
   * file of blank lines fails early instead of inflating gigabytes.
   */
  limitRows?: number;
  /** Refuse lines with more values than this (default 2^20). */
  maxCols?: number;
  /** Refuse more than this many bytes of (decompressed) text. */
  maxBytes?: number;
}

/** Bytes of text allowed per expected value (a float with 17 digits, exponent and separator fits). */
const BYTES_PER_VALUE = 64;
const SLACK_BYTES = 1 << 20;

const POW10 = new Float64Array(309);
for (let k = 0; k < 309; k++) POW10[k] = Number(`1e${k}`);

function scale(m: number, e: number): number {
  if (m === 0) return 0;
  if (e >= 0) return e > 308 ? Infinity : m * POW10[e]!;
  if (e >= -308) return m / POW10[-e]!;
  return e < -400 ? 0 : m / 1e308 / POW10[-e - 308]!;
}

type Sink = Int32Array | Float32Array | Float64Array;

/** Incremental parser: feed chunks with push(), then end(). */
export class NumberTableParser {
  private readonly type: TableType;
  private readonly file: string;
  private readonly headerMode: "auto" | boolean;
  private readonly maxRows: number;
  private readonly limitRows: number;
  private readonly maxCols: number;
  private readonly maxBytes: number;
  private bytes = 0;
  private cols: number;
  private data: Sink;
  private n = 0;
  private rows = 0;
  private line = 1;
  private header: string[] | undefined;
  /** Values of the first line, held until the line ends (it may be a header). */
  private first: number[] | undefined = [];
  private firstText: string[] = [];
  private firstHasText = false;
  // Token state.
  private inTok = false;
  private neg = false;
  private mant = 0;
  private mantDigits = 0;
  private dropExp = 0;
  private frac = 0;
  private inFrac = false;
  private inExp = false;
  private expNeg = false;
  private exp = 0;
  private expDigits = 0;
  /** Just after 'e': a sign may follow. */
  private expSignOk = false;
  private sawDigit = false;
  private bad = false;
  /** The current token's first 64 bytes (for messages and header fields). */
  private readonly tok = new Uint8Array(64);
  private tokLen = 0;
  private lineVals = 0;
  private hardSepPending = false;
  /** True once maxRows rows were read. */
  done = false;

  constructor(options: TableOptions & { file: string }) {
    this.type = options.type;
    this.file = options.file;
    this.headerMode = options.header ?? "auto";
    this.maxRows = options.maxRows ?? Infinity;
    this.limitRows = options.limitRows ?? Infinity;
    this.maxCols = options.maxCols ?? 1 << 20;
    this.maxBytes = options.maxBytes ?? Infinity;
    this.cols = options.cols ?? -1;
    this.data = this.alloc(1 << 14);
  }

  private alloc(n: number): Sink {
    return this.type === "int32" ? new Int32Array(n) : this.type === "float32" ? new Float32Array(n) : new Float64Array(n);
  }

  private fail(msg: string): never {
    throw new DataError(`Malformed numeric table ${this.file} at line ${this.line}: ${msg}`);
  }

  private tokText(): string {
    return Buffer.from(this.tok.subarray(0, this.tokLen)).toString("latin1");
  }

  /** Value of a token that is not a plain number: nan/inf spellings, else undefined (text). */
  private specialValue(): number | undefined {
    const m = /^([+-]?)(nan|inf|infinity)$/i.exec(this.tokText());
    if (!m) return undefined;
    return m[2]!.toLowerCase() === "nan" ? NaN : m[1] === "-" ? -Infinity : Infinity;
  }

  /** Stores one finished value (`text` set for a non-numeric token). */
  private emit(v: number, text: string | undefined): void {
    this.lineVals++;
    const col = this.lineVals;
    if (col > this.maxCols) this.fail(`expected at most ${this.maxCols} values per line but the line goes on past that`);
    if (this.first) {
      if (text !== undefined) {
        this.firstHasText = true;
        this.firstText.push(text);
      } else {
        this.firstText.push(this.tokText());
        this.first.push(v);
      }
    } else {
      if (text !== undefined) this.fail(`expected a number in column ${col} but received '${text.slice(0, 40)}'`);
      this.store(v, col);
    }
    this.hardSepPending = false;
  }

  private store(v: number, col: number, text?: string): void {
    if (this.type === "int32" && !(Number.isInteger(v) && v >= -2147483648 && v <= 2147483647)) {
      this.fail(`expected an integer in int32 range in column ${col} but received ${(text ?? this.tokText()).slice(0, 40)}`);
    }
    if (this.n === this.data.length) {
      const bigger = this.alloc(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.n++] = v;
  }

  /** The most text bytes this table may have, given what is known of its shape so far. */
  private byteCap(): number {
    if (this.limitRows === Infinity) return this.maxBytes;
    const values = this.cols < 0 ? this.maxCols : this.cols * (this.limitRows + 1);
    return Math.min(this.maxBytes, SLACK_BYTES + BYTES_PER_VALUE * values);
  }

  /** Ends a line (no token may be pending). */
  private endLine(): void {
    if (this.hardSepPending) this.fail(`empty value after the last separator in column ${this.lineVals + 1}`);
    const k = this.lineVals;
    this.lineVals = 0;
    if (k > 0) {
      if (this.first) {
        const first = this.first;
        this.first = undefined;
        const isHeader = this.headerMode === true || (this.headerMode === "auto" && this.firstHasText);
        if (isHeader) this.header = this.firstText;
        else {
          if (this.firstHasText) {
            const bad = this.firstText.find((t) => !/^[+-]?(\d|\.\d|nan|inf)/i.test(t));
            this.fail(`expected a number but received '${(bad ?? "").slice(0, 40)}' (a header is not allowed here)`);
          }
          for (let c = 0; c < first.length; c++) this.store(first[c]!, c + 1, this.firstText[c]);
          this.checkRow(k);
        }
      } else this.checkRow(k);
    }
    this.line++;
  }

  private checkRow(k: number): void {
    if (this.cols < 0) this.cols = k;
    else if (k !== this.cols) this.fail(`expected ${this.cols} values per line but received ${k}`);
    this.rows++;
    if (this.rows > this.limitRows) this.fail(`expected at most ${this.limitRows} data lines but there are more`);
    if (this.rows >= this.maxRows) this.done = true;
  }

  /**
   * Parses one chunk of bytes (a value may continue into the next chunk). The token state lives in
   * locals inside the loop (written back at the end): this loop sees every byte of a 200 MB file.
   */
  push(buf: Uint8Array): void {
    const tok = this.tok;
    let inTok = this.inTok;
    let neg = this.neg;
    let mant = this.mant;
    let mantDigits = this.mantDigits;
    let dropExp = this.dropExp;
    let frac = this.frac;
    let inFrac = this.inFrac;
    let inExp = this.inExp;
    let expNeg = this.expNeg;
    let exp = this.exp;
    let expDigits = this.expDigits;
    let expSignOk = this.expSignOk;
    let sawDigit = this.sawDigit;
    let bad = this.bad;
    let tokLen = this.tokLen;
    const len = buf.length;
    if (this.done) return;
    this.bytes += len;
    const cap = this.byteCap();
    if (this.bytes > cap) {
      throw new DataError(
        `Malformed numeric table ${this.file}: more than ${cap} bytes of text${this.limitRows < Infinity ? ` for at most ${this.limitRows} lines of ${this.cols < 0 ? `up to ${this.maxCols}` : this.cols} values` : ""} (a corrupt file or a compression bomb)`,
      );
    }
    for (let i = 0; i < len; i++) {
      const b = buf[i]!;
      // Separators: , ; tab (hard), space and \r (soft), \n (end of line).
      if (b === 44 || b === 32 || b === 10 || b === 9 || b === 59 || b === 13) {
        if (inTok) {
          inTok = false;
          this.tokLen = tokLen;
          if (bad || !sawDigit || (inExp && expDigits === 0)) {
            const sv = this.specialValue();
            this.emit(sv ?? NaN, sv === undefined ? this.tokText() : undefined);
          } else {
            const v = scale(mant, (expNeg ? -exp : exp) - frac + dropExp);
            this.emit(neg ? -v : v, undefined);
          }
          if (b === 44 || b === 9 || b === 59) this.hardSepPending = true;
        } else if (b === 44 || b === 9 || b === 59) {
          if (this.hardSepPending || this.lineVals === 0) this.fail(`empty value in column ${this.lineVals + 1}`);
          this.hardSepPending = true;
        }
        if (b === 10) {
          this.endLine();
          if (this.done) break;
        }
        continue;
      }
      if (!inTok) {
        inTok = true;
        neg = false;
        mant = 0;
        mantDigits = 0;
        dropExp = 0;
        frac = 0;
        inFrac = false;
        inExp = false;
        expNeg = false;
        exp = 0;
        expDigits = 0;
        expSignOk = false;
        sawDigit = false;
        bad = false;
        tok[0] = b;
        tokLen = 1;
        if (b === 45 || b === 43) {
          neg = b === 45;
          continue;
        }
      } else if (tokLen < 64) tok[tokLen++] = b;
      if (bad) continue;
      const signOk = expSignOk;
      expSignOk = false;
      if (b >= 48 && b <= 57) {
        const d = b - 48;
        if (inExp) {
          if (exp < 100000) exp = exp * 10 + d;
          expDigits++;
        } else {
          sawDigit = true;
          if (mantDigits < 17) {
            if (mant !== 0 || d !== 0) mantDigits++;
            mant = mant * 10 + d;
            if (inFrac) frac++;
          } else if (!inFrac) dropExp++;
        }
      } else if (b === 46 && !inFrac && !inExp) inFrac = true;
      else if ((b === 101 || b === 69) && !inExp && sawDigit) {
        inExp = true;
        expSignOk = true;
      } else if ((b === 45 || b === 43) && signOk) expNeg = b === 45;
      else bad = true;
    }
    this.inTok = inTok;
    this.neg = neg;
    this.mant = mant;
    this.mantDigits = mantDigits;
    this.dropExp = dropExp;
    this.frac = frac;
    this.inFrac = inFrac;
    this.inExp = inExp;
    this.expNeg = expNeg;
    this.exp = exp;
    this.expDigits = expDigits;
    this.expSignOk = expSignOk;
    this.sawDigit = sawDigit;
    this.bad = bad;
    this.tokLen = tokLen;
  }

  /** Finishes parsing and returns the table. */
  end(): NumberTable {
    // A last line without a newline: terminate it like any other.
    if (!this.done && (this.inTok || this.lineVals > 0 || this.hardSepPending)) this.push(NEWLINE);
    if (this.first && !this.done) this.first = undefined;
    const cols = Math.max(this.cols, 0);
    const data = this.n === this.data.length ? this.data : this.data.slice(0, this.n);
    const t: NumberTable = { rows: this.rows, cols, data };
    if (this.header) t.header = this.header;
    return t;
  }
}

const NEWLINE = Uint8Array.of(10);

/** True for gzip data (magic bytes 1f 8b). */
function isGzipFile(path: string, file: string): boolean {
  try {
    const fd = fs.openSync(path, "r");
    try {
      const b = Buffer.alloc(2);
      return fs.readSync(fd, b, 0, 2, 0) === 2 && b[0] === 0x1f && b[1] === 0x8b;
    } finally {
      fs.closeSync(fd);
    }
  } catch (e) {
    throw new DataError(`Cannot read ${file}: ${(e as Error).message}`, { cause: e });
  }
}

/**
 * Inflated bytes allowed per compressed byte when the caller knows no row count: numeric CSVs
 * compress 2-20× (more only when tiny, which the slack covers); a compression bomb reaches ~1000×.
 */
const MAX_GZIP_RATIO = 32;
const GZIP_SLACK_BYTES = 16 << 20;

/**
 * Reads a (possibly gzip-compressed) numeric table file, streaming. Only regular files are read (a
 * FIFO or `/dev/zero` is refused before opening); a `.gz` name must hold gzip data, and empty,
 * truncated or corrupt gzip streams are ERR_DATA. Without `limitRows`, a gzip stream may inflate to
 * at most 16 MiB + 32× its compressed size.
 */
export async function readNumberTable(path: string, options: TableOptions): Promise<NumberTable> {
  const file = options.file ?? path;
  const st = assertRegularFile(path, { what: "table file" });
  const gz = isGzipFile(path, file);
  if (!gz && path.toLowerCase().endsWith(".gz")) {
    throw new DataError(`Expected gzip data in ${file} (the name ends in .gz) but ${st.size === 0 ? "the file is empty" : "it does not start with the gzip magic bytes 1f 8b"}`);
  }
  const parserOptions: TableOptions & { file: string } = { ...options, file };
  if (gz && options.limitRows === undefined) parserOptions.maxBytes = Math.min(options.maxBytes ?? Infinity, GZIP_SLACK_BYTES + MAX_GZIP_RATIO * st.size);
  const parser = new NumberTableParser(parserOptions);
  const input = fs.createReadStream(path, { highWaterMark: 1 << 20 });
  const stream = gz ? input.pipe(zlib.createGunzip({ chunkSize: 1 << 20 })) : input;
  // A truncated gzip member makes the gunzip stream error; surface it through the iteration below.
  if (gz) input.on("error", (e) => stream.destroy(e));
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      parser.push(chunk);
      if (parser.done) break;
    }
  } catch (e) {
    if (e instanceof DataError) throw e;
    throw new DataError(`Cannot read ${file}${gz ? " (gzip data truncated or corrupt)" : ""}: ${(e as Error).message}`, { cause: e });
  } finally {
    input.destroy();
    if (stream !== input) (stream as zlib.Gunzip).destroy();
  }
  return parser.end();
}

/** Parses numeric table text already in memory (tests, small files). */
export function parseNumberTable(text: string | Uint8Array, options: TableOptions): NumberTable {
  const parser = new NumberTableParser({ ...options, file: options.file ?? "<text>" });
  parser.push(typeof text === "string" ? Buffer.from(text, "utf8") : text);
  return parser.end();
}
