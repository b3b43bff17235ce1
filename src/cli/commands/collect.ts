import { collectSweep } from "../../experiment/collect.js";
import { ConfigError } from "../../errors.js";
import { parseCommandArgs, type OptionSpec } from "../args.js";
import { EXIT, type Command } from "../command.js";

const OPTIONS: OptionSpec = {
  json: { type: "boolean", help: "the rows and the missing trials as one JSON object" },
  csv: { type: "boolean", help: "print CSV instead of the Markdown table" },
};

export const collectCommand: Command = {
  name: "collect",
  summary: "aggregate a sweep's summaries into a table (mean ± std per configuration)",
  options: OPTIONS,
  help: `werank-native collect SWEEP_DIR [--json] [--csv]

Reads SWEEP_DIR/sweep.json and every trial's summary.json, groups trials by their grid values
(pooling seeds) and prints mean ± std of probe accuracy, effective ranks and seconds per epoch.
Writes SWEEP_DIR/results.md, results.csv and results.json. Missing or failed trials are listed.

Examples:
  werank-native collect sweeps/20261122-120000
  werank-native collect sweeps/werank --csv`,
  run(args) {
    const p = parseCommandArgs("collect", args, OPTIONS, true);
    const dir = p.positionals[0];
    if (!dir) throw new ConfigError("collect: SWEEP_DIR is missing (werank-native collect SWEEP_DIR)");
    const c = collectSweep(dir);
    if (p.values.json) process.stdout.write(JSON.stringify({ rows: c.rows, missing: c.missing }) + "\n");
    else process.stdout.write(p.values.csv ? c.csv : c.markdown);
    return c.rows.every((r) => r.accuracy.n === 0) ? EXIT.failure : EXIT.ok;
  },
};
