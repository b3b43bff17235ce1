/**
 * Renders a run's report.html in headless Chromium (Debian's `chromium`, installed by
 * `scripts/bootstrap.sh --test`) and checks in the rendered page that every figure is present, has
 * a non-zero size and draws marks. The report itself has no script; a copy with a measuring script
 * appended is loaded, and its findings are read back from the dumped DOM.
 */
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, ensureDist } from "../helpers/dist.js";

function findChromium(): string | undefined {
  for (const c of ["chromium", "chromium-browser", "google-chrome"]) {
    const r = spawnSync("which", [c], { encoding: "utf8" });
    if (r.status === 0 && r.stdout.trim()) return r.stdout.trim();
  }
  return undefined;
}

const chromium = findChromium();
if (!chromium) console.warn("[report-chromium] skipped: no chromium on PATH (bash scripts/bootstrap.sh --test installs Debian's chromium)");

const MEASURE = `<script>
window.addEventListener("load", () => {
  const figs = [...document.querySelectorAll("figure[data-figure]")].map((f) => {
    const svg = f.querySelector("svg");
    const r = svg ? svg.getBoundingClientRect() : { width: 0, height: 0 };
    const marks = svg ? [...svg.querySelectorAll("path, rect, line, circle")].filter((e) => {
      const b = e.getBBox ? e.getBBox() : { width: 0, height: 0 };
      return b.width > 0 || b.height > 0;
    }).length : 0;
    return { id: f.dataset.figure, width: Math.round(r.width), height: Math.round(r.height), marks };
  });
  const pre = document.createElement("pre");
  pre.id = "werank-measure";
  pre.textContent = JSON.stringify({ figures: figs, empty: document.querySelectorAll("figure.empty").length, title: document.title });
  document.body.appendChild(pre);
});
</script>`;

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "werank-e2e-report-"));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe.skipIf(!chromium)("report.html in headless Chromium", () => {
  it("shows every figure with a non-zero size and drawn marks", () => {
    ensureDist();
    const cfg = path.join(tmp, "c.yaml");
    fs.writeFileSync(
      cfg,
      "dataset: { synthetic: { nodes: 240, classes: 3, features: 16 } }\nencoder: { layers: [16, 8] }\nobjective: { predictorHidden: 16 }\ntrain: { epochs: 12, spectraEvery: 3, evalEvery: 6 }\neval: { splits: 2 }\n",
    );
    const run = path.join(tmp, "run");
    execFileSync(process.execPath, [CLI, "train", "--config", cfg, "--run-dir", run, "--json"], { env: { ...process.env, WERANK_NUM_THREADS: "1" }, stdio: "ignore" });
    const html = fs.readFileSync(path.join(run, "report.html"), "utf8");
    const page = path.join(tmp, "measured.html");
    fs.writeFileSync(page, html.replace("</body>", `${MEASURE}</body>`));
    const r = spawnSync(
      chromium!,
      [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        `--user-data-dir=${path.join(tmp, "profile")}`,
        "--virtual-time-budget=5000",
        "--dump-dom",
        `file://${page}`,
      ],
      { encoding: "utf8", timeout: 90_000 },
    );
    const m = /<pre id="werank-measure">([^<]*)<\/pre>/.exec(r.stdout);
    expect(m, `chromium printed no measurement (exit ${r.status}): ${r.stderr.slice(-500)}`).not.toBeNull();
    const result = JSON.parse(m![1]!.replace(/&quot;/g, '"').replace(/&amp;/g, "&")) as { figures: { id: string; width: number; height: number; marks: number }[]; empty: number; title: string };
    expect(result.title).toMatch(/bgrl \+ WERank \(encoder, alpha 0\.1, gram smaller\) on synthetic/);
    const ids = result.figures.map((f) => f.id);
    for (const id of ["loss", "probe", "effective-rank", "rank-differential", "spectrum", "weight-spectra"]) expect(ids).toContain(id);
    for (const f of result.figures) {
      expect(f.width, f.id).toBeGreaterThan(100);
      expect(f.height, f.id).toBeGreaterThan(100);
      expect(f.marks, f.id).toBeGreaterThan(5);
    }
  }, 180_000);
});
