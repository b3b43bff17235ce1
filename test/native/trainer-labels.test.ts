/**
 * Issue 13 section 2: the labels, logs and warnings of a run say what was trained. Short runs on
 * small synthetic graphs (run with WERANK_NUM_THREADS=1).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ConfigInput,
  loadGraphForConfig,
  noGrad,
  resolveConfig,
  RunDir,
  SVMax,
  Trainer,
  VarianceRegularizer,
  type Graph,
  type ObjectiveResult,
  type TrainEvent,
  type TrainSummary,
  type View,
} from "../../src/index.js";
import { deepMerge } from "../../src/experiment/overrides.js";
import { SMALL_TRAIN } from "../helpers/configs.js";

const small = (o: ConfigInput): ConfigInput => deepMerge(SMALL_TRAIN as Record<string, unknown>, o as Record<string, unknown>);

let graph: Graph;
let tmp: string;
beforeAll(async () => {
  graph = await loadGraphForConfig(resolveConfig({ overrides: SMALL_TRAIN }));
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "werank-labels-"));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function runFit(t: Trainer): Promise<{ events: TrainEvent[]; summary: TrainSummary }> {
  const events: TrainEvent[] = [];
  const it = t.fit();
  let r = await it.next();
  while (!r.done) {
    events.push(r.value);
    r = await it.next();
  }
  return { events, summary: r.value };
}

describe("a run's labels and logs say what was trained", () => {
  it("--werank 0 with per-layer alphas: summary.json labels WERank with the alphas per weight", async () => {
    const config = resolveConfig({ overrides: small({ train: { epochs: 2 } }), flags: { werank: 0 }, set: ["werank.perLayer=0.5,0.01"] });
    const dir = path.join(tmp, "perlayer");
    const t = new Trainer({ config, graph, runDir: new RunDir(dir) });
    const { summary } = await runFit(t);
    t.dispose();
    expect(summary.label).toBe("bgrl + WERank (encoder, alphas 0.5/0.01, gram smaller)");
    expect(summary.regularizers.werank?.weights).toEqual({ "encoder.convs.0.lin.weight": 0.5, "encoder.convs.1.lin.weight": 0.01 });
    expect(summary.regularizers.svmax).toBeNull();
    expect(summary).not.toHaveProperty("werankAlpha");
    expect(JSON.parse(fs.readFileSync(path.join(dir, "summary.json"), "utf8")).label).toBe(summary.label);
  });

  it("spectra.jsonl logs the trained WERank term (raw and alpha-weighted), for the configured Gram", () => {
    for (const gram of ["smaller", "wtw", "wwt"] as const) {
      const t = new Trainer({ config: resolveConfig({ overrides: small({ werank: { alpha: 0.3, gram } }) }), graph });
      expect(t.werank?.gram).toBe(gram);
      const rep = t.diagnostics();
      const trained = t.werank!.perLayerRecord(noGrad(() => t.werank!.compute().perLayer));
      // encoder.convs.1.lin.weight is [16, 32] (wide): W W^T and the literal W^T W differ there
      for (const [name, v] of Object.entries(trained)) {
        const w = rep.weights.find((x) => x.name === name)!;
        expect(w.werank).toBeCloseTo(v, 4);
        expect(w.werankWeighted).toBeCloseTo(0.3 * v, 4);
      }
      expect(rep.werankTerm.gram).toBe(gram);
      expect(rep.weights.find((x) => x.name === "predictor.layers.0.weight")?.werankWeighted).toBeUndefined();
      t.dispose();
    }
  });

  it("WERank regularizes GAT's weight matrices, not its attention vectors", () => {
    const t = new Trainer({ config: resolveConfig({ overrides: small({ encoder: { type: "gat" }, werank: { alpha: 0.1 } }) }), graph });
    expect(t.werank?.names).toEqual(["encoder.convs.0.lin.weight", "encoder.convs.1.lin.weight"]);
    t.dispose();
  });

  it.each([
    ["svmax", "representation"],
    ["svmax", "embedding"],
    ["variance", "representation"],
  ] as const)("%s acts on both views' online %s (the mean of the two)", (reg, on) => {
    const o = reg === "svmax" ? { svmax: { lambda: 0.2, on } } : { varianceReg: { weight: 0.2, on } };
    const t = new Trainer({ config: resolveConfig({ overrides: small({ werank: { alpha: 0 }, ...o }) }), graph });
    const r = reg === "svmax" ? new SVMax({ weight: 0.2 }) : new VarianceRegularizer({ weight: 0.2 });
    const forward = t.objective.forward.bind(t.objective);
    let expected = NaN;
    let view1Only = NaN;
    (t.objective as { forward: (v: readonly [View, View]) => ObjectiveResult }).forward = (views) => {
      const out = forward(views);
      const xs = on === "representation" ? out.outputs.representation : out.outputs.online;
      const [a, b] = noGrad(() => [r.forward(xs[0]!).loss.item(), r.forward(xs[1]!).loss.item()]);
      expected = (a + b) / 2;
      view1Only = a;
      return out;
    };
    const { terms } = t.step(true);
    t.dispose();
    expect(Math.abs(expected - view1Only)).toBeGreaterThan(1e-6);
    expect(terms[reg]).toBeCloseTo(expected, 5);
  });
});

describe("collapse warnings", () => {
  it("a healthy run warns of nothing (the old uncentred-cosine warning cried wolf here)", async () => {
    // Default widths on 500 nodes: the predictor output has mean pairwise cosine ~0.97 with an effective rank ~40 of 128.
    const config = resolveConfig({ overrides: { dataset: { synthetic: { nodes: 500 } }, optim: { warmupEpochs: 2 }, train: { epochs: 8, spectraEvery: 4 }, eval: { splits: 3 } } });
    const g = await loadGraphForConfig(config);
    const t = new Trainer({ config, graph: g });
    const { events, summary } = await runFit(t);
    t.dispose();
    expect(summary.meanPairwiseCosine).toBeGreaterThan(0.9);
    expect(summary.probe.mean).toBeGreaterThan(0.6);
    expect(events.filter((e) => e.type === "warning")).toEqual([]);
    expect(summary.warnings).toEqual([]);
  });

  it("a truly collapsed run (constant output) warns after warm-up with the measure, its value and its threshold", async () => {
    const config = resolveConfig({
      overrides: small({ encoder: { norm: "none" }, werank: { alpha: 0 }, optim: { lr: 1e-12, warmupEpochs: 2 }, train: { epochs: 4, spectraEvery: 1 } }),
    });
    const t = new Trainer({ config, graph });
    // Zero weights and a bias of 1: every node gets the same representation.
    noGrad(() => {
      for (const [name, p] of t.objective.modules().encoder!.namedParameters()) {
        if (name.endsWith("lin.weight")) p.zero_();
        else if (name.endsWith("bias")) p.fill_(1);
      }
    });
    const { events, summary } = await runFit(t);
    t.dispose();
    const warnings = events.filter((e) => e.type === "warning");
    expect(warnings.map((w) => w.epoch)).not.toContain(1);
    expect(warnings.map((w) => w.epoch)).not.toContain(2);
    const m = summary.warnings.find((w) => w.includes("representations.online"));
    expect(m).toMatch(/^complete collapse of representations\.online: relative variance \|\|X - mean\|\|\^2 \/ \|\|X\|\|\^2 = \S+ \(threshold 0\.001\)$/);
    expect(summary.warnings.every((w) => !w.includes("collapse: collapse") && !w.startsWith("collapse:"))).toBe(true);
  });
});
