import path from "node:path";
import { ConfigError } from "../../errors.js";
import { embedRun } from "../../experiment/embedRun.js";
import { CHECKPOINT_OPTIONS, parseCommandArgs } from "../args.js";
import { EXIT, type Command } from "../command.js";

const OPTIONS = {
  out: { type: "string", short: "o", arg: "FILE.npy", help: "the .npy file to write (required)" },
  ...CHECKPOINT_OPTIONS,
  json: { type: "boolean", help: 'print { "out", "shape", "checkpoint", "epoch" } as one JSON object' },
} as const;

export const embedCommand: Command = {
  name: "embed",
  summary: "write a checkpoint's node embeddings as a NumPy .npy file (float32 [N, d])",
  options: OPTIONS,
  help: `werank-native embed RUN_DIR --out FILE.npy [--checkpoint NAME] [--data-dir DIR] [--json]
werank-native embed RUN_DIR/checkpoints/NAME --out FILE.npy

Loads the run's config.json and a checkpoint (default: final; e.g. interrupt, epoch-1000), runs the
frozen encoder on the run's dataset and writes its node representations — the embeddings that
\`eval\` probes — as a NumPy .npy file, float32, shape [N, d], row i = node i. Score them with your
own tools, e.g. BGRL's evaluation in Python:

  X = numpy.load("cora.npy")   # then bgrl/logistic_regression_eval.py's fit_logistic_regression(X, y)

Examples:
  werank-native embed runs/bgrl-cora-20261122-101500 --out cora.npy
  werank-native embed runs/bgrl-coauthor-cs-20261122-1 --checkpoint epoch-1000 --out cs-1000.npy`,
  async run(args) {
    const p = parseCommandArgs("embed", args, OPTIONS, true);
    const target = p.positionals[0];
    if (!target) throw new ConfigError("embed: RUN_DIR is missing (werank-native embed RUN_DIR --out FILE.npy)");
    const out = p.values.out as string | undefined;
    if (!out) throw new ConfigError("embed: --out FILE.npy is required");
    const r = await embedRun(target, { checkpoint: p.values.checkpoint as string | undefined, dataDir: p.values["data-dir"] as string | undefined, out });
    const shape = r.embeddings.shape;
    r.embeddings.dispose();
    const file = path.resolve(out);
    if (p.values.json) process.stdout.write(`${JSON.stringify({ type: "embed", out: file, shape, dtype: "float32", runDir: r.runDir, checkpoint: path.basename(r.checkpoint), epoch: r.epoch })}\n`);
    else process.stdout.write(`${path.basename(r.runDir)} @ ${path.basename(r.checkpoint)} (epoch ${r.epoch}): embeddings [${shape.join(", ")}] float32 -> ${file}\n`);
    return EXIT.ok;
  },
};
