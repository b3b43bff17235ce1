/**
 * Weights-only export of a run's trained (online) encoder: a `.safetensors` file with the encoder's
 * state dict under PyTorch's names and nothing else (no optimizer state, no target network, no
 * sidecar), for use outside werank-native. For the default GCN encoder the names are PyG's:
 * `convs.{i}.lin.weight` [out, in] and `convs.{i}.bias` (GCNConv), `norms.{i}.weight|bias|
 * running_mean|running_var|num_batches_tracked` (torch.nn.BatchNorm1d), `acts.{i}.weight` (PReLU),
 * so `load_state_dict(safetensors.torch.load_file(...))` fills the model of docs/checkpoints.md.
 * The header's `__metadata__` records the architecture and the input preprocessing.
 *
 * @example
 * ```ts
 * import { exportEncoder } from "werank-native";
 * exportEncoder("runs/bgrl-cora-20261122-101500", "encoder.safetensors");   // checkpoint "final"
 * ```
 */
import fs from "node:fs";
import path from "node:path";
import { ConfigError, DataError } from "../../errors.js";
import type { Tensor } from "../../tensor/Tensor.js";
import { checkpointFiles, loadCheckpoint, unprefixed } from "./checkpoint.js";
import { listCheckpoints } from "./runCheckpoints.js";
import { writeSafetensors } from "./safetensors.js";

/** The checkpoint tensors of the online encoder start with this. */
export const ENCODER_PREFIX = "model.encoder.";

export interface ExportEncoderOptions {
  /** Checkpoint name in RUN_DIR/checkpoints (default "final"). */
  checkpoint?: string;
}

export interface ExportedEncoder {
  file: string;
  checkpoint: string;
  /** Tensor names and shapes written, in name order. */
  tensors: { name: string; dtype: string; shape: number[] }[];
  metadata: Record<string, string>;
}

/** The checkpoint a run directory (or a checkpoint path) names; ERR_CONFIG listing the available ones. */
function checkpointOf(target: string, name: string | undefined): { runDir: string; base: string } {
  const abs = path.resolve(target);
  const base = abs.replace(/\.(safetensors|json)$/, "");
  if (!(fs.existsSync(abs) && fs.statSync(abs).isDirectory()) && fs.existsSync(checkpointFiles(base).tensors)) return { runDir: path.dirname(path.dirname(base)), base };
  const dir = path.join(abs, "checkpoints");
  if (!fs.existsSync(dir)) throw new ConfigError(`export: ${target} is neither a run directory (no checkpoints/ folder) nor a checkpoint`);
  const ck = path.join(dir, name ?? "final");
  if (!fs.existsSync(checkpointFiles(ck).tensors)) {
    const have = listCheckpoints(abs).map((c) => path.basename(c));
    throw new ConfigError(`export: no checkpoint '${name ?? "final"}' in ${dir} (available: ${have.join(", ") || "none"})`);
  }
  return { runDir: abs, base: ck };
}

/** Architecture and preprocessing from the checkpoint's config, as safetensors metadata (strings only). */
function encoderMetadata(config: Record<string, unknown> | undefined, tensors: Record<string, Tensor>, epoch: unknown): Record<string, string> {
  const c = (config ?? {}) as { encoder?: Record<string, unknown>; dataset?: { name?: string; featureNorm?: string }; objective?: { name?: string } };
  const first = tensors["convs.0.lin.weight"] ?? tensors["convs.0.weight"];
  const meta: Record<string, string> = { format: "werank-native encoder", version: "1" };
  const put = (k: string, v: unknown): void => {
    if (v !== undefined && v !== null) meta[k] = typeof v === "string" ? v : JSON.stringify(v);
  };
  put("encoder", c.encoder?.type);
  put("in_features", first?.shape[1]);
  put("layers", c.encoder?.layers);
  put("norm", c.encoder?.norm);
  put("act", c.encoder?.act);
  put("batch_norm_momentum", c.encoder?.batchNormMomentum);
  put("objective", c.objective?.name);
  put("dataset", c.dataset?.name);
  put("feature_norm", c.dataset?.featureNorm);
  put("epoch", epoch);
  return meta;
}

/** Writes the online encoder of a run's checkpoint to `outFile` (atomically); see the module comment. */
export function exportEncoder(runDirOrCheckpoint: string, outFile: string, options: ExportEncoderOptions = {}): ExportedEncoder {
  if (typeof outFile !== "string" || outFile.length === 0) throw new ConfigError("export: expected an output file (--out encoder.safetensors)");
  const out = path.resolve(outFile);
  if (fs.existsSync(out) && fs.statSync(out).isDirectory()) throw new ConfigError(`export: --out ${outFile} is a directory; give a file name such as ${path.join(outFile, "encoder.safetensors")}`);
  const { base } = checkpointOf(runDirOrCheckpoint, options.checkpoint);
  const ck = loadCheckpoint(base);
  try {
    const encoder = unprefixed(ENCODER_PREFIX, ck.tensors);
    const names = Object.keys(encoder).sort();
    if (names.length === 0) throw new DataError(`${checkpointFiles(base).tensors}: no encoder tensors (names starting with '${ENCODER_PREFIX}')`);
    const metadata = encoderMetadata(ck.sidecar.config as Record<string, unknown> | undefined, encoder, ck.sidecar.epoch);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    writeSafetensors(out, encoder, metadata);
    return { file: out, checkpoint: base, tensors: names.map((name) => ({ name, dtype: encoder[name]!.dtype, shape: [...encoder[name]!.shape] })), metadata };
  } finally {
    for (const t of Object.values(ck.tensors)) t.dispose();
  }
}
