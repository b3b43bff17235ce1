/**
 * The Trainer's checks of a data-parallel group (docs/scale.md "N ranks"), made before any collective
 * runs, so a stand-in group object suffices (the collectives themselves: test/e2e/train-ranks.test.ts).
 */
import { describe, expect, it } from "vitest";
import { loadGraphForConfig, type ProcessGroup, resolveConfig, Trainer } from "../../src/index.js";
import { rankSeeds } from "../../src/train/dataParallel.js";
import { expectError } from "../helpers/native.js";

const group = (worldSize: number): ProcessGroup => ({ rank: 0, worldSize }) as unknown as ProcessGroup;
const config = (batchSize: number, nodes = 40) =>
  resolveConfig({
    overrides: {
      dataset: { synthetic: { nodes, classes: 2, features: 4, avgDegree: 2 } },
      encoder: { type: "sage", layers: [4, 4], norm: "none" },
      objective: { predictorHidden: 4 },
      train: { epochs: 1, batchSize, fanouts: batchSize > 0 ? [2, 2] : null },
    },
  });

describe("Trainer with a process group", () => {
  it("refuses full-batch training: every rank would compute the same step", async () => {
    const c = config(0);
    const graph = await loadGraphForConfig(c);
    expectError(() => new Trainer({ config: c, graph, processGroup: group(2) }), "ERR_CONFIG", "need mini-batch training", "--batch-size");
  });

  it("refuses more ranks than the nodes of a global batch (a rank would get no seed)", async () => {
    // 5 nodes, batch 1 on 4 ranks: ceil(5 / 4) = 2 steps of 2 and 3 nodes, fewer than 4 ranks.
    const c = config(1, 5);
    const graph = await loadGraphForConfig(c);
    expectError(() => new Trainer({ config: c, graph, processGroup: group(4) }), "ERR_CONFIG", "4 ranks cannot share batches of 2 of 5 nodes", "fewer ranks");
  });
});

describe("rankSeeds (the distributed sampler)", () => {
  // Configurations checkProcessGroup accepts (every global batch has at least W nodes).
  it("W ranks' slices of step k are disjoint and together exactly the global batch k of one process with a W times larger batch", () => {
    for (const [n, batch, world] of [
      [96, 16, 2],
      [100, 7, 3],
      [13, 2, 4],
      [9, 2, 2],
    ] as const) {
      const order = Int32Array.from({ length: n }, (_, i) => (i * 37 + 11) % n); // a permutation (37 and n coprime)
      const steps = Math.ceil(n / (batch * world));
      const seen: number[] = [];
      for (let k = 0; k < steps; k++) {
        const global = Array.from(rankSeeds(order, k, steps, 0, 1));
        const slices = Array.from({ length: world }, (_, r) => Array.from(rankSeeds(order, k, steps, r, world)));
        expect(slices.flat(), `n ${n} batch ${batch} world ${world} step ${k}`).toEqual(global);
        for (const sl of slices) {
          expect(sl.length).toBeGreaterThan(0);
          expect(sl.length).toBeLessThanOrEqual(batch + 1);
          expect(Math.max(...slices.map((x) => x.length)) - Math.min(...slices.map((x) => x.length))).toBeLessThanOrEqual(1);
        }
        seen.push(...global);
      }
      expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i)); // an epoch: every node once
    }
  });
});
