import path from "node:path";
import { ConfigError } from "../../errors.js";
import { writeComparison } from "../../report/writeReport.js";
import { parseCommandArgs, type OptionSpec } from "../args.js";
import { EXIT, type Command } from "../command.js";

const OPTIONS: OptionSpec = { out: { type: "string", arg: "FILE", help: "the HTML file to write (default: compare.html next to the first run)" } };

export const compareCommand: Command = {
  name: "compare",
  summary: "draw runs side by side (e.g. BGRL vs BGRL + WERank) with a table of accuracy and ranks",
  options: OPTIONS,
  help: `werank-native compare RUN_A RUN_B ... [--out FILE]

Writes a self-contained HTML page (default: compare.html next to the first run) with a table of
probe accuracy, effective ranks, rank differential and speed, and the runs' effective ranks,
spectra, losses and probe accuracies drawn together.

Examples:
  werank-native compare runs/bgrl-coauthor-cs-20261122-1 runs/bgrl+werank-coauthor-cs-20261122-2
  werank-native compare runs/* --out runs/all.html`,
  async run(args) {
    const p = parseCommandArgs("compare", args, OPTIONS, true);
    if (p.positionals.length === 0) throw new ConfigError("compare: give at least one run directory (werank-native compare RUN_A RUN_B ...)");
    const out = (p.values.out as string | undefined) ?? path.join(path.dirname(path.resolve(p.positionals[0]!)), "compare.html");
    const file = await writeComparison(p.positionals, out);
    process.stdout.write(`${file}\n`);
    return EXIT.ok;
  },
};
