/**
 * The `bgrl` protocol on datasets with official splits (BGRL's fit_logistic_regression_preset_splits):
 * WikiCS's train/validation masks with its test mask, OGB's official split. C is chosen per split on
 * its validation nodes (argmax accuracy, first best C), liblinear-style one-vs-rest fits.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bgrlUsesPresetSplits, fitProbe, loadOgb, loadWikiCS, presetSplitsProbe, probeGraph, tensor, type Graph, type Tensor } from "../../src/index.js";
import { createRng } from "../../src/data/rng.js";
import { writeOgb } from "../helpers/ogb.js";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "werank-probe-preset-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** n nodes, 3 classes, features = class mean (sep) + Gaussian-ish noise, in 5 dimensions. */
function blobs(n: number, seed: number): { features: number[][]; labels: number[] } {
  const rng = createRng(seed);
  const labels = Array.from({ length: n }, () => rng.int(3));
  const features = labels.map((y) => Array.from({ length: 5 }, (_, j) => (j === y ? 2 : 0) + (rng.next() + rng.next() + rng.next() - 1.5) * 1.5));
  return { features, labels };
}

const x = (g: Graph): Tensor => tensor(g.features.data as Float32Array, { shape: [g.numNodes, g.features.cols] });

describe("bgrl protocol with official splits", () => {
  it("WikiCS: one result per public split, C chosen on its validation mask (first best), tested on the test mask", async () => {
    const n = 150;
    const { features, labels } = blobs(n, 1);
    const mask = (pred: (i: number) => boolean): boolean[] => Array.from({ length: n }, (_, i) => pred(i));
    const file = path.join(tmp, "data.json");
    fs.writeFileSync(
      file,
      JSON.stringify({
        features,
        labels,
        links: Array.from({ length: n }, (_, i) => [(i + 1) % n]),
        train_masks: [0, 1, 2].map((s) => mask((i) => i < 100 && i % 3 === s)),
        val_masks: [0, 1, 2].map((s) => mask((i) => i < 100 && i % 3 === (s + 1) % 3)),
        test_mask: mask((i) => i >= 100),
      }),
    );
    const g = await loadWikiCS(file);
    expect(bgrlUsesPresetSplits(g)).toBe(true);
    const e = x(g);
    const grid = [2 ** -6, 2 ** -2, 1, 4, 64];
    const r = probeGraph(e, g, { protocol: "bgrl", cGrid: grid, solver: "multinomial" }); // the protocol's classifier is always ovr
    expect(r.protocol).toBe("bgrl");
    expect(r.solver).toBe("ovr");
    expect(r.settings.optimizer).toBe("liblinear");
    expect(r.splits.map((s) => s.split)).toEqual(["public-0", "public-1", "public-2"]);
    for (const [i, split] of g.publicSplits!.entries()) {
      const perC = grid.map((c) => fitProbe(e, g.labels, split, { solver: "ovr", optimizer: "liblinear", cGrid: [c] }));
      let best = 0;
      for (let c = 1; c < grid.length; c++) if (perC[c]!.val > perC[best]!.val) best = c;
      expect(r.splits[i]!.bestC).toBe(grid[best]);
      expect(r.splits[i]!.test).toBe(perC[best]!.test);
      expect(split.test.length).toBe(50);
    }
    e.dispose();
  });

  it("OGB: the official split; a split whose validation accuracy is 0 for every C reports 0, as BGRL's loop does", async () => {
    const n = 90;
    const { features, labels } = blobs(n, 2);
    const dir = writeOgb(path.join(tmp, "ogbn-tiny"), {
      numNodes: n,
      edges: Array.from({ length: n }, (_, i) => [i, (i + 1) % n] as [number, number]),
      features,
      labels,
      split: { scheme: "time", train: [...Array(50).keys()], valid: [...Array(20).keys()].map((i) => 50 + i), test: [...Array(20).keys()].map((i) => 70 + i) },
    });
    const g = await loadOgb(dir);
    expect(bgrlUsesPresetSplits(g)).toBe(true);
    const e = x(g);
    const r = probeGraph(e, g, { protocol: "bgrl" });
    expect(r.splits.map((s) => s.split)).toEqual(["time"]);
    expect(r.splits[0]!.test).toBeGreaterThan(0.5);

    // Train on classes 0 and 1 only, validate on class 2: no C is ever right on validation.
    const ids = (pred: (y: number) => boolean): Int32Array => Int32Array.from([...g.labels.keys()].filter((i) => pred(g.labels[i]!)));
    const odd = { name: "odd", train: ids((y) => y < 2).slice(0, 40), val: ids((y) => y === 2), test: ids((y) => y < 2).slice(40) };
    const plain = fitProbe(e, g.labels, odd, { solver: "ovr", optimizer: "liblinear" });
    expect(plain.val).toBe(0);
    expect(plain.test).toBeGreaterThan(0);
    expect(presetSplitsProbe(e, g.labels, [odd]).splits[0]!.test).toBe(0);
    expect(() => presetSplitsProbe(e, g.labels, [odd], { solver: "multinomial" })).toThrow(/one-vs-rest/);
    e.dispose();
  });

  it("other datasets keep BGRL's random 20% / 80% repeats", async () => {
    const dir = writeOgb(path.join(tmp, "ogbn-nosplit"), { numNodes: 60, edges: [[0, 1]], features: blobs(60, 3).features, labels: blobs(60, 3).labels });
    const g = await loadOgb(dir);
    expect(bgrlUsesPresetSplits(g)).toBe(false); // no split folder
    const e = x(g);
    const r = probeGraph(e, g, { protocol: "bgrl", splits: { numSplits: 2 } });
    e.dispose();
    expect(r.splits.map((s) => s.split)).toEqual(["bgrl-0", "bgrl-1"]);
  });
});
