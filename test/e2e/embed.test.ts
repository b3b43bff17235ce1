/**
 * `werank-native embed` (a checkpoint's embeddings as .npy) and `eval --protocol bgrl --json`, on a
 * tiny synthetic run trained by the CLI.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadGraphForConfig, probeGraph, readConfigFile, resolveConfig, tensor } from "../../src/index.js";
import { parseNpy } from "../../src/data/npy.js";
import { ensureDist } from "../helpers/dist.js";
import { runCli, writeTinyConfig } from "../helpers/tinyRun.js";

let tmp: string;
let run: string;
beforeAll(() => {
  ensureDist();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "werank-e2e-embed-"));
  const cfg = writeTinyConfig(tmp, { nodes: 240, features: 16, hidden: 8, epochs: 4, checkpointEvery: 2, splits: 2 });
  run = path.join(tmp, "run");
  const r = cli(["train", "--config", cfg, "--run-dir", run, "--json"]);
  expect(r.code, r.stderr).toBe(0);
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const cli = (args: string[]): { code: number; stdout: string; stderr: string } => {
  const r = runCli(args);
  return { code: r.code ?? -1, stdout: r.stdout, stderr: r.stderr };
};

function readNpy(file: string): { header: string; shape: number[]; data: Float32Array } {
  const bytes = fs.readFileSync(file);
  expect([...bytes.subarray(0, 8)]).toEqual([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]); // \x93NUMPY v1.0
  const hlen = bytes.readUInt16LE(8);
  expect((10 + hlen) % 64).toBe(0);
  const a = parseNpy(new Uint8Array(bytes), { file });
  expect(a.dtype).toBe("f4");
  return { header: bytes.subarray(10, 10 + hlen).toString("latin1"), shape: a.shape as number[], data: a.data as Float32Array };
}

describe("werank-native embed", () => {
  it("writes the final checkpoint's embeddings as float32 [N, d] .npy, the embeddings eval probes", async () => {
    const out = path.join(tmp, "final.npy");
    const r = cli(["embed", run, "--out", out, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines).toHaveLength(1);
    const info = JSON.parse(lines[0]!) as { out: string; shape: number[]; checkpoint: string; epoch: number };
    expect(info).toMatchObject({ out, shape: [240, 8], checkpoint: "final", epoch: 4 });
    const npy = readNpy(out);
    expect(npy.header).toMatch(/^\{'descr': '<f4', 'fortran_order': False, 'shape': \(240, 8\), \} *\n$/);
    expect(npy.shape).toEqual([240, 8]);
    expect(npy.data.every(Number.isFinite)).toBe(true);

    // eval --protocol bgrl --json: one JSON object; its probe.mean is the BGRL-protocol accuracy of exactly these embeddings.
    const ev = cli(["eval", run, "--protocol", "bgrl", "--json"]);
    expect(ev.code, ev.stderr).toBe(0);
    const evLines = ev.stdout.trim().split("\n");
    expect(evLines).toHaveLength(1);
    const res = JSON.parse(evLines[0]!) as { probe: { mean: number; protocol: string; solver: string; splits: number } };
    expect(res.probe).toMatchObject({ protocol: "bgrl", solver: "ovr", splits: 2 });
    const config = resolveConfig({ overrides: readConfigFile(path.join(run, "config.json")) as never });
    const graph = await loadGraphForConfig(config);
    const x = tensor(npy.data, { shape: [240, 8] });
    const ours = probeGraph(x, graph, { protocol: "bgrl", splits: { numSplits: config.eval.splits, seed: config.train.dataSeed } });
    x.dispose();
    expect(res.probe.mean).toBeCloseTo(ours.mean, 9);
  });

  it("--checkpoint NAME embeds that checkpoint; a missing run, checkpoint or --out is a clear error and writes nothing", () => {
    const a = path.join(tmp, "epoch-2.npy");
    expect(cli(["embed", run, "--checkpoint", "epoch-2", "--out", a]).code).toBe(0);
    const early = readNpy(a).data;
    const final = readNpy(path.join(tmp, "final.npy")).data;
    expect(early.length).toBe(final.length);
    expect(early.some((v, i) => v !== final[i])).toBe(true);

    const missing = path.join(tmp, "missing.npy");
    const noCk = cli(["embed", run, "--checkpoint", "epoch-3", "--out", missing]);
    expect(noCk.code).not.toBe(0);
    expect(noCk.stderr).toMatch(/no checkpoint 'epoch-3'.*available: .*epoch-2/);
    const noRun = cli(["embed", path.join(tmp, "nope"), "--out", missing]);
    expect(noRun.code).not.toBe(0);
    expect(noRun.stderr).toMatch(/neither a run directory/);
    const noOut = cli(["embed", run]);
    expect(noOut.code).not.toBe(0);
    expect(noOut.stderr).toMatch(/--out FILE\.npy is required/);
    expect(fs.existsSync(missing)).toBe(false);
  });

  it("is listed by --help with its own help text", () => {
    expect(cli(["--help"]).stdout).toMatch(/\bembed\b.*\.npy/);
    expect(cli(["embed", "--help"]).stdout).toMatch(/--checkpoint NAME/);
  });
});
