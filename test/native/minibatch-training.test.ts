/**
 * Neighbour-sampled mini-batch training (train.batchSize, train.fanouts; issue 17): an epoch is
 * ceil(N / batchSize) steps over the run generator's permutation of the nodes, each step samples its
 * subgraph once and trains on the seeds' rows, with the schedules read at the fractional epoch; runs
 * train, are deterministic and resume (also from a stop inside an epoch); one batch covering the graph with every neighbour equals full
 * batch; every objective trains; bad settings are ConfigErrors; a full-batch run that cannot fit is
 * refused before it allocates.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  buildOptimizer,
  type Config,
  ConfigError,
  Generator,
  type Graph,
  loadGraphForConfig,
  makeTrainStep,
  memory,
  OBJECTIVE_NAMES,
  OutOfMemoryError,
  RunDir,
  RunModel,
  resolveConfig,
  type TrainEvent,
  Trainer,
} from "../../src/index.js";
import { embedModel } from "../../src/eval/evaluateModel.js";
import { trainingSchedule } from "../../src/train/trainingSchedule.js";
import { SMALL_TRAIN } from "../helpers/configs.js";

const MINI = { batchSize: 64, fanouts: [5, 5] };
const config = (train: Record<string, unknown> = MINI, extra: Record<string, unknown> = {}): Config =>
  resolveConfig({ overrides: { ...SMALL_TRAIN, ...extra, train: { ...SMALL_TRAIN.train, ...train } } as never });

let graph: Graph;
let tmp: string;
beforeAll(async () => {
  graph = await loadGraphForConfig(config());
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "werank-minibatch-"));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** The epoch losses of `epochs` epochs of a fresh Trainer (disposed). */
function epochLosses(cfg: Config, epochs: number): number[] {
  const t = new Trainer({ config: cfg, graph });
  try {
    return Array.from({ length: epochs }, () => t.step(true).loss);
  } finally {
    t.dispose();
  }
}

/** The events of fit(); after epoch `stopAt`'s event, `stop` (default: requestStop at once) is called. */
async function fitEvents(t: Trainer, stopAt?: number, stop = () => t.requestStop()): Promise<TrainEvent[]> {
  const evs: TrainEvent[] = [];
  const it = t.fit();
  for (let r = await it.next(); !r.done; r = await it.next()) {
    evs.push(r.value);
    if (r.value.type === "epoch" && r.value.epoch === stopAt) stop();
  }
  return evs;
}
const losses = (evs: TrainEvent[]): number[] => evs.filter((e) => e.type === "epoch").map((e) => (e as { loss: number }).loss);

describe("mini-batch training", () => {
  it("trains: finite losses that decrease over a few epochs (BGRL, batch 64 of 300 nodes, fanouts 5,5)", () => {
    const l = epochLosses(config(MINI, { train: { ...SMALL_TRAIN.train, epochs: 8 } }), 8);
    expect(l.every(Number.isFinite)).toBe(true);
    expect(l.at(-1)!).toBeLessThan(0.7 * l[0]!);
  });

  it("is deterministic: two runs with the same seeds give identical losses, another data seed different ones", () => {
    const a = epochLosses(config(), 3);
    expect(epochLosses(config(), 3)).toEqual(a);
    expect(epochLosses(config({ ...MINI, dataSeed: 5 }), 3)).not.toEqual(a);
  });

  it("an epoch is ceil(N / batchSize) steps over the generator's node permutation, lr and momentum at the fractional epoch, loss the steps' mean", () => {
    const cfg = config({ batchSize: 128, fanouts: [5, 5] }); // 300 nodes: 3 steps of 100 seeds
    const trainer = new Trainer({ config: cfg, graph });
    const model = new RunModel(cfg, graph);
    const optimizer = buildOptimizer(cfg, model.objective.trainableParameters());
    const generator = new Generator(cfg.train.dataSeed);
    const step = makeTrainStep({ objective: model.objective, optimizer, regularizers: model.regularizers, graph: model.deviceGraph, generator, augment: cfg.augment, fanouts: [5, 5] });
    const schedule = trainingSchedule(cfg);
    try {
      for (let e = 0; e < 3; e++) {
        const order = generator.randperm(graph.numNodes, { dtype: "int32" });
        const seeds = order.toTypedArray() as Int32Array;
        order.dispose();
        const hand = [0, 1, 2].map((k) => step({ lr: schedule.lr.at(e + k / 3), momentum: schedule.momentum.at(e + k / 3) }, true, seeds.subarray(100 * k, 100 * (k + 1))).loss);
        const r = trainer.step(true);
        expect(r.loss).toBe(hand.reduce((s, x) => s + x / 3, 0));
        expect(r.lr).toBe(schedule.lr.at(e));
      }
      const flat = (m: RunModel) => m.objective.encoder.parameters().flatMap((p) => [...(p.toTypedArray() as Float32Array)]);
      expect(flat(model)).toEqual(flat(trainer.model));
    } finally {
      trainer.dispose();
      optimizer.dispose();
      model.dispose();
      generator.dispose();
    }
  });

  it("one batch covering every node with every neighbour (fanouts -1) equals full batch when the views are not augmented", () => {
    // The sampled subgraph is then the whole graph with its nodes permuted, and no view drops anything,
    // so the steps compute the same losses (only the seed order and the generator's draws differ).
    const noAug = { augment: { dropEdge: [0, 0], dropFeature: [0, 0] } };
    const full = epochLosses(config({}, noAug), 4);
    const mini = epochLosses(config({ batchSize: 1000, fanouts: [-1, -1] }, noAug), 4);
    mini.forEach((l, e) => expect(Math.abs(l - full[e]!)).toBeLessThan(1e-5));
  });

  it("resuming an interrupted mini-batch run gives the losses of an uninterrupted one", async () => {
    const cfg = config({ ...MINI, epochs: 6 });
    const full = new Trainer({ config: cfg, graph, runDir: new RunDir(path.join(tmp, "full")) });
    const a = losses(await fitEvents(full));
    full.dispose();
    const dir = path.join(tmp, "interrupted");
    const first = new Trainer({ config: cfg, graph, runDir: new RunDir(dir) });
    const before = losses(await fitEvents(first, 2));
    expect(first.summary?.status).toBe("interrupted");
    first.dispose();
    const second = new Trainer({ config: cfg, graph, runDir: new RunDir(dir), resumeFrom: path.join(dir, "checkpoints", "interrupt") });
    expect(second.epoch).toBe(2);
    const after = losses(await fitEvents(second));
    expect(second.summary?.batchSize).toBe(64);
    expect(second.summary?.fanouts).toEqual([5, 5]);
    second.dispose();
    expect([...before, ...after]).toEqual(a);
  });

  it("a stop inside a mini-batch epoch checkpoints how far the epoch got; resuming finishes it as an uninterrupted run would", async () => {
    const cfg = config({ ...MINI, epochs: 4 }); // 5 steps per epoch
    const full = new Trainer({ config: cfg, graph });
    const a = losses(await fitEvents(full));
    full.dispose();
    const dir = path.join(tmp, "mid-epoch");
    const first = new Trainer({ config: cfg, graph, runDir: new RunDir(dir) });
    // Two event-loop turns after epoch 2's event the loop is inside epoch 3, between its steps (it yields after each).
    const evs = await fitEvents(first, 2, () => setImmediate(() => setImmediate(() => first.requestStop())));
    expect(first.summary).toMatchObject({ status: "interrupted", epochsRun: 2 });
    first.dispose();
    const side = (JSON.parse(fs.readFileSync(path.join(dir, "checkpoints", "interrupt.json"), "utf8")) as { data: { epoch: number; batch?: { step: number } } }).data;
    expect(side.epoch).toBe(2);
    expect(side.batch?.step).toBeGreaterThan(0);
    expect(side.batch!.step).toBeLessThan(5);
    const second = new Trainer({ config: cfg, graph, runDir: new RunDir(dir), resumeFrom: path.join(dir, "checkpoints", "interrupt") });
    const after = losses(await fitEvents(second));
    second.dispose();
    expect([...losses(evs), ...after]).toEqual(a);
    // A malformed record of the unfinished epoch is refused, not resumed from.
    const ck = path.join(dir, "checkpoints");
    const doc = JSON.parse(fs.readFileSync(path.join(ck, "interrupt.json"), "utf8")) as { data: { batch: { step: number } } };
    doc.data.batch.step = -1;
    fs.copyFileSync(path.join(ck, "interrupt.safetensors"), path.join(ck, "bad.safetensors"));
    fs.writeFileSync(path.join(ck, "bad.json"), JSON.stringify(doc));
    expect(() => new Trainer({ config: cfg, graph, resumeFrom: path.join(ck, "bad") })).toThrow(/"batch" must be/);
  });

  for (const name of OBJECTIVE_NAMES) {
    it(`${name}: one mini-batch epoch trains (finite loss), and the probe and diagnostics run layer-wise over the whole graph`, () => {
      const objective = name === "bgrl" ? { predictorHidden: 32 } : { name };
      const t = new Trainer({ config: config({ ...MINI, epochs: 1 }, { objective }), graph });
      try {
        expect(Number.isFinite(t.step(true).loss)).toBe(true);
        expect(t.model.inference.chunkSize).toBeGreaterThan(0);
        const emb = t.embed();
        expect(emb.shape).toEqual([graph.numNodes, 16]);
        emb.dispose();
        expect(t.diagnostics().representations.online.effectiveRank).toBeGreaterThan(1);
      } finally {
        t.dispose();
      }
    });
  }

  it("the layer-wise probe embedding equals the full-graph one", () => {
    const t = new Trainer({ config: config({ ...MINI, epochs: 2 }), graph });
    try {
      t.step(false);
      const lw = t.embed();
      const full = embedModel(t.objective, t.model.deviceGraph); // one forward over the whole graph
      expect(lw.sub(full).abs().max().item()).toBeLessThan(1e-5);
      lw.dispose();
      full.dispose();
    } finally {
      t.dispose();
    }
  });

  it("layer-wise diagnostics on a graph above the diagnostic row count equal the full-graph ones (the heads on those rows only)", async () => {
    // 5000 nodes > DIAGNOSTIC_ROWS (4096): the diagnostics use a fixed subset of rows.
    const big = { dataset: { name: "synthetic", synthetic: { nodes: 5000, classes: 3, features: 8, avgDegree: 4, seed: 2 } }, encoder: { layers: [8, 4] }, objective: { predictorHidden: 8 } };
    const full = config({}, big);
    const g = await loadGraphForConfig(full);
    const a = new RunModel(full, g);
    const b = new RunModel(config({ batchSize: 512, fanouts: [3, 3] }, big), g);
    try {
      expect([a.inference.chunkSize, b.inference.chunkSize]).toEqual([0, 4096]);
      const [da, db] = [a.diagnostics(), b.diagnostics()];
      for (const [kind, branch] of [
        ["representations", "online"],
        ["representations", "target"],
        ["embeddings", "online"],
        ["embeddings", "target"],
      ] as const) {
        const [x, y] = [da[kind][branch]!, db[kind][branch]!];
        expect(y.rows, `${kind}.${branch}`).toBe(4096);
        y.covarianceSpectrum.forEach((v, i) => expect(Math.abs(v - x.covarianceSpectrum[i]!), `${kind}.${branch}[${i}]`).toBeLessThan(1e-6 + 1e-4 * Math.abs(v)));
      }
    } finally {
      a.dispose();
      b.dispose();
    }
  });

  it("bad batchSize / fanouts are ConfigErrors naming the rule", () => {
    expect(() => config({ batchSize: 64 })).toThrow(/train.fanouts must be set when train.batchSize > 0.*--fanouts 10,10/);
    expect(() => config({ batchSize: 64, fanouts: [5] })).toThrow(/train.fanouts has 1 entries .* 2 message-passing layers/);
    expect(() => config({ batchSize: 64, fanouts: [5, 5, 5] })).toThrow(ConfigError);
    expect(() => config({ batchSize: 64, fanouts: [5, 0] })).toThrow(ConfigError);
    expect(() => config({ batchSize: 64, fanouts: [5, -2] })).toThrow(ConfigError);
    expect(() => config({ batchSize: -1 })).toThrow(ConfigError);
    expect(() => config({ batchSize: 2.5, fanouts: [5, 5] })).toThrow(ConfigError);
    expect(() => config({ batchSize: 64, fanouts: [5] }, { encoder: { type: "mlp", layers: [16] } })).toThrow(/mlp encoder has no message-passing layers/);
    expect(config({ batchSize: 64, fanouts: [] }, { encoder: { type: "mlp", layers: [16] } }).train.fanouts).toEqual([]);
    // A Config built without resolveConfig is checked by the Trainer.
    const cfg = config();
    cfg.train.fanouts = [3];
    expect(() => new Trainer({ config: cfg, graph })).toThrow(ConfigError);
  });

  it("batches have near-equal sizes: no single-node last batch (BatchNorm in the predictor, VICReg's variance need two rows)", () => {
    // 300 nodes in batches of at most 299: two batches of 150, not 299 + 1.
    for (const objective of [{ predictorNorm: "batch", predictorHidden: 32 }, { name: "vicreg" }]) {
      expect(epochLosses(config({ batchSize: 299, fanouts: [5, 5] }, { objective }), 1).every(Number.isFinite)).toBe(true);
    }
  });

  it("sparse (CSR) features train in mini-batches: the batch's rows are gathered from them", async () => {
    const cfg = config({ ...MINI, epochs: 2 }, { dataset: { ...SMALL_TRAIN.dataset, featureFormat: "sparse" } });
    const sparse = await loadGraphForConfig(cfg);
    expect(sparse.features.kind).toBe("csr");
    const t = new Trainer({ config: cfg, graph: sparse });
    try {
      const dense = epochLosses(config({ ...MINI, epochs: 2 }), 2);
      const l = [t.step(true).loss, t.step(true).loss];
      // The same values stored sparse: the same training up to float summation order.
      l.forEach((v, e) => expect(Math.abs(v - dense[e]!)).toBeLessThan(1e-4));
    } finally {
      t.dispose();
    }
  });

  it("an MLP encoder trains in mini-batches of seeds alone (fanouts [])", () => {
    const l = epochLosses(config({ batchSize: 64, fanouts: [] }, { encoder: { type: "mlp", layers: [32, 16] } }), 2);
    expect(l.every(Number.isFinite)).toBe(true);
  });

  it("a full-batch run larger than the available memory is refused before it allocates, with the mini-batch flags; mini-batch runs are not", () => {
    const before = memory().tensors;
    process.env.WERANK_MEMORY_AVAILABLE = "1M";
    try {
      let err: unknown;
      try {
        new Trainer({ config: config({}), graph }).dispose();
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(OutOfMemoryError);
      expect((err as Error).message).toMatch(/needs about .* GiB .* but 0\.0 GiB is available .*WERANK_MEMORY_AVAILABLE.*Possible solutions: --batch-size 4096 --fanouts 10,10/);
      expect(memory().tensors).toBe(before);
      new Trainer({ config: config(), graph }).dispose();
    } finally {
      delete process.env.WERANK_MEMORY_AVAILABLE;
    }
  });
});
