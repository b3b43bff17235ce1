import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { collectSweep, ConfigError, planSweep, resolveConfig, saveSweep, trainingLabel } from "../../src/index.js";
import { describeRegularizers, runSlug, werankEnabled } from "../../src/experiment/trainingLabel.js";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "werank-label-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe("labels come from the resolved regularizers", () => {
  it("--werank 0 with per-layer alphas is WERank with those alphas, not the plain objective", () => {
    const cfg = resolveConfig({ flags: { werank: 0 }, set: ["werank.perLayer=0.5,0.01"] });
    expect(cfg.werank.alpha).toBe(0);
    expect(werankEnabled(cfg)).toBe(true);
    expect(trainingLabel(cfg)).toBe("bgrl + WERank (encoder, alphas 0.5/0.01, gram smaller)");
    expect(runSlug(cfg)).toBe("bgrl+werank");
    expect(describeRegularizers(cfg, ["encoder.a.weight", "encoder.b.weight"]).werank).toEqual({
      layers: "encoder",
      alpha: [0.5, 0.01],
      weights: { "encoder.a.weight": 0.5, "encoder.b.weight": 0.01 },
      squared: false,
      gram: "smaller",
      scale: "none",
    });
  });

  it("werank.scale=width is a checked key and shows in the label as alpha / width", () => {
    const cfg = resolveConfig({ set: ["werank.alpha=0.1", "werank.scale=width"] });
    expect(cfg.werank.scale).toBe("width");
    expect(trainingLabel(cfg)).toBe("bgrl + WERank (encoder, alpha 0.1 / width, gram smaller)");
    expect(resolveConfig({}).werank.scale).toBe("none");
    expect(() => resolveConfig({ set: ["werank.scale=depth"] })).toThrow(ConfigError);
  });

  it("names the layer set, squared, Gram choice and the embedding regularizers with their tensor; plain runs stay plain", () => {
    const cfg = resolveConfig({
      set: ["werank.alpha=0.2", "werank.layers=all", "werank.squared=true", "werank.gram=wtw", "svmax.lambda=0.1", "varianceReg.weight=2", "varianceReg.on=representation"],
    });
    expect(trainingLabel(cfg)).toBe("bgrl + WERank (all, alpha 0.2, squared, gram wtw) + SVMax (lambda 0.1, on embedding) + variance (weight 2, gamma 1, on representation)");
    expect(runSlug(cfg)).toBe("bgrl+werank+svmax+variance");
    const plain = resolveConfig({ set: ["werank.alpha=0", "objective.name=grace"] });
    expect(trainingLabel(plain)).toBe("grace");
    expect(describeRegularizers(plain)).toEqual({ werank: null, svmax: null, variance: null });
    // per-layer alphas that are all 0 switch WERank off whatever alpha says
    expect(werankEnabled(resolveConfig({ set: ["werank.alpha=1", "werank.perLayer=0,0"] }))).toBe(false);
  });

  it("werank.gram and the regularizers' `on` are config keys with checked values (default smaller / embedding)", () => {
    const d = resolveConfig({});
    expect(d.werank.gram).toBe("smaller");
    expect(d.svmax.on).toBe("embedding");
    expect(d.varianceReg.on).toBe("embedding");
    expect(resolveConfig({ set: ["werank.gram=wwt"] }).werank.gram).toBe("wwt");
    expect(() => resolveConfig({ set: ["werank.gram=wtt"] })).toThrow(ConfigError);
    expect(() => resolveConfig({ set: ["svmax.on=projector"] })).toThrow(ConfigError);
  });

  it("sweep trials and the collect table carry the label of each configuration", () => {
    const dir = path.join(tmp, "sweep");
    const plan = planSweep({ dir, base: { set: ["train.epochs=1"] }, grid: ["werank.perLayer=[[0,0],[0.5,0.01]]"], seeds: 1 });
    saveSweep(plan);
    expect(plan.trials.map((t) => t.label)).toEqual(["bgrl", "bgrl + WERank (encoder, alphas 0.5/0.01, gram smaller)"]);
    for (const t of plan.trials) {
      fs.mkdirSync(t.dir, { recursive: true });
      const summary = { type: "summary", probe: { mean: 0.5, std: 0, splits: 1 }, effectiveRank: { representation: 3, embedding: 2 }, epochs: 1, secondsPerEpoch: 0.1, runDir: t.dir };
      fs.writeFileSync(path.join(t.dir, "summary.json"), JSON.stringify(summary));
    }
    const c = collectSweep(dir, false);
    expect(c.rows.map((r) => r.label)).toEqual(["bgrl", "bgrl + WERank (encoder, alphas 0.5/0.01, gram smaller)"]);
    expect(c.markdown.split("\n")[0]).toContain("| trained |");
    expect(c.markdown).toContain("| bgrl + WERank (encoder, alphas 0.5/0.01, gram smaller) |");
    expect(c.csv).toContain('"bgrl + WERank (encoder, alphas 0.5/0.01, gram smaller)"');
  });
});
