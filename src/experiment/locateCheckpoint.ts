/**
 * Resolves the checkpoint a command evaluates: RUN_DIR (its checkpoints/NAME, default final),
 * RUN_DIR/checkpoints/NAME, or a checkpoint path with or without its .safetensors extension.
 *
 * @example
 * ```ts
 * locateCheckpoint("runs/bgrl-cora-1", "epoch-100", "embed");  // { runDir, checkpoint: ".../checkpoints/epoch-100" }
 * ```
 */
import fs from "node:fs";
import path from "node:path";
import { ConfigError } from "../errors.js";
import { checkpointFiles } from "../train/checkpoint/checkpoint.js";

export function locateCheckpoint(target: string, name: string | undefined, command = "eval"): { runDir: string; checkpoint: string } {
  const abs = path.resolve(target);
  const asCheckpoint = abs.replace(/\.(safetensors|json)$/, "");
  if (fs.existsSync(`${asCheckpoint}.safetensors`) && !fs.statSync(abs).isDirectory?.()) {
    return { runDir: path.dirname(path.dirname(asCheckpoint)), checkpoint: asCheckpoint };
  }
  if (!fs.existsSync(path.join(abs, "config.json"))) throw new ConfigError(`${command}: ${target} is neither a run directory (no config.json) nor a checkpoint`);
  const ck = path.join(abs, "checkpoints", name ?? "final");
  if (!fs.existsSync(checkpointFiles(ck).tensors)) {
    const have = fs.existsSync(path.join(abs, "checkpoints")) ? fs.readdirSync(path.join(abs, "checkpoints")).filter((f) => f.endsWith(".safetensors")).map((f) => f.replace(/\.safetensors$/, "")) : [];
    throw new ConfigError(`${command}: no checkpoint '${name ?? "final"}' in ${abs}/checkpoints (available: ${have.join(", ") || "none"})`);
  }
  return { runDir: abs, checkpoint: ck };
}
