/** NN functional ops against hand-computed values: softmax family, losses, similarity, dropout, normalization layers, linear. */
import { describe, expect } from "vitest";
import {
  batchNorm,
  binaryCrossEntropyWithLogits,
  cosineSimilarity,
  crossEntropy,
  dropout,
  layerNorm,
  linear,
  logSoftmax,
  manualSeed,
  mseLoss,
  nllLoss,
  normalize,
  ones,
  softmax,
  tensor,
  zeros,
} from "../../src/index.js";
import { expectClose, expectError, expectValues, flat, itNoLeak } from "../helpers/native.js";

const i64 = (...v: number[]) => tensor(new BigInt64Array(v.map(BigInt)));
const LSE123 = 3 + Math.log(1 + Math.exp(-1) + Math.exp(-2)); // log(e + e^2 + e^3)

describe("softmax family", () => {
  itNoLeak("softmax and logSoftmax along a dim", () => {
    const z = Math.E + Math.E ** 2 + Math.E ** 3;
    expectClose(softmax(tensor([1, 2, 3]), 0), [Math.E / z, Math.E ** 2 / z, Math.E ** 3 / z]);
    expectClose(tensor([[1, 2, 3]]).softmax(-1), [[Math.E / z, Math.E ** 2 / z, Math.E ** 3 / z]]);
    expectClose(
      tensor([
        [0, 0],
        [5, 5],
      ]).softmax(0),
      [
        [1 / (1 + Math.exp(5)), 1 / (1 + Math.exp(5))],
        [1 / (1 + Math.exp(-5)), 1 / (1 + Math.exp(-5))],
      ],
    );
    expectClose(logSoftmax(tensor([1, 2, 3]), 0), [1 - LSE123, 2 - LSE123, 3 - LSE123]);
    expectClose(tensor([1000, 0]).logSoftmax(0), [0, -1000]); // stable
    expectError(() => tensor([1, 2]).softmax(1), "ERR_SHAPE", "softmax", "dim");
    expectError(() => tensor(new Int32Array([1, 2])).softmax(0), "ERR_DTYPE");
  });
});

describe("losses", () => {
  const logits = () =>
    tensor([
      [1, 2, 3],
      [1, 1, 1],
    ]);
  const l1 = LSE123 - 3;
  const l2 = Math.log(3);
  itNoLeak("crossEntropy: mean, sum, none; int32 and int64 targets", () => {
    expectClose(crossEntropy(logits(), i64(2, 0)), (l1 + l2) / 2);
    expectClose(crossEntropy(logits(), tensor(new Int32Array([2, 0]))), (l1 + l2) / 2);
    expectClose(crossEntropy(logits(), i64(2, 0), { reduction: "sum" }), l1 + l2);
    expectClose(crossEntropy(logits(), i64(2, 0), { reduction: "none" }), [l1, l2]);
    expectClose(crossEntropy(logits(), i64(0, 0), { reduction: "none" }), [LSE123 - 1, l2]);
  });
  itNoLeak("crossEntropy with label smoothing: (1 - s) * nll + s * mean_c(-log p_c)", () => {
    const s = 0.1;
    const smooth1 = (1 - s) * l1 + s * ((LSE123 - 1 + LSE123 - 2 + LSE123 - 3) / 3);
    expectClose(crossEntropy(logits(), i64(2, 0), { labelSmoothing: s, reduction: "none" }), [smooth1, l2]);
  });
  itNoLeak("crossEntropy errors: target range, shapes, dtypes, reduction", () => {
    expectError(() => crossEntropy(logits(), i64(2, 3)), "ERR_INDEX", "crossEntropy", "[0, 3)", "3");
    expectError(() => crossEntropy(logits(), i64(-1, 0)), "ERR_INDEX", "crossEntropy");
    expectError(() => crossEntropy(logits(), i64(0)), "ERR_SHAPE", "crossEntropy", "[2]");
    expectError(() => crossEntropy(tensor([1, 2]), i64(0)), "ERR_SHAPE", "[N, C]");
    expectError(() => crossEntropy(logits(), tensor([0, 1])), "ERR_DTYPE", "class indices");
    expectError(() => crossEntropy(logits(), i64(0, 1), { reduction: "avg" as never }), "ERR_ARGUMENT", "reduction", "mean");
  });
  itNoLeak("nllLoss, mseLoss, binaryCrossEntropyWithLogits", () => {
    const lp = tensor([
      [-1, -2],
      [-3, -4],
    ]);
    expectClose(nllLoss(lp, i64(1, 0)), (2 + 3) / 2);
    expectClose(nllLoss(lp, i64(1, 0), "sum"), 5);
    expectError(() => nllLoss(lp, i64(0, 2)), "ERR_INDEX", "nllLoss", "[0, 2)");
    expectClose(mseLoss(tensor([1, 2, 3]), tensor([1, 0, 0])), (0 + 4 + 9) / 3);
    expectClose(mseLoss(tensor([1, 2, 3]), tensor([1, 0, 0]), "sum"), 13);
    expectClose(mseLoss(tensor([1, 2]), tensor([0, 0]), "none"), [1, 4]);
    expectError(() => mseLoss(tensor([1, 2]), tensor([1])), "ERR_SHAPE", "mseLoss");
    expectClose(binaryCrossEntropyWithLogits(tensor([0, 2]), tensor([1, 0])), (Math.log(2) + Math.log(1 + Math.E ** 2)) / 2);
    expectClose(binaryCrossEntropyWithLogits(tensor([0, 2]), tensor([1, 0]), "none"), [Math.log(2), Math.log(1 + Math.E ** 2)]);
  });
});

describe("similarity and normalization", () => {
  itNoLeak("cosineSimilarity along dim 1 (default), dim 0, broadcasting", () => {
    expectClose(
      cosineSimilarity(
        tensor([
          [1, 0],
          [1, 1],
          [3, 4],
        ]),
        tensor([
          [0, 1],
          [2, 2],
          [4, 3],
        ]),
      ),
      [0, 1, 24 / 25],
    );
    expectClose(
      cosineSimilarity(
        tensor([
          [1, 1],
          [0, 1],
        ]),
        tensor([
          [2, 0],
          [0, 1],
        ]),
        0,
      ),
      [1, Math.SQRT1_2],
    );
    expectClose(
      cosineSimilarity(
        tensor([
          [1, 0],
          [0, 1],
        ]),
        tensor([[1, 1]]),
      ),
      [Math.SQRT1_2, Math.SQRT1_2],
    );
    expectClose(cosineSimilarity(tensor([[0, 0]]), tensor([[1, 1]])), [0]); // eps guards zero vectors
    expectError(() => cosineSimilarity(zeros([2, 3]), zeros([2, 4])), "ERR_SHAPE", "cosineSimilarity");
    expectError(() => cosineSimilarity(zeros([2, 3]), zeros([2, 3]), 2), "ERR_SHAPE", "cosineSimilarity", "dim");
  });
  itNoLeak("normalize: p = 2 and 1, dims, zero rows stay zero", () => {
    expectClose(
      normalize(
        tensor([
          [3, 4],
          [0, 0],
        ]),
      ),
      [
        [0.6, 0.8],
        [0, 0],
      ],
    );
    expectClose(tensor([[3, 4]]).normalize(1), [[3 / 7, 4 / 7]]);
    expectClose(
      tensor([
        [3, 1],
        [4, 0],
      ]).normalize(2, 0),
      [
        [0.6, 1],
        [0.8, 0],
      ],
    );
    expectError(() => normalize(tensor([1, 2]), 2, 1), "ERR_SHAPE", "normalize", "dim");
  });
});

describe("dropout", () => {
  itNoLeak("training: zeros with probability p, survivors scaled by 1 / (1 - p)", () => {
    manualSeed(0);
    const y = flat(dropout(ones([10000]), 0.25, true));
    const kept = y.filter((v) => v !== 0);
    expect(new Set(kept)).toEqual(new Set([Math.fround(1 / 0.75)]));
    expect(Math.abs(kept.length / 10000 - 0.75)).toBeLessThan(0.02);
  });
  itNoLeak("eval, p = 0 and p = 1", () => {
    expectValues(dropout(tensor([1, 2, 3]), 0.5, false), [1, 2, 3]);
    expectValues(dropout(tensor([1, 2, 3]), 0, true), [1, 2, 3]);
    expectValues(dropout(tensor([1, 2, 3]), 1, true), [0, 0, 0]);
    expectError(() => dropout(tensor([1]), 1.5), "ERR_ARGUMENT", "p in [0, 1]");
    expectError(() => dropout(tensor([1]), -0.1), "ERR_ARGUMENT", "p in [0, 1]");
  });
});

describe("batchNorm", () => {
  // x: N = 3, C = 2; channel means [3, 4]; biased variance 8/3, unbiased 4.
  const x = () =>
    tensor([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
  const k = 1 / Math.sqrt(8 / 3 + 1e-5);
  itNoLeak("training normalizes with batch statistics and updates running stats in place (momentum 0.1, unbiased var)", () => {
    const rm = zeros([2]);
    const rv = ones([2]);
    const y = batchNorm(x(), { runningMean: rm, runningVar: rv, training: true });
    expectClose(y, [
      [-2 * k, -2 * k],
      [0, 0],
      [2 * k, 2 * k],
    ]);
    expectClose(rm, [0.3, 0.4]);
    expectClose(rv, [0.9 + 0.1 * 4, 0.9 + 0.1 * 4]);
    batchNorm(x(), { runningMean: rm, runningVar: rv, training: true, momentum: 0.5 });
    expectClose(rm, [0.5 * 0.3 + 0.5 * 3, 0.5 * 0.4 + 0.5 * 4]);
  });
  itNoLeak("affine weight and bias; eval uses the running statistics and leaves them alone", () => {
    const w = tensor([2, 1]);
    const b = tensor([0, 1]);
    expectClose(batchNorm(x(), { weight: w, bias: b }), [
      [-4 * k, -2 * k + 1],
      [0, 1],
      [4 * k, 2 * k + 1],
    ]);
    const rm = tensor([1, 2]);
    const rv = tensor([4, 1]);
    const y = batchNorm(x(), { runningMean: rm, runningVar: rv, weight: w, bias: b, training: false, eps: 0 });
    expectClose(y, [
      [0, 1],
      [2, 3],
      [4, 5],
    ]);
    expectValues(rm, [1, 2]);
    expectValues(rv, [4, 1]);
  });
  itNoLeak("[N, C, L] input normalizes per channel over N and L", () => {
    const y = batchNorm(tensor([[[1, 3]], [[5, 7]]]), { eps: 0 }); // one channel, values 1, 3, 5, 7: mean 4, var 5
    const s = Math.sqrt(5);
    expectClose(y, [[[-3 / s, -1 / s]], [[1 / s, 3 / s]]]);
  });
  itNoLeak("errors", () => {
    expectError(() => batchNorm(tensor([1, 2])), "ERR_SHAPE", "[N, C, ...]");
    expectError(() => batchNorm(x(), { weight: ones([3]) }), "ERR_SHAPE", "per-channel", "[2]");
    expectError(() => batchNorm(x(), { training: false }), "ERR_ARGUMENT", "running statistics");
    expectError(() => batchNorm(tensor([[1, 2]])), "ERR_SHAPE", "more than 1 value per channel");
  });
});

describe("layerNorm and linear", () => {
  itNoLeak("layerNorm over the last dim and the last two, with weight and bias", () => {
    const k = 1 / Math.sqrt(2 / 3 + 1e-5);
    const k2 = 1 / Math.sqrt(8 / 3 + 1e-5);
    expectClose(
      layerNorm(
        tensor([
          [1, 2, 3],
          [2, 4, 6],
        ]),
        [3],
      ),
      [
        [-k, 0, k],
        [-2 * k2, 0, 2 * k2],
      ],
    );
    expectClose(layerNorm(tensor([[1, 2, 3]]), [3], tensor([1, 2, 3]), tensor([0, 0, 1])), [[-k, 0, 3 * k + 1]]);
    // all four entries: mean 2.5, variance 1.25
    const s = 1 / Math.sqrt(1.25);
    expectClose(
      layerNorm(
        tensor([
          [
            [1, 2],
            [3, 4],
          ],
        ]),
        [2, 2],
        null,
        null,
        0,
      ),
      [
        [
          [-1.5 * s, -0.5 * s],
          [0.5 * s, 1.5 * s],
        ],
      ],
    );
    expectError(() => layerNorm(zeros([2, 3]), [4]), "ERR_SHAPE", "layerNorm", "[2, 3]", "[4]");
    expectError(() => layerNorm(zeros([2, 3]), [3], ones([2])), "ERR_SHAPE");
  });
  itNoLeak("linear: x W^T + b, with and without bias, batched input", () => {
    const W = tensor([
      [1, 0],
      [0, 1],
      [1, 1],
    ]);
    expectValues(linear(tensor([[1, 2]]), W, tensor([0, 0, 1])), [[1, 2, 4]]);
    expectValues(
      linear(
        tensor([
          [1, 2],
          [3, 4],
        ]),
        W,
      ),
      [
        [1, 2, 3],
        [3, 4, 7],
      ],
    );
    expect(linear(zeros([4, 5, 2]), W).shape).toEqual([4, 5, 3]);
    expectError(() => linear(zeros([2, 3]), W), "ERR_SHAPE", "linear", "[3, 2]", "[2, 3]");
    expectError(() => linear(zeros([1, 2]), W, zeros([2])), "ERR_SHAPE", "bias", "[3]");
    expectError(() => linear(zeros([1, 2], { dtype: "float64" }), W), "ERR_DTYPE", "linear", "float64", "float32");
  });
});
