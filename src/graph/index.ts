/** Graphs on a device: CSR kernels with autograd, augmented views, neighbour sampling, sparse features. */
export { DeviceGraph, type DeviceGraphOptions, type AugmentOptions, type FloatDType } from "./DeviceGraph.js";
export { SparseFeatures } from "./SparseFeatures.js";
export { graphMemory } from "./nativeSparse.js";
export { sampleNeighbors, SampledSubgraph, type SampleNeighborsOptions } from "./sampleNeighbors.js";
