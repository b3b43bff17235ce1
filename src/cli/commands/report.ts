import { ConfigError } from "../../errors.js";
import { writeReport } from "../../report/writeReport.js";
import { parseCommandArgs } from "../args.js";
import { EXIT, type Command } from "../command.js";

export const reportCommand: Command = {
  name: "report",
  summary: "(re)generate a run's self-contained report.html",
  help: `werank-native report RUN_DIR

Reads config.json, env.json, metrics.jsonl, spectra.jsonl and summary.json of a run directory and
writes RUN_DIR/report.html: a self-contained page (opens offline) with the weight singular values
over training, the log-scale embedding spectrum, the effective rank of representation and embedding
vs epoch (both branches and their rank differential), loss and probe accuracy vs epoch.

Examples:
  werank-native report runs/bgrl+werank-synthetic-20261122-101500`,
  async run(args) {
    const p = parseCommandArgs("report", args, {}, true);
    const dir = p.positionals[0];
    if (!dir) throw new ConfigError("report: RUN_DIR is missing (werank-native report RUN_DIR)");
    const file = await writeReport(dir);
    process.stdout.write(`${file}\n`);
    return EXIT.ok;
  },
};
