/**
 * Resume after a kill at every stage of writing a checkpoint. A tiny run (6 epochs, a checkpoint
 * every 2) kills itself with SIGKILL (WERANK_TEST_KILL_AT, read in src/env.ts) while writing
 * epoch-4: after the tensors' temp file is complete, after its rename, after the sidecar's temp file
 * is complete, after its rename. `train --resume` must then succeed every time, from the newest
 * COMPLETE checkpoint (epoch-2 for the first three, epoch-4 for the last), and the run's
 * metrics.jsonl must hold every epoch exactly once with the losses of an uninterrupted run, bit for
 * bit; no temp file may remain. Also: an old `interrupt` checkpoint must not beat a newer epoch-4
 * (checkpoints are ordered by the epoch recorded inside them), `--run-dir` refuses a non-empty
 * directory without --overwrite, and resuming a run without a complete checkpoint is ERR_CONFIG.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, ensureDist } from "../helpers/dist.js";
import { epochLosses, records, runCli, writeTinyConfig } from "../helpers/tinyRun.js";

const STAGES = ["tensors-written", "tensors-renamed", "sidecar-written", "sidecar-renamed"] as const;

let tmp: string;
let cfg: string;
beforeAll(() => {
  ensureDist();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "werank-e2e-resume-kill-"));
  cfg = writeTinyConfig(tmp, { nodes: 200, features: 12, hidden: 8, epochs: 6, warmupEpochs: 2, spectraEvery: 2, checkpointEvery: 2, splits: 2, extra: "werank: { alpha: 0.01 }" });
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const cli = runCli;

const temps = (dir: string): string[] => [dir, path.join(dir, "checkpoints")].flatMap((d) => (fs.existsSync(d) ? fs.readdirSync(d).filter((f) => f.includes(".tmp-")) : []));

describe("train --resume after a kill at every checkpoint stage", () => {
  let reference: [number, number][];
  let referenceSpectra: unknown[];
  beforeAll(() => {
    const dir = path.join(tmp, "reference");
    const r = cli(["train", "--config", cfg, "--run-dir", dir, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    reference = epochLosses(dir);
    referenceSpectra = records(path.join(dir, "spectra.jsonl")).map((s) => s.epoch);
    expect(referenceSpectra).toContain(4);
    expect(reference.map(([e]) => e)).toEqual([1, 2, 3, 4, 5, 6]);
  }, 120_000);

  for (const stage of STAGES) {
    it(`killed at ${stage} of epoch-4: resumes from the newest complete checkpoint with the uninterrupted losses`, () => {
      const dir = path.join(tmp, `kill-${stage}`);
      const killed = cli(["train", "--config", cfg, "--run-dir", dir, "--json"], { WERANK_TEST_KILL_AT: `${stage}@epoch-4` });
      expect(killed.signal, killed.stderr).toBe("SIGKILL");
      expect(epochLosses(dir).map(([e]) => e)).toEqual([1, 2, 3, 4]);
      if (stage === "tensors-written" || stage === "sidecar-written") expect(temps(dir).length).toBeGreaterThan(0);

      const r = cli(["train", "--resume", dir, "--json"]);
      expect(r.code, r.stderr).toBe(0);
      const resumedAt = stage === "sidecar-renamed" ? 4 : 2;
      const trained = r.stdout
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { type: string; epoch?: number })
        .filter((l) => l.type === "epoch");
      expect(trained[0]!.epoch).toBe(resumedAt + 1);
      expect(epochLosses(dir)).toEqual(reference);
      const spectraEpochs = records(path.join(dir, "spectra.jsonl")).map((s) => s.epoch);
      expect(spectraEpochs).toEqual(referenceSpectra); // each diagnostics epoch once
      expect(temps(dir)).toEqual([]);
      expect(JSON.parse(fs.readFileSync(path.join(dir, "summary.json"), "utf8")).status).toBe("completed");
    }, 120_000);
  }

  it("an older interrupt checkpoint does not beat a newer epoch checkpoint", () => {
    const dir = path.join(tmp, "stale-interrupt");
    expect(cli(["train", "--config", cfg, "--run-dir", dir, "--json"], { WERANK_TEST_KILL_AT: "sidecar-renamed@epoch-4" }).signal).toBe("SIGKILL");
    // An interrupt checkpoint recording epoch 2, newer on disk than epoch-4.
    for (const ext of [".safetensors", ".json"]) fs.copyFileSync(path.join(dir, "checkpoints", `epoch-2${ext}`), path.join(dir, "checkpoints", `interrupt${ext}`));
    const r = cli(["train", "--resume", dir, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(epochLosses(dir)).toEqual(reference);
    expect(r.stdout).toContain('"type":"epoch","epoch":5,');
    expect(r.stdout).not.toContain('"type":"epoch","epoch":3,');
  }, 120_000);

  it("a run without a complete checkpoint is ERR_CONFIG, not a crash", () => {
    const dir = path.join(tmp, "no-complete");
    expect(cli(["train", "--config", cfg, "--run-dir", dir, "--json"], { WERANK_TEST_KILL_AT: "tensors-renamed@epoch-2" }).signal).toBe("SIGKILL");
    const r = cli(["train", "--resume", dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no complete checkpoint/);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
  }, 120_000);

  it("--run-dir refuses a non-empty directory unless --overwrite, which replaces the old run's outputs", () => {
    const dir = path.join(tmp, "reference");
    const before = fs.readFileSync(path.join(dir, "metrics.jsonl"), "utf8");
    const r = cli(["train", "--config", cfg, "--run-dir", dir, "--json"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not empty.*--resume.*--overwrite/);
    expect(fs.readFileSync(path.join(dir, "metrics.jsonl"), "utf8")).toBe(before);
    const other = path.join(tmp, "not-a-run");
    fs.mkdirSync(other);
    fs.writeFileSync(path.join(other, "notes.txt"), "mine");
    expect(cli(["train", "--config", cfg, "--run-dir", other, "--json"]).code).toBe(2);
    fs.writeFileSync(path.join(dir, "checkpoints", "epoch-5.json"), "{}"); // a leftover that must go
    const o = cli(["train", "--config", cfg, "--run-dir", dir, "--json", "--overwrite"]);
    expect(o.code, o.stderr).toBe(0);
    expect(epochLosses(dir)).toEqual(reference);
    expect(fs.readdirSync(path.join(dir, "checkpoints")).sort()).toEqual(["epoch-2.json", "epoch-2.safetensors", "epoch-4.json", "epoch-4.safetensors", "final.json", "final.safetensors"]);
  }, 120_000);
});

describe("a second Ctrl-C", () => {
  // Steps of about a second (8,000 nodes, 256 features, one thread): both signals land in one step.
  const BIG = `
dataset:
  synthetic: { nodes: 8000, classes: 3, features: 256, avgDegree: 8 }
encoder: { layers: [256, 128] }
objective: { predictorHidden: 256 }
train: { epochs: 4, spectraEvery: 0, checkpointEvery: 1 }
eval: { splits: 1 }
output: { report: false }
`;

  it("quits with code 131 (documented) and --resume continues from the newest complete checkpoint", async () => {
    const cfgBig = path.join(tmp, "big.yaml");
    fs.writeFileSync(cfgBig, BIG);
    const dir = path.join(tmp, "double-sigint");
    const child = spawn(process.execPath, [CLI, "train", "--config", cfgBig, "--run-dir", dir, "--json"], { env: { ...process.env, WERANK_NUM_THREADS: "1" } });
    let out = "";
    let sent = false;
    const code = await new Promise<number | null>((resolve) => {
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString();
        if (!sent && out.includes('"type":"checkpoint","epoch":1,')) {
          sent = true;
          // Epoch 2 is now running: both signals reach the handler after it, the second one quits.
          child.kill("SIGINT");
          setTimeout(() => child.kill("SIGINT"), 150);
        }
      });
      child.on("exit", (c) => resolve(c));
    });
    expect(code).toBe(131);
    expect(fs.existsSync(path.join(dir, "checkpoints", "interrupt.json"))).toBe(false);
    expect(fs.existsSync(path.join(dir, "summary.json"))).toBe(false);
    const r = cli(["train", "--resume", dir, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(epochLosses(dir).map(([e]) => e)).toEqual([1, 2, 3, 4]);
  }, 180_000);
});
