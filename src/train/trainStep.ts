/**
 * One training step as a value (DESIGN D2, D3): two augmented views → objective + regularizers
 * ({@link composeLoss}) → backward → (gradient all-reduce over ranks) → (gradient clipping) → optimizer
 * step → EMA. It knows nothing of
 * epochs, schedules, logging or files: the caller passes this step's learning rate and EMA momentum,
 * so the full-batch loop ({@link Trainer}) and any other loop drive the same step.
 *
 * Synchronous, inside one tidy() scope, with a bounded number of native calls; the loss is read back
 * to the host (a device sync) only when asked. Called with a batch of seed nodes, the same step trains
 * on their sampled subgraph (see {@link TrainStep}): the mini-batch loop drives it once per batch.
 *
 * @example
 * ```ts
 * const step = makeTrainStep({ objective, optimizer, regularizers, graph: dg, generator, augment: cfg.augment });
 * const { loss } = step({ lr: 1e-3, momentum: 0.99 }, true);
 * ```
 */
import type { Config } from "../experiment/config.js";
import { ArgumentError } from "../errors.js";
import type { DeviceGraph } from "../graph/DeviceGraph.js";
import { sampleNeighbors } from "../graph/sampleNeighbors.js";
import { setMatmulPrecision, type MatmulPrecision } from "../runtime.js";
import type { Objective, View } from "../ssl/Objective.js";
import type { Generator } from "../tensor/Generator.js";
import type { Tensor } from "../tensor/Tensor.js";
import { tidy } from "../tensor/tidy.js";
import { clipGradNorm } from "./clip.js";
import { composeLoss, type LossRegularizers } from "./composeLoss.js";
import type { Optimizer } from "./optim/Optimizer.js";

export interface TrainStepParts {
  objective: Objective;
  optimizer: Optimizer;
  regularizers: LossRegularizers;
  /** The full graph on the device the views are drawn from. */
  graph: DeviceGraph;
  /** Draws the views' random masks. */
  generator: Generator;
  augment: Config["augment"];
  /** Clip the gradient norm to this (0: off). */
  clipGradNorm?: number;
  /** Matmul precision during the step (restored after it). */
  matmulPrecision?: MatmulPrecision;
  /** Neighbours per layer for mini-batch steps (-1 = all; see the `seeds` argument of {@link TrainStep}). */
  fanouts?: readonly number[];
  /**
   * Data parallel: averages the gradients over the ranks in place, called once per step after
   * backward and before clipping with every trainable parameter's gradient (e.g. `ProcessGroup.allReduceMean`).
   */
  reduceGradients?: (grads: Tensor[]) => void;
}

/** The hyper-parameters of one step (from the schedules). */
export interface StepHyper {
  lr: number;
  momentum: number;
}

/** The loss and its terms as numbers when read, else NaN and {}. */
export interface StepResult {
  loss: number;
  terms: Record<string, number>;
}

/**
 * One step. Without `seeds`: full batch, both views of the whole graph. With `seeds` (distinct node
 * ids): a mini-batch step; the subgraph around the seeds is sampled once ({@link sampleNeighbors} with
 * the parts' fanouts, its seed drawn from the generator), both views are drawn from it as from the
 * whole graph (edge drop with GCN renormalization of the sampled graph, feature masking), and the
 * objective and regularizers see the seeds' rows only (the subgraph's first rows).
 */
export type TrainStep = (hyper: StepHyper, read: boolean, seeds?: Int32Array) => StepResult;

/** Two augmented views of `dg` (the caller disposes the two DeviceGraphs). */
export function augmentViews(dg: DeviceGraph, a: Config["augment"], gen: Generator): [View, View, DeviceGraph, DeviceGraph] {
  const v1 = dg.augment({ edgeDrop: a.dropEdge[0], featureMask: a.dropFeature[0], featureDropout: a.featureDropout }, gen);
  let v2: DeviceGraph;
  try {
    v2 = dg.augment({ edgeDrop: a.dropEdge[1], featureMask: a.dropFeature[1], featureDropout: a.featureDropout }, gen);
  } catch (e) {
    v1.dispose();
    throw e;
  }
  return [{ x: v1.features!, graph: v1 }, { x: v2.features!, graph: v2 }, v1, v2];
}

/** The step of these parts; see the module comment. */
export function makeTrainStep(p: TrainStepParts): TrainStep {
  const clip = p.clipGradNorm ?? 0;
  return ({ lr, momentum }, read, seeds) => {
    p.optimizer.lr = lr;
    if (seeds !== undefined && p.fanouts === undefined) throw new ArgumentError("train step: mini-batch seeds were given but the step has no fanouts (TrainStepParts.fanouts)");
    const batch = seeds === undefined ? undefined : sampleNeighbors(p.graph, seeds, p.fanouts!, { generator: p.generator, features: true });
    let va: View, vb: View, g1: DeviceGraph, g2: DeviceGraph;
    try {
      [va, vb, g1, g2] = augmentViews(batch?.graph ?? p.graph, p.augment, p.generator);
    } catch (e) {
      batch?.dispose();
      throw e;
    }
    if (batch) va.rows = vb.rows = batch.numSeeds;
    let out: StepResult;
    const precision = p.matmulPrecision === undefined ? undefined : setMatmulPrecision(p.matmulPrecision);
    try {
      out = tidy(() => {
        const { loss, terms } = composeLoss(p.objective.forward([va, vb]), p.regularizers);
        loss.backward();
        if (p.reduceGradients) p.reduceGradients(p.objective.trainableParameters().flatMap((w) => w.grad ?? []));
        if (clip > 0) clipGradNorm(p.objective.trainableParameters(), clip);
        p.optimizer.step();
        p.optimizer.zeroGrad();
        if (!read) return { loss: NaN, terms: {} };
        return { loss: loss.item(), terms: Object.fromEntries(Object.entries(terms).map(([k, t]) => [k, t.item()])) };
      });
    } finally {
      if (precision !== undefined) setMatmulPrecision(precision);
      g1.dispose();
      g2.dispose();
      batch?.dispose();
    }
    p.objective.afterStep?.(momentum);
    return out;
  };
}
