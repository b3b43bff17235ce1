import path from "node:path";
import { ConfigError } from "../../errors.js";
import { comparisonRows, formatComparisonTable } from "../../report/comparisonTable.js";
import { formatPairedRuns, pairRuns } from "../../report/pairedRuns.js";
import { readRun } from "../../report/runData.js";
import { writeComparison } from "../../report/writeReport.js";
import { parseCommandArgs, type OptionSpec } from "../args.js";
import { EXIT, type Command } from "../command.js";

const OPTIONS: OptionSpec = {
  out: { type: "string", arg: "FILE", help: "where to write the HTML page (default: compare.html next to the first run)" },
  json: { type: "boolean", help: 'print {"rows": [...], "html": FILE, "paired": {...}} on one line instead of the table' },
  // Handled before parsing: everything after --vs is the baseline group (so shell globs work on both sides).
  vs: {
    type: "boolean",
    help: "the runs after --vs are a baseline group: the runs before it are paired with them by seed (same train.seed and train.dataSeed); the mean differences of accuracy and effective ranks are printed with a 95 % confidence interval (Student's t over the pairs, n − 1 degrees of freedom); runs without a partner are listed",
  },
};

export const compareCommand: Command = {
  name: "compare",
  summary: "draw runs side by side (e.g. BGRL vs BGRL + WERank) with a table of accuracy and ranks",
  options: OPTIONS,
  help: `werank-native compare RUN_A RUN_B ... [--vs BASELINE_RUN ...] [--out FILE] [--json]

Prints a table of the runs (linear-probe accuracy ± std over the splits, effective ranks of the
representation and the embedding, rank differential, epochs, seconds per epoch) and writes a
self-contained HTML page (default: compare.html next to the first run) with the same table and the
runs' effective ranks, spectra, losses and probe accuracies drawn together. A run that did not
finish (no summary.json) is listed as unfinished.

Examples:
  werank-native compare runs/bgrl-coauthor-cs-20261122-1 runs/bgrl+werank-coauthor-cs-20261122-2
  werank-native compare runs/* --out runs/all.html
  werank-native compare runs/cora-werank-seed* --vs runs/cora-bgrl-seed*`,
  async run(args) {
    // Everything after --vs is the baseline group (so shell globs work on both sides).
    const vs = args.indexOf("--vs");
    const p = parseCommandArgs("compare", vs < 0 ? args : args.slice(0, vs), OPTIONS, true);
    const after = vs < 0 ? undefined : parseCommandArgs("compare", args.slice(vs + 1), OPTIONS, true);
    if (after) Object.assign(p.values, Object.fromEntries(Object.entries(after.values).filter(([, v]) => v !== undefined)));
    const baselineDirs = after?.positionals ?? [];
    if (p.positionals.length === 0) throw new ConfigError("compare: give at least one run directory (werank-native compare RUN_A RUN_B ...)");
    if (vs >= 0 && baselineDirs.length === 0) throw new ConfigError("compare: --vs needs the baseline runs after it (werank-native compare RUNS... --vs BASELINE_RUNS...)");
    const dirs = [...p.positionals, ...baselineDirs];
    const out = (p.values.out as string | undefined) ?? path.join(path.dirname(path.resolve(dirs[0]!)), "compare.html");
    const runs = dirs.map(readRun);
    const rows = comparisonRows(runs);
    const paired = vs < 0 ? undefined : pairRuns(runs.slice(0, p.positionals.length), runs.slice(p.positionals.length));
    const file = await writeComparison(dirs, out);
    if (p.values.json === true) process.stdout.write(`${JSON.stringify({ rows, html: file, ...(paired ? { paired } : {}) })}\n`);
    else process.stdout.write(`${formatComparisonTable(rows)}\n${paired ? `\n${formatPairedRuns(paired)}\n` : ""}\ncomparison page ${file}\n`);
    return EXIT.ok;
  },
};
