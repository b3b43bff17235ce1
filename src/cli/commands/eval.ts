import path from "node:path";
import { ConfigError } from "../../errors.js";
import { readConfigFile, resolveConfig } from "../../experiment/resolveConfig.js";
import { loadGraphForConfig } from "../../experiment/loadGraphForConfig.js";
import { locateCheckpoint } from "../../experiment/locateCheckpoint.js";
import { RunModel } from "../../experiment/RunModel.js";
import { atomicWriteJson } from "../../util/atomicWrite.js";
import { CHECKPOINT_OPTIONS, parseCommandArgs } from "../args.js";
import { EXIT, type Command } from "../command.js";

const OPTIONS = {
  ...CHECKPOINT_OPTIONS,
  protocol: { type: "string", arg: "random|public|bgrl|grace", help: "the probe protocol (= --set eval.protocol=...; bgrl = BGRL's own evaluation code)" },
  set: { type: "string", multiple: true, arg: "eval.KEY=VALUE", help: "change the probe protocol (eval.* keys only)" },
  json: { type: "boolean", help: "one JSON object on stdout instead of the text (probe.mean = the test accuracy)" },
} as const;

export const evalCommand: Command = {
  name: "eval",
  summary: "evaluate a checkpoint: linear probe and collapse diagnostics",
  options: OPTIONS,
  help: `werank-native eval RUN_DIR [--checkpoint NAME] [--protocol random|public|bgrl|grace] [--set eval.KEY=VALUE ...] [--json]
werank-native eval RUN_DIR/checkpoints/NAME

Loads the run's config.json and a checkpoint (default: final; e.g. interrupt, epoch-1000), then
runs the linear-probe protocol on the frozen encoder and the collapse diagnostics (spectra,
effective ranks, rank differential, WERank terms). The probe protocol can be changed with
--protocol (= --set eval.protocol=...; bgrl = BGRL's own evaluation code, docs/linear-probe.md) and
--set (eval.splits, eval.classifier, eval.grid, ...). Writes RUN_DIR/eval-NAME.json; --json prints
one JSON object (probe.mean = the test accuracy).

Examples:
  werank-native eval runs/bgrl+werank-synthetic-20261122-101500
  werank-native eval runs/bgrl-coauthor-cs-20261122-1 --checkpoint epoch-1000 --set eval.classifier=ovr
  werank-native eval runs/bgrl-coauthor-cs-20261122-1/checkpoints/final --json
  werank-native eval runs/bgrl-cora-20261122-1 --protocol bgrl --json`,
  async run(args) {
    const p = parseCommandArgs("eval", args, OPTIONS, true);
    const target = p.positionals[0];
    if (!target) throw new ConfigError("eval: RUN_DIR is missing (werank-native eval RUN_DIR)");
    const { runDir, checkpoint } = locateCheckpoint(target, p.values.checkpoint as string | undefined, "eval");
    const protocol = p.values.protocol as string | undefined;
    const set = [...((p.values.set as string[] | undefined) ?? []), ...(protocol !== undefined ? [`eval.protocol=${protocol}`] : [])];
    const bad = set.find((s) => !s.startsWith("eval."));
    if (bad) throw new ConfigError(`eval: --set can only change eval.* keys (the model is fixed by the checkpoint) but received '${bad}'`);
    const base = readConfigFile(path.join(runDir, "config.json"));
    const config = resolveConfig({ overrides: base as never, set, flags: p.values["data-dir"] ? { "data-dir": p.values["data-dir"] } : {} });
    const graph = await loadGraphForConfig(config);
    const model = RunModel.load(config, graph, checkpoint);
    try {
      const t0 = Date.now();
      const probe = model.evaluate();
      const diagnostics = model.diagnostics();
      const result = {
        type: "eval",
        runDir,
        checkpoint: path.basename(checkpoint),
        epoch: model.epoch,
        probe: {
          mean: probe.mean,
          std: probe.std,
          splits: probe.splits.length,
          protocol: config.eval.protocol,
          solver: probe.solver,
          converged: probe.converged,
          perSplit: probe.splits.map((s) => ({ split: s.split, bestC: s.bestC, test: s.test })),
        },
        effectiveRank: {
          representation: diagnostics.representations.online?.effectiveRank ?? null,
          embedding: diagnostics.embeddings.online?.effectiveRank ?? null,
          target: diagnostics.representations.target?.effectiveRank ?? null,
        },
        rankDifferential: diagnostics.rankDifferential,
        weights: diagnostics.weights.map((w) => ({ name: w.name, effectiveRank: w.effectiveRank, werank: w.werank })),
        warnings: diagnostics.warnings,
        seconds: (Date.now() - t0) / 1000,
      };
      atomicWriteJson(path.join(runDir, `eval-${path.basename(checkpoint)}.json`), { ...result, diagnostics, probeDetails: probe });
      if (p.values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
      else {
        process.stdout.write(
          `${path.basename(runDir)} @ ${path.basename(checkpoint)} (epoch ${model.epoch})\n` +
            `  linear probe accuracy  ${(100 * probe.mean).toFixed(2)} ± ${(100 * probe.std).toFixed(2)} %  (${probe.splits.length} ${config.eval.protocol} splits, ${probe.solver})\n` +
            `  effective rank         representation ${result.effectiveRank.representation?.toFixed(1)}, embedding ${result.effectiveRank.embedding?.toFixed(1)}\n` +
            (diagnostics.rankDifferential.embeddings !== null ? `  rank differential      ${diagnostics.rankDifferential.embeddings.toFixed(2)} (erank target - erank online embedding)\n` : "") +
            diagnostics.warnings.map((w) => `  warning: ${w}\n`).join("") +
            `  written                ${path.join(runDir, `eval-${path.basename(checkpoint)}.json`)}\n`,
        );
      }
      return EXIT.ok;
    } finally {
      model.dispose();
    }
  },
};
