// Shared helpers for the benchmarks: locating Debian's python3 with torch, timing, printing.
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";

/** The python3 that has torch (Debian's python3-torch lives under /usr/bin/python3). */
export function torchPython(extraModules = []) {
  const cands = [process.env.PYTHON, "/usr/bin/python3", "python3"].filter(Boolean);
  for (const py of cands) {
    const r = spawnSync(py, ["-c", ["import torch", ...extraModules.map((m) => `import ${m}`)].join("; ")], { encoding: "utf8" });
    if (r.status === 0) return py;
  }
  return null;
}

/** Runs a python script file and parses the last stdout line as JSON. */
export function runPython(py, script, args = [], env = {}) {
  const out = execFileSync(py, [script, ...args], { encoding: "utf8", env: { ...process.env, ...env }, maxBuffer: 1 << 26 });
  const lines = out.trim().split("\n");
  return JSON.parse(lines[lines.length - 1]);
}

/** The number after a command-line flag (`--reps 30`), or the default when the flag is absent. */
export function numArg(flag, dflt) {
  const i = process.argv.indexOf(flag);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
}

/** Median of several repetitions of fn() (each returns a number). */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export function nowNs() {
  return process.hrtime.bigint();
}

export function fmt(x, digits = 3) {
  return Number(x).toPrecision(digits);
}

export function writeJsonIfAsked(result) {
  const i = process.argv.indexOf("--json-out");
  if (i > 0 && process.argv[i + 1]) fs.writeFileSync(process.argv[i + 1], `${JSON.stringify(result, null, 2)}\n`);
}

/** The 1-, 5- and 15-minute load averages, "2.10 1.95 1.80" (printed next to timings on a shared machine). */
export function loadAverage() {
  return os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(" ");
}
