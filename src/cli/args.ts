/**
 * Argument parsing for the CLI commands: Node's util.parseArgs with usage errors that name the
 * valid options and suggest the closest one.
 */
import { parseArgs } from "node:util";
import { ConfigError, closest } from "../errors.js";

/**
 * A command's options as util.parseArgs takes them, plus what `--help` prints for each (see
 * commandHelp): `arg` names a string option's value (default VALUE), `help` is its description
 * (may span lines), `group` a heading to list it under (default "Options").
 */
export type OptionSpec = Record<string, { type: "string" | "boolean"; multiple?: boolean; short?: string; arg?: string; help?: string; group?: string }>;

/** The options of the commands that load a run's checkpoint (eval, embed). */
export const CHECKPOINT_OPTIONS: OptionSpec = {
  checkpoint: { type: "string", arg: "NAME", help: "the checkpoint of RUN_DIR/checkpoints to load (default: final)" },
  "data-dir": { type: "string", arg: "DIR", help: "where the run's dataset lives, if not where it was trained" },
};

export interface Parsed {
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  positionals: string[];
}

/** A value that starts with "-" but is a number (-1, -0.5, -.5, -1e-3, -Infinity), not an option. */
const NEGATIVE_NUMBER = /^-(\d|\.\d|Infinity$)/;

/**
 * `--epochs -3` as `--epochs=-3`: util.parseArgs reads a value starting with "-" as an option
 * ("argument is ambiguous"), so a negative number after a string option is attached to it here and
 * reaches validation, which accepts or refuses it with the usual message.
 */
export function attachNegativeNumbers(args: readonly string[], options: OptionSpec): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--") return [...out, ...args.slice(i)];
    const name = a.startsWith("--") && !a.includes("=") ? a.slice(2) : undefined;
    const next = args[i + 1];
    if (name !== undefined && Object.hasOwn(options, name) && options[name]!.type === "string" && next !== undefined && NEGATIVE_NUMBER.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

export function parseCommandArgs(command: string, args: string[], options: OptionSpec, allowPositionals = false): Parsed {
  try {
    const r = parseArgs({ args: attachNegativeNumbers(args, options), options, allowPositionals, strict: true });
    return { values: r.values as Parsed["values"], positionals: r.positionals };
  } catch (e) {
    const msg = (e as Error).message;
    const m = /Unknown option '(-{1,2})([^']+)'/.exec(msg);
    if (m) {
      const guess = closest(m[2]!, Object.keys(options));
      throw new ConfigError(
        `${command}: unknown option ${m[1]}${m[2]}${guess ? ` (did you mean --${guess}?)` : ""}. Valid options: ${Object.keys(options).map((o) => `--${o}`).join(", ")}`,
      );
    }
    throw new ConfigError(`${command}: ${msg.split("\n")[0]}`);
  }
}

/** A number flag value, or a usage error. */
export function numberFlag(name: string, v: unknown, { integer = false, min = -Infinity } = {}): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || (integer && !Number.isInteger(n)) || n < min) {
    throw new ConfigError(`Expected ${integer ? "an integer" : "a number"}${min > -Infinity ? ` >= ${min}` : ""} for --${name} but received '${String(v)}'`);
  }
  return n;
}
