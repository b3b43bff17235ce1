/**
 * Fuzz suite for config files (issue 15): a complete valid config (every key, YAML and JSON) damaged
 * every way: special files (FIFO, /dev/zero, a symlink to it, a directory, missing, empty), truncation
 * at many offsets, byte flips, every leaf key given values of the wrong type or out of range, unknown
 * and prototype keys at every level, an oversized file, a YAML alias bomb, deep nesting, invalid
 * UTF-8. Each variant is `resolveConfig({ files: [file] })` in a child process with a timeout
 * (test/fuzz/harness.ts), plus a few through `train --print-config`. Bad input must end in
 * ERR_CONFIG; random damage may load but must never crash, hang or print a stack.
 * `WERANK_FUZZ=full` (`npm run fuzz`) runs every variant (>= 200), the default a seeded subset (>= 30)
 * plus the fixed ones.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import YAML from "yaml";
import { createRng } from "../../src/data/rng.js";
import { defaultConfig } from "../../src/experiment/resolveConfig.js";
import { fuzzSuite, type Variant } from "./harness.js";
import { flipBits, put, specialFiles, truncationOffsets } from "./inputs.js";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "werank-fuzz-config-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const load = (file: string): Variant["job"] => ({ module: "dist/experiment/resolveConfig.js", fn: "resolveConfig", args: [{ files: [file] }] });

/** Every leaf of `obj` as [path, value] (arrays are leaves). */
function leaves(obj: Record<string, unknown>, at: string[] = []): [string[], unknown][] {
  return Object.entries(obj).flatMap(([k, v]) =>
    v !== null && typeof v === "object" && !Array.isArray(v) ? leaves(v as Record<string, unknown>, [...at, k]) : [[[...at, k], v] as [string[], unknown]],
  );
}
function withValue(base: Record<string, unknown>, p: string[], value: unknown): Record<string, unknown> {
  const c = structuredClone(base);
  let cur = c;
  for (const k of p.slice(0, -1)) cur = cur[k] as Record<string, unknown>;
  cur[p.at(-1)!] = value;
  return c;
}

/** Values of the wrong type or range for a leaf whose valid value is `v` (all of them invalid). */
function badValues(p: string[], v: unknown): unknown[] {
  const key = p.join(".");
  // biome-ignore lint/correctness/noPrecisionLoss: 1e400 is Infinity on purpose (a non-finite value from YAML/JSON)
  if (typeof v === "number") return ["abc", -1, -1e-9 - (Number.isInteger(v) ? 1 : 0), 1e400, [v], { v }, true];
  if (typeof v === "boolean") return ["yes", 2, [v], null];
  if (typeof v === "string") return [5, [v], { v }, true, ...(/^(name|dir|dataDir|device|preset)$/.test(p.at(-1)!) && key !== "objective.name" && key !== "optim.name" ? [] : ["bogus-value"])];
  if (Array.isArray(v)) return ["abc", [...v, "x"], [{}], 5];
  // null defaults (derived values): a wrong type, and a negative number
  return ["abc", -1, { x: 1 }, true];
}

function buildVariants(): { fixed: Variant[]; random: Variant[] } {
  const fixed: Variant[] = [];
  const random: Variant[] = [];
  let k = 0;
  const file = (text: string | Uint8Array, ext = "yaml"): string => put(tmp, `v${k++}.${ext}`, text);
  const bad = (list: Variant[], name: string, f: string): void => void list.push({ name, expect: "bad", job: load(f), codes: ["ERR_CONFIG"] });
  const base = defaultConfig() as unknown as Record<string, unknown>;
  delete base.preset;
  const yaml = YAML.stringify(base);
  const json = JSON.stringify(base, null, 2);
  fixed.push({ name: "the full default config (YAML)", expect: "good", job: load(file(yaml)) });
  fixed.push({ name: "the full default config (JSON)", expect: "good", job: load(file(json, "json")) });
  for (const s of specialFiles(tmp, "config.yaml")) {
    if (s.name === "an empty file") fixed.push({ name: `special file: ${s.name}`, expect: "good", job: load(s.path) });
    else bad(fixed, `special file: ${s.name}`, s.path);
  }
  // The issue's cases.
  bad(fixed, "objective.rdmSigma -1", file("objective: { rdmSigma: -1 }\n"));
  bad(fixed, "a top-level constructor key", file("constructor: { train: { epochs: 3 } }\n"));
  bad(fixed, "a top-level __proto__ key (JSON)", file('{"__proto__": {"train": {"epochs": 3}}}', "json"));
  bad(fixed, "a 5 MiB file", file(`# ${"x".repeat(5 * 2 ** 20)}\ntrain: { epochs: 3 }\n`));
  bad(
    fixed,
    "a YAML alias bomb",
    file(
      `${[
        "a: &a [x, x, x, x, x, x, x, x, x, x]",
        ...Array.from(
          { length: 8 },
          (_, i) =>
            `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10)
              .fill(`*${String.fromCharCode(97 + i)}`)
              .join(", ")}]`,
        ),
      ].join("\n")}\n`,
    ),
  );
  bad(fixed, "nesting 5000 deep (YAML)", file(`train: ${"[".repeat(5000)}${"]".repeat(5000)}\n`));
  bad(fixed, "nesting 5000 deep (JSON)", file(`{"train": ${"[".repeat(5000)}${"]".repeat(5000)}}`, "json"));
  bad(fixed, "a slurm partition with a newline", file('slurm: { partition: "gpu\\ntouch /tmp/x" }\n'));

  // Every leaf with wrong values; unknown and prototype keys under every section.
  for (const [p, v] of leaves(base)) for (const b of badValues(p, v)) bad(random, `${p.join(".")} = ${JSON.stringify(b)}`, file(JSON.stringify(withValue(base, p, b)), "json"));
  for (const section of Object.keys(base)) {
    for (const key of ["constructor", "__proto__", "prototype", "bogusKey"]) {
      bad(random, `${section}.${key}`, file(`{"${section}": {"${key}": {"x": 1}}}`, "json"));
    }
  }
  // Random damage: truncations and byte flips of both forms (may still be valid: "either").
  const rng = createRng(15);
  for (const [text, ext] of [
    [yaml, "yaml"],
    [json, "json"],
  ] as const) {
    const bytes = Buffer.from(text);
    for (const at of truncationOffsets(bytes.length, 30)) random.push({ name: `${ext} truncated at ${at}`, expect: "either", job: load(file(bytes.subarray(0, at), ext)) });
    for (let i = 0; i < 30; i++) random.push({ name: `${ext} bits flipped #${i}`, expect: "either", job: load(file(flipBits(bytes, rng), ext)) });
  }
  random.push({ name: "invalid UTF-8", expect: "either", job: load(file(Buffer.from([0x74, 0x72, 0x61, 0x69, 0x6e, 0x3a, 0x20, 0xff, 0xfe, 0x0a]))) });
  return { fixed, random };
}

fuzzSuite(
  "config file",
  () => {
    const { fixed, random } = buildVariants();
    // Through the CLI too: exit 2, not 0, and no stack (one process each, so only a few).
    const cliCases: [string, string][] = [
      ["--config /dev/zero", "/dev/zero"],
      ["--config a FIFO", specialFiles(tmp, "cli.yaml")[0]!.path],
      ["--config with rdmSigma -1", put(tmp, "cli-sigma.yaml", "objective: { rdmSigma: -1 }\n")],
      ["--config with a constructor key", put(tmp, "cli-ctor.yaml", "constructor: 1\n")],
    ];
    for (const [name, f] of cliCases) fixed.push({ name: `train ${name}`, expect: "bad", codes: ["ERR_CONFIG"], job: { cli: ["train", "--config", f, "--print-config"] } });
    return { fixed, random };
  },
  { sample: 30, seed: 15 },
);

describe("config fuzz size", () => {
  it("has at least 200 variants for WERANK_FUZZ=full", () => {
    const { fixed, random } = buildVariants();
    expect(fixed.length + random.length).toBeGreaterThanOrEqual(200);
  });
});
