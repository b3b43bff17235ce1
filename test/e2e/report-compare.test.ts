/**
 * What a researcher opens: report.html (probe curve with error bars over every evaluation, spectra
 * from initialization, objective and regularizer terms on separate panels, no empty sections) and
 * `compare` (the results table in the terminal and as --json, an accuracy chart with error bars).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureDist, runCli } from "../helpers/dist.js";

const TINY = `
dataset: { synthetic: { nodes: 200, classes: 3, features: 16 } }
encoder: { layers: [16, 8] }
objective: { predictorHidden: 16 }
optim: { warmupEpochs: 1 }
train: { epochs: 5, spectraEvery: 2, evalEvery: 2 }
eval: { splits: 2 }
`;

let tmp: string;
let a: string;
let b: string;
beforeAll(() => {
  ensureDist();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "werank-e2e-report-"));
  const cfg = path.join(tmp, "tiny.yaml");
  fs.writeFileSync(cfg, TINY);
  a = path.join(tmp, "werank");
  b = path.join(tmp, "plain");
  for (const [dir, alpha] of [
    [a, "0.01"],
    [b, "0"],
  ] as const) {
    const r = runCli(["train", "--config", cfg, "--run-dir", dir, "--werank", alpha, "--json"]);
    expect(r.code, r.stderr).toBe(0);
  }
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** The inline SVG of one figure of a page. */
function figureSvg(html: string, id: string): string {
  const i = html.indexOf(`data-figure="${id}"`);
  expect(i, `figure ${id}`).toBeGreaterThan(0);
  return html.slice(i, html.indexOf("</figure>", i));
}

describe("report.html", () => {
  it("draws the probe at every evaluation with error bars, spectra from epoch 0, terms on their own panels", () => {
    const html = fs.readFileSync(path.join(a, "report.html"), "utf8");
    const evals = fs
      .readFileSync(path.join(a, "metrics.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l))
      .filter((m) => m.type === "eval");
    expect(evals.map((e: { epoch: number }) => e.epoch)).toEqual([2, 4, 5]);
    const probe = figureSvg(html, "probe");
    expect(probe.match(/aria-roledescription="rule mark"/g)).toHaveLength(evals.length); // one error bar per evaluation
    expect(probe).toContain("yHi:");

    const spectra = fs
      .readFileSync(path.join(a, "spectra.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l).epoch);
    expect(spectra).toEqual([0, 2, 4, 5]);
    const spectrum = figureSvg(html, "spectrum");
    expect(spectrum).toContain("epoch 0 (initialization)");
    expect(spectrum).toContain("epoch 5");

    const loss = figureSvg(html, "loss");
    expect(loss).toContain("total loss (what is minimized)");
    expect(loss).toContain("objective terms (bgrl, unweighted as logged)");
    expect(loss).toContain("WERank, alpha-weighted: alpha 0.01");
  });

  it("has no empty sections or placeholders", () => {
    for (const dir of [a, b]) {
      const html = fs.readFileSync(path.join(dir, "report.html"), "utf8");
      expect(html).not.toMatch(/class="empty"|no data logged/);
      // every section heading is followed by content before the next heading
      const sections = html.split(/<h2>/).slice(1);
      for (const s of sections) expect(s.replace(/^[^<]*<\/h2>/, "").trim().length, s.slice(0, 40)).toBeGreaterThan(20);
    }
    // without WERank there is no regularizer panel
    expect(figureSvg(fs.readFileSync(path.join(b, "report.html"), "utf8"), "loss")).not.toContain("WERank");
  });
});

describe("compare", () => {
  it("prints the table in the terminal and writes the page with an accuracy chart with error bars", () => {
    const out = path.join(tmp, "cmp.html");
    const r = runCli(["compare", a, b, "--out", out]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split("\n");
    expect(lines[0]).toMatch(/^run\s+dataset\s+accuracy \(%\)\s+eff\. rank repr\.\s+eff\. rank emb\.\s+RDM \(target − online\)\s+epochs\s+s \/ epoch\s+directory$/);
    const sa = JSON.parse(fs.readFileSync(path.join(a, "summary.json"), "utf8"));
    const row = lines.find((l) => l.startsWith("bgrl + WERank (encoder, alpha 0.01, gram smaller)"))!;
    expect(row).toContain(`${(100 * sa.probe.mean).toFixed(2)} ± ${(100 * sa.probe.std).toFixed(2)}`);
    expect(row).toContain(sa.effectiveRank.representation.toFixed(1));
    expect(row).toMatch(/\s5\s/); // epochs
    expect(lines.some((l) => /^bgrl\s+synthetic/.test(l))).toBe(true);
    expect(r.stdout).toContain(`comparison page ${out}`);
    const html = fs.readFileSync(out, "utf8");
    const acc = figureSvg(html, "compare-accuracy");
    expect(acc.match(/aria-roledescription="rule mark"/g)).toHaveLength(2);
    expect(html).toContain('data-figure="compare-probe"');
  });

  it("--json prints the rows (accuracy, ranks, epochs, s/epoch) and the page", () => {
    const r = runCli(["compare", a, b, "--json", "--out", path.join(tmp, "cmp2.html")]);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as {
      rows: { label: string; status: string; accuracy: { mean: number; std: number; splits: number }; effectiveRank: { representation: number }; epochs: number; secondsPerEpoch: number }[];
      html: string;
    };
    expect(j.rows.map((x) => x.label)).toEqual(["bgrl + WERank (encoder, alpha 0.01, gram smaller)", "bgrl"]);
    const sa = JSON.parse(fs.readFileSync(path.join(a, "summary.json"), "utf8"));
    expect(j.rows[0]!.accuracy).toEqual({ mean: sa.probe.mean, std: sa.probe.std, splits: 2 });
    expect(j.rows[0]!.effectiveRank.representation).toBe(sa.effectiveRank.representation);
    expect(j.rows[0]!.epochs).toBe(5);
    expect(j.rows[0]!.secondsPerEpoch).toBe(sa.secondsPerEpoch);
    expect(fs.existsSync(j.html)).toBe(true);
  });

  it("lists a run that did not finish as unfinished instead of '? | – ± –'", () => {
    const half = path.join(tmp, "half");
    fs.mkdirSync(half);
    fs.copyFileSync(path.join(a, "config.json"), path.join(half, "config.json"));
    const r = runCli(["compare", a, half, "--out", path.join(tmp, "cmp3.html")]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/synthetic\s+\(unfinished: no summary\.json\)/);
    expect(r.stdout).not.toContain("? ");
  });
});

describe("export", () => {
  it("writes the encoder of a CLI run and lists its tensors; usage errors exit 2", () => {
    const out = path.join(tmp, "enc.safetensors");
    const r = runCli(["export", a, "--out", out, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { file: string; tensors: { name: string; shape: number[] }[]; metadata: Record<string, string> };
    expect(j.file).toBe(out);
    expect(j.tensors.find((t) => t.name === "convs.0.lin.weight")!.shape).toEqual([16, 16]);
    expect(j.tensors.some((t) => t.name.startsWith("optim") || t.name.startsWith("model."))).toBe(false);
    expect(j.metadata.dataset).toBe("synthetic");
    expect(fs.statSync(out).size).toBeGreaterThan(8);
    expect(runCli(["export", a]).code).toBe(2);
    expect(runCli(["export", a, "--out", out, "--checkpoint", "epoch-7"]).stderr).toMatch(/available: final/);
  });
});
