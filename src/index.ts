/**
 * werank-native: self-supervised learning on graphs that keeps representations full-rank.
 *
 * @example
 * ```ts
 * import { tensor, tidy, memory } from "werank-native";
 * const w = tensor([[1, 2], [3, 4]], { requiresGrad: true });
 * const loss = tidy(() => w.matmul(w).sum());
 * loss.backward();            // w.grad is [[7, 11], [9, 13]]
 * memory().tensors;           // live tensor count
 * ```
 */
export * from "./tensor/index.js";
export * from "./errors.js";
export { loadNative, addonPath, type NativeInfo, type NativeMemory } from "./native/addon.js";
export { info, setNumThreads, cudaAvailable, synchronize } from "./runtime.js";
export * from "./nn/index.js";
export * from "./ssl/index.js";
export { SVMax, svmaxBounds, meanSingularValue, type SVMaxOptions } from "./regularizers/svmax.js";
export { VarianceRegularizer, varianceHinge, columnStd, type VarianceOptions } from "./regularizers/variance.js";
export type { EmbeddingRegularizer, RegularizerResult } from "./regularizers/EmbeddingRegularizer.js";
export * from "./toy/index.js";
