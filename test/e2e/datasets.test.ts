/** `werank-native datasets` in a child process (build first: `npx tsc -p .`). */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listDatasets } from "../../src/data/datasetRegistry.js";
import { benchmarkArrays, npz } from "../helpers/npz.js";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const cli = path.join(repo, "dist/cli/main.js");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "werank-cli-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function run(args: string[], env: Record<string, string> = {}): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", env: { ...process.env, ...env }, timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(() => {
  if (!fs.existsSync(cli)) throw new Error(`${cli} is missing: run 'npx tsc -p .' before the e2e tests`);
  fs.mkdirSync(path.join(tmp, "cora"));
  fs.writeFileSync(path.join(tmp, "cora/cora.npz"), npz(benchmarkArrays({ n: 3, edges: [[0, 1]], features: [[1], [0], [1]], labels: [0, 1, 2] })));
  fs.writeFileSync(path.join(tmp, "ms_academic_cs.npz"), "garbage");
});

describe("werank-native datasets", () => {
  it("prints a table with found/missing rows and counts", () => {
    const r = run(["datasets", "--data-dir", tmp]);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`data directory: ${tmp}`);
    expect(r.out).toMatch(/cora\s+found\s+3\s+1\s+1\s+3\s+.*cora\/cora\.npz/);
    expect(r.out).toMatch(/amazon-photo\s+missing\s+get https:\/\/github\.com\/shchur\/gnn-benchmark/);
    expect(r.out).toMatch(/coauthor-cs\s+error/);
    expect(r.out).toMatch(/synthetic\s+found\s+2,500\s+10,000\s+128\s+5\s+built in/);
  });

  it("prints one JSON object per dataset with --json, reading WERANK_DATA_DIR", () => {
    const r = run(["datasets", "--json"], { WERANK_DATA_DIR: tmp });
    expect(r.code).toBe(0);
    const rows = r.out
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    // Every registered dataset, in the registry's order (test/unit/data/loadDataset.test.ts pins that list).
    expect(rows.map((x) => x.name)).toEqual(listDatasets().map((d) => d.name));
    expect(rows[0]).toMatchObject({ found: true, nodes: 3, edges: 1, features: 1, classes: 3 });
    expect(rows[1]).toMatchObject({ found: false });
    expect(rows[1]!.expected).toContain(path.join(tmp, "citeseer.npz"));
    expect(rows[4]!.error).toMatch(/ERR_DATA/);
  });

  it("rejects unknown options with exit code 2", () => {
    const r = run(["datasets", "--frobnicate"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("ERR_CONFIG: datasets: unknown option --frobnicate");
  });

  it("lists the command in --help", () => {
    expect(run(["--help"]).out).toMatch(/datasets\s+list the known datasets/);
    expect(run(["datasets", "--help"]).out).toContain("werank-native datasets [--data-dir DIR] [--json]");
  });
});
