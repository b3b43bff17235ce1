/**
 * What a new user types, refused or accepted before anything is written: negative numbers after a
 * flag reach validation ("Expected ... but received ..." instead of Node's "argument is ambiguous"),
 * the device and the dataset name are checked by resolveConfig (CLI and API alike), and dataset names
 * as PyG and BGRL spell them resolve to ours.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { attachNegativeNumbers, parseCommandArgs } from "../../../src/cli/args.js";
import { CONFIG_OPTIONS, configSources } from "../../../src/cli/configArgs.js";
import { canonicalDatasetName, datasetInfo } from "../../../src/data/datasetRegistry.js";
import { ConfigError } from "../../../src/errors.js";
import { resolveConfig } from "../../../src/experiment/resolveConfig.js";
import { errorOf } from "../../helpers/dataError.js";

/** The config the CLI would resolve from these arguments (as `train` does). */
const fromArgs = (args: string[]) => resolveConfig(configSources(parseCommandArgs("train", args, CONFIG_OPTIONS)));
const refusal = (f: () => unknown): string => errorOf(ConfigError, f);

describe("negative numbers on the command line", () => {
  it("are attached to the string option before them, not read as options", () => {
    const spec = { werank: { type: "string" }, json: { type: "boolean" } } as const;
    expect(attachNegativeNumbers(["--werank", "-1", "--json"], spec)).toEqual(["--werank=-1", "--json"]);
    expect(attachNegativeNumbers(["--werank", "-.5"], spec)).toEqual(["--werank=-.5"]);
    expect(attachNegativeNumbers(["--werank", "-1e-3"], spec)).toEqual(["--werank=-1e-3"]);
    // a boolean option or an option-looking value stays as it was
    expect(attachNegativeNumbers(["--json", "-1"], spec)).toEqual(["--json", "-1"]);
    expect(attachNegativeNumbers(["--werank", "--json"], spec)).toEqual(["--werank", "--json"]);
    expect(attachNegativeNumbers(["--", "--werank", "-1"], spec)).toEqual(["--", "--werank", "-1"]);
  });

  it("reach validation, which refuses them with 'Expected ... but received ...'", () => {
    expect(refusal(() => fromArgs(["--werank", "-1"]))).toContain("Expected a number >= 0 for --werank ('werank.alpha') but received -1");
    expect(refusal(() => fromArgs(["--epochs", "-3"]))).toContain("Expected an integer > 0 for --epochs ('train.epochs') but received -3");
    expect(refusal(() => fromArgs(["--seed", "-1"]))).toContain("Expected an integer >= 0 for --seed ('train.seed') but received -1");
    expect(refusal(() => fromArgs(["--epochs", "2.5"]))).toContain("Expected an integer for --epochs ('train.epochs') but received 2.5");
  });

  it("are accepted where the key allows them", () => {
    expect(parseCommandArgs("t", ["--x", "-2"], { x: { type: "string" } }).values.x).toBe("-2");
    // `--set KEY=-0.5` reaches validation as the value -0.5 (rdmSigma must be > 0 since issue 15's ranges)
    expect(refusal(() => fromArgs(["--objective", "rdm", "--set", "objective.rdmSigma=-0.5"]))).toContain("invalid value -0.5 for 'objective.rdmSigma'");
  });
});

describe("resolveConfig validates the device and the dataset name", () => {
  it("refuses a device that is not auto, cpu, cuda or cuda:<i> (CLI flag and API)", () => {
    expect(refusal(() => fromArgs(["--device", "gpu"]))).toMatch(/Expected one of auto, cpu, cuda, cuda:<index> for --device \('train\.device'\) but received "gpu"/);
    expect(refusal(() => resolveConfig({ overrides: { train: { device: "cuda0" } } }))).toMatch(/train\.device.*auto, cpu, cuda/);
    for (const d of ["auto", "cpu", "cuda", "cuda:1"]) expect(fromArgs(["--device", d]).train.device).toBe(d);
  });

  it("refuses an unknown dataset with the valid names and a did-you-mean (the API as the CLI)", () => {
    const m = refusal(() => resolveConfig({ overrides: { dataset: { name: "coraa" } } }));
    expect(m).toMatch(/Unknown dataset 'coraa' \(did you mean 'cora'\?\)\. Valid choices: cora, citeseer/);
    expect(refusal(() => fromArgs(["--dataset", "nope"]))).toMatch(/--dataset \(dataset\.name\): Unknown dataset 'nope'/);
  });

  it("accepts the path of a dataset file as before", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "werank-cfg-"));
    const f = path.join(dir, "mine.npz");
    fs.writeFileSync(f, "");
    try {
      expect(fromArgs(["--dataset", f]).dataset.name).toBe(f);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("dataset names as users type them", () => {
  it("PyG's and BGRL's spellings resolve to ours", () => {
    const cases: [string, string][] = [
      ["Cora", "cora"],
      ["CiteSeer", "citeseer"],
      ["amazon-photos", "amazon-photo"],
      ["Photo", "amazon-photo"],
      ["Computers", "amazon-computers"],
      ["amazon_computers", "amazon-computers"],
      ["CS", "coauthor-cs"],
      ["coauthor-physics", "coauthor-physics"],
      ["wiki-cs", "wikics"],
      ["WikiCS", "wikics"],
      ["ogbn_arxiv", "ogbn-arxiv"],
    ];
    for (const [typed, ours] of cases) {
      expect(canonicalDatasetName(typed), typed).toBe(ours);
      expect(datasetInfo(typed).name, typed).toBe(ours);
      expect(fromArgs(["--dataset", typed]).dataset.name, typed).toBe(ours);
    }
    expect(canonicalDatasetName("cor")).toBeUndefined();
  });
});
