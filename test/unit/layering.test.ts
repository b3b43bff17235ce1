/**
 * Issue 16: the arrows that must never exist between the parts of src/ (docs/architecture.md, "Layers").
 * Scans every import / re-export / dynamic import with a relative specifier in src/**.ts, type-only
 * ones included (a type import still ties the importer to that file's changes), and fails on each
 * arrow a rule forbids, naming the file and the target.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const SRC = path.join(ROOT, "src");

/** Every part: a folder of src/ (prefix "name/") or a top-level file (prefix "name.ts"). */
const ABOVE_TENSOR = ["graph/", "data/", "nn/", "ssl/", "regularizers/", "metrics/", "eval/", "train/", "experiment/", "report/", "toy/", "cli/", "dist/"];

interface Rule {
  /** Importers: paths relative to src/ starting with one of these. */
  from: string[];
  /** Forbidden targets, same form. */
  to: string[];
  /** Targets exempt from `to` (same form). */
  except?: string[];
  why: string;
}

const RULES: Rule[] = [
  { from: ["errors.ts", "env.ts", "util/", "native/"], to: ["tensor/", "runtime.ts", ...ABOVE_TENSOR], why: "the foundation (errors, env, util, the addon binding) depends on nothing above it" },
  { from: ["tensor/"], to: ABOVE_TENSOR, why: "tensors know nothing of graphs, models or training" },
  {
    from: ["data/"],
    to: ["tensor/", "native/", "runtime.ts", ...ABOVE_TENSOR.filter((p) => p !== "data/" && p !== "graph/")],
    except: [],
    why: "data is host-side (typed arrays into a host Graph); it never touches tensors, training or experiments",
  },
  { from: ["data/"], to: ["graph/DeviceGraph.ts", "graph/GraphOps.ts", "graph/SparseFeatures.ts", "graph/nativeSparse.ts"], why: "data sees only the host Graph types, not the device side" },
  { from: ["graph/"], to: ["nn/", "ssl/", "regularizers/", "metrics/", "eval/", "train/", "experiment/", "report/", "toy/", "cli/"], why: "graphs are below models and training" },
  {
    from: ["nn/"],
    to: ["data/", "ssl/", "regularizers/", "metrics/", "eval/", "train/", "experiment/", "report/", "toy/", "cli/"],
    why: "layers are building blocks: no objectives, training or experiment flow",
  },
  {
    from: ["regularizers/"],
    to: ["data/", "nn/", "ssl/", "metrics/", "eval/", "train/", "experiment/", "report/", "toy/", "cli/"],
    why: "a regularizer is a loss term on tensors (WERank takes any HasNamedParameters)",
  },
  { from: ["ssl/"], to: ["data/", "metrics/", "eval/", "train/", "experiment/", "report/", "toy/", "cli/"], why: "an objective is a loss on views; the loop that calls it lives above" },
  { from: ["metrics/"], to: ["data/", "nn/", "ssl/", "eval/", "train/", "experiment/", "report/", "toy/", "cli/"], why: "diagnostics are functions of tensors and spectra" },
  {
    from: ["eval/"],
    to: ["train/", "experiment/", "report/", "toy/", "cli/"],
    except: ["experiment/config.ts"],
    why: "the probe evaluates embeddings; it does not know the trainer (the config types are shared by all)",
  },
  { from: ["report/"], to: ["train/", "experiment/RunDir.ts", "toy/", "cli/"], why: "reports read a run directory's files, not the Trainer or the writer of the run directory" },
  { from: ["train/"], to: ["report/", "toy/", "cli/"], why: "training writes a run directory; reports read it afterwards" },
  { from: ["experiment/"], to: ["toy/", "cli/"], why: "the CLI sits on the experiment flow, never under it" },
  { from: ["toy/"], to: ["cli/"], why: "the CLI sits on the toy experiments, never under them" },
  {
    from: ["dist/"],
    to: ABOVE_TENSOR.filter((p) => p !== "dist/"),
    why: "data-parallel ranks are tensors, processes and c10d; the training loop uses them, never the reverse",
  },
];

/** Known violations (none since the Trainer split, h16a): an entry here is "from -> to". */
const ALLOWED = new Set<string>([]);

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith(".ts") ? [p] : [];
  });
}

/** Relative specifiers of `import ... from`, `export ... from`, `import "x"` and `import("x")`. */
function importSpecifiers(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  const out: string[] = [];
  const re = /\b(?:import|export)\b[^;'"`]*?\bfrom\s*["']([^"']+)["']|\bimport\s*["']([^"']+)["']|\bimport\s*\(\s*["']([^"']+)["']\s*\)/g;
  for (const m of code.matchAll(re)) out.push((m[1] ?? m[2] ?? m[3])!);
  return out.filter((s) => s.startsWith("."));
}

/** `from` imports `spec`: the target as a path relative to src/, ".js" mapped to its ".ts" source. */
function resolveTarget(fromRel: string, spec: string): string {
  const abs = path.resolve(SRC, path.dirname(fromRel), spec);
  return path.relative(SRC, abs).split(path.sep).join("/").replace(/\.js$/, ".ts");
}

const matches = (rel: string, prefixes: readonly string[]) => prefixes.some((p) => (p.endsWith("/") ? rel.startsWith(p) : rel === p));

function arrows(): { from: string; to: string }[] {
  return sourceFiles(SRC).flatMap((file) => {
    const from = path.relative(SRC, file).split(path.sep).join("/");
    return importSpecifiers(fs.readFileSync(file, "utf8")).map((spec) => ({ from, to: resolveTarget(from, spec) }));
  });
}

function violations(list: { from: string; to: string }[], allowed: ReadonlySet<string> = ALLOWED): string[] {
  const out: string[] = [];
  for (const { from, to } of list) {
    for (const rule of RULES) {
      if (!matches(from, rule.from) || !matches(to, rule.to) || matches(to, rule.except ?? [])) continue;
      const arrow = `${from} -> ${to}`;
      if (!allowed.has(arrow)) out.push(`${arrow}: ${rule.why}`);
    }
  }
  return [...new Set(out)].sort();
}

describe("layering of src/ (docs/architecture.md)", () => {
  const all = arrows();

  it("finds the imports it checks", () => {
    // Guards the scanner: a regex that matched nothing would pass every rule.
    expect(all.length).toBeGreaterThan(500);
    expect(all).toContainEqual({ from: "train/Trainer.ts", to: "experiment/RunDir.ts" });
    const sample = `import type { A } from "../x/a.js";\nexport * from "./b.js";\nconst m = await import("../c.js");\nimport "./d.js";\nimport fs from "node:fs";`;
    expect(importSpecifiers(sample).sort()).toEqual(["../c.js", "../x/a.js", "./b.js", "./d.js"]);
  });

  it("has no arrow that must never exist", () => {
    expect(violations(all)).toEqual([]);
  });

  it("imports the public barrel nowhere in src/ (it is for users; the package imports by path)", () => {
    expect(all.filter(({ from, to }) => to === "index.ts" && from !== "index.ts")).toEqual([]);
  });

  it("rejects a forbidden arrow and honours the allow-list", () => {
    expect(violations([{ from: "ssl/grace.ts", to: "train/Trainer.ts" }])).toHaveLength(1);
    expect(violations([{ from: "data/loadNpz.ts", to: "experiment/config.ts" }])).toHaveLength(1);
    expect(violations([{ from: "report/figures.ts", to: "experiment/RunDir.ts" }])).toHaveLength(1);
    // The objectives' old arrow into train/ (the EMA, now in nn/) is forbidden again; an allow-list entry would honour it.
    expect(violations([{ from: "ssl/bgrl.ts", to: "train/ema.ts" }])).toHaveLength(1);
    expect(violations([{ from: "ssl/bgrl.ts", to: "train/ema.ts" }], new Set(["ssl/bgrl.ts -> train/ema.ts"]))).toEqual([]);
    expect(violations([{ from: "eval/probeSplits.ts", to: "experiment/config.ts" }])).toEqual([]);
  });

  it("lists only allowed arrows that exist and that a rule forbids (delete each one its fix removes)", () => {
    const present = new Set(all.map(({ from, to }) => `${from} -> ${to}`));
    expect([...ALLOWED].filter((a) => !present.has(a))).toEqual([]);
    const forbidden = violations(all, new Set()).map((v) => v.slice(0, v.indexOf(": ")));
    expect([...ALLOWED].filter((a) => !forbidden.includes(a))).toEqual([]);
  });
});
