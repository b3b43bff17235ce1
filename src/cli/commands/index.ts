/** Every CLI command, in the order `werank-native --help` lists them. One line per command. */
import type { Command } from "../command.js";
import { collectCommand } from "./collect.js";
import { compareCommand } from "./compare.js";
import { datasetsCommand } from "./datasets.js";
import { demoCommand } from "./demo.js";
import { embedCommand } from "./embed.js";
import { evalCommand } from "./eval.js";
import { exportCommand } from "./export.js";
import { infoCommand } from "./info.js";
import { reportCommand } from "./report.js";
import { reproduceCommand } from "./reproduce.js";
import { slurmScriptCommand } from "./slurmScript.js";
import { sweepCommand } from "./sweep.js";
import { trainCommand } from "./train.js";
import { toyCommand } from "./toy.js";

export const COMMANDS: Command[] = [
  trainCommand,
  evalCommand,
  embedCommand,
  reportCommand,
  compareCommand,
  exportCommand,
  sweepCommand,
  slurmScriptCommand,
  reproduceCommand,
  collectCommand,
  datasetsCommand,
  infoCommand,
  demoCommand,
  toyCommand,
];
