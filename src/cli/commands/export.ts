import { exportEncoder } from "../../train/checkpoint/exportEncoder.js";
import { ConfigError } from "../../errors.js";
import { parseCommandArgs, type OptionSpec } from "../args.js";
import { EXIT, type Command } from "../command.js";

const OPTIONS: OptionSpec = {
  out: { type: "string", arg: "FILE", help: "the .safetensors file to write (replaced atomically; required)" },
  checkpoint: { type: "string", arg: "NAME", help: "a checkpoint in RUN_DIR/checkpoints (e.g. epoch-100, interrupt; default: final)" },
  json: { type: "boolean", help: 'print {"file", "checkpoint", "tensors": [{name, dtype, shape}], "metadata"}' },
};

export const exportCommand: Command = {
  name: "export",
  summary: "write a run's trained encoder as a weights-only .safetensors file (loads into PyG)",
  options: OPTIONS,
  help: `werank-native export RUN_DIR --out FILE [--checkpoint NAME] [--json]
werank-native export RUN_DIR/checkpoints/NAME --out FILE

Writes the online encoder of a checkpoint (default: final) as a .safetensors file with the
encoder's weights only (no optimizer state, no target network) under PyTorch's names: for the GCN
encoder convs.{i}.lin.weight, convs.{i}.bias (PyG GCNConv), norms.{i}.* (BatchNorm1d),
acts.{i}.weight (PReLU). Its __metadata__ records the layer sizes, norm, activation and the
feature preprocessing. docs/checkpoints.md shows the PyG model it loads into.

Examples:
  werank-native export runs/bgrl+werank-cora-20261122-101500 --out encoder.safetensors
  python3 -c "from safetensors.torch import load_file; print(list(load_file('encoder.safetensors')))"`,
  async run(args) {
    const p = parseCommandArgs("export", args, OPTIONS, true);
    if (p.positionals.length !== 1) throw new ConfigError("export: give one run directory or checkpoint (werank-native export RUN_DIR --out encoder.safetensors)");
    if (typeof p.values.out !== "string") throw new ConfigError("export: --out FILE is required (e.g. --out encoder.safetensors)");
    const r = exportEncoder(p.positionals[0]!, p.values.out, p.values.checkpoint !== undefined ? { checkpoint: p.values.checkpoint as string } : {});
    if (p.values.json === true) process.stdout.write(`${JSON.stringify(r)}\n`);
    else {
      process.stdout.write(`Wrote ${r.file}: ${r.tensors.length} tensors of the encoder from ${r.checkpoint}\n`);
      for (const t of r.tensors) process.stdout.write(`  ${t.name.padEnd(40)} ${t.dtype.padEnd(8)} [${t.shape.join(", ")}]\n`);
    }
    return EXIT.ok;
  },
};
