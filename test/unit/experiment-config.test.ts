/**
 * Unit tests of the experiment configuration layer (no native addon needed):
 *
 * - src/experiment/config.ts         the zod schema that holds every default;
 * - src/experiment/resolveConfig.ts  sources in priority order: defaults < preset < config files
 *                                    (YAML or JSON) < programmatic overrides < short flags < --set,
 *                                    readConfigFile, and the ConfigError messages with "did you mean";
 * - src/experiment/overrides.ts      `--set key=value` parsing and the merge helpers;
 * - src/experiment/presets.ts        the BGRL presets and their `+werank` variants;
 * - src/errors.ts                    ConfigError (code ERR_CONFIG), closest, unknownName.
 *
 * The preset numbers are checked against the official BGRL configs (github.com/nerdslab/bgrl,
 * config/*.cfg), copied into OFFICIAL_BGRL below by hand rather than read from presets.ts, so a typo
 * in the preset table fails here. Config files are written to a temporary folder under os.tmpdir().
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import YAML from "yaml";
import { ConfigError, WerankError, closest, unknownName } from "../../src/errors.js";
import { type Config, configSchema } from "../../src/experiment/config.js";
import { applyOverride, deepMerge, getPath, parseAssignment, parseValue, setPath } from "../../src/experiment/overrides.js";
import { PRESET_NAMES, WERANK_PRESET_ALPHA, presetConfig, presetSource } from "../../src/experiment/presets.js";
import { SHORT_FLAGS, defaultConfig, readConfigFile, resolveConfig } from "../../src/experiment/resolveConfig.js";
import { trainingSchedule } from "../../src/train/trainingSchedule.js";
import { CONFIG_OPTIONS } from "../../src/cli/configArgs.js";
import { formatOptions } from "../../src/cli/commandHelp.js";

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "werank-config-test-"));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** Writes `text` to a fresh file named `name` in the temporary folder and returns its path. */
let fileCounter = 0;
function writeFile(name: string, text: string): string {
  const dir = path.join(tmp, String(fileCounter++));
  fs.mkdirSync(dir);
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

/** Runs `fn`, asserts it throws a ConfigError (code ERR_CONFIG) whose message has every fragment; returns the message. */
function configErrorOf(fn: () => unknown, ...fragments: string[]): string {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err, "expected a ConfigError to be thrown").toBeInstanceOf(ConfigError);
  const e = err as ConfigError;
  expect(e).toBeInstanceOf(WerankError);
  expect(e.code).toBe("ERR_CONFIG");
  expect(e.name).toBe("ConfigError");
  for (const f of fragments) expect(e.message).toContain(f);
  return e.message;
}

/**
 * The official BGRL settings (nerdslab/bgrl config/<file>.cfg): --graph_encoder_layer, --lr,
 * --drop_edge_p_1/2, --drop_feat_p_1/2; all of them also have --epochs=10000, --lr_warmup_epochs=1000,
 * --weight_decay=1e-5, --mm=0.99, --predictor_hidden_size=512.
 */
const OFFICIAL_BGRL: Record<string, { cfg: string; layers: number[]; lr: number; dropEdge: [number, number]; dropFeature: [number, number] }> = {
  "amazon-computers": { cfg: "amazon-computers.cfg", layers: [256, 128], lr: 5e-4, dropEdge: [0.5, 0.4], dropFeature: [0.2, 0.1] },
  "amazon-photo": { cfg: "amazon-photos.cfg", layers: [256, 128], lr: 1e-4, dropEdge: [0.4, 0.1], dropFeature: [0.1, 0.2] },
  "coauthor-cs": { cfg: "coauthor-cs.cfg", layers: [512, 256], lr: 1e-5, dropEdge: [0.3, 0.2], dropFeature: [0.3, 0.4] },
  "coauthor-physics": { cfg: "coauthor-physics.cfg", layers: [256, 128], lr: 1e-5, dropEdge: [0.4, 0.1], dropFeature: [0.1, 0.4] },
  wikics: { cfg: "wiki-cs.cfg", layers: [512, 256], lr: 5e-4, dropEdge: [0.2, 0.3], dropFeature: [0.2, 0.1] },
};

// ---------------------------------------------------------------------------------------------
// 1. Defaults
// ---------------------------------------------------------------------------------------------

describe("defaultConfig(): the schema defaults (config.ts)", () => {
  const cfg = defaultConfig();

  it("objective, WERank and encoder defaults", () => {
    expect(cfg.objective.name).toBe("bgrl");
    expect(cfg.objective.predictorHidden).toBe(512);
    expect(cfg.objective.predictorNorm).toBe("none");
    expect(cfg.objective.targetInit).toBe("reinit");
    // BGRL's section holds BGRL's keys only (issue 16: one section per objective)
    expect(Object.keys(cfg.objective)).toEqual(["name", "predictorHidden", "predictorNorm", "targetInit"]);
    // "derived" settings are null until an objective fills them in
    const objective = (name: string) => resolveConfig({ set: [`objective.name=${name}`] }).objective as Record<string, unknown>;
    expect(objective("grace").tau).toBeNull();
    expect(objective("directclr").d0).toBeNull();
    expect(objective("grace").projectorHidden).toBeNull();
    expect(objective("barlow").barlowLambda).toBeNull();
    expect(cfg.werank).toEqual({ alpha: 0.1, layers: "encoder", perLayer: null, squared: false, gram: "smaller", scale: "none" });
    expect(cfg.encoder).toEqual({
      type: "gcn",
      layers: [256, 128],
      norm: "batch",
      act: "prelu",
      dropout: 0,
      batchNormMomentum: 0.99,
      syncBatchNorm: false,
      weightStandardization: false,
      heads: 1,
      layerNormMode: "node",
    });
  });

  it("training, optimizer, EMA and augmentation defaults", () => {
    expect(cfg.train).toEqual({
      epochs: 150,
      seed: 0,
      dataSeed: 0,
      device: "auto",
      matmulPrecision: "highest",
      logEvery: 1,
      evalEvery: 0,
      spectraEvery: 10,
      checkpointEvery: 0,
      batchSize: 0,
      fanouts: null,
    });
    expect(cfg.optim).toEqual({ name: "adamw", lr: 5e-3, weightDecay: 1e-5, momentum: 0.9, schedule: "warmup-cosine", warmupEpochs: 10, clipGradNorm: 0 });
    expect(cfg.ema).toEqual({ momentum: 0.99, schedule: "cosine" });
    expect(cfg.augment).toEqual({ dropEdge: [0.2, 0.2], dropFeature: [0.2, 0.2], featureDropout: 0 });
    expect(cfg.svmax.lambda).toBe(0);
    expect(cfg.varianceReg).toEqual({ weight: 0, gamma: 1, on: "embedding" });
  });

  it("dataset: the embedded synthetic graph", () => {
    expect(cfg.dataset.name).toBe("synthetic");
    expect(cfg.dataset.dataDir).toBeUndefined();
    expect(cfg.dataset.featureNorm).toBe("row");
    expect(cfg.dataset.featureFormat).toBe("auto");
    expect(cfg.dataset.synthetic).toEqual({ nodes: 2500, classes: 5, features: 128, avgDegree: 8, homophily: 0.7, featureSignal: 1.25, seed: 0 });
  });

  it("evaluation: random splits, C grid 2^-10 .. 2^10", () => {
    expect(cfg.eval.protocol).toBe("random");
    expect(cfg.eval.splits).toBe(20);
    expect(cfg.eval.trainFraction).toBe(0.1);
    expect(cfg.eval.valFraction).toBe(0.1);
    expect(cfg.eval.classifier).toBe("multinomial");
    expect(cfg.eval.normalize).toBe(true);
    expect(cfg.eval.grid).toHaveLength(21);
    expect(cfg.eval.grid[0]).toBe(2 ** -10);
    expect(cfg.eval.grid[10]).toBe(1);
    expect(cfg.eval.grid[20]).toBe(1024);
  });

  it("output and slurm defaults; no preset recorded", () => {
    expect(cfg.output).toEqual({ dir: "runs", report: true });
    expect(cfg.slurm).toEqual({ gpus: 0, cpusPerTask: 2, parallel: 0, nodes: 1, ntasksPerNode: 1, gpusPerNode: 0 });
    expect(cfg.preset).toBeUndefined();
  });

  it("resolveConfig() with no sources, or empty ones, is the defaults", () => {
    expect(resolveConfig()).toEqual(cfg);
    expect(resolveConfig({ files: [], flags: {}, set: [], overrides: {} })).toEqual(cfg);
  });

  it("returns fresh objects: mutating one result does not leak into the next", () => {
    const a = defaultConfig();
    a.encoder.layers.push(64);
    a.augment.dropEdge[0] = 0.9;
    a.eval.grid.length = 0;
    const b = defaultConfig();
    expect(b.encoder.layers).toEqual([256, 128]);
    expect(b.augment.dropEdge).toEqual([0.2, 0.2]);
    expect(b.eval.grid).toHaveLength(21);
  });

  it("the defaults are a fixed point of the schema", () => {
    expect(configSchema.parse(cfg)).toEqual(cfg);
  });
});

// ---------------------------------------------------------------------------------------------
// 2. Sources and their priority
// ---------------------------------------------------------------------------------------------

describe("resolveConfig: defaults < preset < files < overrides < short flags < --set", () => {
  it("each source overrides the one below it (train.epochs through every layer)", () => {
    const yaml = writeFile("a.yaml", "train:\n  epochs: 500\n");
    const json = writeFile("b.json", JSON.stringify({ train: { epochs: 600 } }));
    expect(resolveConfig({}).train.epochs).toBe(150);
    expect(resolveConfig({ preset: "amazon-computers" }).train.epochs).toBe(10000);
    expect(resolveConfig({ preset: "amazon-computers", files: [yaml] }).train.epochs).toBe(500);
    expect(resolveConfig({ preset: "amazon-computers", files: [yaml, json] }).train.epochs).toBe(600);
    expect(resolveConfig({ preset: "amazon-computers", files: [json, yaml] }).train.epochs).toBe(500);
    const withOverrides = { preset: "amazon-computers", files: [yaml, json], overrides: { train: { epochs: 650 } } };
    expect(resolveConfig(withOverrides).train.epochs).toBe(650);
    expect(resolveConfig({ ...withOverrides, flags: { epochs: 7 } }).train.epochs).toBe(7);
    expect(resolveConfig({ ...withOverrides, flags: { epochs: 7 }, set: ["train.epochs=12"] }).train.epochs).toBe(12);
  });

  it("--epochs on a preset scales its warm-up with it (BGRL: 10 %) unless the warm-up is set explicitly", () => {
    expect(resolveConfig({ preset: "coauthor-cs" }).optim.warmupEpochs).toBe(1000);
    expect(resolveConfig({ preset: "coauthor-cs", flags: { epochs: 500 } }).optim.warmupEpochs).toBe(50);
    expect(resolveConfig({ preset: "coauthor-cs+werank", flags: { epochs: 20 } }).optim.warmupEpochs).toBe(2);
    expect(resolveConfig({ preset: "amazon-computers", set: ["train.epochs=15000"] }).optim.warmupEpochs).toBe(1500);
    expect(resolveConfig({ preset: "cora", flags: { epochs: 500 } }).optim.warmupEpochs).toBe(50); // 200 of 2,000
    const yaml = writeFile("epochs.yaml", "train:\n  epochs: 300\n");
    expect(resolveConfig({ preset: "wikics", files: [yaml] }).optim.warmupEpochs).toBe(30);
    // explicit warm-up wins, from any source
    expect(resolveConfig({ preset: "coauthor-cs", flags: { epochs: 500 }, set: ["optim.warmupEpochs=7"] }).optim.warmupEpochs).toBe(7);
    expect(resolveConfig({ preset: "coauthor-cs", flags: { epochs: 500 }, set: ["optim.warmupEpochs=1000"] }).optim.warmupEpochs).toBe(1000);
    expect(resolveConfig({ preset: "coauthor-cs", flags: { epochs: 500 }, overrides: { optim: { warmupEpochs: 0 } } }).optim.warmupEpochs).toBe(0);
    // no preset: the schema default, untouched
    expect(resolveConfig({ flags: { epochs: 500 } }).optim.warmupEpochs).toBe(10);
    expect(resolveConfig({ preset: "grace-cora", flags: { epochs: 20 } }).optim.warmupEpochs).toBe(0);
  });

  it("trainingSchedule: the schedule line and JSON event of a shortened preset", () => {
    const s = trainingSchedule(resolveConfig({ preset: "coauthor-cs", flags: { epochs: 20 } }));
    expect(s.event).toEqual({ type: "schedule", epochs: 20, lr: 1e-5, optimizer: "adamw", lrSchedule: "warmup-cosine", warmupEpochs: 2, emaMomentum: 0.99, emaSchedule: "cosine" });
    expect(s.line).toBe("schedule: lr 0.00001 (adamw), linear warm-up 2 epochs (10 %), cosine decay to 0 at epoch 20; EMA momentum 0.99 -> 1 (cosine)");
    expect(s.lr.at(1)).toBeCloseTo(0.5e-5, 15); // half-way up the warm-up, not 1/1000 of it
    expect(s.lr.at(2)).toBeCloseTo(1e-5, 15);
    const g = trainingSchedule(resolveConfig({ preset: "grace-cora" }));
    expect(g.line).toBe("schedule: lr 0.0005 (adam), constant for 200 epochs");
    expect([g.lr.at(0), g.lr.at(199)]).toEqual([5e-4, 5e-4]);
  });

  it("learning rate: preset 5e-4 < YAML 1e-3 < --lr 2e-3 < --set 3e-3", () => {
    const yaml = writeFile("lr.yaml", "optim:\n  lr: 1e-3\n");
    expect(resolveConfig({ preset: "amazon-computers" }).optim.lr).toBe(5e-4);
    expect(resolveConfig({ preset: "amazon-computers", files: [yaml] }).optim.lr).toBe(1e-3);
    expect(resolveConfig({ preset: "amazon-computers", files: [yaml], flags: { lr: 2e-3 } }).optim.lr).toBe(2e-3);
    expect(resolveConfig({ preset: "amazon-computers", files: [yaml], flags: { lr: 2e-3 }, set: ["optim.lr=3e-3"] }).optim.lr).toBe(3e-3);
  });

  it("merges deeply: a higher source changes only the keys it names", () => {
    const file = writeFile("partial.yaml", "encoder:\n  type: sage\noptim:\n  lr: 1e-3\n");
    const cfg = resolveConfig({ preset: "coauthor-cs", files: [file], set: ["encoder.dropout=0.1"] });
    expect(cfg.encoder.type).toBe("sage");
    expect(cfg.encoder.dropout).toBe(0.1);
    expect(cfg.encoder.layers).toEqual([512, 256]); // from the preset
    expect(cfg.optim.lr).toBe(1e-3);
    expect(cfg.optim.warmupEpochs).toBe(1000); // from the preset
    expect(cfg.optim.momentum).toBe(0.9); // schema default
    expect(cfg.augment.dropEdge).toEqual([0.3, 0.2]);
  });

  it("later files override earlier ones key by key; arrays are replaced, not merged", () => {
    const a = writeFile("a.yaml", "encoder:\n  type: gat\n  layers: [64, 32, 16]\n  heads: 4\n");
    const b = writeFile("b.json", JSON.stringify({ encoder: { layers: [8] } }));
    const cfg = resolveConfig({ files: [a, b] });
    expect(cfg.encoder.type).toBe("gat");
    expect(cfg.encoder.heads).toBe(4);
    expect(cfg.encoder.layers).toEqual([8]);
  });

  it("a later --set of the same key wins", () => {
    expect(resolveConfig({ set: ["train.epochs=3", "train.epochs=4"] }).train.epochs).toBe(4);
  });

  it("a preset named inside a config file is applied under that file; --preset beats it", () => {
    const file = writeFile("with-preset.yaml", "preset: coauthor-cs\ntrain:\n  epochs: 3\n");
    const fromFile = resolveConfig({ files: [file] });
    expect(fromFile.preset).toBe("coauthor-cs");
    expect(fromFile.encoder.layers).toEqual([512, 256]);
    expect(fromFile.optim.lr).toBe(1e-5);
    expect(fromFile.train.epochs).toBe(3);
    const both = resolveConfig({ preset: "amazon-photo", files: [file] });
    expect(both.preset).toBe("amazon-photo");
    expect(both.optim.lr).toBe(1e-4);
    expect(both.train.epochs).toBe(3);
  });

  it("noAugment zeroes the augmentations of a preset; --set can still turn one back on", () => {
    const off = resolveConfig({ preset: "amazon-computers", noAugment: true });
    expect(off.augment).toEqual({ dropEdge: [0, 0], dropFeature: [0, 0], featureDropout: 0 });
    const partly = resolveConfig({ preset: "amazon-computers", noAugment: true, set: ["augment.dropEdge=0.1,0.2"] });
    expect(partly.augment.dropEdge).toEqual([0.1, 0.2]);
    expect(partly.augment.dropFeature).toEqual([0, 0]);
  });

  it("every short flag sets the config key SHORT_FLAGS names", () => {
    const samples: Record<string, unknown> = {
      dataset: "cora",
      "data-dir": "/data/graphs",
      objective: "grace",
      werank: 0.5,
      epochs: 7,
      device: "cpu",
      "matmul-precision": "medium",
      seed: 3,
      "data-seed": 4,
      out: "elsewhere",
      name: "my-run",
      lr: 0.01,
      "batch-size": 64,
      fanouts: [15, 10],
    };
    expect(Object.keys(SHORT_FLAGS).sort()).toEqual(Object.keys(samples).sort());
    expect(SHORT_FLAGS.epochs).toBe("train.epochs");
    expect(SHORT_FLAGS.werank).toBe("werank.alpha");
    expect(SHORT_FLAGS.lr).toBe("optim.lr");
    for (const [flag, value] of Object.entries(samples)) {
      // --batch-size needs --fanouts (one per encoder layer).
      const cfg = resolveConfig({ flags: { [flag]: value, ...(flag === "batch-size" ? { fanouts: [15, 10] } : {}) } });
      expect(getPath(cfg, SHORT_FLAGS[flag]!.split(".")), `--${flag}`).toEqual(value);
    }
    const all = resolveConfig({ flags: samples });
    expect(all.dataset.dataDir).toBe("/data/graphs");
    expect(all.train.dataSeed).toBe(4);
    expect(all.output).toEqual({ dir: "elsewhere", name: "my-run", report: true });
  });

  it("a flag whose value is undefined is ignored; an unknown flag is an ERR_CONFIG", () => {
    expect(resolveConfig({ preset: "wikics", flags: { epochs: undefined } }).train.epochs).toBe(10000);
    configErrorOf(() => resolveConfig({ flags: { epoch: 3 } }), "Unknown flag --epoch");
  });
});

// ---------------------------------------------------------------------------------------------
// 3. --set parsing (overrides.ts)
// ---------------------------------------------------------------------------------------------

describe("--set key=value parsing", () => {
  it("parseValue: JSON-looking values are parsed, comma lists become arrays, the rest stay strings", () => {
    const cases: [string, unknown][] = [
      ["12", 12],
      ["-3", -3],
      ["0.5", 0.5],
      ["1e-4", 1e-4],
      ["5E+2", 500],
      [" 7 ", 7],
      ["true", true],
      ["false", false],
      ["null", null],
      ["512,256", [512, 256]],
      ["[512,256]", [512, 256]],
      ["[512]", [512]],
      ["0.1,0.2", [0.1, 0.2]],
      ["a,b", ["a", "b"]],
      ["1,true,x", [1, true, "x"]],
      ['{"a":1}', { a: 1 }],
      ['"2024"', "2024"],
      ["gcn", "gcn"],
      ["cuda:0", "cuda:0"],
      ["row+zscore", "row+zscore"],
      ["", ""],
    ];
    for (const [raw, want] of cases) expect(parseValue(raw), raw).toEqual(want);
  });

  it("parseValue: malformed JSON is an ERR_CONFIG", () => {
    configErrorOf(() => parseValue("[1,2"), "Expected valid JSON", "[1,2");
    configErrorOf(() => parseValue("{a:1}"), "Expected valid JSON");
  });

  it("parseAssignment splits at the first '='", () => {
    expect(parseAssignment("objective.tau=0.5")).toEqual({ path: ["objective", "tau"], value: 0.5 });
    expect(parseAssignment(" train.epochs = 12")).toEqual({ path: ["train", "epochs"], value: 12 });
    expect(parseAssignment("output.name=a=b")).toEqual({ path: ["output", "name"], value: "a=b" });
    expect(parseAssignment("output.name=")).toEqual({ path: ["output", "name"], value: "" });
  });

  it("parseAssignment rejects a missing '=', an empty key and malformed keys", () => {
    configErrorOf(() => parseAssignment("train.epochs"), "Expected KEY=VALUE", "train.epochs");
    configErrorOf(() => parseAssignment("=5"), "Expected KEY=VALUE");
    configErrorOf(() => parseAssignment("train..epochs=5"), "Expected a dotted key", "train..epochs");
    configErrorOf(() => parseAssignment("1train=5"), "Expected a dotted key");
    configErrorOf(() => parseAssignment("train.epochs.=5"), "Expected a dotted key");
    configErrorOf(() => resolveConfig({ set: ["train.epochs"] }), "Expected KEY=VALUE");
  });

  it("resolveConfig turns --set strings into typed values", () => {
    const cfg = resolveConfig({
      set: [
        "encoder.layers=512,256",
        "train.epochs=12",
        "eval.normalize=false",
        "objective.name=grace",
        "objective.tau=0.5",
        "objective.projectorHidden=null",
        "werank.perLayer=[0.1,0.2]",
        "augment.dropFeature=0.3,0.4",
        "eval.grid=[0.5,1,2]",
        "train.device=cuda:1",
        'output.name="2024"',
      ],
    });
    expect(cfg.encoder.layers).toEqual([512, 256]);
    expect(cfg.train.epochs).toBe(12);
    expect(cfg.eval.normalize).toBe(false);
    expect(cfg.objective).toEqual({ name: "grace", tau: 0.5, projectorHidden: null });
    expect(cfg.werank.perLayer).toEqual([0.1, 0.2]);
    expect(cfg.augment.dropFeature).toEqual([0.3, 0.4]);
    expect(cfg.eval.grid).toEqual([0.5, 1, 2]);
    expect(cfg.train.device).toBe("cuda:1");
    expect(cfg.output.name).toBe("2024"); // quoted, a numeric-looking name stays a string
  });

  it("encoder.syncBatchNorm: --set turns it on; with encoder.norm other than batch it is an ERR_CONFIG, not ignored", () => {
    expect(resolveConfig({ set: ["encoder.syncBatchNorm=true"] }).encoder.syncBatchNorm).toBe(true);
    for (const norm of ["layer", "none"]) {
      expect(() => resolveConfig({ set: [`encoder.norm=${norm}`, "encoder.syncBatchNorm=true"] })).toThrow(
        new RegExp(`encoder\\.syncBatchNorm synchronizes BatchNorm statistics over data-parallel ranks but encoder\\.norm is '${norm}'`),
      );
    }
    expect(resolveConfig({ set: ["encoder.norm=layer"] }).encoder.syncBatchNorm).toBe(false);
  });

  it("setPath creates (or replaces non-object) intermediates; getPath reads back", () => {
    const o: Record<string, unknown> = { a: 1, b: [1, 2] };
    setPath(o, ["x", "y", "z"], 3);
    setPath(o, ["a", "c"], 4);
    setPath(o, ["b", "d"], 5);
    expect(o).toEqual({ a: { c: 4 }, b: { d: 5 }, x: { y: { z: 3 } } });
    expect(getPath(o, ["x", "y", "z"])).toBe(3);
    expect(getPath(o, ["x", "nope", "z"])).toBeUndefined();
    expect(getPath(undefined, ["x"])).toBeUndefined();
    expect(applyOverride({}, "encoder.layers=64,32")).toEqual({ encoder: { layers: [64, 32] } });
  });

  it("deepMerge: nested objects merge, arrays and scalars are replaced, inputs are left alone", () => {
    const a = { encoder: { type: "gcn", layers: [256, 128] }, train: { epochs: 5 } };
    const b = { encoder: { layers: [8] }, optim: { lr: 1 } };
    const aCopy = structuredClone(a);
    const bCopy = structuredClone(b);
    expect(deepMerge(a, b)).toEqual({ encoder: { type: "gcn", layers: [8] }, train: { epochs: 5 }, optim: { lr: 1 } });
    expect(deepMerge({ x: { y: 1 } }, { x: null })).toEqual({ x: null });
    expect(deepMerge({ x: 1 }, { x: { y: 1 } })).toEqual({ x: { y: 1 } });
    expect(a).toEqual(aCopy);
    expect(b).toEqual(bCopy);
  });
});

// ---------------------------------------------------------------------------------------------
// 4. Presets (presets.ts)
// ---------------------------------------------------------------------------------------------

describe("presets", () => {
  describe.each(Object.entries(OFFICIAL_BGRL))("%s matches nerdslab/bgrl config", (name, official) => {
    const cfg = resolveConfig({ preset: name });
    it(`encoder, lr, augmentations, epochs as in ${official.cfg}`, () => {
      expect(cfg.preset).toBe(name);
      expect(cfg.dataset.name).toBe(name);
      expect(cfg.encoder.type).toBe("gcn");
      expect(cfg.encoder.layers).toEqual(official.layers);
      expect(cfg.optim.lr).toBe(official.lr);
      expect(cfg.augment.dropEdge).toEqual(official.dropEdge);
      expect(cfg.augment.dropFeature).toEqual(official.dropFeature);
      expect(cfg.train.epochs).toBe(10000);
    });
    it("settings shared by all the official configs", () => {
      expect(cfg.optim.name).toBe("adamw");
      expect(cfg.optim.warmupEpochs).toBe(1000);
      expect(cfg.optim.weightDecay).toBe(1e-5);
      expect(cfg.ema).toEqual({ momentum: 0.99, schedule: "cosine" });
      expect(cfg.objective.name).toBe("bgrl");
      expect(cfg.objective.predictorHidden).toBe(512);
      expect(cfg.encoder.norm).toBe("batch");
      expect(cfg.encoder.act).toBe("prelu");
      expect(cfg.werank.alpha).toBe(0); // plain BGRL
      expect(cfg.eval.classifier).toBe("ovr");
      expect(presetSource(name)).toContain(`nerdslab/bgrl config/${official.cfg}`);
    });
  });

  it("wikics: row-normalized then z-scored features, public splits", () => {
    const cfg = resolveConfig({ preset: "wikics" });
    expect(cfg.dataset.featureNorm).toBe("row+zscore");
    expect(cfg.eval.protocol).toBe("public");
    expect(resolveConfig({ preset: "amazon-computers" }).dataset.featureNorm).toBe("row");
    expect(resolveConfig({ preset: "amazon-computers" }).eval.protocol).toBe("random");
  });

  it("ogbn-arxiv as the BGRL paper's Table 8 / App. F: LayerNorm, weight standardization, predictor 256, edge drop 0.6", () => {
    // Copied by hand from the paper (not from presets.ts): 3-layer GCN 256-256-256 with LayerNorm and
    // weight standardization, PReLU, predictor hidden 256, p_e = 0.6 / 0.6, p_f = 0 / 0, AdamW lr 1e-2,
    // wd 1e-5, 1,000 warm-up steps of 10,000, the public split.
    const cfg = resolveConfig({ preset: "ogbn-arxiv" });
    expect(cfg.dataset.name).toBe("ogbn-arxiv");
    expect(cfg.encoder).toMatchObject({ type: "gcn", layers: [256, 256, 256], norm: "layer", layerNormMode: "graph", weightStandardization: true, act: "prelu" });
    expect(cfg.objective.predictorHidden).toBe(256);
    expect(cfg.augment.dropEdge).toEqual([0.6, 0.6]);
    expect(cfg.augment.dropFeature).toEqual([0, 0]);
    expect(cfg.optim).toMatchObject({ name: "adamw", lr: 1e-2, weightDecay: 1e-5, warmupEpochs: 1000, schedule: "warmup-cosine" });
    expect(cfg.train.epochs).toBe(10000);
    expect(cfg.eval.protocol).toBe("public");
    expect(presetSource("ogbn-arxiv")).toMatch(/^BGRL paper Table 8/);
    expect(presetSource("ogbn-arxiv")).toMatch(/paper: .*weight standardization/);
  });

  it("GRACE presets copy CRIPAC-DIG/GRACE config.yaml (Cora, CiteSeer, PubMed) on the Planetoid data with GRACE's evaluation", () => {
    // config.yaml, by hand: Cora lr 0.0005, num_hidden 128, num_proj_hidden 128, relu, pe 0.2/0.4, pf 0.3/0.4,
    // tau 0.4, 200 epochs; CiteSeer lr 0.001, 256, 256, prelu, pe 0.2/0.0, pf 0.3/0.2, tau 0.9, 200 epochs;
    // PubMed lr 0.001, 256, 256, relu, pe 0.4/0.1, pf 0.0/0.2, tau 0.7, 1500 epochs;
    // weight_decay 1e-5, Adam without a schedule, 2-layer GCN (2 h, h), no norm.
    const official = {
      "grace-cora": { dataset: "cora-planetoid", lr: 5e-4, h: 128, proj: 128, act: "relu", pe: [0.2, 0.4], pf: [0.3, 0.4], tau: 0.4 },
      "grace-citeseer": { dataset: "citeseer-planetoid", lr: 1e-3, h: 256, proj: 256, act: "prelu", pe: [0.2, 0.0], pf: [0.3, 0.2], tau: 0.9 },
      "grace-pubmed": { dataset: "pubmed-planetoid", lr: 1e-3, h: 256, proj: 256, act: "relu", pe: [0.4, 0.1], pf: [0.0, 0.2], tau: 0.7, epochs: 1500 },
    };
    for (const [name, o] of Object.entries(official)) {
      const cfg = resolveConfig({ preset: name });
      expect(cfg.dataset).toMatchObject({ name: o.dataset, featureNorm: "row" });
      expect(cfg.encoder).toMatchObject({ type: "gcn", layers: [2 * o.h, o.h], norm: "none", act: o.act });
      expect(cfg.objective).toMatchObject({ name: "grace", tau: o.tau, projectorHidden: o.proj });
      expect(cfg.augment.dropEdge).toEqual(o.pe);
      expect(cfg.augment.dropFeature).toEqual(o.pf);
      expect(cfg.optim).toMatchObject({ name: "adam", lr: o.lr, weightDecay: 1e-5, schedule: "constant" });
      expect(cfg.train.epochs).toBe("epochs" in o ? o.epochs : 200);
      expect(cfg.eval).toMatchObject({ protocol: "grace", splits: 3, trainFraction: 0.1, classifier: "ovr" });
      expect(cfg.eval.grid).toEqual(Array.from({ length: 20 }, (_, i) => 2 ** (i - 10)));
      expect(presetSource(name)).toMatch(/CRIPAC-DIG\/GRACE config\.yaml/);
    }
  });

  it("cora (ours): Coauthor-CS augmentations, 2,000 epochs, 200 warm-up epochs", () => {
    const cfg = resolveConfig({ preset: "cora" });
    expect(cfg.encoder.layers).toEqual([512, 256]);
    expect(cfg.augment.dropEdge).toEqual(OFFICIAL_BGRL["coauthor-cs"]!.dropEdge);
    expect(cfg.augment.dropFeature).toEqual(OFFICIAL_BGRL["coauthor-cs"]!.dropFeature);
    expect(cfg.train.epochs).toBe(2000);
    expect(cfg.optim.warmupEpochs).toBe(200);
    expect(presetSource("cora")).toMatch(/^ours/);
  });

  it("PRESET_NAMES: synthetic plus every BGRL preset and its +werank variant", () => {
    expect(PRESET_NAMES[0]).toBe("synthetic");
    for (const base of [...Object.keys(OFFICIAL_BGRL), "cora", "ogbn-arxiv"]) {
      expect(PRESET_NAMES).toContain(base);
      expect(PRESET_NAMES).toContain(`${base}+werank`);
    }
    expect(new Set(PRESET_NAMES).size).toBe(PRESET_NAMES.length);
    for (const name of PRESET_NAMES) expect(() => resolveConfig({ preset: name }), name).not.toThrow();
  });

  it("--help of train / sweep / reproduce (--preset in CONFIG_OPTIONS) and the README name every preset", () => {
    const readme = fs.readFileSync(path.resolve(__dirname, "../../README.md"), "utf8");
    const help = formatOptions(CONFIG_OPTIONS);
    for (const name of PRESET_NAMES.filter((n) => n !== "synthetic" && !n.endsWith("+werank"))) {
      expect(help, name).toMatch(new RegExp(`[ :]${name.replace(/[-+]/g, "\\$&")}[,; (\n]`));
      expect(readme, name).toContain(`\`${name}\``);
    }
  });

  it("synthetic is the defaults with the preset name recorded", () => {
    expect(resolveConfig({ preset: "synthetic" })).toEqual({ ...defaultConfig(), preset: "synthetic" });
    expect(presetSource("synthetic")).toContain("defaults");
  });

  it("WERANK_PRESET_ALPHA is a positive coefficient", () => {
    expect(WERANK_PRESET_ALPHA).toBeGreaterThan(0);
    expect(Number.isFinite(WERANK_PRESET_ALPHA)).toBe(true);
  });

  const bases = PRESET_NAMES.filter((n) => n !== "synthetic" && !n.endsWith("+werank"));
  it.each(bases)("%s: the +werank variant differs only in werank.alpha and werank.layers", (base) => {
    const plain = resolveConfig({ preset: base });
    const werank = resolveConfig({ preset: `${base}+werank` });
    expect(werank.preset).toBe(`${base}+werank`);
    expect(werank.werank.alpha).toBe(WERANK_PRESET_ALPHA);
    expect(werank.werank.layers).toBe("encoder");
    expect(werank).toEqual({ ...plain, preset: `${base}+werank`, werank: { ...plain.werank, alpha: WERANK_PRESET_ALPHA, layers: "encoder" } });
    expect(presetSource(`${base}+werank`)).toBe(presetSource(base));
  });

  it("a preset's values can be overridden by --set without losing the rest", () => {
    const cfg = resolveConfig({ preset: "amazon-computers+werank", set: ["optim.lr=1e-4", "werank.alpha=0"] });
    expect(cfg.optim.lr).toBe(1e-4);
    expect(cfg.werank.alpha).toBe(0);
    expect(cfg.encoder.layers).toEqual([256, 128]);
    expect(cfg.augment.dropEdge).toEqual([0.5, 0.4]);
  });

  it("an unknown preset is an ERR_CONFIG with a did-you-mean and the valid choices", () => {
    const msg = configErrorOf(() => resolveConfig({ preset: "amazon-computer" }), "Unknown preset 'amazon-computer'", "did you mean 'amazon-computers'", "Valid choices:");
    for (const n of PRESET_NAMES) expect(msg).toContain(n);
    configErrorOf(() => resolveConfig({ preset: "coauthor-cs+werak" }), "did you mean 'coauthor-cs+werank'");
    configErrorOf(() => presetConfig("amazon-computer+werank"), "Unknown preset 'amazon-computer+werank'", "did you mean 'amazon-computers+werank'");
    const far = configErrorOf(() => resolveConfig({ preset: "imagenet" }), "Unknown preset 'imagenet'");
    expect(far).not.toContain("did you mean");
  });

  it("an unknown preset named in a config file is an ERR_CONFIG too", () => {
    const file = writeFile("bad-preset.yaml", "preset: wiki-cs\n");
    configErrorOf(() => resolveConfig({ files: [file] }), "Unknown preset 'wiki-cs'", "did you mean 'wikics'");
  });
});

// ---------------------------------------------------------------------------------------------
// 5. Errors
// ---------------------------------------------------------------------------------------------

describe("configuration errors name the key, the valid choices and a did-you-mean", () => {
  it("misspelt key via --set: objective.tua -> objective.tau", () => {
    const msg = configErrorOf(
      () => resolveConfig({ set: ["objective.tua=0.5"] }),
      "Invalid configuration",
      "unknown key 'objective.tua'",
      "did you mean 'objective.tau'?",
      "valid keys under 'objective':",
    );
    expect(msg).toContain("predictorHidden");
  });

  it("misspelt top-level and nested keys", () => {
    configErrorOf(() => resolveConfig({ set: ["traim.epochs=5"] }), "unknown key 'traim'", "did you mean 'train'?", "valid keys: preset, dataset");
    configErrorOf(() => resolveConfig({ set: ["dataset.synthetic.node=10"] }), "unknown key 'dataset.synthetic.node'", "did you mean 'dataset.synthetic.nodes'?");
    configErrorOf(() => resolveConfig({ set: ["werank.alhpa=0.1"] }), "did you mean 'werank.alpha'?");
    const far = configErrorOf(() => resolveConfig({ set: ["train.zzzzzzzz=1"] }), "unknown key 'train.zzzzzzzz'");
    expect(far).not.toContain("did you mean");
  });

  it("misspelt key in a YAML config file", () => {
    const file = writeFile("typo.yaml", "optim:\n  learningRate: 0.1\n  lr: 0.1\n");
    configErrorOf(() => resolveConfig({ files: [file] }), "unknown key 'optim.learningRate'", "valid keys under 'optim': name, lr");
  });

  it("bad enum value: encoder.type=gcm -> gcn, with the valid choices", () => {
    configErrorOf(() => resolveConfig({ set: ["encoder.type=gcm"] }), "invalid value 'gcm' for 'encoder.type'", "did you mean 'gcn'?", "expected one of gcn, sage, gat, mlp");
    configErrorOf(() => resolveConfig({ flags: { objective: "bgr" } }), "for 'objective.name'", "did you mean 'bgrl'?", "grace", "vicreg");
    configErrorOf(() => resolveConfig({ set: ["eval.protocol=publik"] }), "did you mean 'public'?", "expected one of random, public, bgrl");
  });

  it("wrong type or range for train.epochs", () => {
    configErrorOf(() => resolveConfig({ set: ["train.epochs=abc"] }), "'train.epochs'", '"abc"');
    configErrorOf(() => resolveConfig({ set: ["train.epochs=-3"] }), "invalid value -3 for 'train.epochs'");
    configErrorOf(() => resolveConfig({ set: ["train.epochs=0"] }), "invalid value 0 for 'train.epochs'");
    configErrorOf(() => resolveConfig({ set: ["train.epochs=2.5"] }), "invalid value 2.5 for 'train.epochs'");
    configErrorOf(() => resolveConfig({ flags: { epochs: -1 } }), "'train.epochs'");
    const yaml = writeFile("epochs.yaml", "train:\n  epochs: ten\n");
    configErrorOf(() => resolveConfig({ files: [yaml] }), "'train.epochs'", '"ten"');
  });

  it("other type and range errors name the full path (tuple elements included)", () => {
    configErrorOf(() => resolveConfig({ set: ["augment.dropEdge=0.5,1.5"] }), "invalid value 1.5 for 'augment.dropEdge.1'");
    configErrorOf(() => resolveConfig({ set: ["augment.dropEdge=[0.1,0.2,0.3]"] }), "'augment.dropEdge'");
    configErrorOf(() => resolveConfig({ set: ["encoder.layers=512,abc"] }), "'encoder.layers.1'");
    configErrorOf(() => resolveConfig({ set: ["encoder.layers=[]"] }), "'encoder.layers'");
    configErrorOf(() => resolveConfig({ set: ["optim.lr=0"] }), "'optim.lr'");
    configErrorOf(() => resolveConfig({ set: ["werank.alpha=-1"] }), "'werank.alpha'");
    configErrorOf(() => resolveConfig({ set: ["eval.normalize=yes"] }), "'eval.normalize'");
    configErrorOf(() => resolveConfig({ set: ["train=5"] }), "invalid value 5 for 'train'");
  });

  it("several problems are reported together in one error", () => {
    const msg = configErrorOf(() => resolveConfig({ set: ["objective.tua=0.5", "encoder.type=gcm", "train.epochs=-1"] }), "objective.tua", "encoder.type", "train.epochs");
    expect(msg.split("\n").length).toBeGreaterThanOrEqual(4); // header + one line per problem
  });

  it("closest / unknownName: the did-you-mean helpers", () => {
    expect(closest("tua", ["name", "tau", "d0"])).toBe("tau");
    expect(closest("GCM", ["gcn", "sage"])).toBe("gcn");
    expect(closest("zzzzzz", ["gcn", "sage"])).toBeUndefined();
    expect(unknownName("thing", "sagee", ["gcn", "sage"])).toBe("Unknown thing 'sagee' (did you mean 'sage'?). Valid choices: gcn, sage");
    expect(unknownName("thing", "xyzxyz", ["gcn"])).toBe("Unknown thing 'xyzxyz'. Valid choices: gcn");
  });
});

describe("readConfigFile: YAML and JSON files", () => {
  it("reads YAML (.yaml, .yml) and JSON, with YAML 1.2 exponent floats as numbers", () => {
    const yaml = writeFile("c.yaml", "optim:\n  lr: 5e-4\n  weightDecay: 1.0e-5\nencoder:\n  layers: [512, 256]\n");
    expect(readConfigFile(yaml)).toEqual({ optim: { lr: 5e-4, weightDecay: 1e-5 }, encoder: { layers: [512, 256] } });
    const yml = writeFile("c.yml", "train:\n  epochs: 3\n");
    expect(readConfigFile(yml)).toEqual({ train: { epochs: 3 } });
    const json = writeFile("c.json", '{"train": {"epochs": 4}}');
    expect(readConfigFile(json)).toEqual({ train: { epochs: 4 } });
    const upper = writeFile("C.JSON", '{"train": {"epochs": 5}}');
    expect(readConfigFile(upper)).toEqual({ train: { epochs: 5 } });
  });

  it("an empty or comment-only YAML file is an empty config", () => {
    expect(readConfigFile(writeFile("empty.yaml", ""))).toEqual({});
    expect(readConfigFile(writeFile("comments.yaml", "# nothing here\n"))).toEqual({});
    expect(resolveConfig({ files: [writeFile("empty2.yaml", "")] })).toEqual(defaultConfig());
  });

  it("malformed YAML: ERR_CONFIG naming the file and the line", () => {
    const file = writeFile("bad.yaml", "train:\n  epochs: [1, 2\n");
    configErrorOf(() => readConfigFile(file), "Invalid YAML in", file, "line");
    configErrorOf(() => resolveConfig({ files: [file] }), "Invalid YAML in", file);
    const dup = writeFile("dup.yaml", "train:\n  epochs: 1\ntrain:\n  epochs: 2\n");
    configErrorOf(() => readConfigFile(dup), "Invalid YAML in", dup, "line 3");
  });

  it("malformed JSON: ERR_CONFIG naming the file", () => {
    const file = writeFile("bad.json", '{"train": {"epochs": 5,}}');
    configErrorOf(() => readConfigFile(file), "Invalid JSON in", file);
    configErrorOf(() => readConfigFile(writeFile("empty.json", "")), "Invalid JSON in");
  });

  it("a missing file: ERR_CONFIG naming the file", () => {
    const missing = path.join(tmp, "does-not-exist.yaml");
    configErrorOf(() => readConfigFile(missing), "Cannot read config file", missing);
    configErrorOf(() => resolveConfig({ files: [missing] }), "Cannot read config file", missing);
    configErrorOf(() => readConfigFile(tmp), "Cannot read config file", tmp); // a folder
  });

  it("a top level that is not a mapping: ERR_CONFIG", () => {
    for (const [name, text] of [
      ["list.yaml", "- a\n- b\n"],
      ["scalar.yaml", "42\n"],
      ["string.yml", "just a string\n"],
      ["array.json", "[1, 2]"],
      ["number.json", "3"],
      ["string.json", '"x"'],
    ] as const) {
      const file = writeFile(name, text);
      configErrorOf(() => readConfigFile(file), file, "the top level must be a mapping of keys");
    }
  });
});

// ---------------------------------------------------------------------------------------------
// 6. Round trips
// ---------------------------------------------------------------------------------------------

describe("round trip: a resolved config written out and read back resolves to itself", () => {
  const cases: [string, () => Config][] = [
    ["defaults", () => defaultConfig()],
    ["amazon-computers+werank with --set", () => resolveConfig({ preset: "amazon-computers+werank", set: ["optim.lr=1e-4", "encoder.layers=64,32", "output.name=x"] })],
    ["wikics with nulls filled in", () => resolveConfig({ preset: "wikics", set: ["objective.name=grace", "objective.tau=0.5", "werank.perLayer=[0.1,0.2]", "dataset.dataDir=/d"] })],
    ["ogbn-arxiv, no augmentation", () => resolveConfig({ preset: "ogbn-arxiv", noAugment: true })],
  ];

  it.each(cases)("%s via JSON --config", (_, make) => {
    const cfg = make();
    const file = writeFile("config.json", JSON.stringify(cfg, null, 2));
    expect(resolveConfig({ files: [file] })).toEqual(cfg);
  });

  it.each(cases)("%s via YAML --config", (_, make) => {
    const cfg = make();
    const file = writeFile("config.yaml", YAML.stringify(cfg));
    expect(resolveConfig({ files: [file] })).toEqual(cfg);
  });

  it.each(cases)("%s via programmatic overrides (the `eval` command's path)", (_, make) => {
    const cfg = make();
    expect(resolveConfig({ overrides: structuredClone(cfg) })).toEqual(cfg);
  });

  it("a round-tripped config still takes --set on top", () => {
    const cfg = resolveConfig({ preset: "coauthor-cs+werank" });
    const file = writeFile("config.json", JSON.stringify(cfg));
    const again = resolveConfig({ files: [file], set: ["train.epochs=5"] });
    expect(again).toEqual({ ...cfg, train: { ...cfg.train, epochs: 5 } });
  });
});

// ---------------------------------------------------------------------------------------------
// 7. Isolation: resolving never edits its inputs, the preset table or Object.prototype
//    (each was a bug once).
// ---------------------------------------------------------------------------------------------

describe("isolation", () => {
  // deepMerge used to copy a subtree by reference; setPath then wrote --set values into it.
  it("resolveConfig leaves the caller's `overrides` object unchanged", () => {
    const overrides = { train: { epochs: 5 } };
    const cfg = resolveConfig({ overrides, set: ["train.epochs=7"], flags: { seed: 3 } });
    expect(cfg.train.epochs).toBe(7);
    expect(overrides).toEqual({ train: { epochs: 5 } });
  });

  // presetConfig used to hand out the BGRL table's own arrays.
  it("presetConfig returns a fresh fragment: editing it does not change the preset", () => {
    const layers = presetConfig("amazon-computers").encoder!.layers as number[];
    const dropEdge = presetConfig("amazon-computers").augment!.dropEdge as number[];
    layers.push(1);
    dropEdge[0] = 0.9;
    try {
      expect(presetConfig("amazon-computers").encoder!.layers).toEqual([256, 128]);
      expect(resolveConfig({ preset: "amazon-computers" }).augment.dropEdge).toEqual([0.5, 0.4]);
    } finally {
      // undo, in case the arrays are shared, so the other tests see the real table
      if (layers.length === 3) layers.pop();
      dropEdge[0] = 0.5;
    }
  });

  // setPath would follow a "__proto__" key to Object.prototype: such keys are rejected.
  it("--set __proto__.<key>=... does not pollute Object.prototype", () => {
    try {
      expect(() => resolveConfig({ set: ["__proto__.werankPolluted=1"] })).toThrow(/ERR_CONFIG|config key/);
      expect(() => resolveConfig({ set: ["train.constructor.x=1"] })).toThrow(/config key/);
      expect((Object.prototype as Record<string, unknown>).werankPolluted).toBeUndefined();
    } finally {
      delete (Object.prototype as Record<string, unknown>).werankPolluted;
    }
  });
});

describe("command-line hints", () => {
  it("a scalar where a list is expected says how to write a one-element list", () => {
    expect(() => resolveConfig({ set: ["encoder.layers=512"] })).toThrow(/'encoder.layers'.*write a one-element list as \[512\]/);
    expect(resolveConfig({ set: ["encoder.layers=[512]"] }).encoder.layers).toEqual([512]);
  });
});

describe("hardening: ranges and prototype keys (issue 15)", () => {
  it("out-of-range numbers are ERR_CONFIG naming the key", () => {
    for (const [set, key] of [
      ["objective.rdmSigma=-1", "invalid value -1 for 'objective.rdmSigma'"],
      ["objective.rdmSigma=0", "invalid value 0 for 'objective.rdmSigma'"],
      ["encoder.dropout=1", "encoder.dropout"],
      ["augment.featureDropout=1", "augment.featureDropout"],
      ["eval.trainFraction=0", "eval.trainFraction"],
      ["eval.valFraction=1", "eval.valFraction"],
      ["augment.dropEdge=[1.5,0]", "augment.dropEdge.0"],
      ["ema.momentum=1.5", "ema.momentum"],
    ] as const) {
      configErrorOf(() => resolveConfig({ set: ["objective.name=rdm", set] }), key);
    }
    expect(resolveConfig({ set: ["objective.name=rdm", "objective.rdmSigma=0.5", "encoder.dropout=0.5", "eval.valFraction=0"] }).objective.rdmSigma).toBe(0.5);
  });

  it("__proto__, constructor and prototype are unknown keys at every level, in files and overrides", () => {
    for (const text of ["constructor: { a: 1 }\n", "__proto__: { a: 1 }\n", "optim:\n  constructor: 1\n", "train:\n  prototype: { x: 1 }\n"]) {
      const file = writeFile("proto.yaml", text);
      configErrorOf(() => resolveConfig({ files: [file] }), "unknown key");
    }
    configErrorOf(() => resolveConfig({ files: [writeFile("proto.json", '{"__proto__": {"train": {"epochs": 3}}}')] }), "unknown key '__proto__'");
    configErrorOf(() => resolveConfig({ overrides: { constructor: { a: 1 } } as never }), "unknown key 'constructor'", "valid keys");
    configErrorOf(() => resolveConfig({ overrides: JSON.parse('{"eval": {"__proto__": {"splits": 1}}}') as never }), "unknown key 'eval.__proto__'");
    expect((Object.prototype as Record<string, unknown>).a).toBeUndefined();
  });

  it("a FIFO, a device or a directory as a config file is ERR_CONFIG without reading it", () => {
    configErrorOf(() => readConfigFile("/dev/zero"), "Cannot read config file", "character device");
    const fifo = path.join(tmp, "config-fifo.yaml");
    execFileSync("mkfifo", [fifo]);
    configErrorOf(() => readConfigFile(fifo), "Cannot read config file", "FIFO"); // would block forever if opened
  });
});
