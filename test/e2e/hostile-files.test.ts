/**
 * Files that are not what they claim, given to the CLI: character devices and FIFOs as config files
 * and checkpoints (they aborted the process with std::bad_alloc or blocked it forever), and malformed
 * run files for `report` / `compare` (they crashed with a TypeError stack). Each must end in a
 * WerankError message and a usage/runtime exit code, promptly, with no stack trace.
 */
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, ensureDist } from "../helpers/dist.js";

let tmp: string;
let fifo: string;
beforeAll(() => {
  ensureDist();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "werank-e2e-hostile-"));
  fifo = path.join(tmp, "fifo.yaml");
  execFileSync("mkfifo", [fifo]);
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function cli(args: string[]): { code: number | null; signal: NodeJS.Signals | null; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", env: { ...process.env, WERANK_NUM_THREADS: "1" }, timeout: 30_000 });
  return { code: r.status, signal: r.signal, stderr: r.stderr };
}

function expectClean(r: { code: number | null; signal: NodeJS.Signals | null; stderr: string }, code: number, pattern: RegExp): void {
  expect(r.signal, r.stderr).toBeNull(); // neither a crash nor our timeout
  expect(r.code, r.stderr).toBe(code);
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at .*:\d+:\d+/); // no stack trace
}

/** A minimal finished-looking run directory with `files` replaced. */
function run(name: string, files: Record<string, string>): string {
  const dir = path.join(tmp, name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "config.json"), JSON.stringify({ objective: { name: "bgrl" }, werank: { alpha: 0 } }));
  fs.writeFileSync(path.join(dir, "metrics.jsonl"), `${JSON.stringify({ type: "epoch", epoch: 1, loss: 1 })}\n`);
  for (const [f, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, f), text);
  return dir;
}

describe("hostile files", () => {
  it("a character device or a FIFO as --config is ERR_CONFIG (no abort, no hang)", () => {
    expectClean(cli(["train", "--config", "/dev/zero", "--print-config"]), 2, /ERR_CONFIG.*character device/);
    expectClean(cli(["train", "--config", fifo, "--print-config"]), 2, /ERR_CONFIG.*FIFO/);
    expectClean(cli(["train", "--config", tmp, "--print-config"]), 2, /ERR_CONFIG.*directory/);
  });

  it("/dev/zero or a FIFO as a checkpoint is refused by eval (no abort, no hang)", () => {
    const dir = run("ck-devices", {});
    fs.mkdirSync(path.join(dir, "checkpoints"));
    fs.symlinkSync("/dev/zero", path.join(dir, "checkpoints", "final.safetensors"));
    fs.symlinkSync(fifo, path.join(dir, "checkpoints", "final.json"));
    expectClean(cli(["eval", dir]), 1, /ERR_IO.*(FIFO|character device)/);
    fs.rmSync(path.join(dir, "checkpoints", "final.json"));
    fs.symlinkSync("/dev/zero", path.join(dir, "checkpoints", "final.json"));
    expectClean(cli(["eval", dir]), 1, /ERR_IO.*character device/);
  });

  it("report and compare on malformed run files are ERR_DATA, not a TypeError", () => {
    const cases: Record<string, Record<string, string>> = {
      "spectra-without-fields": { "spectra.jsonl": `${JSON.stringify({ type: "spectra", epoch: 2 })}\n` },
      "summary-status-only": { "summary.json": JSON.stringify({ status: "completed" }) },
      "eval-without-probe": { "metrics.jsonl": `${JSON.stringify({ type: "eval", epoch: 3 })}\n` },
      "spectrum-of-strings": {
        "spectra.jsonl": `${JSON.stringify({
          type: "spectra",
          representations: { online: { effectiveRank: 1, covarianceSpectrum: ["x"] } },
          embeddings: {},
          rankDifferential: { embeddings: null, representations: null },
          weights: [],
        })}\n`,
      },
    };
    for (const [name, files] of Object.entries(cases)) {
      const dir = run(name, files);
      expectClean(cli(["report", dir]), 1, /ERR_DATA/);
      expectClean(cli(["compare", dir, dir, "--out", path.join(tmp, `${name}.html`)]), 1, /ERR_DATA/);
    }
    const fifoRun = run("metrics-fifo", {});
    fs.rmSync(path.join(fifoRun, "metrics.jsonl"));
    fs.symlinkSync(fifo, path.join(fifoRun, "metrics.jsonl"));
    expectClean(cli(["report", fifoRun]), 1, /ERR_DATA.*FIFO/);
  });

  it("report and compare still read a summary written before summaries had a label (werankAlpha)", () => {
    const summary = {
      status: "completed",
      dataset: "synthetic",
      werankAlpha: 0,
      epochs: 1,
      epochsRun: 1,
      secondsPerEpoch: 0.1,
      probe: { mean: 0.8, std: 0.01, splits: 2, protocol: "random", solver: "ovr" },
      effectiveRank: { representation: 9, embedding: 5, target: null },
      rankDifferential: null,
      meanPairwiseCosine: 0.5,
      warnings: [],
      device: "cpu",
    };
    const dir = run("old-summary", { "summary.json": JSON.stringify(summary) });
    const r = spawnSync(process.execPath, [CLI, "report", dir], { encoding: "utf8", env: { ...process.env, WERANK_NUM_THREADS: "1" }, timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(fs.readFileSync(path.join(dir, "report.html"), "utf8")).toContain("bgrl on synthetic");
    const c = spawnSync(process.execPath, [CLI, "compare", dir, dir, "--out", path.join(tmp, "old.html")], { encoding: "utf8", timeout: 60_000 });
    expect(c.status, c.stderr).toBe(0);
  });

  it("collect lists a trial with a malformed summary.json or a FIFO instead of crashing", () => {
    const dir = path.join(tmp, "sweep");
    const trials = ["status-only", "fifo", "good"].map((id, index) => ({ index, id, params: { "werank.alpha": index }, seed: 0, dir: path.join(dir, "trials", id), set: [] }));
    for (const t of trials) fs.mkdirSync(t.dir, { recursive: true });
    fs.writeFileSync(path.join(trials[0]!.dir, "summary.json"), JSON.stringify({ status: "completed" }));
    fs.symlinkSync(fifo, path.join(trials[1]!.dir, "summary.json"));
    fs.writeFileSync(
      path.join(trials[2]!.dir, "summary.json"),
      JSON.stringify({ probe: { mean: 0.8, std: 0.01, splits: 2 }, effectiveRank: { representation: 9, embedding: 5 }, secondsPerEpoch: 0.1 }),
    );
    fs.writeFileSync(path.join(dir, "sweep.json"), JSON.stringify({ version: 1, dir, created: "x", base: {}, grid: [{ key: "werank.alpha", values: [0, 1, 2] }], seeds: [0], trials }));
    const r = spawnSync(process.execPath, [CLI, "collect", dir, "--json"], { encoding: "utf8", timeout: 30_000 });
    expect(r.signal, r.stderr).toBeNull();
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/\n\s+at .*:\d+:\d+/);
    const results = JSON.parse(fs.readFileSync(path.join(dir, "results.json"), "utf8")) as { rows: { accuracy: { n: number } }[]; missing: { id: string; reason: string }[] };
    expect(results.rows.map((row) => row.accuracy.n)).toEqual([0, 0, 1]);
    expect(results.missing.map((m) => m.id).sort()).toEqual(["fifo", "status-only"]);
    expect(results.missing.find((m) => m.id === "status-only")!.reason).toMatch(/unreadable summary.json.*"probe"/);
    expect(results.missing.find((m) => m.id === "fifo")!.reason).toMatch(/FIFO/);
  });
});
