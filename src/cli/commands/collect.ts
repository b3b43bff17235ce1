import path from "node:path";
import { collectSweep } from "../../experiment/collect.js";
import { ConfigError } from "../../errors.js";
import { writeSweepReport, writeSweepSvgs } from "../../report/sweepReport.js";
import { parseCommandArgs, type OptionSpec } from "../args.js";
import { EXIT, type Command } from "../command.js";

const OPTIONS: OptionSpec = {
  paired: {
    type: "string",
    arg: "KEY=VALUE",
    help: "also compare every configuration with its baseline (same grid values but\nKEY = VALUE), paired by seed (same train.seed and train.dataSeed): mean\ndifference, 95 % confidence interval (Student's t over seed pairs, n − 1\ndegrees of freedom) and the number of pairs; seeds without a partner are listed",
  },
  json: { type: "boolean", help: "print the rows (and runs, missing trials) as one JSON object" },
  csv: { type: "boolean", help: "print the CSV instead of the Markdown table" },
  html: { type: "boolean", help: "also write SWEEP_DIR/results.html: the tables, the paired accuracy change\nagainst KEY's values (log axis, 95 % band) and effective rank vs accuracy" },
  svg: { type: "string", arg: "DIR", help: "also write those figures as DIR/paired-effect.svg and DIR/rank-vs-accuracy.svg" },
};

export const collectCommand: Command = {
  name: "collect",
  summary: "aggregate a sweep's summaries into a table (mean ± std per configuration, paired differences)",
  options: OPTIONS,
  help: `werank-native collect SWEEP_DIR [--paired KEY=VALUE] [--json] [--csv] [--html] [--svg DIR]

Reads SWEEP_DIR/sweep.json and every trial's summary.json, groups trials by their grid values
(pooling seeds) and prints mean ± std of probe accuracy, effective ranks and seconds per epoch.
Writes SWEEP_DIR/results.md, results.csv and results.json. Missing or failed trials are listed.

Examples:
  werank-native collect sweeps/20261122-120000
  werank-native collect sweeps/werank --paired werank=0 --html
  werank-native collect sweeps/werank --paired werank=0 --svg docs/figures --csv`,
  async run(args) {
    const p = parseCommandArgs("collect", args, OPTIONS, true);
    const dir = p.positionals[0];
    if (!dir) throw new ConfigError("collect: SWEEP_DIR is missing (werank-native collect SWEEP_DIR)");
    const c = collectSweep(dir, { paired: typeof p.values.paired === "string" ? p.values.paired : undefined });
    if (p.values.json) process.stdout.write(`${JSON.stringify({ rows: c.rows, runs: c.runs, missing: c.missing, ...(c.pairedOn ? { pairedOn: c.pairedOn } : {}) })}\n`);
    else process.stdout.write(p.values.csv ? c.csv : c.markdown);
    if (p.values.html) process.stderr.write(`wrote ${await writeSweepReport(c, path.join(dir, "results.html"), `Sweep ${path.basename(path.resolve(dir))}`)}\n`);
    if (typeof p.values.svg === "string") for (const f of await writeSweepSvgs(c, p.values.svg)) process.stderr.write(`wrote ${f}\n`);
    return c.rows.every((r) => r.accuracy.n === 0) ? EXIT.failure : EXIT.ok;
  },
};
