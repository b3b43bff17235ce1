/**
 * Command dispatch for `werank-native`. Exit codes: 0 success, 1 runtime failure, 2 usage or config
 * error, 130 interrupted after saving a checkpoint.
 */
import fs from "node:fs";
import { Command as Parser, CommanderError } from "commander";
import { WerankError, unknownName } from "../errors.js";
import { type Command, EXIT } from "./command.js";
import { commandHelp } from "./commandHelp.js";
import { COMMANDS } from "./commands/index.js";

/** This package's version, from its package.json (two folders up from src/cli and dist/cli). */
export function packageVersion(): string {
  return (JSON.parse(fs.readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version;
}

function usage(): string {
  const w = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  return `werank-native <command> [options]

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(w)}${c.summary}`).join("\n")}

Options:
  -h, --help     this list
  -V, --version  print the version of werank-native and exit

Run 'werank-native <command> --help' for a command's options and examples.`;
}

/**
 * The top-level parser: `--version` and one subcommand per entry of COMMANDS, each handed its
 * arguments untouched (a command parses them with its own option table, src/cli/args.ts).
 */
function topLevel(dispatch: (cmd: Command) => void): Parser {
  const program = new Parser("werank-native")
    .exitOverride()
    .configureOutput({ writeOut: (s) => process.stdout.write(s), writeErr: () => {}, outputError: () => {} })
    .helpOption(false)
    .helpCommand(false)
    .enablePositionalOptions() // `train -V` is train's business, not the version flag
    .version(packageVersion(), "-V, --version");
  for (const cmd of COMMANDS) {
    program
      .command(cmd.name)
      .description(cmd.summary)
      .helpOption(false)
      .allowUnknownOption()
      .passThroughOptions()
      .argument("[args...]")
      .action(() => dispatch(cmd));
  }
  return program;
}

export async function runCli(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(`${usage()}\n`);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  let cmd: Command | undefined;
  try {
    topLevel((c) => (cmd = c)).parse(argv, { from: "user" });
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    if (e.code === "commander.version") return EXIT.ok;
    const what =
      e.code === "commander.unknownOption"
        ? `unknown option ${name}`
        : unknownName(
            "command",
            name,
            COMMANDS.map((c) => c.name),
          );
    process.stderr.write(`werank-native: ${what}\n\n${usage()}\n`);
    return EXIT.usage;
  }
  if (!cmd) throw new Error(`werank-native: no command dispatched for '${name}'`); // commander calls an action or throws
  if (rest.includes("--help") || rest.includes("-h")) {
    process.stdout.write(`${commandHelp(cmd)}\n`);
    return EXIT.ok;
  }
  try {
    return await cmd.run(rest);
  } catch (e) {
    if (e instanceof WerankError) {
      process.stderr.write(`werank-native ${name}: ${e.code}: ${e.message}\n`);
      return e.code === "ERR_CONFIG" || e.code === "ERR_ARGUMENT" ? EXIT.usage : e.code === "ERR_INTERRUPTED" ? EXIT.interrupted : EXIT.failure;
    }
    throw e;
  }
}
