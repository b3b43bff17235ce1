/** Neural-network layers and encoders (one layer per file), as torch.nn / PyG. */
export { Module, type StateDict, type UnaryModule } from "./Module.js";
export { ModuleList } from "./ModuleList.js";
export { kaimingUniform, fanInUniform, glorotUniform } from "./init.js";
export { Linear, type LinearOptions } from "./Linear.js";
export { GCNConv, type ConvOptions } from "./GCNConv.js";
export { SAGEConv } from "./SAGEConv.js";
export { GATConv, type GATConvOptions } from "./GATConv.js";
export { BatchNorm1d, type BatchNorm1dOptions } from "./BatchNorm1d.js";
export { LayerNorm, type LayerNormOptions } from "./LayerNorm.js";
export { PReLU, type PReLUOptions } from "./PReLU.js";
export { Dropout } from "./Dropout.js";
export { Activation, makeActivation, ACTIVATIONS, type ActivationName } from "./Activation.js";
export { makeNorm, NORMS, type NormName, type NormOptions } from "./makeNorm.js";
export { MLP, type MLPOptions } from "./MLP.js";
export { GraphEncoder, buildEncoder, resolveEncoderSpec, ENCODER_TYPES, type EncoderSpec, type EncoderType, type ResolvedEncoderSpec } from "./GraphEncoder.js";
export { layerwiseInference, type LayerwiseInferenceOptions } from "./layerwiseInference.js";
