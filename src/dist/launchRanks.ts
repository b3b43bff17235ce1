/**
 * A torchrun-like launcher for one machine: starts `nproc` copies of a command, each with
 * `RANK`, `WORLD_SIZE`, `LOCAL_RANK`, `LOCAL_WORLD_SIZE`, `MASTER_ADDR` and `MASTER_PORT` (a free
 * port on localhost unless given), as {@link readRankEnv} reads them, and waits for all of them.
 *
 * - SIGINT / SIGTERM sent to the launcher are forwarded once to every rank, so each can save and
 *   stop (the ranks run in their own process groups: Ctrl-C in a terminal reaches them only through
 *   the launcher, exactly once). A second signal kills them.
 * - When a rank exits with a non-zero code or is killed by a signal, the others get `graceMs` to
 *   finish (they usually fail at once with ERR_DIST, their peer gone), then SIGTERM, then after
 *   another `graceMs` SIGKILL. The result names the first rank that failed and how.
 *
 * @example
 * ```ts
 * import { launchRanks } from "werank-native";
 * const r = await launchRanks({ nproc: 2, command: process.execPath, args: ["train-rank.mjs"] });
 * if (!r.ok) console.error(r.message);  // "rank 1 (pid 4242) exited with code 3; ..."
 * ```
 */
import { type ChildProcess, spawn } from "node:child_process";
import net from "node:net";
import { ArgumentError } from "../errors.js";

export interface LaunchOptions {
  /** Number of ranks (>= 1). */
  nproc: number;
  /** Executable of every rank (e.g. process.execPath). */
  command: string;
  args?: readonly string[];
  /** Base environment of the ranks (default process.env); the rank variables are added to it. */
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Default 127.0.0.1. */
  masterAddr?: string;
  /** Default: a free port on masterAddr. */
  masterPort?: number;
  /** After a rank fails: how long the others may finish before SIGTERM, and then before SIGKILL (default 5000 ms). */
  graceMs?: number;
  /** "inherit" (default) shares the launcher's terminal; "pipe" collects each rank's output into the result. */
  stdio?: "inherit" | "pipe" | "ignore";
  /** Called once every rank has been started (e.g. to test signal forwarding). */
  onStart?: (pids: number[]) => void;
}

export interface RankExit {
  rank: number;
  pid: number;
  /** Exit code, or null when a signal ended it. */
  code: number | null;
  /** The signal's name (e.g. "SIGKILL"), or null when it exited. */
  signal: string | null;
  /** Output with stdio "pipe". */
  stdout?: string;
  stderr?: string;
}

export interface LaunchResult {
  /** Every rank exited with code 0. */
  ok: boolean;
  ranks: RankExit[];
  /** The first rank that failed (by time), when one did. */
  failed?: RankExit;
  /** A signal the launcher received and forwarded. */
  interrupted?: string;
  masterAddr: string;
  masterPort: number;
  /** One line: which rank failed and how, or that all succeeded. */
  message: string;
}

/** A TCP port that was free on `host` a moment ago (the ranks bind it soon after; torchrun does the same). */
export function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function describeExit(e: RankExit): string {
  return `rank ${e.rank} (pid ${e.pid}) ${e.signal !== null ? `was killed by ${e.signal}` : `exited with code ${e.code}`}`;
}

/** Starts the ranks and resolves once all have exited (never rejects after they started). */
export async function launchRanks(options: LaunchOptions): Promise<LaunchResult> {
  const o = options;
  if (!Number.isInteger(o.nproc) || o.nproc < 1) throw new ArgumentError(`launchRanks: expected nproc >= 1 (an integer) but received ${String(o.nproc)}`);
  if (typeof o.command !== "string" || o.command === "") throw new ArgumentError("launchRanks: expected a command to run");
  const graceMs = o.graceMs ?? 5000;
  if (!(graceMs >= 0)) throw new ArgumentError(`launchRanks: expected graceMs >= 0 but received ${graceMs}`);
  const masterAddr = o.masterAddr ?? "127.0.0.1";
  const masterPort = o.masterPort ?? (await freePort(masterAddr));
  if (!Number.isInteger(masterPort) || masterPort < 1 || masterPort > 65535) throw new ArgumentError(`launchRanks: expected a masterPort in 1..65535 but received ${masterPort}`);
  const stdio = o.stdio ?? "inherit";

  const children: ChildProcess[] = [];
  const exits: (RankExit | undefined)[] = new Array(o.nproc).fill(undefined);
  let failed: RankExit | undefined;
  let interrupted: NodeJS.Signals | undefined;
  const timers: NodeJS.Timeout[] = [];

  const alive = (): ChildProcess[] => children.filter((c, i) => exits[i] === undefined && c.pid !== undefined);
  const signalAll = (sig: NodeJS.Signals): void => {
    for (const c of alive()) {
      try {
        c.kill(sig);
      } catch {
        // exited between the test and the kill
      }
    }
  };
  const onSignal = (sig: NodeJS.Signals): void => {
    if (interrupted !== undefined) {
      signalAll("SIGKILL");
      return;
    }
    interrupted = sig;
    signalAll(sig);
  };
  const onInt = (): void => onSignal("SIGINT");
  const onTerm = (): void => onSignal("SIGTERM");
  // The ranks are detached: if the launcher itself exits, it takes them down.
  const onExit = (): void => signalAll("SIGKILL");
  process.on("SIGINT", onInt);
  process.on("SIGTERM", onTerm);
  process.on("exit", onExit);

  try {
    return await new Promise<LaunchResult>((resolve) => {
      let remaining = o.nproc;
      const finish = (): void => {
        const ranks = exits as RankExit[];
        const ok = ranks.every((e) => e.code === 0);
        const others = ranks.filter((e) => e !== failed && (e.code !== 0 || e.signal !== null)).map(describeExit);
        const message = ok
          ? `all ${o.nproc} ranks exited with code 0`
          : failed !== undefined
            ? `${describeExit(failed)}${others.length ? `; then ${others.join(", ")}` : ""}`
            : `ranks stopped after ${interrupted}: ${ranks.map(describeExit).join(", ")}`;
        resolve({ ok, ranks, failed, interrupted, masterAddr, masterPort, message });
      };
      for (let rank = 0; rank < o.nproc; rank++) {
        const env: Record<string, string | undefined> = {
          ...(o.env ?? process.env),
          RANK: String(rank),
          WORLD_SIZE: String(o.nproc),
          LOCAL_RANK: String(rank),
          LOCAL_WORLD_SIZE: String(o.nproc),
          MASTER_ADDR: masterAddr,
          MASTER_PORT: String(masterPort),
        };
        const child = spawn(o.command, [...(o.args ?? [])], { cwd: o.cwd, env: env as NodeJS.ProcessEnv, stdio: ["ignore", stdio, stdio], detached: true });
        children.push(child);
        const out = { stdout: "", stderr: "" };
        child.stdout?.setEncoding("utf8").on("data", (d: string) => (out.stdout += d));
        child.stderr?.setEncoding("utf8").on("data", (d: string) => (out.stderr += d));
        let done = false;
        const record = (code: number | null, signal: NodeJS.Signals | null): void => {
          if (done) return;
          done = true;
          const e: RankExit = { rank, pid: child.pid ?? -1, code, signal, ...(stdio === "pipe" ? out : {}) };
          exits[rank] = e;
          if ((code !== 0 || signal !== null) && failed === undefined && interrupted === undefined) {
            failed = e;
            // The peers usually fail at once (ERR_DIST); give them graceMs, then stop them.
            timers.push(
              setTimeout(() => {
                signalAll("SIGTERM");
                timers.push(setTimeout(() => signalAll("SIGKILL"), graceMs));
              }, graceMs),
            );
          }
          if (--remaining === 0) finish();
        };
        // "close" comes after the output streams are drained; "error" when the command cannot start.
        child.on("close", record);
        child.on("error", (err) => {
          out.stderr += `launchRanks: could not start ${o.command}: ${err.message}\n`;
          record(127, null);
        });
      }
      o.onStart?.(children.map((c) => c.pid ?? -1));
    });
  } finally {
    for (const t of timers) clearTimeout(t);
    process.off("SIGINT", onInt);
    process.off("SIGTERM", onTerm);
    process.off("exit", onExit);
  }
}
