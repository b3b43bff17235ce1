/**
 * Our native probe against scikit-learn 1.2 on the fixture of scripts/reference/probe_fixtures.py
 * (Gaussian-mixture embeddings of four difficulties; sklearn's accuracies with the same C grid
 * selected on the same validation splits). Asserts the mean test accuracy is within 0.5 points of
 * sklearn's for each fixture and solver, and that the fitted coefficients at C = 1 agree (relative 1e-5).
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { fitProbe, linearProbe, memory, tensor, tidy, type ProbeSolver, type Split, type Tensor } from "../../src/index.js";

interface SkSplit {
  bestC: number;
  valAcc: number;
  testAcc: number;
  valAccPerC: number[];
  testAccPerC: number[];
}
interface Fixture {
  name: string;
  numNodes: number;
  dim: number;
  numClasses: number;
  embeddingsFloat32Base64: string;
  labels: number[];
  splits: { train: number[]; val: number[]; test: number[] }[];
  results: Record<ProbeSolver, { splits: SkSplit[]; meanTestAcc: number }>;
  coefAtC: number;
  coefSplit: number;
  coef: Record<ProbeSolver, { W: number[][]; b: number[] }>;
}
const doc = JSON.parse(readFileSync(fileURLToPath(new URL("../fixtures/probe-sklearn.json", import.meta.url)), "utf8")) as {
  sklearnVersion: string;
  cGrid: number[];
  fixtures: Fixture[];
};

function load(f: Fixture): { x: Tensor; y: Int32Array; splits: Split[] } {
  const bytes = Buffer.from(f.embeddingsFloat32Base64, "base64");
  const x = tensor(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4).slice(), { shape: [f.numNodes, f.dim] });
  const splits = f.splits.map((s, i) => ({ name: `${f.name}-${i}`, train: Int32Array.from(s.train), val: Int32Array.from(s.val), test: Int32Array.from(s.test) }));
  return { x, y: Int32Array.from(f.labels), splits };
}

const rows: string[] = [];
const base = memory().tensors;
afterAll(() => {
  console.log(`probe vs scikit-learn ${doc.sklearnVersion} (test accuracy %, mean over splits; best C per split)\n${rows.join("\n")}`);
  expect(memory().tensors).toBe(base);
});

describe.each(doc.fixtures.map((f) => [f.name, f] as const))("fixture %s", (_name, f) => {
  it.each(["multinomial", "ovr"] as const)("%s: within 0.5 points of scikit-learn", (solver) => {
    tidy(() => {
      const { x, y, splits } = load(f);
      const ours = linearProbe(x, y, splits, { solver, cGrid: doc.cGrid, numClasses: f.numClasses });
      const sk = f.results[solver];
      rows.push(
        `${f.name.padEnd(20)} ${solver.padEnd(12)} ours ${(100 * ours.mean).toFixed(2).padStart(6)}  sklearn ${(100 * sk.meanTestAcc).toFixed(2).padStart(6)}` +
          `  diff ${(100 * (ours.mean - sk.meanTestAcc)).toFixed(2).padStart(5)}  C ours [${ours.splits.map((s) => s.bestC).join(", ")}] sklearn [${sk.splits.map((s) => s.bestC).join(", ")}]` +
          `  converged ${ours.converged} (${ours.unconvergedFits} unconverged fits)`,
      );
      expect(Math.abs(ours.mean - sk.meanTestAcc)).toBeLessThanOrEqual(0.005);
      expect(ours.unconvergedFits).toBe(0);
    });
  });

  it.each(["multinomial", "ovr"] as const)("%s: coefficients at C = 1 match scikit-learn's", (solver) => {
    tidy(() => {
      const { x, y, splits } = load(f);
      const fit = fitProbe(x, y, splits[f.coefSplit]!, { solver, cGrid: [f.coefAtC], numClasses: f.numClasses, tolGrad: 1e-10, tolChange: 1e-15 });
      const ref = f.coef[solver];
      const k = f.numClasses;
      const d = f.dim;
      let scale = 0;
      let err = 0;
      for (let c = 0; c < k; c++)
        for (let j = 0; j < d; j++) {
          scale = Math.max(scale, Math.abs(ref.W[c]![j]!));
          err = Math.max(err, Math.abs(fit.coef.weight[c * d + j]! - ref.W[c]![j]!));
        }
      // Multinomial intercepts are defined up to a common shift (both solvers keep sum(b) = 0).
      const centre = (b: ArrayLike<number>): number[] => {
        const m = solver === "multinomial" ? Array.from(b).reduce((a, v) => a + v, 0) / b.length : 0;
        return Array.from(b, (v) => v - m);
      };
      const ob = centre(fit.coef.intercept);
      const rb = centre(ref.b);
      for (let c = 0; c < k; c++) err = Math.max(err, Math.abs(ob[c]! - rb[c]!));
      rows.push(`${f.name.padEnd(20)} ${solver.padEnd(12)} coefficients at C = ${f.coefAtC}: max relative difference ${(err / scale).toExponential(2)}`);
      expect(err / scale).toBeLessThan(1e-5);
    });
  });
});
