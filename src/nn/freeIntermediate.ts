/**
 * Frees a layer's intermediate tensor as soon as the layer is done with it, unless it is one of
 * `live` (the layer's input or output: an identity activation or an eval-mode dropout returns its
 * input). Autograd keeps its own reference to what backward needs, so this only drops the
 * handle; without it every intermediate of a training step would stay alive until the step's
 * tidy() scope ends (Python frees them by reference counting), which raised the peak memory of a
 * Coauthor-CS BGRL step by hundreds of MB and kept the allocator from reusing their blocks.
 *
 * @example
 * ```ts
 * const p = lin.forward(x);
 * const h = graph.gcn(p);
 * freeIntermediate(p, x, h);
 * ```
 */
import type { Tensor } from "../tensor/Tensor.js";

export function freeIntermediate(t: Tensor | undefined, ...live: unknown[]): void {
  if (t !== undefined && !live.includes(t)) t.dispose();
}

/** The output of one stage of a layer stack, with the stage's input (an intermediate) freed. */
export function stage(input: Tensor, output: Tensor): Tensor {
  freeIntermediate(input, output);
  return output;
}
