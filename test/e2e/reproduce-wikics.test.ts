/**
 * `werank-native reproduce bgrl` on a WikiCS-format dataset: BGRL's evaluation uses the dataset's
 * official splits (fit_logistic_regression_preset_splits), not random 20% / 80% repeats. A small
 * synthetic data.json in the public format stands in for WikiCS.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { CLI, ensureDist } from "../helpers/dist.js";

let tmp: string;
beforeAll(() => {
  ensureDist();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "werank-e2e-reproduce-wikics-"));
  const n = 90;
  const labels = Array.from({ length: n }, (_, i) => i % 3);
  const features = labels.map((y, i) => Array.from({ length: 6 }, (_, j) => (j === y ? 1 : 0) + 0.3 * Math.sin(7 * i + 3 * j)));
  const mask = (pred: (i: number) => boolean): boolean[] => Array.from({ length: n }, (_, i) => pred(i));
  fs.mkdirSync(path.join(tmp, "data", "wikics"), { recursive: true });
  fs.writeFileSync(
    path.join(tmp, "data", "wikics", "data.json"),
    JSON.stringify({
      features,
      labels,
      links: Array.from({ length: n }, (_, i) => [(i + 1) % n, (i + 3) % n]),
      train_masks: [0, 1, 2, 3].map((s) => mask((i) => i < 60 && Math.floor(i / 3) % 4 === s)),
      val_masks: [0, 1, 2, 3].map((s) => mask((i) => i < 60 && Math.floor(i / 3) % 4 === (s + 1) % 4)),
      test_mask: mask((i) => i >= 60),
    }),
  );
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

it("reproduce bgrl --dataset wikics scores BGRL's protocol on the 4 official splits", () => {
  const out = path.join(tmp, "runs");
  const r = spawnSync(
    process.execPath,
    [
      CLI,
      "reproduce",
      "bgrl",
      "--dataset",
      "wikics",
      "--data-dir",
      path.join(tmp, "data"),
      "--epochs",
      "2",
      "--out",
      out,
      "--set",
      "encoder.layers=[16,8]",
      "--set",
      "objective.predictorHidden=16",
      "--set",
      "optim.warmupEpochs=1",
      "--set",
      "train.evalEvery=0",
      "--set",
      "train.checkpointEvery=0",
      "--set",
      "train.spectraEvery=0",
      "--set",
      "eval.splits=2",
      "--set",
      "output.report=false",
    ],
    { encoding: "utf8", env: { ...process.env, WERANK_NUM_THREADS: "1" }, timeout: 300_000 },
  );
  expect(r.status, r.stderr).toBe(0);
  expect(r.stdout).toMatch(/the dataset's 4 official split\(s\), C chosen on each validation set/);
  const root = path.join(out, fs.readdirSync(out).find((d) => d.startsWith("reproduce-bgrl-wikics"))!);
  const ev = JSON.parse(fs.readFileSync(path.join(root, "seed-0", "eval-bgrl-protocol.json"), "utf8"));
  expect(ev.splits).toBe("official");
  expect(ev.repeats).toBe(4);
  expect(ev.perRepeat.map((x: { split: string }) => x.split)).toEqual(["public-0", "public-1", "public-2", "public-3"]);
});
