/**
 * A command's `--help`: its usage and description, then every option of its option table (so the
 * help cannot miss one), grouped under headings, then its examples.
 */
import type { OptionSpec } from "./args.js";
import type { Command } from "./command.js";

/** `--name VALUE` as the option list shows it. */
export function optionSignature(name: string, o: OptionSpec[string]): string {
  return `${o.short ? `-${o.short}, ` : ""}--${name}${o.type === "string" ? ` ${o.arg ?? "VALUE"}` : ""}`;
}

/** The option list of a spec: one entry per option (and --help), descriptions aligned. */
export function formatOptions(options: OptionSpec): string {
  const all: OptionSpec = { ...options, help: { type: "boolean", short: "h", help: "print this help and exit" } };
  const groups = new Map<string, string[]>();
  for (const name of Object.keys(all)) {
    const g = all[name]!.group ?? "Options";
    groups.set(g, [...(groups.get(g) ?? []), name]);
  }
  // "Options" (the command's own) first, then the other groups in the order they appear.
  const order = ["Options", ...[...groups.keys()].filter((g) => g !== "Options")].filter((g) => groups.has(g));
  const w = Math.min(28, Math.max(...Object.keys(all).map((n) => optionSignature(n, all[n]!).length)) + 2);
  const out: string[] = [];
  for (const g of order) {
    out.push(`${g}:`);
    for (const name of groups.get(g)!) {
      const o = all[name]!;
      const sig = optionSignature(name, o);
      const text = (o.help ?? "").split("\n");
      if (o.multiple) text[text.length - 1] = `${text[text.length - 1]} (repeatable)`.trimStart();
      // A long signature gets its own line; the description goes below it.
      const first = sig.length + 2 > w ? [`  ${sig}`, ...text.map((l) => `  ${" ".repeat(w)}${l}`)] : [`  ${sig.padEnd(w)}${text[0]}`, ...text.slice(1).map((l) => `  ${" ".repeat(w)}${l}`)];
      out.push(...first.map((l) => l.trimEnd()));
    }
    out.push("");
  }
  return out.join("\n").trimEnd();
}

/** The full `--help` text: the command's help with the generated option list before its "Examples:". */
export function commandHelp(cmd: Command): string {
  const options = formatOptions(cmd.options);
  const at = cmd.help.indexOf("\nExamples:");
  if (at < 0) return `${cmd.help.trimEnd()}\n\n${options}`;
  return `${cmd.help.slice(0, at).trimEnd()}\n\n${options}\n${cmd.help.slice(at)}`;
}
