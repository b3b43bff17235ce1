/** Every CLI command, in the order `werank-native --help` lists them. One line per command. */
import type { Command } from "../command.js";
import { demoCommand } from "./demo.js";
import { infoCommand } from "./info.js";
import { sweepCommand } from "./sweep.js";
import { collectCommand } from "./collect.js";
import { toyCommand } from "./toy.js";

export const COMMANDS: Command[] = [
  sweepCommand,
  collectCommand,
  infoCommand,
  demoCommand,
  toyCommand,
];
