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
import { listCheckpoints } from "../train/checkpoint/runCheckpoints.js";

export function locateCheckpoint(target: string, name: string | undefined, command = "eval"): { runDir: string; checkpoint: string } {
  const abs = path.resolve(target);
  const asCheckpoint = abs.replace(/\.(safetensors|json)$/, "");
  // RUN_DIR/checkpoints/NAME names no file itself (only NAME.safetensors and NAME.json exist).
  if (fs.existsSync(`${asCheckpoint}.safetensors`) && !(fs.existsSync(abs) && fs.statSync(abs).isDirectory())) {
    return { runDir: path.dirname(path.dirname(asCheckpoint)), checkpoint: asCheckpoint };
  }
  if (!fs.existsSync(path.join(abs, "config.json"))) throw new ConfigError(`${command}: ${target} is neither a run directory (no config.json) nor a checkpoint`);
  const ck = path.join(abs, "checkpoints", name ?? "final");
  if (!fs.existsSync(checkpointFiles(ck).tensors)) {
    const have = listCheckpoints(abs).map((c) => path.basename(c));
    throw new ConfigError(`${command}: no checkpoint '${name ?? "final"}' in ${abs}/checkpoints (available: ${have.join(", ") || "none"})`);
  }
  return { runDir: abs, checkpoint: ck };
}
