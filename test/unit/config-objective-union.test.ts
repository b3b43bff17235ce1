/**
 * The objective section is a discriminated union on `name` (issue 16): each objective's keys are
 * validated and printed alone, and configs written before (one flat section holding every
 * objective's keys, as the old `--print-config` wrote: test/fixtures/print-config-v1-*.yaml) still
 * load to the same resolved config.
 */
import fs from "node:fs";
import { describe, expect, it, vi } from "vitest";
import YAML from "yaml";
import { ConfigError } from "../../src/errors.js";
import { OBJECTIVE_NAMES, OBJECTIVE_SCHEMAS, objectivesWithKey } from "../../src/experiment/config.js";
import { PRESET_NAMES } from "../../src/experiment/presets.js";
import { defaultConfig, resolveConfig } from "../../src/experiment/resolveConfig.js";
import { runCli } from "../../src/cli/run.js";
import { errorOf } from "../helpers/dataError.js";

const fixture = (name: string): string => new URL(`../fixtures/${name}`, import.meta.url).pathname;
const readYaml = (name: string) => YAML.parse(fs.readFileSync(fixture(name), "utf8")) as { objective: Record<string, unknown> };
const refusal = (f: () => unknown): string => errorOf(ConfigError, f);

/** What `werank-native <args>` writes to stdout, and its exit code. */
async function cli(args: string[]): Promise<{ code: number; out: string }> {
  let out = "";
  const spy = vi.spyOn(process.stdout, "write").mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  try {
    return { code: await runCli(args), out };
  } finally {
    spy.mockRestore();
  }
}

describe("one config section per objective", () => {
  it.each(OBJECTIVE_NAMES.map((n) => [n]))("%s resolves to exactly its own keys", (name) => {
    const o = resolveConfig({ flags: { objective: name } }).objective;
    expect(Object.keys(o).sort()).toEqual(Object.keys(OBJECTIVE_SCHEMAS[name].shape).sort());
  });

  it.each(PRESET_NAMES.map((n) => [n]))("preset %s resolves, its objective section holding its objective's keys only", (preset) => {
    const o = resolveConfig({ preset }).objective;
    expect(Object.keys(o).sort()).toEqual(Object.keys(OBJECTIVE_SCHEMAS[o.name].shape).sort());
  });

  it("train --print-config for BGRL prints no key of another objective", async () => {
    const { code, out } = await cli(["train", "--print-config"]);
    expect(code).toBe(0);
    const printed = YAML.parse(out) as { objective: Record<string, unknown> };
    expect(printed.objective).toEqual({ name: "bgrl", predictorHidden: 512, predictorNorm: "none", targetInit: "reinit" });
    for (const key of ["invariance", "barlowLambda", "rdmBase", "rdmSigma", "tau", "projectorHidden", "d0"]) expect(out).not.toContain(`${key}:`);
  });

  it("an earlier source's objective keys follow a later source to another objective only where that objective has them", () => {
    // ogbn-arxiv sets BGRL's predictorHidden to 256, which is no key of GRACE but one of SimSiam
    expect(resolveConfig({ preset: "ogbn-arxiv", flags: { objective: "grace" } }).objective).toEqual({ name: "grace", tau: null, projectorHidden: null });
    expect(resolveConfig({ preset: "ogbn-arxiv", set: ["objective.name=simsiam"] }).objective).toEqual({ name: "simsiam", predictorHidden: 256, projectorHidden: null });
    expect(resolveConfig({ preset: "ogbn-arxiv" }).objective).toMatchObject({ name: "bgrl", predictorHidden: 256 });
    // a small base config (unnamed, so BGRL's) serves a sweep over objectives, as `sweep --grid objective.name=...` does
    const base = { objective: { predictorHidden: 16 } };
    expect(resolveConfig({ overrides: base, set: ["objective.name=grace"] }).objective).toEqual({ name: "grace", tau: null, projectorHidden: null });
    expect(resolveConfig({ overrides: base, flags: { objective: "rdm" } }).objective.name).toBe("rdm");
    // the same key given with (or after) the objective it does not fit is refused
    expect(refusal(() => resolveConfig({ flags: { objective: "grace" }, set: ["objective.predictorHidden=16"] }))).toContain("objective.predictorHidden is a key of bgrl, simsiam, not of grace");
  });
});

describe("help", () => {
  it("train --help lists each objective with every key of its schema", async () => {
    const { code, out } = await cli(["train", "--help"]);
    expect(code).toBe(0);
    const section = out.slice(out.indexOf("Objective keys"), out.indexOf("Regularizers"));
    for (const name of OBJECTIVE_NAMES) {
      const at = section.indexOf(`\n  ${name} `);
      expect(at, name).toBeGreaterThanOrEqual(0);
      const next = OBJECTIVE_NAMES.map((n) => section.indexOf(`\n  ${n} `)).filter((i) => i > at);
      const entry = section.slice(at, next.length ? Math.min(...next) : undefined);
      for (const key of Object.keys(OBJECTIVE_SCHEMAS[name].shape).filter((k) => k !== "name")) expect(entry, `${name}.${key}`).toMatch(new RegExp(`\\s${key}(=|\\s|$)`));
    }
    expect(section).toContain("rdmFilter=poly|log|log1|log2"); // choices, default first
  });
});

describe("configs written by the old --print-config (one flat objective section) still load", () => {
  it("BGRL defaults: the same resolved config as today's defaults", () => {
    const old = readYaml("print-config-v1-bgrl.yaml");
    expect(old.objective.invariance).toBe(25); // the fixture really is the flat, old shape
    expect(resolveConfig({ files: [fixture("print-config-v1-bgrl.yaml")] })).toEqual(defaultConfig());
  });

  it("the grace-cora preset: the same resolved config as the preset", () => {
    expect(resolveConfig({ files: [fixture("print-config-v1-grace-cora.yaml")] })).toEqual(resolveConfig({ preset: "grace-cora" }));
  });

  it.each(OBJECTIVE_NAMES.map((n) => [n]))("an old flat section naming %s resolves to that objective's defaults", (name) => {
    const flat = readYaml("print-config-v1-bgrl.yaml");
    const fromFlat = resolveConfig({ overrides: { objective: { ...flat.objective, name } as never } }).objective;
    expect(fromFlat).toEqual(resolveConfig({ flags: { objective: name } }).objective);
  });

  it("a key of another objective with a value other than its default is refused, naming whose key it is", () => {
    expect(refusal(() => resolveConfig({ overrides: { objective: { name: "bgrl", invariance: 10 } as never } }))).toContain(
      "objective.invariance is a key of vicreg, not of bgrl; valid keys under 'objective': name, predictorHidden, predictorNorm, targetInit (the keys of bgrl)",
    );
    expect(refusal(() => resolveConfig({ set: ["objective.tau=0.5"] }))).toContain("objective.tau is a key of grace, directclr, not of bgrl");
    expect(refusal(() => resolveConfig({ flags: { objective: "grace" }, set: ["objective.predictorHidden=64"] }))).toContain(
      "objective.predictorHidden is a key of bgrl, simsiam, not of grace; valid keys under 'objective': name, tau, projectorHidden (the keys of grace)",
    );
    expect(resolveConfig({ flags: { objective: "grace" }, set: ["objective.tau=0.5"] }).objective).toEqual({ name: "grace", tau: 0.5, projectorHidden: null });
  });

  it("a misspelt key is matched against every objective's keys and says whose the guess is", () => {
    expect(refusal(() => resolveConfig({ set: ["objective.rdmSigam=2"] }))).toContain("did you mean 'objective.rdmSigma'? a key of rdm)");
    expect(objectivesWithKey("projectorHidden")).toEqual(["simsiam", "grace", "vicreg", "barlow"]);
  });
});
