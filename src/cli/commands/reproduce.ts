import path from "node:path";
import { ConfigError, unknownName } from "../../errors.js";
import { bgrlUsesPresetSplits } from "../../eval/probeSplits.js";
import { PUBLISHED_BGRL, PUBLISHED_GRACE, type PublishedResult } from "../../experiment/published.js";
import { loadGraphForConfig } from "../../experiment/loadGraphForConfig.js";
import { resolveConfig } from "../../experiment/resolveConfig.js";
import { stat, type Stat } from "../../experiment/collect.js";
import type { Config } from "../../experiment/config.js";
import { GRACE_PRESET_NAMES, PRESET_NAMES } from "../../experiment/presets.js";
import { RunDir, environmentInfo } from "../../experiment/RunDir.js";
import { info } from "../../runtime.js";
import { Trainer, type TrainSummary } from "../../train/Trainer.js";
import { trainingSchedule } from "../../train/trainingSchedule.js";
import { atomicWriteFile, atomicWriteJson } from "../../util/atomicWrite.js";
import { writeReport } from "../../report/writeReport.js";
import { numberFlag, parseCommandArgs } from "../args.js";
import { EXIT, type Command } from "../command.js";
import { CONFIG_HELP, CONFIG_OPTIONS, configSources } from "../configArgs.js";

const OPTIONS = {
  ...CONFIG_OPTIONS,
  seeds: { type: "string", arg: "N", help: "model seeds train.seed = 0..N-1 (default 1)" },
  json: { type: "boolean", help: "JSONL events (with their seed) and a final result object on stdout" },
} as const;

export const reproduceCommand: Command = {
  name: "reproduce",
  summary: "run a published BGRL or GRACE setting over seeds and print ours beside the published numbers",
  options: OPTIONS,
  help: `werank-native reproduce bgrl --dataset NAME [--werank ALPHA] [--no-augment] [--seeds N] [config options]
werank-native reproduce grace --dataset cora|citeseer|pubmed [--werank ALPHA] [--seeds N] [config options]

Runs the dataset's BGRL preset (encoder, optimizer, epochs, augmentations, EMA schedule) with the
published evaluation protocol, once per model seed (train.seed = 0..N-1), and prints the mean ± std
over seeds of the linear-probe accuracy next to the published BGRL number (with augmentation) or
BGRL's weak-augmentation number (--no-augment). Each seed is also scored with BGRL's own evaluation
code (eval protocol bgrl: random 20%/80% repeats; WikiCS and ogbn-arxiv: their official splits). Each seed writes a run directory under
<output.dir>/reproduce-bgrl-<dataset>[...]/seed-<i>; results.md and results.json summarize them.

Published (%):  with augmentation            without augmentation
  amazon-computers  90.34 ± 0.19               87.12 ± 0.30
  amazon-photo      93.17 ± 0.30               91.18 ± 0.38
  coauthor-cs       93.31 ± 0.13               91.85 ± 0.25
  coauthor-physics  95.73 ± 0.05               94.65 ± 0.11
  wikics            79.98 ± 0.10               78.69 ± 0.18
  ogbn-arxiv        71.64 ± 0.12 (test)        –

grace runs the GRACE preset grace-<dataset> (CRIPAC-DIG/GRACE config.yaml: encoder, activation,
projector, tau, the four drop rates, Adam lr, epochs) on the Planetoid files
(<dataset>-planetoid) and evaluates with GRACE's own code (eval protocol "grace": 10% train, C by
5-fold cross-validation, refit, 90% test, 3 repeats), beside GRACE's published accuracy (%):
  cora      83.3 ± 0.4
  citeseer  72.1 ± 0.5
  pubmed    86.7 ± 0.1   (1,500 epochs; its N x N similarities need ~1.5 GB each)

--epochs N shortens a preset; its warm-up is scaled with it unless optim.warmupEpochs is set.

${CONFIG_HELP}

Examples:
  werank-native reproduce bgrl --dataset coauthor-cs --data-dir ../shared/data --seeds 3
  werank-native reproduce bgrl --dataset amazon-computers --werank 0.1 --no-augment
  werank-native reproduce bgrl --dataset cora --epochs 500      # a quick check (no published number)
  werank-native reproduce grace --dataset cora --data-dir ../shared/data --seeds 5`,
  async run(args) {
    const p = parseCommandArgs("reproduce", args, OPTIONS, true);
    const method = p.positionals[0];
    if (method !== "bgrl" && method !== "grace")
      throw new ConfigError(method ? unknownName("method", method, ["bgrl", "grace"]) : "reproduce: name the method (werank-native reproduce bgrl|grace --dataset NAME)");
    const dataset = p.values.dataset as string | undefined;
    if (!dataset) throw new ConfigError(`reproduce ${method}: --dataset is required`);
    const werank = p.values.werank !== undefined ? numberFlag("werank", p.values.werank, { min: 0 })! : 0;
    const bgrl = method === "bgrl";
    const graceDatasets = GRACE_PRESET_NAMES.map((n) => n.replace(/^grace-/, ""));
    if (bgrl && (!PRESET_NAMES.includes(dataset) || GRACE_PRESET_NAMES.includes(dataset.replace(/\+werank$/, ""))))
      throw new ConfigError(
        unknownName(
          "BGRL preset",
          dataset,
          PRESET_NAMES.filter((n) => !n.includes("+") && n !== "synthetic" && !GRACE_PRESET_NAMES.includes(n)),
        ),
      );
    if (!bgrl && !graceDatasets.includes(dataset)) throw new ConfigError(unknownName("GRACE preset", dataset, graceDatasets));
    const seeds = numberFlag("seeds", p.values.seeds, { integer: true, min: 1 }) ?? 1;
    const json = p.values.json === true;
    const sources = configSources(p);
    sources.preset = bgrl ? dataset : `grace-${dataset}`;
    // --dataset names the published setting; GRACE's preset picks the Planetoid files itself.
    if (!bgrl && sources.flags) delete sources.flags.dataset;
    const noAugment = sources.noAugment === true;
    const base = resolveConfig(sources);
    const tag = `reproduce-${method}-${dataset}${werank > 0 ? `-werank${werank}` : ""}${noAugment ? "-noaug" : ""}`;
    const root = RunDir.create(base.output.dir, tag);
    const graph = await loadGraphForConfig(base);
    const presetSplits = bgrlUsesPresetSplits(graph);
    const summaries: TrainSummary[] = [];
    const cvAcc: number[] = [];
    const cvStd: number[] = [];
    const say = (s: string): void => void (json ? undefined : process.stdout.write(`${s}\n`));
    say(`reproduce ${method}: ${dataset}${werank > 0 ? ` + WERank ${werank}` : ""}${noAugment ? ", no augmentation" : ""}, ${base.train.epochs} epochs x ${seeds} seed(s) -> ${root.dir}`);
    const schedule = trainingSchedule(base);
    if (json) process.stdout.write(`${JSON.stringify(schedule.event)}\n`);
    else say(schedule.line);
    for (let seed = 0; seed < seeds; seed++) {
      const config = resolveConfig({ ...sources, set: [...(sources.set ?? []), `train.seed=${seed}`, `werank.alpha=${werank}`] });
      const rd = new RunDir(path.join(root.dir, `seed-${seed}`));
      rd.writeJson("config.json", config);
      rd.writeJson("env.json", { ...environmentInfo(), torch: info(), data: { name: graph.name, provenance: graph.provenance } });
      const trainer = new Trainer({ config, graph, runDir: rd });
      const onSigint = (): void => trainer.requestStop();
      process.on("SIGINT", onSigint);
      try {
        const every = Math.max(1, Math.floor(config.train.epochs / 10));
        const it = trainer.fit();
        let r = await it.next();
        while (!r.done) {
          const ev = r.value;
          if (json) process.stdout.write(`${JSON.stringify({ seed, ...ev })}\n`);
          else if (ev.type === "epoch" && ev.epoch % every === 0) say(`  seed ${seed}: epoch ${ev.epoch}/${config.train.epochs} loss ${ev.loss.toFixed(4)}`);
          else if (ev.type === "eval") say(`  seed ${seed}: epoch ${ev.epoch} probe ${(100 * ev.probe.mean).toFixed(2)} ± ${(100 * ev.probe.std).toFixed(2)} %`);
          r = await it.next();
        }
        summaries.push(r.value);
        if (r.value.status === "interrupted") break;
        if (!bgrl) {
          say(`  seed ${seed}: GRACE's evaluation protocol ${(100 * r.value.probe.mean).toFixed(2)} ± ${(100 * r.value.probe.std).toFixed(2)} %`);
          if (config.output.report) await writeReport(rd.dir);
          continue;
        }
        // BGRL's own evaluation code as well: crossValidatedProbe, or presetSplitsProbe on WikiCS / OGB.
        const cv = trainer.evaluate({ protocol: "bgrl", classifier: "ovr" });
        cvAcc.push(cv.mean);
        cvStd.push(cv.std);
        rd.writeJson("eval-bgrl-protocol.json", {
          protocol: "bgrl",
          splits: presetSplits ? "official" : "random-20-80",
          mean: cv.mean,
          std: cv.std,
          repeats: cv.splits.length,
          perRepeat: cv.splits.map((x) => ({ split: x.split, bestC: x.bestC, test: x.test })),
        });
        say(`  seed ${seed}: BGRL's evaluation protocol ${(100 * cv.mean).toFixed(2)} ± ${(100 * cv.std).toFixed(2)} %`);
        if (config.output.report) await writeReport(rd.dir);
      } finally {
        process.off("SIGINT", onSigint);
        trainer.dispose();
      }
    }
    const done = summaries.filter((s) => s.status === "completed");
    const acc = stat(done.map((s) => 100 * s.probe.mean));
    const accCv = stat(cvAcc.map((a) => 100 * a));
    const splitStd = stat(done.map((s) => 100 * s.probe.std));
    const pub = bgrl ? PUBLISHED_BGRL[dataset]?.[noAugment ? "noAugment" : "augmented"] : noAugment ? undefined : PUBLISHED_GRACE[dataset]?.accuracy;
    const common = {
      type: "reproduce",
      method,
      dataset,
      werank,
      noAugment,
      epochs: base.train.epochs,
      seeds: done.length,
      accuracy: { mean: acc.mean, std: acc.std, meanSplitStd: splitStd.mean, protocol: base.eval.protocol },
      effectiveRank: { representation: stat(done.map((s) => s.effectiveRank.representation)).mean, embedding: stat(done.map((s) => s.effectiveRank.embedding)).mean },
      published: pub ?? null,
      difference: pub ? acc.mean - pub.mean : null,
      secondsPerEpoch: stat(done.map((s) => s.secondsPerEpoch)).mean,
      wallSeconds: done.reduce((a, s) => a + s.seconds, 0),
      runDir: root.dir,
    };
    if (!bgrl) return finishGrace(common, { base, splitStd, summaries, json });
    const result = {
      ...common,
      accuracyBgrlProtocol: { mean: accCv.mean, std: accCv.std, meanRepeatStd: stat(cvStd.map((s) => 100 * s)).mean },
      differenceBgrlProtocol: pub ? accCv.mean - pub.mean : null,
    };
    atomicWriteJson(root.path("results.json"), { ...result, runs: summaries });
    const md = [
      `| dataset | setting | ours, ${base.eval.protocol} protocol (%) | ours, BGRL's protocol (%) | published BGRL (%) | difference (BGRL's protocol) | eff. rank repr. | seeds | epochs | wall time |`,
      `| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |`,
      `| ${dataset} | BGRL${werank > 0 ? ` + WERank ${werank}` : ""}${noAugment ? ", no augmentation" : ""} | ${acc.mean.toFixed(2)} ± ${(done.length > 1 ? acc.std : splitStd.mean).toFixed(2)} | ${accCv.mean.toFixed(2)} ± ${(done.length > 1 ? accCv.std : result.accuracyBgrlProtocol.meanRepeatStd).toFixed(2)} | ${pub ? `${pub.mean.toFixed(2)} ± ${pub.std.toFixed(2)}` : "–"} | ${result.differenceBgrlProtocol !== null ? result.differenceBgrlProtocol.toFixed(2) : "–"} | ${result.effectiveRank.representation.toFixed(1)} | ${done.length} | ${base.train.epochs} | ${(result.wallSeconds / 60).toFixed(1)} min |`,
      "",
      done.length > 1
        ? "± is the standard deviation over model seeds."
        : `± is the standard deviation over the probe's splits (BGRL's protocol: over its ${presetSplits ? "official splits" : "repeats"}; one model seed).`,
      presetSplits
        ? `BGRL's protocol: the dataset's ${graph.publicSplits!.length} official split(s), C chosen on each validation set (their logistic_regression_eval.py, fit_logistic_regression_preset_splits).`
        : "BGRL's protocol: 20% train with C chosen by 5-fold cross-validation (subset accuracy, liblinear) and a refit, 80% test (their logistic_regression_eval.py, fit_logistic_regression).",
      "",
    ].join("\n");
    atomicWriteFile(root.path("results.md"), md);
    if (json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else process.stdout.write(`\n${md}`);
    return summaries.some((s) => s.status === "interrupted") ? EXIT.interrupted : EXIT.ok;
  },
};

/** The results.json fields `reproduce bgrl` and `reproduce grace` share. */
interface CommonResult {
  dataset: string;
  werank: number;
  noAugment: boolean;
  seeds: number;
  accuracy: { mean: number; std: number };
  effectiveRank: { representation: number };
  published: PublishedResult | null;
  difference: number | null;
  wallSeconds: number;
  runDir: string;
}

/** results.json / results.md of `reproduce grace`: one protocol (GRACE's), beside GRACE's number. */
function finishGrace(result: CommonResult, o: { base: Config; splitStd: Stat; summaries: TrainSummary[]; json: boolean }): number {
  const { dataset, werank, noAugment, published: pub, seeds } = result;
  const { base, splitStd } = o;
  const acc = result.accuracy;
  atomicWriteJson(path.join(result.runDir, "results.json"), { ...result, runs: o.summaries });
  const md = [
    `| dataset | setting | ours, ${base.eval.protocol} protocol (%) | published GRACE (%) | difference | eff. rank repr. | seeds | epochs | wall time |`,
    `| --- | --- | --- | --- | --- | --- | --- | --- | --- |`,
    `| ${dataset} | GRACE${werank > 0 ? ` + WERank ${werank}` : ""}${noAugment ? ", no augmentation" : ""} | ${acc.mean.toFixed(2)} ± ${(seeds > 1 ? acc.std : splitStd.mean).toFixed(2)} | ${pub ? `${pub.mean.toFixed(1)} ± ${pub.std.toFixed(1)}` : "–"} | ${result.difference !== null ? result.difference.toFixed(2) : "–"} | ${result.effectiveRank.representation.toFixed(1)} | ${seeds} | ${base.train.epochs} | ${(result.wallSeconds / 60).toFixed(1)} min |`,
    "",
    seeds > 1 ? "± is the standard deviation over model seeds." : `± is the standard deviation over the probe's ${base.eval.splits} repeats (one model seed).`,
    "GRACE's protocol: 10% train with C chosen by 5-fold cross-validation and a refit, 90% test, 3 repeats (its eval.py).",
    "",
  ].join("\n");
  atomicWriteFile(path.join(result.runDir, "results.md"), md);
  if (o.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else process.stdout.write(`\n${md}`);
  return o.summaries.some((s) => s.status === "interrupted") ? EXIT.interrupted : EXIT.ok;
}
