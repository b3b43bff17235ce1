/**
 * The Slurm job script (src/experiment/executors.ts slurmScript) against shell injection: hostile
 * values for the sweep directory and every #SBATCH setting are put into a script, which is then RUN
 * with bash, its final `exec` pointed (through SlurmOptions.node) at a recorder that writes its argv
 * to a file. Nothing in the values may execute (no marker file appears) and the recorder must see
 * exactly the intended arguments. Values with control characters are refused with ERR_CONFIG, from
 * flags (slurmScript) and from a config file's slurm section (the schema).
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError } from "../../src/errors.js";
import { resolveConfig } from "../../src/experiment/resolveConfig.js";
import { cliPath, slurmScript, type SlurmOptions } from "../../src/experiment/executors.js";
import type { SweepPlan } from "../../src/experiment/sweep.js";
import { shellQuote } from "../../src/util/shellQuote.js";

let tmp: string;
let recorder: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "werank-slurm-script-"));
  recorder = path.join(tmp, "recorder.sh");
  // Writes each argument NUL-terminated to $RECORD: the argv the job would have started node with.
  fs.writeFileSync(recorder, '#!/bin/bash\nprintf \'%s\\0\' "$@" > "$RECORD"\n', { mode: 0o755 });
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const plan = (dir: string): SweepPlan => ({ dir, trials: [{}, {}] }) as unknown as SweepPlan;

/** Payloads that run `touch <marker>` if the value reaches bash unquoted or double-quoted. */
function hostile(marker: string): string[] {
  return [
    `$(touch ${marker})`,
    `\`touch ${marker}\``,
    `x; touch ${marker}`,
    `x && touch ${marker} #`,
    `x" ; touch ${marker}; echo "`,
    `x' ; touch ${marker}; echo '`,
    `x'"$(touch ${marker})"'`,
    `$(touch ${marker})'\\''`,
    `a b  tab * ? [x] ~ {a,b} $HOME \${IFS}`,
  ];
}

function runScript(script: string, record: string): { status: number | null; stderr: string } {
  const file = path.join(tmp, `job-${Math.random().toString(36).slice(2)}.sh`);
  fs.writeFileSync(file, script);
  const r = spawnSync("bash", [file], { encoding: "utf8", env: { ...process.env, RECORD: record, SLURM_ARRAY_TASK_ID: "1" }, timeout: 20_000 });
  return { status: r.status, stderr: r.stderr };
}

describe("slurmScript quoting", () => {
  it("shellQuote round-trips arbitrary text through bash unchanged", () => {
    for (const v of [...hostile(path.join(tmp, "never")), "", "'", "''", "\\", "a\nb", "é ✓"]) {
      const r = spawnSync("bash", ["-c", `printf '%s' ${shellQuote(v)}`], { encoding: "utf8" });
      expect(r.stdout).toBe(v);
    }
    expect(fs.existsSync(path.join(tmp, "never"))).toBe(false);
  });

  it("runs nothing from a hostile --dir, --partition, --time, --mem or --account; the recorded argv is exact", () => {
    const marker = path.join(tmp, "PWNED");
    let n = 0;
    for (const v of hostile(marker)) {
      const dir = path.join(tmp, "sweeps", v);
      const opts: SlurmOptions = { partition: v, time: v, mem: v, account: v, extra: [`--comment=${v}`], node: recorder, cpusPerTask: 1 };
      const script = slurmScript(plan(dir), opts);
      const record = path.join(tmp, `argv-${n++}`);
      const r = runScript(script, record);
      expect(r.status, `${v}: ${r.stderr}`).toBe(0);
      expect(fs.existsSync(marker), `payload ${JSON.stringify(v)} executed`).toBe(false);
      const argv = fs.readFileSync(record, "utf8").split("\0").slice(0, -1);
      expect(argv).toEqual([cliPath(), "sweep", "--run-trial", dir, "1"]);
    }
  });

  it("refuses control characters in every #SBATCH value and in the sweep directory (ERR_CONFIG)", () => {
    const marker = path.join(tmp, "PWNED2");
    for (const bad of [`x\ntouch ${marker}`, `x\rtouch ${marker}`, "x\u0000y", "x\u001b[2J"]) {
      for (const key of ["partition", "time", "mem", "account"] as const) {
        expect(() => slurmScript(plan(path.join(tmp, "ok")), { [key]: bad }), key).toThrow(ConfigError);
      }
      expect(() => slurmScript(plan(path.join(tmp, "ok")), { extra: [bad] })).toThrow(ConfigError);
      expect(() => slurmScript(plan(path.join(tmp, bad)), {})).toThrow(/control characters/);
    }
    expect(fs.existsSync(marker)).toBe(false);
  });

  it("refuses control characters in a config's slurm section", () => {
    for (const key of ["partition", "time", "mem", "account"]) {
      expect(() => resolveConfig({ overrides: { slurm: { [key]: "gpu\ntouch /tmp/x" } } as never }), key).toThrow(ConfigError);
      expect(() => resolveConfig({ overrides: { slurm: { [key]: "gpu" } } as never })).not.toThrow();
    }
  });
});
