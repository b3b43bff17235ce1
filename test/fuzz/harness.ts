/**
 * A fuzz harness for anything a user can hand werank-native: data files, config files, checkpoints.
 * Each variant runs in a child process with a timeout, so a crash (a signal, `std::bad_alloc`), a
 * hang (a FIFO, `/dev/zero`) or an uncaught exception is recorded against the variant that caused
 * it instead of taking the test runner down.
 *
 * Contract (for suites in test/fuzz/*.test.ts):
 * - A {@link Variant} is `{ name, expect, job }`. `expect` is "bad" (semantically bad input: must
 *   end in a WerankError, or a non-zero exit for the CLI), "good" (must succeed) or "either"
 *   (random damage that may or may not matter; must only end cleanly).
 * - `job` is an {@link ApiJob} — `{ module, fn, args }`: `await import(module)[fn](...args)` with
 *   `module` a path under the repository root such as "dist/data/loadNpz.js" (JSON arguments only)
 *   — or a {@link CliJob} — `{ cli: [...] }`: `node dist/cli/main.js ...cli`. API jobs are batched,
 *   many per child (test/fuzz/runner.mjs; a crashed or hung child is killed and a new one continues
 *   with the next job); CLI jobs get one child each. Call `ensureDist()` (test/helpers/dist.ts) first.
 * - {@link runVariants} returns one {@link Outcome} per variant; {@link violations} lists every
 *   broken rule: a signal exit, a timeout, a non-WerankError exception (status "crash"), a stack
 *   trace ("    at " lines) in a message or stderr, an unexpected error code, an exit 0 / success
 *   on "bad" input, a failure on "good" input, output left behind by a failed CLI run (`noOutput`).
 * - `WERANK_FUZZ_ROOT=/other/checkout` runs the jobs against that checkout's dist/ (to show a suite
 *   fails on the code before a fix).
 * - Size: {@link fuzzFull} is true under `WERANK_FUZZ=full` (`npm run fuzz`); suites then run at
 *   least 200 variants per input kind, otherwise a seeded subset of at least 30 ({@link pick}).
 *   {@link fuzzSuite} wraps all of this in one vitest test: `fixed` variants always run, `random`
 *   ones all under WERANK_FUZZ=full and a seeded sample otherwise.
 *
 * @example
 * ```ts
 * const outcomes = await runVariants([{ name: "fifo", expect: "bad", job: { module: "dist/data/loadNpz.js", fn: "loadNpz", args: [fifo] } }]);
 * expect(violations(outcomes)).toEqual([]);
 * ```
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { createRng } from "../../src/data/rng.js";
import { CLI, ensureDist, ROOT } from "../helpers/dist.js";

export interface ApiJob {
  module: string;
  fn: string;
  args: unknown[];
}
export interface CliJob {
  cli: string[];
  /** Paths (e.g. the --run-dir) that must not exist after a failed run: no half-written output. */
  noOutput?: string[];
}
export interface Variant {
  name: string;
  expect: "bad" | "good" | "either";
  job: ApiJob | CliJob;
  /** Error codes that are acceptable (default: any WerankError code except ERR_INTERNAL). */
  codes?: string[];
}
export type Status = "ok" | "error" | "crash" | "timeout" | "signal" | "exit";
export interface Outcome {
  name: string;
  expect: Variant["expect"];
  status: Status;
  code?: string;
  /** Error message, or stderr for CLI jobs and dead children. */
  message?: string;
  ms: number;
  codes?: string[];
  cli?: boolean;
  /** Output a failed CLI run left behind. */
  leftover?: string[];
}

export interface RunOptions {
  /** Per-variant limit in ms (default WERANK_FUZZ_TIMEOUT_MS or 15 s: a hang, never a slow but honest load, exceeds it). */
  timeoutMs?: number;
}

/** A "bad" variant: `werank-native train --dataset DATASET --epochs 1 --run-dir RUN_DIR`, which must fail and leave no RUN_DIR. */
export function trainOn(name: string, dataset: string, runDir: string): Variant {
  return { name: `CLI train on ${name}`, expect: "bad", job: { cli: ["train", "--dataset", dataset, "--epochs", "1", "--run-dir", runDir], noOutput: [runDir] } };
}

/** True under WERANK_FUZZ=full. */
export const fuzzFull = process.env.WERANK_FUZZ === "full";

/** A seeded subset of `items` of size `n` (all of them when `n` >= length), in the original order. */
export function pick<T>(items: T[], n: number, seed: number): T[] {
  if (n >= items.length) return items;
  const rng = createRng(seed);
  const idx = items.map((_, i) => i);
  for (let i = idx.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [idx[i], idx[j]] = [idx[j]!, idx[i]!];
  }
  return idx
    .slice(0, n)
    .sort((a, b) => a - b)
    .map((i) => items[i]!);
}

const STACK_LINE = /^\s+at .+(:\d+:\d+\)?|\(native\)|<anonymous>\)?)$/m;

function isCli(job: ApiJob | CliJob): job is CliJob {
  return "cli" in job;
}

/** Runs API jobs in batched children starting at `start`; returns the index to continue at. */
function runChild(jobs: ApiJob[], jobsFile: string, start: number, timeoutMs: number, out: (Omit<Outcome, "name" | "expect"> | undefined)[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, "test", "fuzz", "runner.mjs"), jobsFile, String(start)], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, WERANK_NUM_THREADS: "1" },
    });
    let current = -1;
    let t0 = performance.now();
    let stderr = "";
    let buf = "";
    let killedFor: number | undefined;
    let timer: NodeJS.Timeout | undefined;
    const arm = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        killedFor = current;
        child.kill("SIGKILL");
      }, timeoutMs + 2000 /* startup */);
    };
    arm();
    child.stderr.on("data", (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000);
    });
    child.stdout.on("data", (d: Buffer) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        const m = JSON.parse(line) as { start?: number; i?: number; status?: Status; code?: string; message?: string; ms?: number };
        if (m.start !== undefined) {
          current = m.start;
          t0 = performance.now();
          arm();
        } else if (m.i !== undefined) {
          out[m.i] = { status: m.status!, ms: m.ms!, ...(m.code ? { code: m.code } : {}), ...(m.message !== undefined ? { message: m.message } : {}) };
        }
      }
    });
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const ms = Math.round(performance.now() - t0);
      if (current < 0) {
        reject(new Error(`fuzz runner died before its first job (exit ${code}, signal ${signal}): ${stderr}`));
        return;
      }
      if (out[current] === undefined) {
        const status: Status = killedFor === current ? "timeout" : signal ? "signal" : "exit";
        out[current] = { status, ms, message: `${signal ? `signal ${signal}` : `exit ${code}`}; stderr: ${stderr}` };
      } else if (code !== 0 && current === jobs.length - 1 && killedFor === undefined) {
        // All jobs reported but the process still died on the way out.
        out[current] = { status: signal ? "signal" : "exit", ms, message: `after the last job: ${signal ? `signal ${signal}` : `exit ${code}`}; stderr: ${stderr}` };
      }
      resolve(current + 1);
    });
  });
}

async function runApiJobs(jobs: ApiJob[], timeoutMs: number): Promise<Omit<Outcome, "name" | "expect">[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "werank-fuzz-jobs-"));
  try {
    const file = path.join(dir, "jobs.json");
    fs.writeFileSync(file, JSON.stringify(jobs));
    const out: (Omit<Outcome, "name" | "expect"> | undefined)[] = new Array(jobs.length);
    let next = 0;
    while (next < jobs.length) next = await runChild(jobs, file, next, timeoutMs, out);
    return out.map((o) => o!);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function runCliJob(job: CliJob, timeoutMs: number): Promise<Omit<Outcome, "name" | "expect">> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const cli = process.env.WERANK_FUZZ_ROOT ? path.join(process.env.WERANK_FUZZ_ROOT, "dist", "cli", "main.js") : CLI;
    const child = spawn(process.execPath, [cli, ...job.cli], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, WERANK_NUM_THREADS: "1", NO_COLOR: "1" } });
    let stderr = "";
    let timedOut = false;
    child.stdout.resume();
    child.stderr.on("data", (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-8000);
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const ms = Math.round(performance.now() - t0);
      const codeMatch = /\b(ERR_[A-Z_]+)\b/.exec(stderr);
      const status: Status = timedOut ? "timeout" : signal ? "signal" : code === 0 ? "ok" : "error";
      const leftover = status === "ok" ? [] : (job.noOutput ?? []).filter((p) => fs.existsSync(p));
      resolve({ status, ms, cli: true, message: stderr, ...(codeMatch ? { code: codeMatch[1] } : {}), ...(leftover.length ? { leftover } : {}) });
    });
  });
}

/** Runs every variant (API jobs batched, CLI jobs one child each); one outcome per variant, in order. */
export async function runVariants(variants: Variant[], options: RunOptions = {}): Promise<Outcome[]> {
  const timeoutMs = options.timeoutMs ?? (Number(process.env.WERANK_FUZZ_TIMEOUT_MS) || 15_000);
  const api = variants.map((v, i) => [v, i] as const).filter(([v]) => !isCli(v.job));
  const results: Omit<Outcome, "name" | "expect">[] = new Array(variants.length);
  const apiOut = await runApiJobs(
    api.map(([v]) => v.job as ApiJob),
    timeoutMs,
  );
  api.forEach(([, i], k) => (results[i] = apiOut[k]!));
  for (let i = 0; i < variants.length; i++) {
    const v = variants[i]!;
    if (isCli(v.job)) results[i] = await runCliJob(v.job, timeoutMs);
  }
  return variants.map((v, i) => ({ name: v.name, expect: v.expect, ...results[i]!, ...(v.codes ? { codes: v.codes } : {}) }));
}

/** Every broken rule (see the module comment), one line per variant; empty when all is well. */
export function violations(outcomes: Outcome[]): string[] {
  const bad: string[] = [];
  for (const o of outcomes) {
    const msg = (o.message ?? "").slice(0, 600);
    const why: string[] = [];
    if (o.status === "timeout") why.push(`no result within the timeout (hang) after ${o.ms} ms`);
    if (o.status === "signal" || o.status === "exit") why.push(`the process died: ${msg}`);
    if (o.status === "crash") why.push(`a non-WerankError exception: ${msg}`);
    if (o.message && STACK_LINE.test(o.message)) why.push(`a stack trace in the ${o.cli ? "stderr" : "message"}: ${msg}`);
    if (o.expect === "bad" && o.status === "ok") why.push(o.cli ? "exit 0 on bad input" : "accepted bad input");
    if (o.expect === "good" && o.status !== "ok") why.push(`refused good input: ${msg}`);
    if (o.leftover) why.push(`a failed run left output behind: ${o.leftover.join(", ")}`);
    if (o.status === "error") {
      const okCodes = o.codes;
      if (o.code === undefined) why.push(`an error without an ERR_ code: ${msg}`);
      else if (okCodes ? !okCodes.includes(o.code) : o.code === "ERR_INTERNAL") why.push(`error code ${o.code}${okCodes ? ` (expected ${okCodes.join("/")})` : ""}: ${msg}`);
    }
    if (why.length) bad.push(`${o.name}: ${why.join("; ")}`);
  }
  return bad;
}

/** Counts per outcome, e.g. { total: 212, ok: 40, "error ERR_DATA": 172 }, for logs and the report. */
export function tally(outcomes: Outcome[]): Record<string, number> {
  const t: Record<string, number> = { total: outcomes.length };
  for (const o of outcomes) {
    const k = `${o.expect}:${o.status}${o.code ? ` ${o.code}` : ""}`;
    t[k] = (t[k] ?? 0) + 1;
  }
  return t;
}

/** The `n` slowest variants as "name: ms", for logs. */
export function slowest(outcomes: Outcome[], n = 5): string[] {
  return [...outcomes]
    .sort((a, b) => b.ms - a.ms)
    .slice(0, n)
    .map((o) => `${o.name}: ${o.ms} ms`);
}

/**
 * One vitest test running a suite's variants: all `fixed` ones, plus all `random` ones under
 * WERANK_FUZZ=full or a seeded sample of `sample` of them otherwise; asserts the variant counts
 * (200 / 30) and no {@link violations}, and logs the {@link tally}.
 */
export function fuzzSuite(label: string, build: () => { fixed: Variant[]; random: Variant[] }, options: { sample: number; seed: number }): void {
  describe(`${label} fuzz suite`, () => {
    beforeAll(() => ensureDist());

    it("every variant ends cleanly: no signal, hang, stack trace or success on bad data", async () => {
      const { fixed, random } = build();
      const variants = [...fixed, ...(fuzzFull ? random : pick(random, options.sample, options.seed))];
      expect(variants.length).toBeGreaterThanOrEqual(fuzzFull ? 200 : 30);
      const outcomes = await runVariants(variants);
      console.log(`${label} fuzz (${fuzzFull ? "full" : "subset"}):`, JSON.stringify(tally(outcomes)), "slowest:", slowest(outcomes));
      expect(violations(outcomes)).toEqual([]);
    });
  });
}
