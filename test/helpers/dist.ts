/** The CLI e2e tests and child-process tests run dist/: compile the TypeScript when it is stale. */
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { launchRanks, type LaunchResult } from "../../src/index.js";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const CLI = path.join(ROOT, "dist", "cli", "main.js");

function newestMtime(dir: string): number {
  let t = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return t;
}

/** Runs `tsc -p .` when dist/ is missing or older than src/ (one process at a time, via a lock dir). */
export function ensureDist(): void {
  const stamp = path.join(ROOT, "dist", ".tsbuildinfo");
  const fresh = (): boolean => fs.existsSync(CLI) && fs.existsSync(stamp) && fs.statSync(stamp).mtimeMs >= newestMtime(path.join(ROOT, "src"));
  if (fresh()) return;
  const lock = path.join(ROOT, ".tsc-lock");
  for (let i = 0; i < 600; i++) {
    try {
      fs.mkdirSync(lock);
    } catch {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
      continue;
    }
    try {
      if (!fresh()) execFileSync(process.execPath, [path.join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", ROOT], { stdio: "inherit" });
      // tsc leaves the stamp alone when no output changed; mark dist as checked.
      if (fs.existsSync(stamp)) fs.utimesSync(stamp, new Date(), new Date());
    } finally {
      fs.rmdirSync(lock);
    }
    return;
  }
  throw new Error("ensureDist: timed out waiting for another tsc");
}

/** Runs the CLI in a child process (one LibTorch thread): exit code, stdout, stderr. */
export function runCli(args: readonly string[], timeout = 120_000): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", env: { ...process.env, WERANK_NUM_THREADS: "1" }, timeout });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Starts `nproc` (default 2) ranks of a node fixture script through launchRanks (stdout piped, 3 s
 * grace) and parses each rank's last stdout line as JSON ({} when it is not one).
 */
export async function launchFixture(
  fixture: string,
  args: string[],
  options: { nproc?: number; env?: NodeJS.ProcessEnv; masterPort?: number } = {},
): Promise<{ r: LaunchResult; out: Record<string, unknown>[] }> {
  const r = await launchRanks({ nproc: options.nproc ?? 2, command: process.execPath, args: [fixture, ...args], stdio: "pipe", graceMs: 3000, env: options.env, masterPort: options.masterPort });
  const out = r.ranks.map((e) => {
    const line = (e.stdout ?? "").trim().split("\n").pop() ?? "";
    return line.startsWith("{") ? (JSON.parse(line) as Record<string, unknown>) : {};
  });
  return { r, out };
}
