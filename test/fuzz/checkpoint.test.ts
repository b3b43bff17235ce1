/**
 * Fuzz suite for checkpoints (issue 15): a real checkpoint (`epoch-2` of a tiny run), damaged every
 * way a disk, a kill or a hand can damage it, then resumed by a Trainer as `train --resume` does
 * (test/fuzz/checkpointTarget.mjs), each variant in a child process with a timeout
 * (test/fuzz/harness.ts): device files and FIFOs for either file, truncations of either file at many
 * offsets (raw, and re-signed so the parser sees them), byte flips, every tensor's dtype re-declared
 * (I32 for F32, ...), shapes permuted, tensors dropped or added, and out-of-range sidecar fields
 * (epoch 1e12 / "2" / 1.5 / missing, generator, optimizer scalars, step times, format fields).
 * Nothing may crash, hang, print a stack or resume from semantically bad data. `WERANK_FUZZ=full`
 * (`npm run fuzz`) runs every variant (>= 200), the default a seeded subset (>= 30) plus the fixed ones.
 */
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRng } from "../../src/data/rng.js";
import { CLI, ensureDist } from "../helpers/dist.js";
import { writeTinyConfig } from "../helpers/tinyRun.js";
import { fuzzSuite, type Variant } from "./harness.js";
import { flipBits, overwriteBytes, specialFiles, truncationOffsets } from "./inputs.js";

let tmp: string;
let run: string;
let configFile: string;
let tensors: Buffer;
let sidecar: Record<string, unknown>;
beforeAll(() => {
  ensureDist();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "werank-fuzz-ck-"));
  const cfg = writeTinyConfig(tmp, { nodes: 120, features: 8, hidden: 6, epochs: 4, checkpointEvery: 2, splits: 1 });
  run = path.join(tmp, "run");
  execFileSync(process.execPath, [CLI, "train", "--config", cfg, "--run-dir", run, "--json"], { env: { ...process.env, WERANK_NUM_THREADS: "1" }, stdio: "ignore" });
  configFile = path.join(run, "config.json");
  tensors = fs.readFileSync(path.join(run, "checkpoints", "epoch-2.safetensors"));
  sidecar = JSON.parse(fs.readFileSync(path.join(run, "checkpoints", "epoch-2.json"), "utf8")) as Record<string, unknown>;
}, 120_000);
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

interface Header {
  meta: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] } | Record<string, string>>;
  data: Buffer;
}
function parse(b: Buffer): Header {
  const n = Number(b.readBigUInt64LE(0));
  return { meta: JSON.parse(b.subarray(8, 8 + n).toString("utf8")) as Header["meta"], data: b.subarray(8 + n) };
}
function encode(h: Header): Buffer {
  const json = Buffer.from(JSON.stringify(h.meta));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([len, json, h.data]);
}
const sha = (b: Uint8Array): string => createHash("sha256").update(b).digest("hex");

let k = 0;
/** Writes a checkpoint pair; `sign` records the tensor file's real size and SHA-256 in the sidecar. */
function write(t: Uint8Array | undefined, side: unknown, sign = true): string {
  const base = path.join(tmp, "v", `c${k++}`);
  fs.mkdirSync(path.dirname(base), { recursive: true });
  if (t) fs.writeFileSync(`${base}.safetensors`, t);
  const s = side !== null && typeof side === "object" && sign && t ? { ...(side as object), bytes: t.byteLength, sha256: sha(t) } : side;
  if (side !== undefined) fs.writeFileSync(`${base}.json`, typeof s === "string" ? s : JSON.stringify(s, null, 2));
  return base;
}
const withData = (edit: (d: Record<string, unknown>) => void): Record<string, unknown> => {
  const d = structuredClone(sidecar.data) as Record<string, unknown>;
  edit(d);
  return { ...sidecar, data: d };
};

function buildVariants(): { fixed: Variant[]; random: Variant[] } {
  const fixed: Variant[] = [];
  const random: Variant[] = [];
  const job = (base: string): Variant["job"] => ({ module: "test/fuzz/checkpointTarget.mjs", fn: "resumeFrom", args: [configFile, base] });
  const bad = (list: Variant[], name: string, base: string): void => void list.push({ name, expect: "bad", job: job(base), codes: ["ERR_DATA", "ERR_IO"] });
  fixed.push({ name: "the intact checkpoint", expect: "good", job: job(write(tensors, sidecar)) });

  // Not regular files, in place of either file.
  for (const s of specialFiles(tmp, "ck.safetensors")) {
    const a = path.join(tmp, "v", `c${k++}`);
    fs.mkdirSync(path.dirname(a), { recursive: true });
    fs.writeFileSync(`${a}.json`, JSON.stringify(sidecar));
    if (fs.existsSync(s.path) || s.name === "a missing file") fs.symlinkSync(s.path, `${a}.safetensors`);
    bad(fixed, `tensor file: ${s.name}`, a);
    const b = path.join(tmp, "v", `c${k++}`);
    fs.writeFileSync(`${b}.safetensors`, tensors);
    fs.symlinkSync(s.path, `${b}.json`);
    bad(fixed, `sidecar: ${s.name}`, b);
  }
  bad(fixed, "tensor file without a sidecar", write(tensors, undefined));
  bad(fixed, "sidecar without a tensor file", write(undefined, sidecar, false));

  // The cases, always run.
  for (const epoch of [1e12, "2", 1.5, -1, 5, null, "missing"]) {
    bad(
      fixed,
      `epoch ${JSON.stringify(epoch)}`,
      write(
        tensors,
        withData((d) => (epoch === "missing" ? delete d.epoch : (d.epoch = epoch))),
      ),
    );
  }
  const h = parse(tensors);
  const names = Object.keys(h.meta).filter((n) => n !== "__metadata__");
  const f32 = names.filter((n) => (h.meta[n] as { dtype: string }).dtype === "F32");
  const redeclare = (name: string, dtype: string): Buffer => {
    const c = structuredClone(h.meta);
    (c[name] as { dtype: string }).dtype = dtype;
    return encode({ meta: c, data: h.data });
  };
  bad(fixed, `I32 declared for F32 tensor ${f32[0]}`, write(redeclare(f32[0]!, "I32"), sidecar));
  // The same through the CLI: `eval` on the run, by name and by path (the documented forms).
  const i32 = redeclare(f32[0]!, "I32");
  fs.writeFileSync(path.join(run, "checkpoints", "doctored-i32.safetensors"), i32);
  fs.writeFileSync(path.join(run, "checkpoints", "doctored-i32.json"), JSON.stringify({ ...sidecar, bytes: i32.length, sha256: sha(i32) }));
  fixed.push({ name: "eval --checkpoint doctored-i32", expect: "bad", codes: ["ERR_DATA"], job: { cli: ["eval", run, "--checkpoint", "doctored-i32", "--json"] } });
  fixed.push({ name: "eval RUN_DIR/checkpoints/epoch-2", expect: "good", job: { cli: ["eval", path.join(run, "checkpoints", "epoch-2"), "--json"] } });

  // Every tensor re-declared with another dtype of the same element size, or a permuted shape, dropped.
  for (const n of names) {
    const e = h.meta[n] as { dtype: string; shape: number[] };
    const other = { F32: ["I32"], I64: ["F64"], F64: ["I64"], I32: ["F32"] }[e.dtype] ?? [];
    for (const dt of other) bad(random, `${dt} declared for ${e.dtype} tensor ${n}`, write(redeclare(n, dt), sidecar));
    if (e.shape.length === 2 && e.shape[0] !== e.shape[1]) {
      const c = structuredClone(h.meta);
      (c[n] as { shape: number[] }).shape = [e.shape[1]!, e.shape[0]!];
      bad(random, `shape of ${n} transposed`, write(encode({ meta: c, data: h.data }), sidecar));
    }
    if (e.shape.length >= 1 && e.shape.reduce((a, b) => a * b, 1) > 1) {
      const c = structuredClone(h.meta);
      (c[n] as { shape: number[] }).shape = [e.shape.reduce((a, b) => a * b, 1)];
      if (e.shape.length !== 1) bad(random, `shape of ${n} flattened`, write(encode({ meta: c, data: h.data }), sidecar));
    }
    const d = structuredClone(h.meta);
    const [b0, e0] = (d[n] as { data_offsets: [number, number] }).data_offsets;
    delete d[n];
    for (const m of names) {
      const o = (d[m] as { data_offsets: [number, number] } | undefined)?.data_offsets;
      if (o && o[0] >= e0) d[m] = { ...(d[m] as object), data_offsets: [o[0] - (e0 - b0), o[1] - (e0 - b0)] } as never;
    }
    bad(random, `tensor ${n} missing`, write(encode({ meta: d, data: Buffer.concat([h.data.subarray(0, b0), h.data.subarray(e0)]) }), sidecar));
  }
  {
    const c = structuredClone(h.meta);
    c["model.online.extra"] = { dtype: "F32", shape: [1], data_offsets: [h.data.length, h.data.length + 4] };
    bad(random, "an extra tensor", write(encode({ meta: c, data: Buffer.concat([h.data, Buffer.alloc(4)]) }), sidecar));
  }

  // Sidecar fields out of range.
  const dataEdits: [string, (d: Record<string, unknown>) => void][] = [
    ["generator a number", (d) => (d.generator = 7)],
    ["generator not base64", (d) => (d.generator = "%%%")],
    ["generator empty", (d) => (d.generator = "")],
    ["generator truncated", (d) => (d.generator = (d.generator as string).slice(0, 12))],
    ["optimizer null", (d) => (d.optimizer = null)],
    ["optimizer of another kind", (d) => (d.optimizer = { ...(d.optimizer as object), kind: "sgd" })],
    ["optimizer steps short", (d) => (d.optimizer = { ...(d.optimizer as object), steps: [1] })],
    ["optimizer lr negative", (d) => (d.optimizer = { ...(d.optimizer as object), hyper: { ...(d.optimizer as { hyper: object }).hyper, lr: -1 } })],
    ["optimizer hyper a string", (d) => (d.optimizer = { ...(d.optimizer as object), hyper: "fast" })],
    ["stepSeconds a string", (d) => (d.stepSeconds = "1")],
    ["stepSeconds too many", (d) => (d.stepSeconds = [1, 1, 1, 1, 1, 1, 1, 1])],
    ["stepSeconds negative", (d) => (d.stepSeconds = [-1])],
    ["lastLoss a string", (d) => (d.lastLoss = "low")],
    ["epoch Infinity-like", (d) => (d.epoch = 1e308)],
    ["epoch as object", (d) => (d.epoch = { n: 2 })],
  ];
  for (const [name, edit] of dataEdits) bad(random, `sidecar data: ${name}`, write(tensors, withData(edit)));
  const docEdits: [string, unknown][] = [
    ["format wrong", { ...sidecar, format: "other" }],
    ["version 2", { ...sidecar, version: 2 }],
    ["data an array", { ...sidecar, data: [] }],
    ["data missing", { ...sidecar, data: undefined }],
    ["an array", [sidecar]],
    ["null", null],
    ["a number", 42],
    ["a string", "checkpoint"],
  ];
  for (const [name, doc] of docEdits) bad(random, `sidecar: ${name}`, write(tensors, doc));
  for (const [name, v] of [
    ["bytes wrong", { bytes: 9 }],
    ["bytes huge", { bytes: 2 ** 60 }],
    ["sha256 wrong", { sha256: "0".repeat(64) }],
    ["sha256 not hex", { sha256: "x" }],
  ] as const) {
    bad(random, `sidecar: ${name}`, write(tensors, { ...sidecar, ...v }, false));
  }
  bad(random, "sidecar: not JSON", write(tensors, "{ nope", false));
  bad(random, "sidecar: empty", write(tensors, "", false));

  // Truncations: raw (the size check refuses them) and re-signed (the safetensors parser sees them).
  const rng = createRng(15);
  for (const at of truncationOffsets(tensors.length, 24)) {
    bad(random, `tensors truncated at ${at}`, write(tensors.subarray(0, at), sidecar, false));
    bad(random, `tensors truncated at ${at}, re-signed`, write(tensors.subarray(0, at), sidecar));
  }
  const sideText = Buffer.from(JSON.stringify(sidecar, null, 2));
  for (const at of truncationOffsets(sideText.length, 16)) bad(random, `sidecar truncated at ${at}`, write(tensors, sideText.subarray(0, at).toString("latin1"), false));
  // Byte damage: in the tensor file (re-signed: may still be a valid file, e.g. a changed weight) and in the sidecar.
  const n = Number(tensors.readBigUInt64LE(0));
  for (let i = 0; i < 24; i++) {
    random.push({ name: `tensors: bits flipped #${i}, re-signed`, expect: "either", job: job(write(flipBits(tensors, rng), sidecar)) });
    random.push({
      name: `tensor header: bytes overwritten #${i}, re-signed`,
      expect: "either",
      job: job(write(overwriteBytes(tensors.subarray(0, 8 + n), rng).length ? Buffer.concat([overwriteBytes(tensors.subarray(0, 8 + n), rng), tensors.subarray(8 + n)]) : tensors, sidecar)),
    });
    bad(random, `tensors: bits flipped #${i}, not re-signed`, write(flipBits(tensors, rng), sidecar, false));
    random.push({ name: `sidecar: bits flipped #${i}`, expect: "either", job: job(write(tensors, Buffer.from(flipBits(sideText, rng)).toString("latin1"), false)) });
  }
  return { fixed, random };
}

fuzzSuite(
  "checkpoint",
  () => {
    const { fixed, random } = buildVariants();
    fixed.push({ name: "train --resume on a run whose checkpoints are all damaged", expect: "bad", job: { cli: ["train", "--resume", path.join(tmp, "v")] } });
    return { fixed, random };
  },
  { sample: 30, seed: 15 },
);

describe("checkpoint fuzz size", () => {
  it("has at least 200 variants for WERANK_FUZZ=full", () => {
    const { fixed, random } = buildVariants();
    expect(fixed.length + random.length).toBeGreaterThanOrEqual(200);
  });
});
