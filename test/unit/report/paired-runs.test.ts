import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pairRuns } from "../../../src/report/pairedRuns.js";
import { readRun } from "../../../src/report/runData.js";
import { CLI, ensureDist } from "../../helpers/dist.js";

let tmp: string;
function fakeRun(name: string, seed: number, acc: number | null, erank = 100): string {
  const dir = path.join(tmp, name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "config.json"), JSON.stringify({ objective: { name: "bgrl" }, train: { seed, dataSeed: 0 } }));
  if (acc !== null) {
    const summary = {
      status: "completed",
      dataset: "synthetic",
      label: name,
      epochs: 5,
      epochsRun: 5,
      secondsPerEpoch: 0.1,
      probe: { mean: acc, std: 0.01, splits: 20, protocol: "bgrl", solver: "ovr" },
      effectiveRank: { representation: erank, embedding: erank / 2, target: null },
      rankDifferential: null,
      meanPairwiseCosine: 0.5,
      warnings: [],
      device: "cpu",
    };
    fs.writeFileSync(path.join(dir, "summary.json"), JSON.stringify(summary));
  }
  return dir;
}

let treated: string[];
let baseline: string[];
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "werank-paired-runs-"));
  treated = [fakeRun("w-s0", 0, 0.82, 120), fakeRun("w-s1", 1, 0.83, 125), fakeRun("w-s2", 2, 0.9), fakeRun("w-s4", 4, null)];
  baseline = [fakeRun("b-s0", 0, 0.8, 100), fakeRun("b-s1", 1, 0.82, 101), fakeRun("b-s3", 3, 0.7)];
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe("compare --vs: two groups paired by seed", () => {
  it("pairs by seed/dataSeed with the hand-computed t interval and lists every run left out", () => {
    const p = pairRuns(treated.map(readRun), baseline.map(readRun));
    // d = [0.02, 0.01]: mean 0.015, sd 0.00707107, half-width t(0.975, 1) 12.7062047 * sd / sqrt(2) = 0.0635310
    expect(p.accuracy.n).toBe(2);
    expect(p.accuracy.mean).toBeCloseTo(0.015, 12);
    expect(p.accuracy.ci95[0]).toBeCloseTo(0.015 - 0.063531, 5);
    expect(p.accuracy.ci95[1]).toBeCloseTo(0.015 + 0.063531, 5);
    expect(p.erankRepresentation.mean).toBeCloseTo(22, 12);
    expect(p.pairs.map((x) => x.seed)).toEqual(["0/0", "1/0"]);
    const left = new Map(p.unpaired.map((u) => [path.basename(u.dir), u.reason]));
    expect(left.get("w-s2")).toMatch(/no baseline run/);
    expect(left.get("w-s4")).toMatch(/did not complete/);
    expect(left.get("b-s3")).toMatch(/no treated run/);
    expect(p.unpaired).toHaveLength(3);
  });

  it("refuses to pair two runs of one group that share a seed", () => {
    const dup = fakeRun("w-s0-again", 0, 0.5);
    const p = pairRuns([treated[0]!, dup].map(readRun), baseline.map(readRun));
    expect(p.accuracy.n).toBe(1);
    expect(p.unpaired.find((u) => u.dir.endsWith("w-s0-again"))!.reason).toMatch(/already has a run with seed\/dataSeed 0\/0/);
  });

  it("the CLI prints the paired section and --json carries it; --vs without runs is a usage error", () => {
    ensureDist();
    const out = path.join(tmp, "c.html");
    const r = spawnSync(process.execPath, [CLI, "compare", ...treated, "--vs", ...baseline, "--out", out], { encoding: "utf8", timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Paired by seed .* 2 pair\(s\)/);
    expect(r.stdout).toMatch(/accuracy \(points\)\s+\+1\.50\s+\[−4\.85, \+7\.85\]/);
    expect(r.stdout).toMatch(/left out \(3\)/);
    const j = JSON.parse(spawnSync(process.execPath, [CLI, "compare", ...treated, "--vs", ...baseline, "--out", out, "--json"], { encoding: "utf8", timeout: 120_000 }).stdout);
    expect(j.paired.accuracy.n).toBe(2);
    expect(j.rows).toHaveLength(7);
    const bad = spawnSync(process.execPath, [CLI, "compare", ...treated, "--vs"], { encoding: "utf8", timeout: 60_000 });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--vs needs the baseline runs/);
  }, 180_000);
});
