/**
 * `werank-native toy` in a child process (build first: npx tsc -p .): JSONL output, the run folder
 * with its figures, plain progress lines, the default folder name, and usage errors (exit 2 with a
 * did-you-mean).
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const CLI = path.join(ROOT, "dist/cli/main.js");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "werank-toy-e2e-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function cli(args: string[], cwd = ROOT): { code: number | null; stdout: string; stderr: string } {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: build the TypeScript first (npx tsc -p .)`);
  const r = spawnSync(process.execPath, [CLI, "toy", ...args], { cwd, encoding: "utf8", env: { ...process.env, WERANK_NUM_THREADS: "1" }, timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("werank-native toy", () => {
  it("--sweep-k with --werank --json: JSONL events only, a summary line, toy.jsonl, summary.json and spectrum-vs-k.svg", () => {
    const out = path.join(tmp, "sweep");
    const r = cli(["--sweep-k", "0,2", "--werank", "1", "--epochs", "3", "--samples", "1280", "--json", "--out", out]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const lines = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const last = lines[lines.length - 1]!;
    expect(last.event).toBe("summary");
    const runs = last.runs as { label: string; weights: { vanishing: number; singularValues: number[] }[] }[];
    expect(runs.map((x) => x.label)).toEqual(["k=0", "k=0 werank=1", "k=2", "k=2 werank=1"]);
    for (const x of runs) expect(x.weights[0]!.singularValues).toHaveLength(16);
    // 4 runs x (start, 4 log points, end) + 1 figure + summary
    expect(lines.filter((l) => l.event === "epoch")).toHaveLength(16);
    expect(lines.filter((l) => l.event === "run-end")).toHaveLength(4);
    const jsonl = fs.readFileSync(path.join(out, "toy.jsonl"), "utf8").trim().split("\n");
    expect(jsonl).toHaveLength(lines.length - 1);
    const summary = JSON.parse(fs.readFileSync(path.join(out, "summary.json"), "utf8"));
    expect(summary.ks).toEqual([0, 2]);
    expect(summary.definitions.vanishing).toMatch(/0\.001 x the largest/);
    expect(fs.readFileSync(path.join(out, "spectrum-vs-k.svg"), "utf8")).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
    expect(fs.existsSync(path.join(out, "spectra-training.svg"))).toBe(false); // sweep mode draws the k figure only
  });

  it("a single two-layer run prints plain progress and draws the training spectra and alignment figures into runs/toy-<objective>-<layers>l-<time>", () => {
    const r = cli(["--objective", "ema", "--layers", "2", "--k", "0.1", "--epochs", "2", "--samples", "1280"], tmp);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^k=0\.1: training$/m);
    expect(r.stdout).toMatch(/vanishing \(< 0\.001 x max\) W1 \d+\/16, W2 \d+\/16/);
    expect(() => JSON.parse(r.stdout.split("\n")[0]!)).toThrow();
    const dirs = fs.readdirSync(path.join(tmp, "runs"));
    expect(dirs).toHaveLength(1);
    expect(dirs[0]).toMatch(/^toy-ema-2l-\d{8}-\d{6}$/);
    const files = fs.readdirSync(path.join(tmp, "runs", dirs[0]!)).sort();
    expect(files).toEqual(["alignment.svg", "spectra-training.svg", "spectrum-vs-k.svg", "summary.json", "toy.jsonl"]);
  });

  it("bad flags and values exit 2 with a did-you-mean and write nothing", () => {
    const before = fs.readdirSync(tmp).sort();
    const flag = cli(["--epoch", "3"], tmp);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/unknown option --epoch \(did you mean --epochs\?\)/);
    const name = cli(["--objective", "infonc"], tmp);
    expect(name.code).toBe(2);
    expect(name.stderr).toMatch(/Unknown toy objective 'infonc' \(did you mean 'infonce'\?\)/);
    const value = cli(["--k=-1"], tmp);
    expect(value.code).toBe(2);
    expect(value.stderr).toMatch(/Expected a number >= 0 for --k but received '-1'/);
    const both = cli(["--k", "1", "--sweep-k", "0,1"], tmp);
    expect(both.code).toBe(2);
    const list = cli(["--sweep-k", "0,x"], tmp);
    expect(list.code).toBe(2);
    expect(list.stderr).toMatch(/--sweep-k/);
    expect(fs.readdirSync(tmp).sort()).toEqual(before);
  });
});
