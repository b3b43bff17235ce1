/**
 * Probe protocols: which splits a graph's embeddings are evaluated on.
 * - "random": seeded 10% / 10% / 80% splits, 20 of them by default (BGRL on Amazon and Coauthor),
 *   from the data layer's randomSplits (pass the graph's labels there for stratified splits);
 * - "public": the dataset's own splits, `graph.publicSplits` (WikiCS: 20, OGB: 1);
 * - "bgrl": BGRL's own code, always one-vs-rest liblinear logistic regression: 20% train with C chosen
 *   by 5-fold cross-validation (subset accuracy), refit, 80% test ({@link crossValidatedProbe}); on
 *   datasets with official splits that BGRL uses (WikiCS, OGB: {@link bgrlUsesPresetSplits}) C is
 *   chosen on each split's validation nodes instead ({@link presetSplitsProbe});
 * - "grace": GRACE's code: 10% train with C by 5-fold CV, refit, 90% test, 3 repeats ({@link graceProbe}).
 *
 * @example
 * ```ts
 * import { probeSplits, probeGraph } from "werank-native";
 * const splits = probeSplits(graph, "random", { seed: 0 });
 * const res = probeGraph(embeddings, graph, { protocol: "public" });
 * ```
 */
import { ArgumentError, DataError, unknownName } from "../errors.js";
import type { Graph, Split } from "../graph/Graph.js";
import type { Tensor } from "../tensor/Tensor.js";
import { crossValidatedProbe } from "./crossValidatedProbe.js";
import { graceProbe } from "./graceProbe.js";
import { linearProbe, type ProbeOptions, type ProbeResult } from "./linearProbe.js";
import { presetSplitsProbe } from "./presetSplitsProbe.js";
import { randomSplits, type RandomSplitOptions } from "../data/randomSplits.js";

export type ProbeProtocol = "random" | "public" | "bgrl" | "grace";
export const PROBE_PROTOCOLS: readonly ProbeProtocol[] = ["random", "public", "bgrl", "grace"];

/** The splits of a protocol for a graph. */
export function probeSplits(graph: Pick<Graph, "name" | "numNodes" | "publicSplits">, protocol: ProbeProtocol, options: RandomSplitOptions = {}): Split[] {
  if (protocol === "bgrl" || protocol === "grace") throw new ArgumentError(`probeSplits: the '${protocol}' protocol draws its cross-validation folds itself; use probeGraph`);
  if (protocol === "random") return randomSplits(graph.numNodes, { numSplits: 20, ...options });
  if (protocol === "public") {
    const s = graph.publicSplits;
    if (s === undefined || s.length === 0) {
      throw new DataError(`Dataset '${graph.name}' has no public splits; use the probe protocol 'random' instead`);
    }
    return s;
  }
  throw new ArgumentError(unknownName("probe protocol", String(protocol), PROBE_PROTOCOLS));
}

/** Formats whose official splits BGRL's code evaluates on (WikiCS's 20 splits, OGB's official split). */
const PRESET_SPLIT_FORMATS: readonly string[] = ["wikics", "ogb"];

/** Whether the `bgrl` protocol evaluates this graph on its official splits (WikiCS, OGB) rather than random 20% / 80% ones. */
export function bgrlUsesPresetSplits(graph: Pick<Graph, "publicSplits" | "provenance">): boolean {
  return PRESET_SPLIT_FORMATS.includes(graph.provenance.format) && (graph.publicSplits?.length ?? 0) > 0;
}

export interface ProbeGraphOptions extends ProbeOptions {
  protocol?: ProbeProtocol;
  /** Options of the random protocol (numSplits, fractions, seed, stratified). */
  splits?: RandomSplitOptions;
}

/** Linear probe of node embeddings [numNodes, D] against a graph's labels under a protocol (default "random"). */
export function probeGraph(embeddings: Tensor, graph: Graph, options: ProbeGraphOptions = {}): ProbeResult & { protocol: ProbeProtocol } {
  const protocol = options.protocol ?? "random";
  const targets = graph.multiLabels ?? graph.labels;
  const numClasses = graph.multiLabels ? 0 : graph.numClasses;
  if (protocol === "bgrl") {
    // The classifier is part of BGRL's protocol (one-vs-rest liblinear): a configured solver is ignored.
    const { splits: o, protocol: _p, solver: _s, ...rest } = options;
    if (bgrlUsesPresetSplits(graph)) return presetSplitsProbe(embeddings, targets, graph.publicSplits!, { numClasses, ...rest });
    return crossValidatedProbe(embeddings, targets, {
      numClasses,
      ...rest,
      repeats: o?.numSplits ?? 20,
      seed: o?.seed ?? 0,
      trainFraction: o?.train !== undefined && o.val !== undefined ? o.train + o.val : 0.2,
    });
  }
  if (protocol === "grace") {
    const { splits: o, protocol: _p, ...rest } = options;
    return graceProbe(embeddings, targets, { numClasses, ...rest, repeats: o?.numSplits ?? 3, seed: o?.seed ?? 0, trainFraction: o?.train ?? 0.1 });
  }
  const splits = probeSplits(graph, protocol, options.splits);
  return { protocol, ...linearProbe(embeddings, targets, splits, { numClasses, ...options }) };
}
