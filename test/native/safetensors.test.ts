import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  AdamW,
  decodeSafetensors,
  encodeSafetensors,
  loadCheckpoint,
  memory,
  readSafetensors,
  saveCheckpoint,
  type Tensor,
  tensor,
  tidy,
  type WerankError,
  writeSafetensors,
} from "../../src/index.js";
import { prefixed, unprefixed } from "../../src/train/checkpoint/checkpoint.js";

let dir: string;
let base: number;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "wn-st-"));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  base = memory().tensors;
});
afterEach(() => {
  expect(memory().tensors).toBe(base);
});

/** One tensor of every supported dtype, with awkward shapes (scalar, empty, odd sizes). */
function sample(): Record<string, Tensor> {
  return {
    "encoder.layers.0.weight": tensor(
      Float32Array.from({ length: 15 }, (_, i) => Math.sin(i) * 1e3),
      { shape: [3, 5] },
    ),
    "encoder.f64": tensor(Float64Array.from([Math.PI, -0, 1e-300, Number.MAX_VALUE]), { shape: [2, 2] }),
    "counts.i32": tensor(Int32Array.from([1, -2, 2147483647])),
    "counts.i64": tensor(BigInt64Array.from([1n, -(2n ** 62n), 9007199254740993n])),
    flags: tensor([true, false, true]),
    bytes: tensor(Uint8Array.from([0, 255, 7]), { dtype: "uint8" }),
    signed: tensor(Int8Array.from([-128, 127, 0, 5, 1])),
    scalar: tensor(2.5, { dtype: "float64" }),
    empty: tensor(new Float32Array(0), { shape: [0, 4] }),
  };
}

function disposeAll(r: Record<string, Tensor>): void {
  for (const t of Object.values(r)) t.dispose();
}

function expectSame(a: Record<string, Tensor>, b: Record<string, Tensor>): void {
  expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
  for (const [k, t] of Object.entries(a)) {
    expect(b[k]!.dtype, k).toBe(t.dtype);
    expect(b[k]!.shape, k).toEqual(t.shape);
    expect(b[k]!.toTypedArray(), k).toEqual(t.toTypedArray());
  }
}

describe("safetensors format", () => {
  it("round-trips every supported dtype, scalars and empty tensors, with metadata", () => {
    const t = sample();
    const file = path.join(dir, "a.safetensors");
    writeSafetensors(file, t, { step: "12", note: "ü" });
    const r = readSafetensors(file);
    expectSame(t, r.tensors);
    expect(r.metadata).toEqual({ step: "12", note: "ü" });
    disposeAll(t);
    disposeAll(r.tensors);
  });

  it("writes the layout of the spec: u64 LE header length, padded JSON header, aligned back-to-back data", () => {
    const t = sample();
    const bytes = encodeSafetensors(t, { k: "v" });
    const n = Number(bytes.readBigUInt64LE(0));
    expect(n % 8).toBe(0);
    const text = bytes.subarray(8, 8 + n).toString("utf8");
    expect(text[0]).toBe("{");
    expect(text.trimEnd().length).toBeLessThanOrEqual(n);
    expect(/^[^ ]* *$/.test(text.replace(/"[^"]*"/g, '""'))).toBe(true); // only trailing spaces as padding
    const header = JSON.parse(text) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
    expect(header.__metadata__).toEqual({ k: "v" });
    const entries = Object.entries(header).filter(([k]) => k !== "__metadata__");
    const size: Record<string, number> = { F64: 8, I64: 8, F32: 4, I32: 4, U8: 1, I8: 1, BOOL: 1 };
    let pos = 0;
    for (const [, e] of entries.sort((x, y) => x[1].data_offsets[0] - y[1].data_offsets[0])) {
      expect(e.data_offsets[0]).toBe(pos);
      expect(e.data_offsets[0] % size[e.dtype]!).toBe(0); // aligned (header length is a multiple of 8)
      pos = e.data_offsets[1];
    }
    expect(pos).toBe(bytes.length - 8 - n);
    expect(header["encoder.layers.0.weight"]).toEqual({ dtype: "F32", shape: [3, 5], data_offsets: expect.any(Array) });
    // float32 data little-endian at its offset
    const w = header["encoder.layers.0.weight"]!;
    expect(bytes.readFloatLE(8 + n + w.data_offsets[0] + 4)).toBeCloseTo(Math.fround(Math.sin(1) * 1e3), 3);
    // deterministic
    expect(encodeSafetensors(t, { k: "v" }).equals(bytes)).toBe(true);
    disposeAll(t);
  });

  it("reads files written by other writers: no padding, odd alignment, reordered header", () => {
    // Hand-built: an unpadded 1-byte-misaligned header; F64 data at an address that is not 8-aligned.
    const header = JSON.stringify({ b: { dtype: "I8", shape: [1], data_offsets: [8, 9] }, a: { dtype: "F64", shape: [1], data_offsets: [0, 8] } });
    const data = Buffer.alloc(9);
    data.writeDoubleLE(-1.25, 0);
    data.writeInt8(-3, 8);
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(header.length));
    const r = decodeSafetensors(Buffer.concat([len, Buffer.from(header), data]));
    expect(r.tensors.a!.toArray()).toEqual([-1.25]);
    expect(r.tensors.b!.toArray()).toEqual([-3]);
    expect(r.metadata).toEqual({});
    disposeAll(r.tensors);
  });

  describe("rejects corrupt files with ERR_DATA", () => {
    const good = (): Buffer => tidy(() => encodeSafetensors({ x: tensor([1, 2, 3]), y: tensor([4, 5], { dtype: "float64" }) }));
    const withHeader = (h: unknown, dataLen = 20): Buffer => {
      const text = Buffer.isBuffer(h) ? h : Buffer.from(typeof h === "string" ? h : JSON.stringify(h));
      const len = Buffer.alloc(8);
      len.writeBigUInt64LE(BigInt(text.length));
      return Buffer.concat([len, text, Buffer.alloc(dataLen)]);
    };
    const failure = (bytes: Uint8Array): WerankError => {
      try {
        disposeAll(decodeSafetensors(bytes, "bad.safetensors").tensors);
      } catch (e) {
        return e as WerankError;
      }
      throw new Error("expected a failure");
    };
    const cases: [string, () => Uint8Array, RegExp][] = [
      ["empty file", () => new Uint8Array(0), /truncated/],
      ["truncated length", () => good().subarray(0, 5), /truncated/],
      ["truncated header", () => good().subarray(0, 20), /truncated/],
      ["truncated data", () => good().subarray(0, good().length - 1), /outside|trailing|truncated/],
      ["trailing bytes", () => Buffer.concat([good(), Buffer.alloc(3)]), /trailing/],
      [
        "huge header length",
        () => {
          const b = good();
          b.writeBigUInt64LE(2n ** 60n, 0);
          return b;
        },
        /exceeds/,
      ],
      ["bad JSON", () => withHeader("{not json"), /not valid JSON/],
      ["not an object", () => withHeader("[1,2]"), /must start with '\{'/],
      ["bad UTF-8", () => withHeader(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])), /not valid UTF-8/],
      ["unknown dtype", () => withHeader({ x: { dtype: "F99", shape: [1], data_offsets: [0, 4] } }, 4), /unknown dtype/],
      ["unsupported dtype", () => withHeader({ x: { dtype: "F16", shape: [2], data_offsets: [0, 4] } }, 4), /unsupported dtype "F16"/],
      ["negative shape", () => withHeader({ x: { dtype: "F32", shape: [-1], data_offsets: [0, 4] } }, 4), /shape/],
      ["size mismatch", () => withHeader({ x: { dtype: "F32", shape: [2], data_offsets: [0, 4] } }, 4), /needs 8 bytes/],
      ["offsets out of range", () => withHeader({ x: { dtype: "F32", shape: [2], data_offsets: [0, 8] } }, 4), /outside/],
      ["reversed offsets", () => withHeader({ x: { dtype: "U8", shape: [0], data_offsets: [4, 0] } }, 4), /end before/],
      ["overlap", () => withHeader({ x: { dtype: "F32", shape: [2], data_offsets: [0, 8] }, y: { dtype: "F32", shape: [2], data_offsets: [4, 12] } }, 12), /overlaps/],
      ["hole", () => withHeader({ x: { dtype: "F32", shape: [1], data_offsets: [4, 8] } }, 8), /hole/],
      ["bad metadata", () => withHeader({ __metadata__: { a: 1 } }, 0), /must be a string/],
      ["missing offsets", () => withHeader({ x: { dtype: "F32", shape: [1] } }, 4), /data_offsets/],
    ];
    for (const [name, make, msg] of cases) {
      it(name, () => {
        const e = failure(make());
        expect(e.code).toBe("ERR_DATA");
        expect(e.message).toMatch(msg);
        expect(e.message).toContain("bad.safetensors");
      });
    }
    it("a missing file is ERR_IO", () => {
      expect(() => readSafetensors(path.join(dir, "nope.safetensors"))).toThrow(/does not exist/);
    });
  });

  it("writes atomically: a failing write leaves the old file and no temp file", () => {
    const file = path.join(dir, "atomic.safetensors");
    const t = { x: tensor([1, 2]) };
    writeSafetensors(file, t);
    const before = fs.readFileSync(file);
    const disposed = tensor([3]);
    disposed.dispose();
    expect(() => writeSafetensors(file, { x: disposed })).toThrow();
    expect(() => writeSafetensors(file, { __metadata__: t.x })).toThrow(/reserved/);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
    expect(fs.readdirSync(dir).filter((f) => f.includes(".tmp-"))).toEqual([]);
    disposeAll(t);
  });

  it("bytes are spec-conformant for an independent Python reader (struct/json/numpy)", (ctx) => {
    const py = ["/usr/bin/python3", "python3"].find((p) => spawnSync(p, ["-c", "import numpy"]).status === 0);
    if (py === undefined) {
      console.warn("SKIPPED: no python3 with numpy for the independent safetensors reader");
      ctx.skip();
      return;
    }
    const hasSt = spawnSync(py, ["-c", "import safetensors"]).status === 0;
    const t = sample();
    const file = path.join(dir, "py.safetensors");
    writeSafetensors(file, t, { who: "werank" });
    // Without the safetensors package: a minimal reader written from the spec (8-byte LE length,
    // JSON header, little-endian C-order data); with it, safetensors.numpy.load_file as well.
    const script = `
import json, struct, sys
import numpy as np
path = sys.argv[1]
raw = open(path, "rb").read()
(n,) = struct.unpack("<Q", raw[:8])
header = json.loads(raw[8:8 + n].decode("utf-8"))
meta = header.pop("__metadata__", None)
dt = {"F32": "<f4", "F64": "<f8", "I32": "<i4", "I64": "<i8", "U8": "u1", "I8": "i1", "BOOL": "?"}
out = {"meta": meta}
for k, e in header.items():
    b, en = e["data_offsets"]
    a = np.frombuffer(raw[8 + n + b: 8 + n + en], dtype=dt[e["dtype"]]).reshape(e["shape"])
    out[k] = {"shape": list(a.shape), "values": [str(v) for v in a.flatten().tolist()]}
if ${hasSt ? "True" : "False"}:
    from safetensors.numpy import load_file
    ref = load_file(path)
    for k, a in ref.items():
        assert [str(v) for v in a.flatten().tolist()] == out[k]["values"], k
    out["checked_with_safetensors"] = True
print(json.dumps(out))
`;
    const r = spawnSync(py, ["-c", script, file], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, { shape: number[]; values: string[] }> & { meta: Record<string, string> };
    expect(out.meta).toEqual({ who: "werank" });
    for (const [k, tt] of Object.entries(t)) {
      expect(out[k]!.shape, k).toEqual(tt.shape);
      const flat = Array.from(tt.toTypedArray() as ArrayLike<number | bigint>, (v) => v);
      const want = tt.dtype === "bool" ? flat.map((v) => (v ? "True" : "False")) : flat.map((v) => String(v));
      if (tt.dtype.startsWith("float"))
        out[k]!.values.forEach((v, i) => expect(Number(v)).toBe(flat[i])); // Object.is: keeps -0
      else expect(out[k]!.values, k).toEqual(want);
    }
    console.log(`safetensors bytes verified by ${py}${hasSt ? " (safetensors package too)" : " (independent struct/json/numpy reader; the safetensors package is not installed)"}`);
    disposeAll(t);
  });
});

describe("checkpoints (.safetensors + JSON sidecar)", () => {
  it("saves model and optimizer state and resumes it", () => {
    const w = tensor(Float32Array.from([0.1, 0.2, 0.3, 0.4]), { shape: [2, 2], requiresGrad: true });
    const opt = new AdamW([w], { lr: 0.01, weightDecay: 1e-5 });
    tidy(() => w.square().sum().backward());
    opt.step();
    const sd = opt.stateDict();
    const files = saveCheckpoint(path.join(dir, "ck", "step-1"), {
      tensors: { "encoder.weight": w, ...prefixed("optimizer.", sd.tensors) },
      sidecar: { step: 1, optimizer: sd.scalars },
      metadata: { format: "pt" },
    });
    expect(fs.existsSync(files.tensors) && fs.existsSync(files.sidecar)).toBe(true);
    const ck = loadCheckpoint(path.join(dir, "ck", "step-1.json"));
    expect(ck.sidecar.step).toBe(1);
    expect(ck.metadata).toEqual({ format: "pt" });
    expect(ck.tensors["encoder.weight"]!.toTypedArray()).toEqual(w.toTypedArray());
    const w2 = ck.tensors["encoder.weight"]!.detach().setRequiresGrad(true);
    const opt2 = new AdamW([w2]);
    opt2.loadStateDict({ tensors: unprefixed("optimizer.", ck.tensors), scalars: ck.sidecar.optimizer as never });
    expect(opt2.hyper).toEqual(opt.hyper);
    const loaded = opt2.stateDict();
    expect(loaded.scalars.steps).toEqual([1]);
    disposeAll(loaded.tensors);
    for (const [o, p] of [
      [opt, w],
      [opt2, w2],
    ] as const) {
      o.zeroGrad();
      tidy(() => p.square().sum().backward());
      o.step();
    }
    expect(w2.toTypedArray()).toEqual(w.toTypedArray());
    const sd2 = opt2.stateDict();
    disposeAll(sd2.tensors);
    disposeAll(sd.tensors);
    disposeAll(ck.tensors);
    opt.dispose();
    opt2.dispose();
    for (const t of [w, w2]) {
      t.zeroGrad();
      t.dispose();
    }
  });

  it("refuses a tensor file that does not match its sidecar, or a bad sidecar (ERR_DATA)", () => {
    const t = { x: tensor([1, 2, 3]) };
    const base0 = path.join(dir, "ck2", "a");
    const files = saveCheckpoint(base0, { tensors: t, sidecar: { step: 3 } });
    const doubled = t.x.mul(2);
    const other = saveCheckpoint(path.join(dir, "ck2", "b"), { tensors: { x: doubled } });
    doubled.dispose();
    disposeAll(loadCheckpoint(base0).tensors);
    fs.copyFileSync(other.tensors, files.tensors);
    expect(() => loadCheckpoint(base0)).toThrow(/does not match its sidecar/);
    fs.writeFileSync(files.sidecar, "{ not json");
    expect(() => loadCheckpoint(base0)).toThrow(/not valid JSON/);
    fs.writeFileSync(files.sidecar, JSON.stringify({ format: "other" }));
    expect(() => loadCheckpoint(base0)).toThrow(/sidecar/);
    expect(() => loadCheckpoint(path.join(dir, "ck2", "missing"))).toThrow(/does not exist/);
    disposeAll(t);
  });
});
