import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { NumberTableParser, parseNumberTable, readNumberTable } from "../../../src/data/numberTable.js";
import { DataError } from "../../../src/errors.js";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "werank-table-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function bad(text: string, type: "int32" | "float32" | "float64" = "float64", header: "auto" | boolean = "auto"): string {
  try {
    parseNumberTable(text, { type, header, file: "t.csv" });
  } catch (e) {
    expect(e).toBeInstanceOf(DataError);
    return (e as Error).message;
  }
  throw new Error("expected a DataError");
}

describe("parseNumberTable", () => {
  it("parses CSV, TSV, semicolons and spaces, with CRLF and a missing final newline", () => {
    for (const text of ["1,2\n3,4\n", "1\t2\r\n3\t4", "1;2\n\n3;4\n\n", "  1   2\n3 4  \n", "1, 2\n3 ,4\n"]) {
      const t = parseNumberTable(text, { type: "int32" });
      expect([t.rows, t.cols, Array.from(t.data)]).toEqual([2, 2, [1, 2, 3, 4]]);
    }
  });

  it("parses float syntax exactly as Number() does for float64", () => {
    const toks = ["0", "-0.5", "+3", "1e3", "2.5E-3", ".25", "5.", "-1.7976931348623157e308", "4.9e-324", "123456789012345678901", "0.1", "3.14159265358979", "1e-310"];
    const t = parseNumberTable(toks.join(","), { type: "float64" });
    expect(Array.from(t.data)).toEqual(toks.map(Number));
    const f = parseNumberTable("0.1,1e-45,3.4028235e38", { type: "float32" });
    expect(Array.from(f.data)).toEqual([Math.fround(0.1), Math.fround(1e-45), Math.fround(3.4028235e38)]);
  });

  it("detects a header line, or treats it as required/forbidden when told", () => {
    const t = parseNumberTable("src,dst\n0,1\n", { type: "int32" });
    expect(t.header).toEqual(["src", "dst"]);
    expect(t.rows).toBe(1);
    expect(parseNumberTable("5,6\n0,1\n", { type: "int32", header: true }).rows).toBe(1);
    expect(bad("src,dst\n0,1\n", "int32", false)).toContain("line 1: expected a number but received 'src' (a header is not allowed here)");
  });

  it("parses nan and inf so callers can report their position", () => {
    const t = parseNumberTable("nan,-inf\nInfinity,NaN\n", { type: "float32" });
    expect(Array.from(t.data)).toEqual([NaN, -Infinity, Infinity, NaN]);
  });

  it("names line and column of malformed input", () => {
    expect(bad("1,2\n3,x\n")).toBe("Malformed numeric table t.csv at line 2: expected a number in column 2 but received 'x'");
    expect(bad("1,2\n3,4,5\n")).toBe("Malformed numeric table t.csv at line 2: expected 2 values per line but received 3");
    expect(bad("1,,2\n")).toContain("line 1: empty value in column 2");
    expect(bad("1,2,\n")).toContain("empty value after the last separator");
    expect(bad("1\n2.5\n", "int32")).toContain("line 2: expected an integer in int32 range in column 1 but received 2.5");
    expect(bad("1\n3000000000\n", "int32")).toContain("3000000000");
    expect(bad("1\n1e\n")).toContain("received '1e'");
    expect(bad("1\n1-2\n")).toContain("received '1-2'");
  });

  it("handles numbers split across chunks", () => {
    const p = new NumberTableParser({ type: "float64", file: "c" });
    for (const piece of ["12", ".5e", "-1,", "3\n", "4,-", "7"]) p.push(Buffer.from(piece));
    expect(Array.from(p.end().data)).toEqual([1.25, 3, 4, -7]);
  });

  it("stops after maxRows", () => {
    expect(parseNumberTable("1,2,3\n4,5\n", { type: "int32", maxRows: 1 }).cols).toBe(3);
  });
});

describe("readNumberTable", () => {
  it("streams plain and gzip files (by magic bytes) with the same result", async () => {
    const rows = Array.from({ length: 5000 }, (_, i) => `${i},${(i * 0.37).toFixed(4)},-${i % 13}e-2`).join("\n");
    fs.writeFileSync(path.join(tmp, "a.csv"), rows);
    fs.writeFileSync(path.join(tmp, "a.csv.gz"), zlib.gzipSync(rows));
    const a = await readNumberTable(path.join(tmp, "a.csv"), { type: "float64" });
    const b = await readNumberTable(path.join(tmp, "a.csv.gz"), { type: "float64" });
    expect([a.rows, a.cols]).toEqual([5000, 3]);
    expect(a.data[3 * 4999 + 1]).toBe(Number((4999 * 0.37).toFixed(4)));
    expect(Array.from(b.data)).toEqual(Array.from(a.data));
  });

  it("reports corrupt gzip and missing files as ERR_DATA", async () => {
    const gz = zlib.gzipSync("1,2\n".repeat(1000));
    fs.writeFileSync(path.join(tmp, "bad.csv.gz"), gz.subarray(0, gz.length - 12));
    await expect(readNumberTable(path.join(tmp, "bad.csv.gz"), { type: "int32" })).rejects.toThrow(/Cannot read .*bad\.csv\.gz \(gzip data truncated or corrupt\)/);
    await expect(readNumberTable(path.join(tmp, "none.csv"), { type: "int32" })).rejects.toBeInstanceOf(DataError);
  });

  it("refuses non-regular files, empty or non-gzip .gz files, and more rows or text than allowed", async () => {
    await expect(readNumberTable("/dev/zero", { type: "int32" })).rejects.toThrow("Expected a regular file for the table file but /dev/zero is a character device");
    await expect(readNumberTable(tmp, { type: "int32" })).rejects.toThrow(/is a directory/);
    fs.writeFileSync(path.join(tmp, "empty.csv.gz"), "");
    await expect(readNumberTable(path.join(tmp, "empty.csv.gz"), { type: "int32" })).rejects.toThrow(/Expected gzip data in .*empty\.csv\.gz \(the name ends in \.gz\) but the file is empty/);
    fs.writeFileSync(path.join(tmp, "text.csv.gz"), "1,2\n");
    await expect(readNumberTable(path.join(tmp, "text.csv.gz"), { type: "int32" })).rejects.toThrow(/does not start with the gzip magic bytes/);
    expect(() => parseNumberTable("1\n2\n3\n", { type: "int32", limitRows: 2 })).toThrow("at line 3: expected at most 2 data lines but there are more");
    // Blank lines hold no values but still count against the text allowed for 2 rows of 1 value.
    fs.writeFileSync(path.join(tmp, "blank.csv"), `1\n${"\n".repeat(4 << 20)}`);
    await expect(readNumberTable(path.join(tmp, "blank.csv"), { type: "int32", limitRows: 2 })).rejects.toThrow(/blank\.csv: more than \d+ bytes of text for at most 2 lines of 1 values/);
    expect(() => parseNumberTable(`${"0,".repeat(20)}0\n`, { type: "int32", maxCols: 10 })).toThrow("expected at most 10 values per line");
    // A gzip stream without a row count may inflate to 16 MiB + 32x its size.
    fs.writeFileSync(path.join(tmp, "bomb.csv.gz"), zlib.gzipSync("0,1\n".repeat(8 << 20), { level: 9 }));
    await expect(readNumberTable(path.join(tmp, "bomb.csv.gz"), { type: "int32" })).rejects.toThrow(/bomb\.csv\.gz: more than \d+ bytes of text \(a corrupt file or a compression bomb\)/);
  });
});
