import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, ensureDist } from "../helpers/dist.js";

/** A tiny config: trains in about a second. */
const TINY = `
dataset:
  synthetic: { nodes: 240, classes: 3, features: 16, avgDegree: 6 }
encoder: { layers: [16, 8] }
objective: { predictorHidden: 16 }
optim: { lr: 0.005, warmupEpochs: 2 }
train: { epochs: 8, spectraEvery: 4 }
eval: { splits: 2 }
werank: { alpha: 0.01 }
`;

let tmp: string;
let cfg: string;
beforeAll(() => {
  ensureDist();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "werank-e2e-train-"));
  cfg = path.join(tmp, "tiny.yaml");
  fs.writeFileSync(cfg, TINY);
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function cli(args: string[], env: Record<string, string> = {}): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", env: { ...process.env, WERANK_NUM_THREADS: "1", ...env }, timeout: 120_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const jsonLines = (s: string): Record<string, unknown>[] =>
  s
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe("werank-native train", () => {
  it("--json prints only JSONL events ending with the summary line, and writes the run directory", () => {
    const dir = path.join(tmp, "run-json");
    const r = cli(["train", "--config", cfg, "--run-dir", dir, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const lines = jsonLines(r.stdout); // every stdout line parses as JSON
    const last = lines.at(-1)! as {
      type: string;
      probe: { mean: number; std: number; splits: number };
      effectiveRank: { representation: number; embedding: number };
      epochs: number;
      secondsPerEpoch: number;
      runDir: string;
    };
    expect(last.type).toBe("summary");
    expect(last.probe.splits).toBe(2);
    expect(last.probe.mean).toBeGreaterThan(0);
    expect(last.probe.std).toBeGreaterThanOrEqual(0);
    expect(last.effectiveRank.representation).toBeGreaterThan(1);
    expect(last.effectiveRank.embedding).toBeGreaterThan(1);
    expect(last.epochs).toBe(8);
    expect(last.secondsPerEpoch).toBeGreaterThan(0);
    expect(last.runDir).toBe(dir);
    expect(lines.filter((l) => l.type === "epoch")).toHaveLength(8);
    // The schedule, once, before the first epoch.
    const sched = lines.filter((l) => l.type === "schedule");
    expect(sched).toHaveLength(1);
    expect(lines.indexOf(sched[0]!)).toBeLessThan(lines.findIndex((l) => l.type === "epoch"));
    expect(sched[0]).toMatchObject({ epochs: 8, lrSchedule: "warmup-cosine" });
    for (const f of ["config.json", "env.json", "metrics.jsonl", "spectra.jsonl", "summary.json", "report.html", "checkpoints/final.safetensors", "checkpoints/final.json"]) {
      expect(fs.existsSync(path.join(dir, f)), f).toBe(true);
    }
    const config = JSON.parse(fs.readFileSync(path.join(dir, "config.json"), "utf8"));
    expect(config.werank.alpha).toBe(0.01);
    expect(config.eval.classifier).toBe("multinomial");
    const env = JSON.parse(fs.readFileSync(path.join(dir, "env.json"), "utf8"));
    expect(env.torch.torchVersion).toMatch(/^\d+\.\d+/);
    expect(env.data.provenance.preprocessing.length).toBeGreaterThan(0);
    expect(env).toHaveProperty("git");
  });

  it("prints a readable summary and plain progress lines without a TTY", () => {
    const r = cli(["train", "--config", cfg, "--out", path.join(tmp, "runs"), "--seed", "3"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/epoch 8\/8\s+loss/);
    expect(r.stdout).toMatch(/^schedule: lr [\d.e-]+ \(\w+\), linear warm-up \d+ epochs \([\d.]+ %\), cosine decay to 0 at epoch 8/m);
    expect(r.stdout).toMatch(/linear probe accuracy\s+[\d.]+ ± [\d.]+ %/);
    expect(r.stdout).toMatch(/effective rank\s+representation [\d.]+, embedding [\d.]+/);
    expect(r.stdout).toMatch(/report\s+.*report\.html/);
    const runs = fs.readdirSync(path.join(tmp, "runs"));
    expect(runs.some((d) => d.startsWith("bgrl+werank-synthetic-"))).toBe(true);
  });

  it("--matmul-precision medium says what the products are and records the setting", () => {
    const out = path.join(tmp, "precision");
    const r = cli(["train", "--config", cfg, "--out", out, "--matmul-precision", "medium"]);
    expect(r.code, r.stderr).toBe(0);
    const info = JSON.parse(cli(["info", "--json"]).stdout) as { bf16Matmul: boolean };
    expect(r.stdout).toContain(info.bf16Matmul ? "on cpu, bfloat16 products (matmul precision medium)" : "on cpu, float32 products (this CPU has no native bfloat16)");
    const [dir] = fs.readdirSync(out);
    expect(JSON.parse(fs.readFileSync(path.join(out, dir!, "config.json"), "utf8")).train.matmulPrecision).toBe("medium");
    expect(JSON.parse(fs.readFileSync(path.join(out, dir!, "env.json"), "utf8")).torch.bf16Matmul).toBe(info.bf16Matmul);
    const bad = cli(["train", "--config", cfg, "--out", out, "--matmul-precision", "low"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/matmulPrecision/);
    expect(bad.stderr).toMatch(/highest.*high.*medium/);
  });

  it("--batch-size 64 --fanouts 5,5 trains in neighbour-sampled mini-batches and records them; bad fanouts exit 2; a full-batch run too large is refused", () => {
    const dir = path.join(tmp, "mini-batch");
    const r = cli(["train", "--config", cfg, "--run-dir", dir, "--json", "--batch-size", "64", "--fanouts", "5,5", "--epochs", "3"]);
    expect(r.code, r.stderr).toBe(0);
    const epochs = jsonLines(r.stdout).filter((l) => l.type === "epoch");
    expect(epochs.map((l) => l.epoch)).toEqual([1, 2, 3]);
    expect(epochs.every((l) => Number.isFinite(l.loss))).toBe(true);
    const summary = JSON.parse(fs.readFileSync(path.join(dir, "summary.json"), "utf8")) as { batchSize: number; fanouts: number[]; status: string; probe: { mean: number } };
    expect(summary).toMatchObject({ status: "completed", batchSize: 64, fanouts: [5, 5] });
    expect(summary.probe.mean).toBeGreaterThan(0);
    expect(JSON.parse(fs.readFileSync(path.join(dir, "config.json"), "utf8")).train).toMatchObject({ batchSize: 64, fanouts: [5, 5] });
    const out = path.join(tmp, "mini-batch-bad");
    const bad = cli(["train", "--config", cfg, "--out", out, "--batch-size", "64", "--fanouts", "5"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/train.fanouts has 1 entries .*2 message-passing layers/);
    expect(fs.existsSync(out)).toBe(false);
    // A full-batch run that does not fit the memory available is refused before the run directory exists.
    const oom = cli(["train", "--config", cfg, "--out", out], { WERANK_MEMORY_AVAILABLE: "1K" });
    expect(oom.code).toBe(1);
    expect(oom.stderr).toMatch(/ERR_OUT_OF_MEMORY: Full-batch training of 240 nodes .* needs about .* Possible solutions: --batch-size 4096 --fanouts 10,10/);
    expect(fs.existsSync(out)).toBe(false);
    expect(cli(["train", "--config", cfg, "--run-dir", path.join(tmp, "mini-fits"), "--epochs", "1", "--batch-size", "64", "--fanouts", "5,5"], { WERANK_MEMORY_AVAILABLE: "1K" }).code).toBe(0);
    const help = cli(["train", "--help"]).stdout;
    expect(help).toMatch(/--batch-size N +train.batchSize/);
    expect(help).toMatch(/--fanouts F1,F2 +train.fanouts/);
  });

  it("usage errors exit 2 with a did-you-mean and write nothing", () => {
    const out = path.join(tmp, "nothing");
    for (const args of [
      ["train", "--set", "objective.tua=0.5", "--out", out],
      ["train", "--objective", "bgrll", "--out", out],
      ["train", "--dataset", "coraa", "--out", out],
      ["train", "--epoch", "3", "--out", out],
    ]) {
      const r = cli(args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(/did you mean/);
      expect(r.stderr).not.toMatch(/at .*\.js:\d+/); // no stack trace
    }
    expect(fs.existsSync(out)).toBe(false);
  });

  it("a missing dataset file is a runtime error (exit 1) naming the expected path and the public origin", () => {
    const r = cli(["train", "--dataset", "citeseer", "--data-dir", tmp, "--out", path.join(tmp, "nothing2")]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/ERR_DATA/);
    expect(r.stderr).toContain(tmp);
    expect(r.stderr).toMatch(/https:\/\//);
    expect(fs.existsSync(path.join(tmp, "nothing2"))).toBe(false);
  });

  it("SIGINT saves a checkpoint and exits 130; --resume finishes the run", async () => {
    const dir = path.join(tmp, "run-sigint");
    const child = spawn(process.execPath, [CLI, "train", "--config", cfg, "--run-dir", dir, "--json", "--epochs", "400", "--set", "train.spectraEvery=0"], {
      env: { ...process.env, WERANK_NUM_THREADS: "1" },
    });
    let out = "";
    let sent = false;
    const code = await new Promise<number>((resolve) => {
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString();
        if (!sent && (out.match(/"type":"epoch"/g) ?? []).length >= 3) {
          sent = true;
          child.kill("SIGINT");
        }
      });
      child.on("exit", (c) => resolve(c ?? -1));
    });
    expect(code).toBe(130);
    const lines = jsonLines(out);
    const summary = lines.at(-1) as { type: string; status: string; epochsRun: number };
    expect(summary.type).toBe("summary");
    expect(summary.status).toBe("interrupted");
    expect(summary.epochsRun).toBeLessThan(400);
    expect(fs.existsSync(path.join(dir, "checkpoints", "interrupt.safetensors"))).toBe(true);

    const r = cli(["train", "--resume", dir, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const done = jsonLines(r.stdout).at(-1) as { status: string; epochsRun: number };
    expect(done.status).toBe("completed");
    expect(done.epochsRun).toBe(400);
    const epochs = jsonLines(r.stdout).filter((l) => l.type === "epoch") as { epoch: number }[];
    expect(epochs[0]!.epoch).toBe(summary.epochsRun + 1);
  }, 180_000);

  it("eval reproduces the trained model's probe from its checkpoint", () => {
    const dir = path.join(tmp, "run-json");
    const trained = JSON.parse(fs.readFileSync(path.join(dir, "summary.json"), "utf8"));
    const r = cli(["eval", dir, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const e = JSON.parse(r.stdout.trim()) as { probe: { mean: number }; effectiveRank: { representation: number } };
    expect(e.probe.mean).toBeCloseTo(trained.probe.mean, 10);
    expect(e.effectiveRank.representation).toBeCloseTo(trained.effectiveRank.representation, 4);
    expect(fs.existsSync(path.join(dir, "eval-final.json"))).toBe(true);
    expect(cli(["eval", dir, "--checkpoint", "epoch-9"]).stderr).toMatch(/no checkpoint 'epoch-9'.*available: final/);
  });

  it("report regenerates report.html and compare draws runs side by side", () => {
    const a = path.join(tmp, "run-json");
    fs.rmSync(path.join(a, "report.html"));
    const r = cli(["report", a]);
    expect(r.code, r.stderr).toBe(0);
    const html = fs.readFileSync(path.join(a, "report.html"), "utf8");
    for (const id of ["loss", "effective-rank", "rank-differential", "spectrum", "weight-spectra"]) expect(html).toContain(`data-figure="${id}"`);
    expect(html).not.toMatch(/<script/i); // self-contained and static
    const b = path.join(tmp, "run-b");
    expect(cli(["train", "--config", cfg, "--run-dir", b, "--werank", "0", "--json"]).code).toBe(0);
    const out = path.join(tmp, "cmp.html");
    const c = cli(["compare", a, b, "--out", out]);
    expect(c.code, c.stderr).toBe(0);
    const cmp = fs.readFileSync(out, "utf8");
    expect(cmp).toContain("bgrl + WERank (encoder, alpha 0.01, gram smaller)");
    expect(cmp.match(/<tr><td>/g)).toHaveLength(2);
    expect(cmp).toContain('data-figure="compare-rank-representation"');
    expect(cli(["report", path.join(tmp, "nope")]).code).toBe(2);
  });
});
