/**
 * Evaluating a checkpoint without a Trainer (issue 16): RunModel.load gives the trained model's
 * embeddings, probe and diagnostics exactly, with the checkpoint's epoch, and frees everything.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, DataError, exportEncoder, loadGraphForConfig, memory, resolveConfig, RunDir, RunModel, Trainer, type Graph } from "../../src/index.js";
import { locateCheckpoint } from "../../src/experiment/locateCheckpoint.js";
import { SMALL_TRAIN } from "../helpers/configs.js";

let graph: Graph;
let tmp: string;
const cfg = resolveConfig({ overrides: { ...SMALL_TRAIN, train: { epochs: 6, spectraEvery: 0, evalEvery: 0, checkpointEvery: 0 }, werank: { alpha: 1e-2 } } });
beforeAll(async () => {
  graph = await loadGraphForConfig(cfg);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "werank-runmodel-"));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe("RunModel", () => {
  it("loads a checkpoint: the trained model's embeddings, probe and diagnostics, without optimizer or generator", async () => {
    const trainer = new Trainer({ config: cfg, graph, runDir: new RunDir(path.join(tmp, "run")) });
    for await (const _ of trainer.fit());
    const base = memory().tensors;
    const model = RunModel.load(cfg, graph, path.join(tmp, "run", "checkpoints", "final"));
    try {
      expect(model.epoch).toBe(6);
      const [a, b] = [trainer.embed(), model.embed()];
      expect(b.shape).toEqual(a.shape);
      expect([...(b.toTypedArray() as Float32Array)]).toEqual([...(a.toTypedArray() as Float32Array)]);
      a.dispose();
      b.dispose();
      expect(model.evaluate().mean).toBe(trainer.evaluate().mean);
      const [da, db] = [trainer.diagnostics(), model.diagnostics()];
      expect(db.epoch).toBe(da.epoch);
      expect(db.weights).toEqual(da.weights);
      expect(db.weights.some((w) => w.werank !== null && w.werank !== undefined)).toBe(true);
      expect(db.representations).toEqual(da.representations);
    } finally {
      model.dispose();
      model.dispose();
      trainer.dispose();
    }
    expect(memory().tensors).toBeLessThan(base);
  });

  it("a checkpoint of another model is ERR_DATA and leaks nothing", () => {
    const other = resolveConfig({ overrides: { ...SMALL_TRAIN, encoder: { layers: [16, 8] } } });
    const base = memory().tensors;
    expect(() => RunModel.load(other, graph, path.join(tmp, "run", "checkpoints", "final"))).toThrow(DataError);
    expect(memory().tensors).toBe(base);
  });

  it("eval/embed and export list only complete checkpoints when the one asked for is missing (one lister)", () => {
    const run = path.join(tmp, "run");
    fs.writeFileSync(path.join(run, "config.json"), "{}");
    // a torn checkpoint: tensors without a sidecar
    fs.copyFileSync(path.join(run, "checkpoints", "final.safetensors"), path.join(run, "checkpoints", "torn.safetensors"));
    const message = (fn: () => unknown): string => {
      try {
        fn();
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        return (e as Error).message;
      }
      throw new Error("expected a ConfigError");
    };
    for (const m of [message(() => locateCheckpoint(run, "nope", "eval")), message(() => exportEncoder(run, path.join(tmp, "x.safetensors"), { checkpoint: "nope" }))]) {
      expect(m).toMatch(/available: final\)/);
    }
  });
});
