/**
 * `werank-native reproduce bgrl`: argument errors, and (on the real Cora from WERANK_DATA_DIR,
 * default <repo>/../shared/data; skipped with a message when absent) a two-seed run whose
 * results.json / results.md aggregate the seeds and both evaluation protocols.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, ROOT, ensureDist } from "../helpers/dist.js";

const dataDir = process.env.WERANK_DATA_DIR || path.resolve(ROOT, "../shared/data");
const present = fs.existsSync(path.join(dataDir, "cora"));
if (!present) console.warn(`test/e2e/reproduce.test.ts: real-data run skipped, no Cora under ${dataDir} (set WERANK_DATA_DIR)`);

let tmp: string;
beforeAll(() => {
  ensureDist();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "werank-e2e-reproduce-"));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function cli(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", env: { ...process.env, WERANK_NUM_THREADS: "1" }, timeout: 300_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe("werank-native reproduce", () => {
  it("rejects an unknown method, a missing dataset and a misspelt one with usage errors", () => {
    const m = cli(["reproduce", "byol", "--dataset", "cora"]);
    expect(m.code).toBe(2);
    expect(m.stderr).toMatch(/ERR_CONFIG/);
    expect(m.stderr).toMatch(/method 'byol'/);
    const d = cli(["reproduce", "bgrl"]);
    expect(d.code).toBe(2);
    expect(d.stderr).toMatch(/--dataset is required/);
    const t = cli(["reproduce", "bgrl", "--dataset", "amazon-computer"]);
    expect(t.code).toBe(2);
    expect(t.stderr).toMatch(/did you mean 'amazon-computers'/);
    const s = cli(["reproduce", "bgrl", "--dataset", "cora", "--seeds", "0"]);
    expect(s.code).toBe(2);
    expect(s.stderr).toMatch(/seeds/);
  });

  it.skipIf(!present)("runs the seeds and writes results.json and results.md with both protocols (real Cora)", () => {
    const out = path.join(tmp, "runs");
    const r = cli([
      "reproduce",
      "bgrl",
      "--dataset",
      "cora",
      "--data-dir",
      dataDir,
      "--no-augment",
      "--werank",
      "0.1",
      "--seeds",
      "2",
      "--epochs",
      "2",
      "--out",
      out,
      "--set",
      "train.evalEvery=0",
      "--set",
      "eval.splits=2",
      "--set",
      "train.checkpointEvery=0",
      "--set",
      "output.report=false",
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/cora \+ WERank 0\.1, no augmentation, 2 epochs x 2 seed\(s\)/);
    expect(r.stdout).toMatch(/seed 1: BGRL's evaluation protocol \d+\.\d\d ± \d+\.\d\d %/);
    // --epochs shortens the preset (200 warm-up of 2,000): the warm-up shrinks with it (0.2 -> 0), not 2 of 2.
    expect(r.stdout).toMatch(/^schedule: lr 0\.0005 \(adamw\), linear warm-up 0 epochs \(0 %\), cosine decay to 0 at epoch 2; EMA momentum 0\.99 -> 1 \(cosine\)$/m);
    const dirs = fs.readdirSync(out).filter((d) => d.startsWith("reproduce-bgrl-cora-werank0.1-noaug-"));
    expect(dirs).toHaveLength(1);
    const root = path.join(out, dirs[0]!);
    const res = JSON.parse(fs.readFileSync(path.join(root, "results.json"), "utf8"));
    expect(res).toMatchObject({ type: "reproduce", method: "bgrl", dataset: "cora", werank: 0.1, noAugment: true, epochs: 2, seeds: 2, published: null });
    expect(res.runs).toHaveLength(2);
    // The mean over seeds is the mean of the two runs' probes (in %).
    const perSeed = res.runs.map((s: { probe: { mean: number } }) => 100 * s.probe.mean);
    expect(res.accuracy.mean).toBeCloseTo((perSeed[0] + perSeed[1]) / 2, 6);
    expect(res.accuracy.mean).toBeGreaterThan(30); // 7 classes: chance is ~30% (largest class)
    expect(res.accuracyBgrlProtocol.mean).toBeGreaterThan(30);
    for (const s of [0, 1]) {
      const cv = JSON.parse(fs.readFileSync(path.join(root, `seed-${s}`, "eval-bgrl-protocol.json"), "utf8"));
      expect(cv.repeats).toBe(2); // eval.splits repeats of BGRL's protocol too
      expect(JSON.parse(fs.readFileSync(path.join(root, `seed-${s}`, "config.json"), "utf8")).train.seed).toBe(s);
    }
    const md = fs.readFileSync(path.join(root, "results.md"), "utf8");
    expect(md).toMatch(/\| cora \| BGRL \+ WERank 0\.1, no augmentation \| \d+\.\d\d ± \d+\.\d\d \| \d+\.\d\d ± \d+\.\d\d \| – \|/);
    expect(md).toMatch(/standard deviation over model seeds/);
  });
});

describe("werank-native reproduce grace", () => {
  it("knows GRACE's datasets only", () => {
    const r = cli(["reproduce", "grace", "--dataset", "coauthor-cs"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/GRACE preset 'coauthor-cs'.*cora, citeseer, pubmed/s);
    const b = cli(["reproduce", "bgrl", "--dataset", "grace-cora"]);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/BGRL preset 'grace-cora'/);
    expect(b.stderr).not.toMatch(/Valid choices:.*grace-citeseer/s);
  });

  it.skipIf(!present)("trains the grace-cora preset on the Planetoid files and reports GRACE's protocol beside 83.3 ± 0.4", () => {
    const out = path.join(tmp, "runs-grace");
    const r = cli(["reproduce", "grace", "--dataset", "cora", "--data-dir", dataDir, "--epochs", "2", "--out", out, "--json", "--set", "output.report=false"]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ type: "schedule", epochs: 2, lr: 5e-4, optimizer: "adam", lrSchedule: "constant", warmupEpochs: 0 });
    const res = lines.at(-1)!;
    expect(res).toMatchObject({ type: "reproduce", method: "grace", dataset: "cora", epochs: 2, seeds: 1, published: { mean: 83.3, std: 0.4 }, accuracy: { protocol: "grace" } });
    const root = res.runDir as string;
    const config = JSON.parse(fs.readFileSync(path.join(root, "seed-0", "config.json"), "utf8"));
    expect(config.dataset.name).toBe("cora-planetoid");
    expect(config.objective).toMatchObject({ name: "grace", tau: 0.4 });
    const summary = JSON.parse(fs.readFileSync(path.join(root, "seed-0", "summary.json"), "utf8"));
    expect(summary.probe).toMatchObject({ protocol: "grace", splits: 3 });
    expect((res.accuracy as { mean: number }).mean).toBeCloseTo(100 * summary.probe.mean, 6);
    expect(fs.readFileSync(path.join(root, "results.md"), "utf8")).toMatch(/\| cora \| GRACE \| \d+\.\d\d ± \d+\.\d\d \| 83\.3 ± 0\.4 \|/);
  });
});
