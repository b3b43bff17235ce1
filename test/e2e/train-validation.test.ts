/**
 * `train` refuses a bad configuration before it writes anything (no run directory with only
 * config.json and env.json that `compare` would list as "? | – ± –"), and `--print-config` refuses
 * what `train` refuses.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureDist, runCli } from "../helpers/dist.js";

let tmp: string;
beforeAll(() => {
  ensureDist();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "werank-e2e-validate-"));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const cli = (args: string[]) => runCli(args);

describe("train validates everything before writing", () => {
  it("--device gpu exits 2 with the valid devices and leaves no run directory; --print-config refuses it too", () => {
    const out = path.join(tmp, "gpu");
    for (const extra of [[], ["--print-config"]]) {
      const r = cli(["train", "--device", "gpu", "--epochs", "2", "--out", out, ...extra]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/Expected one of auto, cpu, cuda, cuda:<index> for --device .* but received "gpu"/);
      expect(r.stdout).toBe("");
    }
    expect(fs.existsSync(out)).toBe(false);
  });

  it("an unknown dataset is refused by --print-config as by train", () => {
    const r = cli(["train", "--dataset", "coraa", "--print-config"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Unknown dataset 'coraa' \(did you mean 'cora'\?\)/);
    const ok = cli(["train", "--dataset", "CiteSeer", "--print-config"]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^ {2}name: citeseer$/m);
  });

  it("--device cuda without a GPU is an ERR_DEVICE before the run directory exists", () => {
    const hasCuda = JSON.parse(cli(["info", "--json"]).stdout).cuda === true;
    if (hasCuda) return console.warn("[train-validation] skipped the no-GPU case: CUDA is available here");
    const out = path.join(tmp, "cuda");
    const r = cli(["train", "--device", "cuda", "--epochs", "2", "--out", out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/ERR_DEVICE/);
    expect(fs.existsSync(out)).toBe(false);
  });

  it("negative numbers get the usual message, not Node's 'argument is ambiguous'", () => {
    for (const [flag, msg] of [
      ["--werank", "Expected a number >= 0 for --werank ('werank.alpha') but received -1"],
      ["--epochs", "Expected an integer > 0 for --epochs ('train.epochs') but received -1"],
    ] as const) {
      const r = cli(["train", flag, "-1", "--print-config"]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(msg);
      expect(r.stderr).not.toMatch(/ambiguous/);
    }
  });
});
