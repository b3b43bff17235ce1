/** Graphs on a device: CSR kernels with autograd, augmented views, sparse features. */
export { DeviceGraph, type DeviceGraphOptions, type AugmentOptions, type FloatDType } from "./DeviceGraph.js";
export { SparseFeatures } from "./SparseFeatures.js";
export { graphMemory } from "./nativeSparse.js";
