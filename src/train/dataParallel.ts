/**
 * What makes a Trainer one data-parallel rank (docs/scale.md "N ranks"), kept out of the loop: the
 * checks of a group, rank 0's parameters broadcast at the start, each rank's slice of a global batch,
 * the ranks' mean loss and the agreed stop. Every function here that takes a ProcessGroup runs one
 * collective: every rank must call it at the same point.
 */
import { ConfigError } from "../errors.js";
import type { ProcessGroup } from "../dist/ProcessGroup.js";
import type { Config } from "../experiment/config.js";
import { BatchNorm1d } from "../nn/BatchNorm1d.js";
import type { Objective } from "../ssl/Objective.js";
import { noGrad } from "../tensor/autograd.js";
import type { Tensor } from "../tensor/Tensor.js";
import { tidy } from "../tensor/tidy.js";
import type { StepResult } from "./trainStep.js";

/** The group to train over: undefined for none or a world of one; ConfigError when the config cannot be split. */
export function checkProcessGroup(pg: ProcessGroup | undefined, c: Config, numNodes: number): ProcessGroup | undefined {
  if (pg === undefined || pg.worldSize <= 1) return undefined;
  if (c.train.batchSize <= 0) {
    throw new ConfigError(
      `Data-parallel ranks (${pg.worldSize}) need mini-batch training: with train.batchSize = 0 every rank would train on the same full batch. Set --batch-size and --fanouts (docs/scale.md)`,
    );
  }
  // Every rank needs a seed in every step (the global batches are near-equal, of at least floor(N / steps) nodes).
  const least = Math.floor(numNodes / Math.ceil(numNodes / (c.train.batchSize * pg.worldSize)));
  if (least < pg.worldSize) throw new ConfigError(`${pg.worldSize} ranks cannot share batches of ${least} of ${numNodes} nodes (every rank needs at least one seed per step): use fewer ranks`);
  return pg;
}

/** As DDP: every rank's parameters and buffers (EMA target and BatchNorm statistics included) become rank 0's. */
export function broadcastModel(pg: ProcessGroup, objective: Objective): void {
  tidy(() =>
    noGrad(() => {
      const tensors: Tensor[] = Object.values(objective.modules()).flatMap((m) => Object.values(m.stateDict()).map((t) => t.detach()));
      pg.broadcast(tensors, 0);
    }),
  );
}

/**
 * encoder.syncBatchNorm: every BatchNorm1d of the objective's modules (online and target encoders,
 * predictor, projector) normalizes with the statistics of all ranks' rows. Without a group (one
 * process) they stay plain BatchNorm. Returns how many BatchNorms use the group.
 */
export function syncBatchNorms(objective: Objective, pg: ProcessGroup | undefined): number {
  return BatchNorm1d.setProcessGroupAll(Object.values(objective.modules()), pg);
}

/**
 * Rank `rank`'s seeds of step k of an epoch: the global batch k of `steps` near-equal consecutive
 * batches of `order`, cut into `world` near-equal slices. The ranks together see exactly the seeds
 * one process with a batch `world` times larger sees (with world = 1: the whole global batch).
 */
export function rankSeeds(order: Int32Array, k: number, steps: number, rank: number, world: number): Int32Array {
  const n = order.length;
  const [a, b] = [Math.floor((k * n) / steps), Math.floor(((k + 1) * n) / steps)];
  return order.subarray(a + Math.floor((rank * (b - a)) / world), a + Math.floor(((rank + 1) * (b - a)) / world));
}

/**
 * The loss and terms as the ranks' mean. It equals the global batch's mean when the slices are
 * equally large (global batches divisible by the world size); otherwise the smaller slice's nodes
 * weigh a little more, as in DDP.
 */
export function meanOverRanks(pg: ProcessGroup, r: StepResult): StepResult {
  const names = Object.keys(r.terms); // the same order on every rank: the same code built them
  const [loss, ...terms] = pg.allReduceScalars([r.loss, ...names.map((k) => r.terms[k]!)], "mean");
  return { loss: loss!, terms: Object.fromEntries(names.map((k, i) => [k, terms[i]!])) };
}

/** Whether any rank asked to stop: all ranks then stop after the same step, and rank 0 saves once. */
export function anyRankStops(pg: ProcessGroup, stop: boolean): boolean {
  return pg.allReduceScalars([stop ? 1 : 0], "max")[0]! > 0;
}
