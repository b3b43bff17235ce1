import type { ConfigInput } from "../../src/index.js";

/** A small synthetic setting that trains in well under a second per epoch on one thread. */
export const SMALL_TRAIN: ConfigInput = {
  dataset: { name: "synthetic", synthetic: { nodes: 300, classes: 3, features: 24, avgDegree: 6, seed: 1 } },
  encoder: { layers: [32, 16] },
  objective: { predictorHidden: 32 },
  optim: { lr: 5e-3, warmupEpochs: 2 },
  train: { epochs: 12, spectraEvery: 4, evalEvery: 0, checkpointEvery: 0 },
  eval: { splits: 3 },
};
