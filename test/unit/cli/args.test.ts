/**
 * Command arguments are parsed by commander, set up from the command's option table (issue 16), with
 * this CLI's messages: did-you-mean and the valid options, a missing value named, positionals refused
 * where a command takes none; and the top level (`--version`, dispatch, unknown commands) on commander.
 */
import { describe, expect, it, vi } from "vitest";
import { parseCommandArgs, type OptionSpec } from "../../../src/cli/args.js";
import { CONFIG_OPTIONS } from "../../../src/cli/configArgs.js";
import { packageVersion, runCli } from "../../../src/cli/run.js";
import { ConfigError } from "../../../src/errors.js";
import { errorOf } from "../../helpers/dataError.js";

const OPTIONS: OptionSpec = { ...CONFIG_OPTIONS, json: { type: "boolean", help: "j" }, out: { type: "string", short: "o", help: "o" } };
const parse = (args: string[], positionals = false) => parseCommandArgs("train", args, OPTIONS, positionals);
const refusal = (args: string[], positionals = false): string => errorOf(ConfigError, () => parse(args, positionals));

/** What runCli writes to stdout and stderr, and its exit code. */
async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const o = vi.spyOn(process.stdout, "write").mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  const e = vi.spyOn(process.stderr, "write").mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
  try {
    return { code: await runCli(args), out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

describe("parseCommandArgs", () => {
  it("reads strings, booleans, repeated options, --no-x, short options and --name=value", () => {
    expect(parse(["--set", "a=1", "--set", "b=2", "--no-augment", "--json", "-o", "x.npy", "--epochs=5"]).values).toEqual({
      set: ["a=1", "b=2"],
      "no-augment": true,
      json: true,
      out: "x.npy",
      epochs: "5",
    });
    expect(parse([]).values).toEqual({}); // options not given are absent, --no-augment included
  });

  it("keeps negative numbers as values and positionals in order, '--' ending the options", () => {
    expect(parse(["--epochs", "-3", "--werank", "-.5"]).values).toEqual({ epochs: "-3", werank: "-.5" });
    expect(parse(["a", "--json", "b", "--", "--c"], true)).toEqual({ values: { json: true }, positionals: ["a", "b", "--c"] });
    expect(parse(["--out", "-"]).values.out).toBe("-");
  });

  it("an unknown option names the closest and every valid one", () => {
    const msg = refusal(["--epoch", "3"]);
    expect(msg).toContain("train: unknown option --epoch (did you mean --epochs?). Valid options: --preset, --config, --set, --no-augment");
    expect(msg).toContain("--out, --name, --lr, --batch-size, --fanouts, --json");
    expect(refusal(["--zz=5"])).toContain("unknown option --zz ");
  });

  it("a string option followed by another option is missing its value (not given the option as value)", () => {
    expect(refusal(["--werank", "--json"])).toContain("train: option --werank needs a value but is followed by '--json' (a value starting with '-' is written --werank=VALUE)");
    expect(refusal(["--epochs"])).toContain("argument missing");
    expect(parse(["--name=-x"]).values.name).toBe("-x");
  });

  it("a value given to a boolean option and positionals of a command that takes none are refused", () => {
    expect(refusal(["--json=1"])).toContain("train: option --json takes no value");
    expect(refusal(["runs/x"])).toContain("train: Unexpected argument 'runs/x'. This command does not take positional arguments");
  });
});

describe("the top level", () => {
  it("--version and -V print package.json's version, exit 0", async () => {
    for (const flag of ["--version", "-V"]) expect(await cli([flag])).toEqual({ code: 0, out: `${packageVersion()}\n`, err: "" });
  });

  it("after a command, -V is that command's (unknown) option, not the version", async () => {
    const r = await cli(["info", "-V"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("info: unknown option -V");
  });

  it("an unknown command or top-level option exits 2 with the command list", async () => {
    const r = await cli(["trian"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("Unknown command 'trian' (did you mean 'train'?)");
    expect(r.err).toContain("Commands:");
    const o = await cli(["--frobnicate"]);
    expect(o.code).toBe(2);
    expect(o.err).toContain("werank-native: unknown option --frobnicate");
  });

  it("dispatches to the command with its arguments untouched", async () => {
    const r = await cli(["datasets", "--frobnicate"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("ERR_CONFIG: datasets: unknown option --frobnicate");
  });
});
