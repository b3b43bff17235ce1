import path from "node:path";
import { ConfigError } from "../../errors.js";
import { comparisonRows, formatComparisonTable } from "../../report/comparisonTable.js";
import { readRun } from "../../report/runData.js";
import { writeComparison } from "../../report/writeReport.js";
import { parseCommandArgs, type OptionSpec } from "../args.js";
import { EXIT, type Command } from "../command.js";

const OPTIONS: OptionSpec = {
  out: { type: "string", arg: "FILE", help: "where to write the HTML page (default: compare.html next to the first run)" },
  json: { type: "boolean", help: 'print {"rows": [...], "html": FILE} on one line instead of the table' },
};

export const compareCommand: Command = {
  name: "compare",
  summary: "draw runs side by side (e.g. BGRL vs BGRL + WERank) with a table of accuracy and ranks",
  options: OPTIONS,
  help: `werank-native compare RUN_A RUN_B ... [--out FILE] [--json]

Prints a table of the runs (linear-probe accuracy ± std over the splits, effective ranks of the
representation and the embedding, rank differential, epochs, seconds per epoch) and writes a
self-contained HTML page (default: compare.html next to the first run) with the same table and the
runs' effective ranks, spectra, losses and probe accuracies drawn together. A run that did not
finish (no summary.json) is listed as unfinished.

Examples:
  werank-native compare runs/bgrl-coauthor-cs-20261122-1 runs/bgrl+werank-coauthor-cs-20261122-2
  werank-native compare runs/* --out runs/all.html`,
  async run(args) {
    const p = parseCommandArgs("compare", args, OPTIONS, true);
    if (p.positionals.length === 0) throw new ConfigError("compare: give at least one run directory (werank-native compare RUN_A RUN_B ...)");
    const out = (p.values.out as string | undefined) ?? path.join(path.dirname(path.resolve(p.positionals[0]!)), "compare.html");
    const rows = comparisonRows(p.positionals.map(readRun));
    const file = await writeComparison(p.positionals, out);
    if (p.values.json === true) process.stdout.write(JSON.stringify({ rows, html: file }) + "\n");
    else process.stdout.write(`${formatComparisonTable(rows)}\n\ncomparison page ${file}\n`);
    return EXIT.ok;
  },
};
