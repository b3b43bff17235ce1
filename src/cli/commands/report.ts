import { ConfigError } from "../../errors.js";
import { writeReport, writeRunFigures } from "../../report/writeReport.js";
import { parseCommandArgs, type OptionSpec } from "../args.js";
import { EXIT, type Command } from "../command.js";

const OPTIONS: OptionSpec = {
  svg: {
    type: "string",
    arg: "DIR",
    help: "also write each figure as DIR/<figure>.svg (loss, probe, effective-rank,\nrank-differential, spectrum, weight-spectra, alignment) for papers and docs",
  },
};

export const reportCommand: Command = {
  name: "report",
  summary: "(re)generate a run's self-contained report.html",
  options: OPTIONS,
  help: `werank-native report RUN_DIR [--svg DIR]

Reads config.json, env.json, metrics.jsonl, spectra.jsonl and summary.json of a run directory and
writes RUN_DIR/report.html: a self-contained page (opens offline) with the total loss, the
objective's terms and each regularizer term (weighted as added to the loss) on separate panels, the
probe accuracy at every evaluation with ± std error bars, the effective rank of representation and
embedding vs epoch from initialization (both branches and their rank differential), the covariance
spectra at initialization and at the end, the weight singular values over training and the alignment
matrices. Figures without data are left out.

Examples:
  werank-native report runs/bgrl+werank-synthetic-20261122-101500
  werank-native report runs/bgrl-cora-20261122-1 --svg docs/figures/bgrl-cora`,
  async run(args) {
    const p = parseCommandArgs("report", args, OPTIONS, true);
    const dir = p.positionals[0];
    if (!dir) throw new ConfigError("report: RUN_DIR is missing (werank-native report RUN_DIR)");
    const file = await writeReport(dir);
    process.stdout.write(`${file}\n`);
    if (typeof p.values.svg === "string") for (const f of await writeRunFigures(dir, p.values.svg)) process.stdout.write(`${f}\n`);
    return EXIT.ok;
  },
};
