import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, loadGraphForConfig, memory, nativeCalls, OBJECTIVE_NAMES, resolveConfig, RunDir, Trainer, type Graph, type TrainEvent, type TrainSummary } from "../../src/index.js";
import { SMALL_TRAIN } from "../helpers/configs.js";

const SMALL = SMALL_TRAIN;

let graph: Graph;
let tmp: string;
beforeAll(async () => {
  graph = await loadGraphForConfig(resolveConfig({ overrides: SMALL }));
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "werank-trainer-"));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function run(trainer: Trainer): Promise<{ events: TrainEvent[]; summary: TrainSummary }> {
  const events: TrainEvent[] = [];
  const it = trainer.fit();
  let r = await it.next();
  while (!r.done) {
    events.push(r.value);
    r = await it.next();
  }
  return { events, summary: r.value };
}

const losses = (evs: TrainEvent[]): number[] => evs.filter((e) => e.type === "epoch").map((e) => (e as { loss: number }).loss);

describe("Trainer", () => {
  it("resuming an interrupted run continues the same trajectory (losses equal an uninterrupted run)", async () => {
    const cfg = resolveConfig({ overrides: { ...SMALL, werank: { alpha: 1e-2 } } });
    const full = new Trainer({ config: cfg, graph, runDir: new RunDir(path.join(tmp, "full")) });
    const a = await run(full);
    full.dispose();

    const dir = path.join(tmp, "interrupted");
    const first = new Trainer({ config: cfg, graph, runDir: new RunDir(dir) });
    const evs: TrainEvent[] = [];
    const it = first.fit();
    for (let r = await it.next(); !r.done; r = await it.next()) {
      evs.push(r.value);
      if (r.value.type === "epoch" && r.value.epoch === 5) first.requestStop();
    }
    expect(first.summary?.status).toBe("interrupted");
    expect(first.summary?.epochsRun).toBe(5);
    expect(fs.existsSync(path.join(dir, "checkpoints", "interrupt.safetensors"))).toBe(true);
    first.dispose();

    const second = new Trainer({ config: cfg, graph, runDir: new RunDir(dir), resumeFrom: path.join(dir, "checkpoints", "interrupt") });
    expect(second.epoch).toBe(5);
    const b = await run(second);
    second.dispose();
    const resumed = [...losses(evs), ...losses(b.events)];
    expect(resumed).toHaveLength(12);
    // Same model seed, data seed (augmentation generator state) and optimizer state: bitwise the same steps.
    expect(resumed).toEqual(losses(a.events));
    expect(b.summary.status).toBe("completed");
    expect(b.summary.probe.mean).toBeCloseTo(a.summary.probe.mean, 10);
  });

  it("makes a bounded number of native calls per BGRL(+WERank) step, independent of the graph size", async () => {
    const count = async (nodes: number): Promise<number> => {
      const cfg = resolveConfig({ overrides: { ...SMALL, dataset: { synthetic: { nodes } }, werank: { alpha: 1e-3 } } });
      const g = await loadGraphForConfig(cfg);
      const t = new Trainer({ config: cfg, graph: g });
      t.step(false);
      const before = nativeCalls();
      t.step(false);
      const calls = nativeCalls() - before;
      t.dispose();
      return calls;
    };
    const small = await count(200);
    const large = await count(800);
    expect(small).toBe(large);
    // views 2, online + target encoders 2x2 layers, predictor, loss, WERank 1, backward, optimizer 2, EMA 1, scope end
    expect(small).toBeLessThan(150);
  });

  it("does not leak native tensors over 200 steps", () => {
    const cfg = resolveConfig({ overrides: { ...SMALL, train: { epochs: 400 }, werank: { alpha: 1e-3 } } });
    const t = new Trainer({ config: cfg, graph });
    t.step(false);
    const base = memory();
    for (let i = 0; i < 200; i++) t.step(i % 50 === 0);
    const after = memory();
    expect(after.tensors).toBe(base.tensors);
    expect(after.bytes).toBe(base.bytes);
    t.dispose();
  });

  it.each(OBJECTIVE_NAMES)("%s lowers its loss on the synthetic graph", async (name) => {
    const cfg = resolveConfig({
      overrides: {
        ...SMALL,
        objective: { name, ...(name === "bgrl" || name === "simsiam" ? { predictorHidden: 32 } : name === "directclr" ? { d0: 8 } : {}) } as never,
        werank: { alpha: 0 },
        train: { epochs: 30, spectraEvery: 0 },
      },
    });
    const t = new Trainer({ config: cfg, graph });
    const ls: number[] = [];
    for (let i = 0; i < 30; i++) ls.push(t.step(true).loss);
    t.dispose();
    const head = ls.slice(0, 3).reduce((a, b) => a + b) / 3;
    const tail = ls.slice(-3).reduce((a, b) => a + b) / 3;
    expect(ls.every(Number.isFinite)).toBe(true);
    expect(tail).toBeLessThan(head);
  });

  it("writes the run directory: metrics, spectra (with the rank differential), checkpoint and summary", async () => {
    const dir = path.join(tmp, "files");
    const t = new Trainer({ config: resolveConfig({ overrides: SMALL }), graph, runDir: new RunDir(dir) });
    const { events, summary } = await run(t);
    t.dispose();
    // at initialization (epoch 0), epochs 4 and 8, then the final one at 12
    expect(events.filter((e) => e.type === "spectra").map((e) => e.epoch)).toEqual([0, 4, 8, 12]);
    const metrics = fs
      .readFileSync(path.join(dir, "metrics.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(metrics.filter((m) => m.type === "epoch")).toHaveLength(12);
    const spectra = fs
      .readFileSync(path.join(dir, "spectra.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(spectra.at(-1).representations.online.effectiveRank).toBeGreaterThan(1);
    expect(typeof spectra.at(-1).rankDifferential.embeddings).toBe("number");
    expect(spectra.at(-1).weights.map((w: { name: string }) => w.name)).toContain("encoder.convs.0.lin.weight");
    expect(fs.existsSync(path.join(dir, "checkpoints", "final.safetensors"))).toBe(true);
    expect(fs.existsSync(path.join(dir, "checkpoints", "final.json"))).toBe(true);
    const s = JSON.parse(fs.readFileSync(path.join(dir, "summary.json"), "utf8")) as TrainSummary;
    expect(s).toEqual(summary);
    expect(s.probe.splits).toBe(3);
    expect(s.probe.mean).toBeGreaterThan(1 / 3);
    expect(s.secondsPerEpoch).toBeGreaterThan(0);
  });

  it("applies per-layer WERank alphas and rejects a wrong count with the layer names", () => {
    const ok = new Trainer({ config: resolveConfig({ overrides: { ...SMALL, werank: { perLayer: [0.5, 0.25] } } }), graph });
    expect(ok.werank?.names).toEqual(["encoder.convs.0.lin.weight", "encoder.convs.1.lin.weight"]);
    expect(ok.werank?.alphas).toEqual([0.5, 0.25]);
    ok.dispose();
    expect(() => new Trainer({ config: resolveConfig({ overrides: { ...SMALL, werank: { perLayer: [1] } } }), graph })).toThrow(ConfigError);
    expect(() => new Trainer({ config: resolveConfig({ overrides: { ...SMALL, werank: { alpha: 1, layers: "projector" } } }), graph })).toThrow(/selects no weight/);
  });
});
