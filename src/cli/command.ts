import type { OptionSpec } from "./args.js";

/** What a CLI command is: a name, its options, its --help text and a runner returning the exit code. */
export interface Command {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** Every option the command accepts: the table its arguments are parsed with, and `--help` lists each one (commandHelp). */
  options: OptionSpec;
  /** Usage, description and examples; `--help` prints it with the option list (generated from `options`) before "Examples:". */
  help: string;
  run(args: string[]): Promise<number> | number;
}

/** Exit codes: 0 success, 1 runtime failure, 2 usage or config error, 130 interrupted after saving, 131 quit by a second Ctrl-C without a new checkpoint. */
export const EXIT = { ok: 0, failure: 1, usage: 2, interrupted: 130, aborted: 131 } as const;
