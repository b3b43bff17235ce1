/**
 * Parameter initializers drawing from the seeded global generator ({@link manualSeed}), with the
 * defaults of PyTorch and PyTorch Geometric:
 * - `kaimingUniform(shape, fanIn)`: U(-b, b), b = 1/sqrt(fanIn) — torch.nn.Linear's weight init
 *   (kaiming_uniform_ with a = sqrt(5): gain sqrt(2/(1+5)) times sqrt(3/fanIn));
 * - `fanInUniform(shape, fanIn)`: the same bound, torch.nn.Linear's bias init;
 * - `glorotUniform(shape)`: U(-b, b), b = sqrt(6/(size(-2) + size(-1))) — PyG's `glorot`
 *   (GCNConv and GATConv weights, GAT attention vectors).
 *
 * @example
 * ```ts
 * manualSeed(0);
 * const w = glorotUniform([64, 128]);   // |w| <= sqrt(6/192)
 * ```
 */
import { ArgumentError } from "../errors.js";
import { rand } from "../tensor/creation.js";
import type { DType } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/Tensor.js";

/** U(-bound, bound) of the given shape. */
export function uniform(shape: readonly number[], bound: number, dtype: DType = "float32"): Tensor {
  if (!(bound >= 0) || !Number.isFinite(bound)) throw new ArgumentError(`uniform: expected a finite bound >= 0 but received ${bound}`);
  return rand(shape, { dtype })
    .mul(2 * bound)
    .sub(bound);
}

/** torch.nn.Linear's weight init: kaiming_uniform_(a = sqrt(5)), i.e. U(-1/sqrt(fanIn), 1/sqrt(fanIn)). */
export function kaimingUniform(shape: readonly number[], fanIn: number, dtype: DType = "float32"): Tensor {
  const a = Math.sqrt(5);
  const gain = Math.sqrt(2 / (1 + a * a));
  return uniform(shape, fanIn > 0 ? gain * Math.sqrt(3 / fanIn) : 0, dtype);
}

/** torch.nn.Linear's bias init: U(-1/sqrt(fanIn), 1/sqrt(fanIn)). */
export function fanInUniform(shape: readonly number[], fanIn: number, dtype: DType = "float32"): Tensor {
  return uniform(shape, fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0, dtype);
}

/** PyG's glorot: U(-b, b), b = sqrt(6 / (size(-2) + size(-1))). */
export function glorotUniform(shape: readonly number[], dtype: DType = "float32"): Tensor {
  if (shape.length < 2) throw new ArgumentError(`glorotUniform: expected at least 2 dims but received [${shape.join(", ")}]`);
  const fan = shape[shape.length - 2]! + shape[shape.length - 1]!;
  return uniform(shape, Math.sqrt(6 / fan), dtype);
}
