/**
 * The papers' qualitative claims on the linear toy models, with fixed seeds and stated tolerances
 * (each run is 1000-1600 SGD steps of batch 128 and takes about a second on one core). The numbers
 * measured when these bounds were chosen (seeds 0, 1, 2) are in docs/collapse.md.
 *
 * Vanishing = singular values below 1e-3 x the largest of the same spectrum.
 */
import { describe, expect, it } from "vitest";
import { trainToy, type ToyConfig, type ToyRunSummary } from "../../../src/index.js";
import { expectNoLeaks } from "../../helpers/expect.js";

expectNoLeaks();

const run = async (c: Partial<ToyConfig>): Promise<ToyRunSummary> => (await trainToy(c)).summary;

/** The one-layer strong-augmentation setting of Jing et al. Sec. 4 (cosine InfoNCE, last 8 of 16 dims augmented). */
const oneLayer: Partial<ToyConfig> = { objective: "infonce", layers: 1, epochs: 13 };
/** The two-layer implicit-regularization setting of Sec. 5 (Eqn. 2's l2 InfoNCE, non-degenerate init, weak isotropic noise). */
const twoLayer: Partial<ToyConfig> = { objective: "infonce", layers: 2, similarity: "l2", init: "spectrum", augDims: 16, k: 0.001, epochs: 20 };

describe("Jing et al. (ICLR 2022) on the linear toy model", () => {
  it("(1) one-layer InfoNCE: strong augmentation (k = 2) leaves vanishing weight singular values, weak (k = 0.5) none", async () => {
    for (const seed of [0, 1]) {
      const strong = await run({ ...oneLayer, k: 2, seed });
      const weak = await run({ ...oneLayer, k: 0.5, seed });
      // measured: 8 of 16 vanish (the 8 augmented directions), the smallest around 1e-9 x the largest
      expect(strong.weights[0]!.vanishing).toBeGreaterThanOrEqual(6);
      expect(strong.weights[0]!.vanishing).toBeLessThanOrEqual(8); // only the augmented block collapses
      expect(strong.embedding.effectiveRank).toBeLessThan(9);
      // measured: none, smallest / largest about 0.5
      expect(weak.weights[0]!.vanishing).toBe(0);
      expect(weak.embedding.effectiveRank).toBeGreaterThan(14);
    }
  });

  it("(2) two-layer model: the alignment matrix |V2^T U1| approaches the identity on the leading (non-vanishing) part", async () => {
    const s = await run({ ...twoLayer, seed: 0 });
    const a = s.alignment!;
    // measured (seeds 0, 1, 2): leading part 6, 6, 5; mean |diag| 0.986, 0.988, 0.985; max off-diagonal 0.13, 0.05, 0.19
    expect(a.leading).toBeGreaterThanOrEqual(4);
    expect(a.diagMean).toBeGreaterThan(0.9);
    expect(a.offDiagMax).toBeLessThan(0.3);
    // implicit regularization: the embedding collapses although the augmentation is weak (measured 11 of 16 vanish)
    expect(s.embedding.vanishing).toBeGreaterThanOrEqual(6);
  });

  it("(4) DirectCLR (InfoNCE on r[:8], no projector) keeps a higher representation rank than InfoNCE with a trainable linear projector", async () => {
    const direct = await run({ ...twoLayer, objective: "directclr", layers: 1, d0: 8, seed: 0 });
    const projector = await run({ ...twoLayer, seed: 0 });
    // measured (seeds 0, 1, 2): DirectCLR 8.82, 8.78, 8.78; projector 6.06, 6.03, 5.61 (representation = W1 x in both)
    expect(direct.representation.effectiveRank).toBeGreaterThan(projector.representation.effectiveRank + 1.5);
    expect(direct.representation.vanishing).toBeLessThan(projector.representation.vanishing);
  });
});

describe("WERank (Saheb Pasand et al., 2024) on the linear toy model", () => {
  it("(3) WERank reduces the number of vanishing singular values under strong augmentation (one-layer InfoNCE, k = 1.5)", async () => {
    for (const seed of [0, 1]) {
      const plain = await run({ ...oneLayer, k: 1.5, seed });
      const reg = await run({ ...oneLayer, k: 1.5, werank: 1, seed });
      // measured (seeds 0, 1, 2): 6, 5, 6 without; 0, 0, 0 with alpha = 1
      expect(plain.weights[0]!.vanishing).toBeGreaterThanOrEqual(4);
      expect(reg.weights[0]!.vanishing).toBe(0);
      expect(reg.embedding.effectiveRank).toBeGreaterThan(plain.embedding.effectiveRank + 1);
    }
  });

  it("(3b) WERank keeps the two-layer EMA (BYOL) and SimSiam embeddings full-rank at k = 0.1", async () => {
    for (const objective of ["ema", "simsiam"] as const) {
      const plain = await run({ objective, layers: 2, k: 0.1, epochs: 20, seed: 0 });
      const reg = await run({ objective, layers: 2, k: 0.1, epochs: 20, seed: 0, werank: 1 });
      // measured: embedding vanishing 5 (ema) and 8 (simsiam) without, 0 with; effective rank ~16 with
      expect(plain.embedding.vanishing).toBeGreaterThanOrEqual(3);
      expect(reg.embedding.vanishing).toBe(0);
      expect(reg.embedding.effectiveRank).toBeGreaterThan(15);
    }
  });
});
