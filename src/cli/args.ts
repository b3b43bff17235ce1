/**
 * Argument parsing for the CLI commands: commander, set up from each command's option table (the
 * same table `--help` is generated from), with usage errors that name the valid options and suggest
 * the closest one.
 */
import { Command as Parser, CommanderError, Option } from "commander";
import { ConfigError, closest } from "../errors.js";

/**
 * A command's options (the commander parser is built from this table, parserFor), plus what `--help`
 * prints for each (see commandHelp): `arg` names a string option's value (default VALUE), `help` is its description
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
 * `--epochs -3` as `--epochs=-3`: a negative number after a string option is its value (attached
 * here, so checkValuesPresent does not read it as a second option) and reaches validation, which
 * accepts or refuses it with the usual message.
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

/** A commander parser for one command's option table; it throws instead of printing or exiting. */
function parserFor(command: string, options: OptionSpec): Parser {
  const parser = new Parser(command)
    .exitOverride()
    .configureOutput({ writeOut: () => {}, writeErr: () => {}, outputError: () => {} })
    .helpOption(false)
    .argument("[args...]"); // positionals are refused after parsing when the command takes none (naming the first)
  for (const [name, o] of Object.entries(options)) {
    const option = new Option(`${o.short ? `-${o.short}, ` : ""}--${name}${o.type === "string" ? " <value>" : ""}`);
    if (o.multiple) option.argParser((v: string, prev: string[] | undefined) => [...(prev ?? []), v]);
    parser.addOption(option);
  }
  return parser;
}

/** The usage error for a commander error, in this CLI's words (did-you-mean and the valid options). */
function usageError(command: string, e: CommanderError, options: OptionSpec): ConfigError {
  const valid = Object.keys(options);
  const unknown = e.code === "commander.unknownOption" ? /unknown option '(-{1,2})([^'=]+)(=?)/.exec(e.message) : null;
  if (unknown) {
    const [, dashes, name, eq] = unknown as unknown as [string, string, string, string];
    if (eq && dashes === "--" && options[name]?.type === "boolean") return new ConfigError(`${command}: option --${name} takes no value`);
    const guess = closest(name, valid);
    return new ConfigError(`${command}: unknown option ${dashes}${name}${guess ? ` (did you mean --${guess}?)` : ""}. Valid options: ${valid.map((o) => `--${o}`).join(", ")}`);
  }
  return new ConfigError(`${command}: ${e.message.replace(/^error: /, "").split("\n")[0]}`);
}

/**
 * A string option followed by another option (`--werank --json`) is missing its value: commander
 * would take `--json` as the value, so it is refused here (a negative number is attached first).
 */
function checkValuesPresent(command: string, args: readonly string[], options: OptionSpec): void {
  for (let i = 0; i < args.length - 1; i++) {
    const a = args[i]!;
    if (a === "--") return;
    const name = a.startsWith("--") && !a.includes("=") ? a.slice(2) : undefined;
    if (name !== undefined && options[name]?.type === "string" && args[i + 1]!.startsWith("-") && args[i + 1] !== "-") {
      throw new ConfigError(`${command}: option --${name} needs a value but is followed by '${args[i + 1]}' (a value starting with '-' is written --${name}=VALUE)`);
    }
  }
}

export function parseCommandArgs(command: string, args: string[], options: OptionSpec, allowPositionals = false): Parsed {
  const argv = attachNegativeNumbers(args, options);
  checkValuesPresent(command, argv, options);
  const parser = parserFor(command, options);
  try {
    parser.parse(argv, { from: "user" });
  } catch (e) {
    if (e instanceof CommanderError) throw usageError(command, e, options);
    throw e;
  }
  const opts = parser.opts();
  const values: Parsed["values"] = {};
  for (const o of parser.options) {
    const name = o.long!.slice(2);
    const v = opts[o.attributeName()] as string | boolean | string[] | undefined;
    // A `--no-x` option is commander's negation of x (default true): given, it reads as x === false.
    if (o.negate) values[name] = v === false ? true : undefined;
    else values[name] = v;
  }
  for (const k of Object.keys(values)) if (values[k] === undefined) delete values[k];
  const positionals = (parser.processedArgs[0] as string[] | undefined) ?? [];
  if (!allowPositionals && positionals.length > 0) throw new ConfigError(`${command}: Unexpected argument '${positionals[0]}'. This command does not take positional arguments`);
  return { values, positionals };
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
