/**
 * src/env.ts: WERANK_NUM_THREADS must be a whole number of threads in [1, maxThreads()] (it silently
 * became the default for "abc", "-1", "0" and "1.5"), and setNumThreads has the same cap (100000 was
 * accepted and the next matmul did not finish). Checked before the addon is touched.
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { checkThreads, defaultThreads, distTimeoutMs, maxThreads, readEnv } from "../../src/env.js";
import { ArgumentError, ConfigError } from "../../src/errors.js";
import { setNumThreads } from "../../src/runtime.js";
import { CLI, ensureDist } from "../helpers/dist.js";

describe("WERANK_NUM_THREADS and setNumThreads", () => {
  it("accepts whole numbers from 1 to the cap, unset or empty means the default", () => {
    expect(readEnv({ WERANK_NUM_THREADS: "3" }).numThreads).toBe(3);
    expect(readEnv({ WERANK_NUM_THREADS: String(maxThreads()) }).numThreads).toBe(maxThreads());
    expect(readEnv({}).numThreads).toBeUndefined();
    expect(readEnv({ WERANK_NUM_THREADS: "" }).numThreads).toBeUndefined();
    expect(maxThreads()).toBeGreaterThanOrEqual(Math.max(64, 4 * defaultThreads()));
  });

  it("refuses anything else with a ConfigError naming the variable", () => {
    for (const v of ["abc", "-1", "0", "1.5", "1e3", "0x10", " ", "2 threads", String(maxThreads() + 1), "100000", "Infinity", "NaN"]) {
      expect(() => readEnv({ WERANK_NUM_THREADS: v }), v).toThrow(ConfigError);
      expect(() => readEnv({ WERANK_NUM_THREADS: v }), v).toThrow(/WERANK_NUM_THREADS/);
    }
  });

  it("setNumThreads refuses 0, fractions and counts above the cap before reaching the addon", () => {
    for (const n of [0, -2, 1.5, NaN, Infinity, maxThreads() + 1, 100000]) expect(() => setNumThreads(n), String(n)).toThrow(ArgumentError);
    expect(checkThreads(maxThreads(), "x")).toBe(maxThreads());
  });

  it("the CLI exits 2 with the message for a bad WERANK_NUM_THREADS", () => {
    ensureDist();
    const r = spawnSync(process.execPath, [CLI, "info"], { encoding: "utf8", env: { ...process.env, WERANK_NUM_THREADS: "abc" }, timeout: 60_000 });
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/ERR_CONFIG.*WERANK_NUM_THREADS="abc"/);
  });
});

describe("WERANK_DIST_TIMEOUT_MS", () => {
  it("a whole number of milliseconds >= 1; unset or empty: undefined (the ProcessGroup default); else a ConfigError naming it", () => {
    expect(distTimeoutMs({ WERANK_DIST_TIMEOUT_MS: "1500" })).toBe(1500);
    expect(distTimeoutMs({})).toBeUndefined();
    expect(distTimeoutMs({ WERANK_DIST_TIMEOUT_MS: "" })).toBeUndefined();
    for (const bad of ["0", "-5", "1.5", "10s", "abc"]) {
      expect(() => distTimeoutMs({ WERANK_DIST_TIMEOUT_MS: bad }), bad).toThrow(ConfigError);
      expect(() => distTimeoutMs({ WERANK_DIST_TIMEOUT_MS: bad }), bad).toThrow(/WERANK_DIST_TIMEOUT_MS=.*whole number of milliseconds/);
    }
  });
});
