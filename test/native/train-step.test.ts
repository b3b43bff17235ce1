/**
 * The training step as a value (issue 16): makeTrainStep, driven by hand with the schedules' values,
 * trains exactly what a Trainer trains (same losses and parameters, bit for bit), makes the same
 * bounded number of native calls every step, and frees what it creates.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { buildOptimizer, Generator, loadGraphForConfig, makeTrainStep, memory, nativeCalls, resolveConfig, RunModel, Trainer, type Config, type Graph } from "../../src/index.js";
import { trainingSchedule } from "../../src/train/trainingSchedule.js";
import { SMALL_TRAIN } from "../helpers/configs.js";

let graph: Graph;
const config = (extra: Record<string, unknown> = {}): Config =>
  resolveConfig({ overrides: { ...SMALL_TRAIN, werank: { alpha: 1e-2 }, svmax: { lambda: 0.1 }, varianceReg: { weight: 0.1 }, ...extra } as never });
beforeAll(async () => {
  graph = await loadGraphForConfig(resolveConfig({ overrides: SMALL_TRAIN }));
});

/** A step built from the parts alone, as another loop would build it. */
function handBuilt(cfg: Config) {
  const model = new RunModel(cfg, graph);
  const optimizer = buildOptimizer(cfg, model.objective.trainableParameters());
  const generator = new Generator(cfg.train.dataSeed);
  const step = makeTrainStep({
    objective: model.objective,
    optimizer,
    regularizers: model.regularizers,
    graph: model.deviceGraph,
    generator,
    augment: cfg.augment,
    clipGradNorm: cfg.optim.clipGradNorm,
    matmulPrecision: cfg.train.matmulPrecision,
  });
  const schedule = trainingSchedule(cfg);
  return {
    model,
    run: (epoch: number, read: boolean) => step({ lr: schedule.lr.at(epoch), momentum: schedule.momentum.at(epoch) }, read),
    dispose: () => {
      optimizer.dispose();
      model.dispose();
      generator.dispose();
    },
  };
}

const flat = (m: RunModel): number[] => Object.values(m.objective.modules()).flatMap((mod) => mod.parameters().flatMap((p) => [...(p.toTypedArray() as Float32Array)]));

describe("makeTrainStep", () => {
  for (const objective of ["bgrl", "grace"] as const) {
    it(`${objective}: steps driven by hand equal the Trainer's epochs (losses, terms and parameters, bit for bit)`, () => {
      const cfg = config({ objective: { name: objective, ...(objective === "bgrl" ? { predictorHidden: 32 } : {}) } });
      const trainer = new Trainer({ config: cfg, graph });
      const hand = handBuilt(cfg);
      try {
        for (let e = 0; e < 4; e++) {
          const a = trainer.step(true);
          const b = hand.run(e, true);
          expect(b.loss).toBe(a.loss);
          expect(b.terms).toEqual(a.terms);
          expect(Object.keys(b.terms)).toEqual(expect.arrayContaining(["werank", "svmax", "variance"]));
        }
        expect(flat(hand.model)).toEqual(flat(trainer.model));
      } finally {
        trainer.dispose();
        hand.dispose();
      }
    });
  }

  it("makes the same bounded number of native calls every step and frees what it creates", () => {
    const cfg = config();
    const hand = handBuilt(cfg);
    try {
      hand.run(0, false);
      const base = memory();
      const calls: number[] = [];
      for (let e = 1; e < 6; e++) {
        const before = nativeCalls();
        hand.run(e, false);
        calls.push(nativeCalls() - before);
      }
      expect(new Set(calls).size).toBe(1);
      expect(calls[0]).toBeLessThan(200);
      expect(memory().tensors).toBe(base.tensors);
    } finally {
      hand.dispose();
    }
  });
});
