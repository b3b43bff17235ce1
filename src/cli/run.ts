/**
 * Command dispatch for `werank-native`. Exit codes: 0 success, 1 runtime failure, 2 usage or config
 * error, 130 interrupted after saving a checkpoint.
 */
import fs from "node:fs";
import { WerankError, unknownName } from "../errors.js";
import { EXIT } from "./command.js";
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

export async function runCli(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(usage() + "\n");
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === "--version" || name === "-V") {
    process.stdout.write(`${packageVersion()}\n`);
    return EXIT.ok;
  }
  const cmd = COMMANDS.find((c) => c.name === name);
  if (!cmd) {
    process.stderr.write(`werank-native: ${unknownName("command", name, COMMANDS.map((c) => c.name))}\n\n${usage()}\n`);
    return EXIT.usage;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    process.stdout.write(commandHelp(cmd) + "\n");
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
