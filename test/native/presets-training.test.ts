/**
 * Issue 13 §3 checks that need the addon:
 * - embeddings use BatchNorm's running statistics (eval mode), as the official code and, now,
 *   docs/results.md say (the doc said "batch statistics ... in embedding" before);
 * - the ogbn-arxiv preset builds the BGRL paper's encoder (3 GCN layers, graph-wise LayerNorm,
 *   weight standardization, predictor 256);
 * - a GRACE preset trains with a constant learning rate (GRACE's Adam without a schedule) and
 *   evaluates with GRACE's protocol; a shortened BGRL preset warms up over 10 % of the run.
 * Data: the small synthetic graph of test/helpers/configs.ts in place of the presets' datasets.
 */
import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { buildObjective, DeviceGraph, type Graph, GraphEncoder, LayerNorm, loadGraphForConfig, noGrad, resolveConfig, tidy, Trainer, type TrainEvent } from "../../src/index.js";
import { SMALL_TRAIN } from "../helpers/configs.js";
import { flat } from "../helpers/expect.js";

let graph: Graph;
beforeAll(async () => {
  graph = await loadGraphForConfig(resolveConfig({ overrides: SMALL_TRAIN }));
});

const synthetic = ["dataset.name=synthetic", "dataset.synthetic.nodes=300", "dataset.synthetic.features=24", "dataset.synthetic.classes=3", "dataset.synthetic.seed=1"];

async function events(t: Trainer): Promise<TrainEvent[]> {
  const out: TrainEvent[] = [];
  const it = t.fit();
  for (let r = await it.next(); !r.done; r = await it.next()) out.push(r.value);
  return out;
}

describe("embeddings after training", () => {
  it("use BatchNorm's running statistics (eval mode), not the batch's, as docs/results.md states", async () => {
    const t = new Trainer({ config: resolveConfig({ overrides: { ...SMALL_TRAIN, train: { ...SMALL_TRAIN.train, epochs: 3 } } }), graph });
    try {
      await events(t);
      const emb = t.embed();
      const enc = t.objective.encoder;
      const dg = DeviceGraph.fromGraph(graph);
      const forward = (training: boolean): number[] => {
        enc.train(training);
        try {
          return tidy(() => noGrad(() => flat(enc.forward(dg.features!, dg))));
        } finally {
          enc.train(true);
        }
      };
      const evalMode = forward(false);
      const batchMode = forward(true); // also updates the running statistics: computed after evalMode
      const got = flat(emb);
      emb.dispose();
      dg.dispose();
      expect(Math.max(...got.map((v, i) => Math.abs(v - evalMode[i]!)))).toBeLessThan(1e-5);
      expect(Math.max(...got.map((v, i) => Math.abs(v - batchMode[i]!)))).toBeGreaterThan(1e-3);
    } finally {
      t.dispose();
    }
    const doc = fs.readFileSync(path.resolve(__dirname, "../../docs/results.md"), "utf8").replace(/\s+/g, " ");
    expect(doc).toContain("running statistics in embedding");
    expect(doc).not.toMatch(/batch statistics in training and in embedding/);
  });
});

describe("presets as published", () => {
  it("ogbn-arxiv builds the BGRL paper's encoder: 3 GCN layers of 256 with graph LayerNorm and weight standardization", () => {
    const cfg = resolveConfig({ preset: "ogbn-arxiv" });
    const obj = buildObjective(cfg, 128);
    try {
      const enc = obj.encoder;
      expect(enc).toBeInstanceOf(GraphEncoder);
      expect(enc.spec).toMatchObject({ type: "gcn", layers: [256, 256, 256], norm: "layer", layerNormMode: "graph", weightStandardization: true, act: "prelu" });
      const norms = enc.namedModules().filter(([, m]) => m instanceof LayerNorm);
      expect(norms.length).toBe(3);
      const predictor = obj.modules().predictor!;
      const shapes = predictor
        .namedParameters()
        .filter(([n, p]) => n.endsWith("weight") && p.ndim === 2)
        .map(([, p]) => p.shape);
      expect(shapes).toEqual([
        [256, 256],
        [256, 256],
      ]);
    } finally {
      obj.dispose();
    }
  });

  it("a GRACE preset trains with a constant learning rate and reports GRACE's protocol (3 repeats)", async () => {
    const cfg = resolveConfig({ preset: "grace-cora", flags: { epochs: 3 }, set: [...synthetic, "train.spectraEvery=0"] });
    const t = new Trainer({ config: cfg, graph });
    try {
      const evs = await events(t);
      const lrs = evs.filter((e) => e.type === "epoch").map((e) => (e as { lr: number }).lr);
      expect(lrs).toEqual([5e-4, 5e-4, 5e-4]);
      expect(t.summary?.probe).toMatchObject({ protocol: "grace", splits: 3, solver: "ovr" });
    } finally {
      t.dispose();
    }
  });

  it("a BGRL preset shortened to 20 epochs warms up over 2 (10 %), not over all 20", async () => {
    const cfg = resolveConfig({
      preset: "coauthor-cs",
      flags: { epochs: 20 },
      set: [...synthetic, "encoder.layers=16,8", "objective.predictorHidden=16", "train.spectraEvery=0", "eval.splits=1", "eval.protocol=random", "output.report=false"],
    });
    const t = new Trainer({ config: cfg, graph });
    try {
      const lrs = (await events(t)).filter((e) => e.type === "epoch").map((e) => (e as { lr: number }).lr);
      expect(lrs[0]).toBe(0);
      expect(lrs[1]).toBeCloseTo(0.5e-5, 15);
      expect(lrs[2]).toBeCloseTo(1e-5, 15); // peak at epoch 2, then the cosine decay
      expect(lrs[19]!).toBeLessThan(lrs[10]!);
    } finally {
      t.dispose();
    }
  });
});
