/**
 * The frozen encoder's node representations of a run's checkpoint (the embeddings every probe and
 * diagnostic of `eval` sees), optionally written as a NumPy .npy file (float32 [N, d]) so that any
 * tool can score them, e.g. scikit-learn with BGRL's logistic_regression_eval.py.
 *
 * @example
 * ```ts
 * import { embedRun } from "werank-native";
 * const { embeddings, epoch } = await embedRun("runs/bgrl-cora-1", { checkpoint: "final", out: "cora.npy" });
 * embeddings.shape;  // [2708, 256]
 * embeddings.dispose();
 * ```
 */
import path from "node:path";
import { encodeNpy } from "../data/encodeNpy.js";
import type { Tensor } from "../tensor/Tensor.js";
import { atomicWriteFile } from "../util/atomicWrite.js";
import { loadGraphForConfig } from "./loadGraphForConfig.js";
import { locateCheckpoint } from "./locateCheckpoint.js";
import { readConfigFile, resolveConfig } from "./resolveConfig.js";
import { RunModel } from "./RunModel.js";

export interface EmbedRunOptions {
  /** Checkpoint name under RUN_DIR/checkpoints (default "final"). */
  checkpoint?: string;
  /** Data directory for the run's dataset (default: the run's config). */
  dataDir?: string;
  /** Also write the embeddings to this .npy file (atomically). */
  out?: string;
}

export interface EmbedRunResult {
  /** float32 [numNodes, d], owned by the caller (dispose it). */
  embeddings: Tensor;
  runDir: string;
  /** Path of the checkpoint, without extension. */
  checkpoint: string;
  epoch: number;
}

/** Embeddings of a run directory's checkpoint (or of a checkpoint path); see the module comment. */
export async function embedRun(target: string, options: EmbedRunOptions = {}): Promise<EmbedRunResult> {
  const { runDir, checkpoint } = locateCheckpoint(target, options.checkpoint, "embed");
  const base = readConfigFile(path.join(runDir, "config.json"));
  const config = resolveConfig({ overrides: base as never, flags: options.dataDir ? { "data-dir": options.dataDir } : {} });
  const graph = await loadGraphForConfig(config);
  const model = RunModel.load(config, graph, checkpoint);
  let embeddings: Tensor | undefined;
  try {
    embeddings = model.embed();
    if (embeddings.dtype !== "float32") {
      const e64 = embeddings;
      embeddings = e64.to("float32");
      e64.dispose();
    }
    if (options.out !== undefined) atomicWriteFile(options.out, encodeNpy(embeddings.toTypedArray() as Float32Array, embeddings.shape));
    return { embeddings, runDir, checkpoint, epoch: model.epoch };
  } catch (e) {
    embeddings?.dispose();
    throw e;
  } finally {
    model.dispose();
  }
}
