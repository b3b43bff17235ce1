/**
 * Every command's --help lists every option it accepts (issue 14: `info` help omitted options, the
 * README omitted `demo`): the option list is generated from the table the command parses with, and
 * that table is the one it really uses (an unknown option is rejected naming exactly those options).
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/errors.js";
import { commandHelp, formatOptions, optionSignature } from "../../src/cli/commandHelp.js";
import { COMMANDS } from "../../src/cli/commands/index.js";

const ROOT = path.resolve(import.meta.dirname, "..", "..");

describe("command help", () => {
  it.each(COMMANDS.map((c) => [c.name, c] as const))("%s --help lists every option it accepts, each with a description", (_name, cmd) => {
    const help = commandHelp(cmd);
    for (const [name, o] of Object.entries(cmd.options)) {
      expect(help, `--${name}`).toContain(`  ${optionSignature(name, o)}`);
      expect(o.help?.trim(), `--${name} has no description`).toBeTruthy();
    }
    expect(help).toContain("-h, --help");
  });

  it.each(COMMANDS.map((c) => [c.name, c] as const))("%s parses its arguments with exactly the options its help lists", async (_name, cmd) => {
    // Parsing comes first in every command, so an unknown option fails before anything runs.
    const err = await Promise.resolve()
      .then(() => cmd.run(["--zz-not-an-option"]))
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(ConfigError);
    const valid = /Valid options: (.*)$/.exec((err as Error).message)?.[1] ?? "";
    const accepted = valid === "" ? [] : valid.split(", ").map((s) => s.replace(/^--/, ""));
    expect(accepted.sort()).toEqual(Object.keys(cmd.options).sort());
  });

  it("an option's continuation lines and (repeatable) are indented under its description", () => {
    const text = formatOptions({
      grid: { type: "string", multiple: true, arg: "KEY=V", help: "first line\nsecond line" },
      json: { type: "boolean", help: "as JSON", group: "Output" },
    });
    expect(text.split("\n")).toEqual([
      "Options:",
      "  --grid KEY=V  first line",
      "                second line (repeatable)",
      "  -h, --help    print this help and exit",
      "",
      "Output:",
      "  --json        as JSON",
    ]);
  });

  it("the README shows every command", () => {
    const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
    for (const c of COMMANDS) expect(readme, c.name).toMatch(new RegExp(`werank-native ${c.name}\\b`));
  });
});
