/**
 * API misuse and doctored checkpoints that used to be accepted silently (issue 15):
 * - DeviceGraph.augment with the config's option names (`dropEdge`, `dropFeature`) ignored them and
 *   made an unaugmented view; unknown options are now an ArgumentError with a did-you-mean;
 * - AdamW.step() after a parameter was disposed kept updating it; now a DisposedError;
 * - two concurrent fit() on one Trainer interleaved their steps; the second now rejects;
 * - a checkpoint whose sidecar says epoch 1e12, "2", 1.5 or nothing resumed as "completed" without
 *   training, and a tensor stored as I32 where the model has F32 loaded; both are now ERR_DATA.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AdamW,
  ArgumentError,
  DataError,
  DeviceGraph,
  DisposedError,
  Generator,
  latestCheckpoint,
  listCheckpoints,
  loadCheckpoint,
  loadGraphForConfig,
  randn,
  resolveConfig,
  RunDir,
  saveCheckpoint,
  Trainer,
  type Graph,
} from "../../src/index.js";
import { SMALL_TRAIN } from "../helpers/configs.js";

let graph: Graph;
let tmp: string;
beforeAll(async () => {
  graph = await loadGraphForConfig(resolveConfig({ overrides: SMALL_TRAIN }));
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "werank-misuse-"));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe("API misuse", () => {
  it("augment refuses unknown options (the config's names among them) and out-of-range probabilities", () => {
    const g = DeviceGraph.fromCsr(3, Int32Array.of(0, 1, 2, 2), Int32Array.of(1, 2), { features: randn([3, 4]) });
    const gen = new Generator(1);
    try {
      expect(() => g.augment({ dropEdge: 1.5, dropFeature: -1 } as never, gen)).toThrow(/unknown option 'dropEdge' \(did you mean 'edgeDrop'\?\)/);
      expect(() => g.augment({ dropFeature: 0.2 } as never, gen)).toThrow(/did you mean 'featureMask'/);
      expect(() => g.augment({ edgeDrop: 1.5 }, gen)).toThrow(ArgumentError);
      expect(() => g.augment({ featureMask: -1 }, gen)).toThrow(ArgumentError);
      g.augment({ edgeDrop: 0.5, featureMask: 0.5 }, gen).dispose();
    } finally {
      gen.dispose();
      g.dispose();
    }
  });

  it("AdamW.step after a parameter was disposed is a DisposedError", () => {
    const a = randn([3, 2], { requiresGrad: true });
    const b = randn([2], { requiresGrad: true });
    const opt = new AdamW([a, b], { lr: 0.1 });
    try {
      opt.step();
      b.dispose();
      expect(() => opt.step()).toThrow(DisposedError);
      expect(() => opt.step()).toThrow(/parameter 1 was disposed/);
    } finally {
      opt.dispose();
      a.dispose();
    }
  });

  it("a second concurrent fit() on one Trainer rejects; after the first ends, fit() works again", async () => {
    const trainer = new Trainer({ config: resolveConfig({ overrides: { ...SMALL_TRAIN, train: { ...SMALL_TRAIN.train, epochs: 3 } } }), graph });
    try {
      const first = trainer.fit();
      await first.next();
      const second = trainer.fit();
      await expect(second.next()).rejects.toThrow(/already fitting/);
      for (let r = await first.next(); !r.done; r = await first.next());
      expect(trainer.summary?.status).toBe("completed");
      const again = trainer.fit();
      for (let r = await again.next(); !r.done; r = await again.next());
    } finally {
      trainer.dispose();
    }
    await expect(trainer.fit().next()).rejects.toThrow(DisposedError);
  });
});

describe("doctored checkpoints", () => {
  const cfg = () => resolveConfig({ overrides: { ...SMALL_TRAIN, train: { ...SMALL_TRAIN.train, epochs: 6, checkpointEvery: 2 } } });
  let dir: string;
  beforeAll(async () => {
    dir = path.join(tmp, "run");
    const t = new Trainer({ config: cfg(), graph, runDir: new RunDir(dir) });
    const it = t.fit();
    for (let r = await it.next(); !r.done; r = await it.next());
    t.dispose();
  });

  /** Copies epoch-2 as `name` with the sidecar data changed by `edit` (and tensors by `tensors`). */
  function doctor(name: string, edit: (data: Record<string, unknown>) => void, tensors?: (t: Record<string, import("../../src/index.js").Tensor>) => void): string {
    const ck = loadCheckpoint(path.join(dir, "checkpoints", "epoch-2"));
    edit(ck.sidecar);
    tensors?.(ck.tensors);
    const out = path.join(tmp, "doctored", name);
    saveCheckpoint(out, { tensors: ck.tensors, sidecar: ck.sidecar, metadata: ck.metadata });
    for (const t of Object.values(ck.tensors)) t.dispose();
    return out;
  }

  it("lists complete checkpoints by recorded epoch and resumes the newest", () => {
    expect(listCheckpoints(dir).map((p) => path.basename(p))).toEqual(["epoch-2", "epoch-4", "final"]);
    expect(path.basename(latestCheckpoint(dir)!)).toBe("final");
  });

  it("refuses a sidecar epoch that is huge, a string, fractional, negative or missing", () => {
    for (const epoch of [1e12, "2", 1.5, -1, 7, undefined]) {
      const file = doctor(`epoch-${String(epoch)}`, (d) => {
        if (epoch === undefined) delete d.epoch;
        else d.epoch = epoch;
      });
      expect(() => new Trainer({ config: cfg(), graph, resumeFrom: file }), String(epoch)).toThrow(DataError);
      expect(() => new Trainer({ config: cfg(), graph, resumeFrom: file })).toThrow(/"epoch" must be an integer in \[0, 6\]/);
    }
    const ok = doctor("epoch-ok", () => {});
    new Trainer({ config: cfg(), graph, resumeFrom: ok }).dispose();
  });

  it("refuses a bad generator state, optimizer scalars or step times", () => {
    for (const [field, value] of [
      ["generator", 42],
      ["generator", "not base64!"],
      ["optimizer", null],
      ["stepSeconds", "fast"],
      ["stepSeconds", [1, 2, 3, 4, 5]],
    ] as const) {
      const file = doctor(`${field}-${JSON.stringify(value)}`, (d) => {
        d[field] = value;
      });
      expect(() => new Trainer({ config: cfg(), graph, resumeFrom: file }), `${field}=${JSON.stringify(value)}`).toThrow(DataError);
    }
  });

  it("refuses a tensor of the wrong dtype, shape or name", () => {
    const cases: [string, (t: Record<string, import("../../src/index.js").Tensor>) => void, RegExp][] = [
      [
        "i32",
        (t) => {
          const k = Object.keys(t).find((n) => n.startsWith("model.") && t[n]!.dtype === "float32")!;
          t[k] = t[k]!.to("int32");
        },
        /is int32 but the model expects float32/,
      ],
      [
        "optim-i32",
        (t) => {
          const k = Object.keys(t).find((n) => n.startsWith("optim."))!;
          t[k] = t[k]!.to("int32");
        },
        /is int32 but the model expects float32/,
      ],
      [
        "shape",
        (t) => {
          const k = Object.keys(t).find((n) => n.startsWith("model.") && t[n]!.ndim === 2)!;
          t[k] = t[k]!.t().contiguous();
        },
        /has shape/,
      ],
      [
        "extra",
        (t) => {
          t["model.online.bogus"] = randn([2]);
        },
        /unexpected tensor 'model.online.bogus'/,
      ],
    ];
    for (const [name, edit, pattern] of cases) {
      const file = doctor(name, () => {}, edit);
      expect(() => new Trainer({ config: cfg(), graph, resumeFrom: file }), name).toThrow(pattern);
    }
  });
});
