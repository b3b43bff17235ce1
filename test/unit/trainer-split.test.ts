/**
 * Issue 16, the Trainer split (the arrows between parts: test/unit/layering.test.ts):
 * - `eval`, `embed` and `export` evaluate a checkpoint without constructing a Trainer (nothing they
 *   load at runtime, through any chain of imports, is train/Trainer.ts);
 * - each objective's forward calls the loss function the loss tests check, rather than restating it;
 * - the Trainer is a short loop, and a src file over 400 lines says why on its first line. The bound
 *   was 200 lines before mini-batch epochs and data-parallel ranks (issue 17); it is 250 now that the
 *   Trainer wires them, while the epoch's steps live in EpochSteps.ts and the rank logic in
 *   dataParallel.ts (the loop itself must not grow them back).
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const SRC = path.resolve(__dirname, "../../src");

/** Relative runtime imports of a source file, resolved to .ts paths under src/. */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, "utf8");
  const out: string[] = [];
  for (const m of text.matchAll(/^(?:import|export)\s+(?!type\b)[^;]*?from\s+"(\.{1,2}\/[^"]+)";/gms)) {
    out.push(path.resolve(path.dirname(file), m[1]!.replace(/\.js$/, ".ts")));
  }
  return out;
}

/** Every src file reachable from `entry` through runtime imports. */
function reachable(entry: string): Set<string> {
  const seen = new Set<string>();
  const todo = [path.join(SRC, entry)];
  while (todo.length) {
    const f = todo.pop()!;
    if (seen.has(f) || !fs.existsSync(f)) continue;
    seen.add(f);
    todo.push(...importsOf(f));
  }
  return seen;
}

const rel = (files: Iterable<string>): string[] => [...files].map((f) => path.relative(SRC, f).split(path.sep).join("/"));

describe("runtime imports", () => {
  it("the import walker sees runtime imports (Trainer reaches its step and the objectives)", () => {
    const r = rel(reachable("train/Trainer.ts"));
    expect(r).toEqual(expect.arrayContaining(["train/trainStep.ts", "ssl/bgrl.ts", "nn/ema.ts"]));
  });

  it("eval, embed and export never construct a Trainer", () => {
    for (const f of ["cli/commands/eval.ts", "cli/commands/embed.ts", "cli/commands/export.ts", "experiment/embedRun.ts"]) {
      expect(
        rel(reachable(f)).filter((x) => x === "train/Trainer.ts"),
        f,
      ).toEqual([]);
    }
  });
});

describe("objectives train the loss functions the loss tests check", () => {
  const lossTests = fs.readFileSync(path.resolve(__dirname, "../native/ssl/losses.test.ts"), "utf8");
  // objective file -> the tested loss function its forward must call
  const table: Record<string, string[]> = {
    "bgrl.ts": ["bgrlLoss"],
    "simsiam.ts": ["simsiamLoss"],
    "grace.ts": ["graceLoss"],
    "directclr.ts": ["directclrLoss"],
    "vicreg.ts": ["vicregLoss"],
    "barlow.ts": ["barlowTwinsLoss"],
    "rdm.ts": ["bgrlLoss", "simsiamLoss"],
  };
  const body = (text: string): string => {
    const start = text.indexOf("  forward(views");
    return text.slice(start, text.indexOf("\n  }\n", start));
  };
  for (const [file, losses] of Object.entries(table)) {
    it(`${file}: forward calls ${losses.join(" and ")} (or its terms variant) and computes no loss inline`, () => {
      const forward = body(fs.readFileSync(path.join(SRC, "ssl", file), "utf8"));
      expect(forward.length).toBeGreaterThan(0);
      for (const loss of losses) {
        expect(lossTests, `${loss} is checked by test/native/ssl/losses.test.ts`).toContain(loss);
        expect(forward).toMatch(new RegExp(`\\b${loss}(Terms)?\\b`));
      }
      // The loss formulas' own operations belong in the tested functions, not in forward.
      expect(forward).not.toMatch(/cosineSimilarity\(|\.rsub\(2\)|logsumexp|crossEntropy\(|mseLoss\(/);
    });
  }
});

describe("file size", () => {
  const all = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? all(path.join(dir, d.name)) : d.name.endsWith(".ts") ? [path.join(dir, d.name)] : []));
  it("a src file over 400 lines says why on its first line; the Trainer is a short loop", () => {
    for (const f of all(SRC)) {
      const lines = fs.readFileSync(f, "utf8").split("\n");
      if (lines.length > 400) expect(lines[0], path.relative(SRC, f)).toMatch(/^\/\/ Over 400 lines on purpose: \S/);
    }
    const trainer = fs.readFileSync(path.join(SRC, "train/Trainer.ts"), "utf8");
    expect(trainer.split("\n").length - 1).toBeLessThan(250);
    // the epoch's steps (permutations, rank slices) are EpochSteps', not the loop's
    expect(trainer).not.toMatch(/randperm|rankSeeds/);
  });
});
