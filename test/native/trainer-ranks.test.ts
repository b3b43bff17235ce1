/**
 * The Trainer's checks of a data-parallel group (docs/scale.md "N ranks"), made before any collective
 * runs, so a stand-in group object suffices (the collectives themselves: test/e2e/train-ranks.test.ts).
 */
import { describe, it } from "vitest";
import { loadGraphForConfig, type ProcessGroup, resolveConfig, Trainer } from "../../src/index.js";
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
