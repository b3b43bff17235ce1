/**
 * Golden test of the `bgrl` probe protocol against scikit-learn's own code path: embeddings of a real,
 * weakly trained BGRL run on Cora (20 epochs) are scored by crossValidatedProbe and by
 * scripts/reference/bgrl_probe.py (BGRL's fit_logistic_regression: GridSearchCV over
 * OneVsRestClassifier(LogisticRegression(solver='liblinear')), the default scorer, argmax predict_proba)
 * on the same splits (bgrlSplits). The selected C must agree in every repeat and the mean accuracy
 * within 0.1 points.
 *
 * Needs the Cora data (WERANK_DATA_DIR, default <repo>/../shared/data) and /usr/bin/python3 with
 * scikit-learn (apt-get install python3-sklearn); skipped with a message otherwise.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { bgrlSplits, crossValidatedProbe, loadGraphForConfig, resolveConfig, Trainer } from "../../src/index.js";
import { encodeNpy } from "../../src/data/encodeNpy.js";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const dataDir = process.env.WERANK_DATA_DIR || path.resolve(repo, "../shared/data");
const PY = "/usr/bin/python3";
const hasData = fs.existsSync(path.join(dataDir, "cora"));
const hasSklearn = fs.existsSync(PY) && spawnSync(PY, ["-c", "import sklearn"], { encoding: "utf8" }).status === 0;
const why = !hasData ? `no Cora data under ${dataDir} (set WERANK_DATA_DIR)` : !hasSklearn ? `${PY} has no scikit-learn (apt-get install python3-sklearn)` : "";
if (why) console.warn(`test/data/probe-bgrl-golden.test.ts: skipped, ${why}`);

const REPEATS = 4;

interface SkRepeat {
  bestC: number;
  test: number;
  meanCvScore: number[];
}

describe.skipIf(why !== "")("bgrl protocol vs scikit-learn (BGRL's logistic_regression_eval.py) on Cora embeddings", () => {
  it("selects the same C in every repeat and agrees on the mean accuracy within 0.1 points", async () => {
    const config = resolveConfig({ preset: "cora", set: ["train.epochs=20", "train.evalEvery=0", "train.spectraEvery=0", "train.checkpointEvery=0"], flags: { "data-dir": dataDir } });
    const graph = await loadGraphForConfig(config);
    const trainer = new Trainer({ config, graph });
    for (let e = 0; e < 20; e++) trainer.step(false);
    const x = trainer.embed();
    trainer.dispose();
    const ours = crossValidatedProbe(x, graph.labels, { repeats: REPEATS, seed: 0 });
    // For the record (docs/linear-probe.md): the same scorer with tightly converged L-BFGS fits instead of liblinear's.
    const tight = crossValidatedProbe(x, graph.labels, { repeats: REPEATS, seed: 0, optimizer: "lbfgs" });
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "werank-bgrl-golden-"));
    try {
      fs.writeFileSync(path.join(tmp, "x.npy"), encodeNpy(x.toTypedArray() as Float32Array, x.shape));
      x.dispose();
      const reps = bgrlSplits(graph.numNodes, { repeats: REPEATS, seed: 0 });
      const spec = {
        embeddings: path.join(tmp, "x.npy"),
        labels: [...graph.labels],
        repeats: reps.map((r) => ({ train: [...r.train], test: [...r.test], folds: r.folds.map((f) => ({ train: [...f.train], val: [...f.val] })) })),
      };
      fs.writeFileSync(path.join(tmp, "spec.json"), JSON.stringify(spec));
      const py = spawnSync(PY, [path.join(repo, "scripts/reference/bgrl_probe.py"), path.join(tmp, "spec.json")], {
        encoding: "utf8",
        env: { ...process.env, OMP_NUM_THREADS: "1", OPENBLAS_NUM_THREADS: "1" },
        timeout: 600_000,
      });
      expect(py.status, py.stderr).toBe(0);
      const sk = JSON.parse(py.stdout) as { sklearnVersion: string; repeats: SkRepeat[] };
      const skMean = sk.repeats.reduce((a, r) => a + r.test, 0) / REPEATS;
      console.log(
        `bgrl protocol on Cora (20 epochs), ${REPEATS} repeats: ours ${(100 * ours.mean).toFixed(2)} %, scikit-learn ${sk.sklearnVersion} ${(100 * skMean).toFixed(2)} %\n` +
          ours.splits
            .map(
              (s, i) =>
                `  repeat ${i}: C ours ${s.bestC} sklearn ${sk.repeats[i]!.bestC}; cv ours ${s.val.toFixed(4)} sklearn ${Math.max(...sk.repeats[i]!.meanCvScore).toFixed(4)}; test ours ${s.test.toFixed(4)} sklearn ${sk.repeats[i]!.test.toFixed(4)}`,
            )
            .join("\n") +
          `\n  with tightly converged L-BFGS fits instead of liblinear's: ${(100 * tight.mean).toFixed(2)} %, C per repeat ${tight.splits.map((s) => s.bestC).join(", ")}`,
      );
      expect(ours.splits.map((s) => s.bestC)).toEqual(sk.repeats.map((r) => r.bestC));
      expect(Math.abs(100 * ours.mean - 100 * skMean)).toBeLessThan(0.1);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }, 600_000);
});
