import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectSweep } from "../../../src/experiment/collect.js";
import { pairedDifference, studentTCdf, studentTQuantile } from "../../../src/metrics/pairedDifference.js";
import { CLI, ensureDist } from "../../helpers/dist.js";

describe("Student's t", () => {
  it("matches tabulated two-sided 95 % quantiles", () => {
    // Values from any t table (scipy.stats.t.ppf(0.975, df)).
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(12.706204736, 6);
    expect(studentTQuantile(0.975, 2)).toBeCloseTo(4.30265273, 7);
    expect(studentTQuantile(0.975, 4)).toBeCloseTo(2.776445105, 7);
    expect(studentTQuantile(0.975, 30)).toBeCloseTo(2.042272456, 7);
    expect(studentTQuantile(0.025, 4)).toBeCloseTo(-2.776445105, 7);
    expect(studentTCdf(0, 7)).toBeCloseTo(0.5, 12);
    expect(studentTCdf(1.0, 1)).toBeCloseTo(0.75, 8); // Cauchy: 1/2 + atan(1)/pi
  });
});

describe("pairedDifference", () => {
  it("computes mean, sd and the t interval of per-seed differences (hand-computed)", () => {
    // d = [0.02, 0.01, 0.03]: mean 0.02, sd 0.01, half-width 4.302652730 * 0.01 / sqrt(3) = 0.0248414
    const d = pairedDifference([0.82, 0.83, 0.84], [0.8, 0.82, 0.81]);
    expect(d.n).toBe(3);
    expect(d.mean).toBeCloseTo(0.02, 12);
    expect(d.sd).toBeCloseTo(0.01, 12);
    expect(d.ci95[0]).toBeCloseTo(0.02 - 0.0248414, 6);
    expect(d.ci95[1]).toBeCloseTo(0.02 + 0.0248414, 6);
  });

  it("pairs, not pools: a shift shared by both settings does not widen the interval", () => {
    const base = [0.7, 0.8, 0.9];
    const d = pairedDifference(
      base.map((b) => b + 0.01),
      base,
    );
    expect(d.sd).toBeCloseTo(0, 12);
    expect(d.ci95[0]).toBeCloseTo(0.01, 12);
  });

  it("has no interval for one pair and refuses mismatched or empty input", () => {
    const d = pairedDifference([0.5], [0.4]);
    expect(d.mean).toBeCloseTo(0.1, 12);
    expect(Number.isNaN(d.ci95[0])).toBe(true);
    expect(() => pairedDifference([0.5, 0.6], [0.4])).toThrow(/as many baseline values/);
    expect(() => pairedDifference([], [])).toThrow(/at least one seed pair/);
  });
});

// A sweep on disk without training: sweep.json plus each trial's config.json and summary.json.
let tmp: string;
const acc: Record<string, number[]> = { "0": [0.8, 0.82, 0.81], "0.1": [0.82, 0.83, 0.84], "1": [0.75, 0.76, 0.7] };
const erank: Record<string, number[]> = { "0": [100, 110, 105], "0.1": [120, 121, 125], "1": [150, 150, 150] };

function fakeSweep(dir: string): void {
  const trials = [];
  for (const alpha of [0, 0.1, 1]) {
    for (const seed of [0, 1, 2]) {
      const index = trials.length;
      const id = `t${String(index).padStart(4, "0")}-alpha=${alpha}-seed=${seed}`;
      const tdir = path.join(dir, "trials", id);
      trials.push({ index, id, params: { "werank.alpha": alpha }, seed, dir: tdir, set: [`werank.alpha=${alpha}`, `train.seed=${seed}`] });
      fs.mkdirSync(tdir, { recursive: true });
      fs.writeFileSync(path.join(tdir, "config.json"), JSON.stringify({ train: { seed, dataSeed: 7 } }));
      // alpha = 1, seed 2 never finished: it must be reported, not dropped silently.
      if (alpha === 1 && seed === 2) continue;
      const a = acc[String(alpha)]![seed]!;
      const e = erank[String(alpha)]![seed]!;
      fs.writeFileSync(
        path.join(tdir, "summary.json"),
        JSON.stringify({ type: "summary", probe: { mean: a, std: 0.01, splits: 20 }, effectiveRank: { representation: e, embedding: e / 2 }, epochs: 10, secondsPerEpoch: 0.1, runDir: tdir }),
      );
    }
  }
  fs.writeFileSync(path.join(dir, "sweep.json"), JSON.stringify({ version: 1, dir, created: "x", base: {}, grid: [{ key: "werank.alpha", values: [0, 0.1, 1] }], seeds: [0, 1, 2], trials }));
}

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "werank-collect-paired-"));
  fakeSweep(path.join(tmp, "s"));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe("collectSweep --paired", () => {
  it("pairs by seed against the baseline value and reports the seed without a partner", () => {
    const c = collectSweep(path.join(tmp, "s"), { paired: "werank=0", write: false });
    expect(c.pairedOn).toEqual({ key: "werank.alpha", value: 0 });
    const byAlpha = new Map(c.rows.map((r) => [r.params["werank.alpha"], r]));
    expect(byAlpha.get(0)!.paired).toBeUndefined();
    const p1 = byAlpha.get(0.1)!.paired!;
    expect(p1.accuracy.n).toBe(3);
    expect(p1.accuracy.mean).toBeCloseTo(0.02, 12);
    expect(p1.accuracy.ci95[1]).toBeCloseTo(0.0448414, 6);
    expect(p1.erankRepresentation.mean).toBeCloseTo((20 + 11 + 20) / 3, 10);
    expect(p1.unpaired).toEqual([]);
    const p2 = byAlpha.get(1)!.paired!;
    // seeds 0, 1 pair: d = [-0.05, -0.06]
    expect(p2.accuracy.n).toBe(2);
    expect(p2.accuracy.mean).toBeCloseTo(-0.055, 12);
    expect(p2.unpaired).toEqual([{ seed: "2/7", reason: "this run no summary.json (failed or still running)" }]);
    expect(c.markdown).toMatch(/Paired by seed against werank\.alpha = 0/);
    expect(c.markdown).toMatch(/\| 0\.1 \| \? \| 3 \| \+2\.00 \| \[−0\.48, \+4\.48\] \|/); // "?": these summaries carry no training label
    expect(c.markdown).toMatch(/1 seed\(s\) without a partner.*seed 2\/7/);
    expect(c.csv.split("\n")[0]).toContain("delta_accuracy_ci95_lo");
  });

  it("refuses a key that is not a grid axis and a value that is not on the grid", () => {
    expect(() => collectSweep(path.join(tmp, "s"), { paired: "optim.lr=0.1", write: false })).toThrow(/no grid axis optim\.lr.*werank\.alpha/);
    expect(() => collectSweep(path.join(tmp, "s"), { paired: "werank=0.5", write: false })).toThrow(/valid values: 0, 0\.1, 1/);
    expect(() => collectSweep(path.join(tmp, "s"), { paired: "werank", write: false })).toThrow(/Expected --paired KEY=VALUE/);
  });

  it("the CLI writes the table, results.html and non-empty SVG figures", () => {
    ensureDist();
    const svgDir = path.join(tmp, "svg");
    const r = spawnSync(process.execPath, [CLI, "collect", path.join(tmp, "s"), "--paired", "werank=0", "--html", "--svg", svgDir], { encoding: "utf8", timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Δ accuracy \(points\)/);
    const html = fs.readFileSync(path.join(tmp, "s", "results.html"), "utf8");
    expect(html).toContain('data-figure="paired-effect"');
    expect(html).toContain('data-figure="rank-vs-accuracy"');
    for (const f of ["paired-effect.svg", "rank-vs-accuracy.svg"]) {
      const svg = fs.readFileSync(path.join(svgDir, f), "utf8");
      expect(svg.startsWith("<svg")).toBe(true);
      expect(svg.length).toBeGreaterThan(2000);
    }
    // The effect figure has the CI band (an area mark) and the alpha axis on a log scale.
    expect(fs.readFileSync(path.join(svgDir, "paired-effect.svg"), "utf8")).toMatch(/log scale/);
    const j = JSON.parse(spawnSync(process.execPath, [CLI, "collect", path.join(tmp, "s"), "--paired", "werank=0", "--json"], { encoding: "utf8" }).stdout);
    expect(j.rows.find((x: { params: Record<string, number> }) => x.params["werank.alpha"] === 0.1).paired.accuracy.n).toBe(3);
    expect(j.runs).toHaveLength(8);
  }, 120_000);
});
