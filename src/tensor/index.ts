/** The tensor layer: PyTorch-like tensors over LibTorch with scoped lifetime. */
export { Tensor, type NestedArray, type Dims } from "./Tensor.js";
export * from "./creation.js";
export * from "./functional.js";
export { tidy, keep, dispose, memory, resetPeakMemory, nativeCalls } from "./tidy.js";
export { noGrad, enableGrad, isGradEnabled, zeroGrads } from "./autograd.js";
export { type DType, DTYPES } from "./dtype.js";
export type { Device } from "./device.js";
