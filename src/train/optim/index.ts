/** Fused optimizers: one native call per step over all parameters. */
export { Optimizer, optimizerMemory, type OptimizerKind, type OptimizerHyper, type OptimizerScalars, type OptimizerStateDict } from "./Optimizer.js";
export { Adam, type AdamOptions } from "./Adam.js";
export { AdamW, type AdamWOptions } from "./AdamW.js";
export { SGD, type SGDOptions } from "./SGD.js";
