/**
 * src/dist/launchRanks.ts, the torchrun-like local launcher: the ranks' environment, a failing
 * rank reported and the others stopped, SIGINT forwarded once to every rank. The ranks are tiny
 * node scripts (test/fixtures/dist/launchedRank.mjs); no addon needed.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { launchRanks } from "../../../src/dist/launchRanks.js";
import { readRankEnv } from "../../../src/dist/rankEnv.js";
import { ArgumentError } from "../../../src/errors.js";

const FIXTURE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "fixtures", "dist", "launchedRank.mjs");

describe("launchRanks", () => {
  it("each of N ranks gets RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR and one free MASTER_PORT, as readRankEnv reads them", async () => {
    const r = await launchRanks({ nproc: 3, command: process.execPath, args: [FIXTURE, "env"], stdio: "pipe" });
    expect(r.ok, r.message).toBe(true);
    expect(r.message).toBe("all 3 ranks exited with code 0");
    expect(r.masterPort).toBeGreaterThan(0);
    r.ranks.forEach((e, i) => {
      const env = JSON.parse(e.stdout ?? "") as Record<string, string>;
      expect(env).toEqual({ RANK: String(i), WORLD_SIZE: "3", LOCAL_RANK: String(i), LOCAL_WORLD_SIZE: "3", MASTER_ADDR: "127.0.0.1", MASTER_PORT: String(r.masterPort) });
      expect(readRankEnv(env)).toMatchObject({ rank: i, worldSize: 3, localRank: i, masterPort: r.masterPort, source: "torchrun" });
    });
  });

  it("a rank that exits non-zero is reported as the failure and the others are stopped after the grace period", async () => {
    const t0 = Date.now();
    const r = await launchRanks({ nproc: 2, command: process.execPath, args: [FIXTURE, "fail"], stdio: "pipe", graceMs: 300 });
    const elapsed = Date.now() - t0;
    expect(r.ok).toBe(false);
    expect(r.failed).toMatchObject({ rank: 1, code: 3, signal: null });
    expect(r.ranks[0]).toMatchObject({ rank: 0, code: null, signal: "SIGTERM" });
    expect(r.message).toMatch(/^rank 1 \(pid \d+\) exited with code 3; then rank 0 \(pid \d+\) was killed by SIGTERM$/);
    expect(elapsed).toBeLessThan(5000);
  });

  it("SIGINT to the launcher reaches every rank exactly once; each saves and exits 0", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "werank-launch-"));
    const listeners = process.listenerCount("SIGINT");
    try {
      const ready = (): boolean => [0, 1].every((k) => fs.existsSync(path.join(dir, `ready-${k}`)));
      const run = launchRanks({
        nproc: 2,
        command: process.execPath,
        args: [FIXTURE, "sigint", dir],
        stdio: "pipe",
        onStart: () => {
          const poll = setInterval(() => {
            if (!ready()) return;
            clearInterval(poll);
            process.kill(process.pid, "SIGINT");
          }, 20);
        },
      });
      const r = await run;
      expect(r.interrupted).toBe("SIGINT");
      expect(r.ok, r.message).toBe(true);
      for (const e of r.ranks) expect(e.stdout).toBe(`saved ${e.rank} (1)\n`);
      expect(process.listenerCount("SIGINT"), "the launcher's handler is removed afterwards").toBe(listeners);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a command that cannot start fails every rank with code 127", async () => {
    const r = await launchRanks({ nproc: 2, command: path.join(os.tmpdir(), "no-such-werank-binary"), stdio: "pipe", graceMs: 0 });
    expect(r.ok).toBe(false);
    expect(r.ranks.map((e) => e.code)).toEqual([127, 127]);
    expect(r.ranks[0]!.stderr).toContain("could not start");
  });

  it("bad options are ArgumentErrors", async () => {
    await expect(launchRanks({ nproc: 0, command: process.execPath })).rejects.toThrow(ArgumentError);
    await expect(launchRanks({ nproc: 1, command: "" })).rejects.toThrow(/expected a command/);
    await expect(launchRanks({ nproc: 1, command: process.execPath, masterPort: 70000 })).rejects.toThrow(/1\.\.65535/);
  });
});
