/**
 * A run directory (DESIGN D8): `config.json` (resolved), `env.json`, `metrics.jsonl`, `spectra.jsonl`,
 * `checkpoints/*.safetensors` (+ JSON sidecar), `summary.json`, `report.html`.
 *
 * @example
 * ```ts
 * const run = RunDir.create("runs", "bgrl-cora");
 * run.writeJson("config.json", config);
 * run.appendJsonl("metrics.jsonl", { epoch: 1, loss: 1.2 });
 * ```
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ConfigError } from "../errors.js";
import { atomicWriteFile, atomicWriteJson, isTempFile } from "../util/atomicWrite.js";
import { MAX_RUN_FILE_BYTES } from "../util/jsonl.js";
import { readRegularTextFile } from "../util/regularFile.js";
import { PACKAGE_ROOT } from "../native/addon.js";

/** What a training run writes into its directory (removed by `train --overwrite`). */
export const RUN_OUTPUTS = ["config.json", "env.json", "metrics.jsonl", "spectra.jsonl", "summary.json", "report.html", "checkpoints"];

export class RunDir {
  readonly dir: string;
  private readonly jsonl = new Map<string, number>();

  constructor(dir: string) {
    this.dir = path.resolve(dir);
    fs.mkdirSync(this.dir, { recursive: true });
  }

  /** A new directory `<root>/<name>-<UTC timestamp>` (suffixed when it exists). */
  static create(root: string, name: string): RunDir {
    const stamp = new Date().toISOString().replace(/[-:]/g, "").replace(/\..*$/, "").replace("T", "-");
    const safe = name.replace(/[^A-Za-z0-9._+-]+/g, "_");
    let dir = path.resolve(root, `${safe}-${stamp}`);
    for (let i = 1; fs.existsSync(dir); i++) dir = path.resolve(root, `${safe}-${stamp}-${i}`);
    return new RunDir(dir);
  }

  /**
   * A run directory at exactly `dir` for a NEW run: refused (ERR_CONFIG) when `dir` exists and is not
   * empty, since writing into it would append to its metrics and mix old checkpoints with new ones.
   * With `overwrite`, the outputs of an earlier run there ({@link RUN_OUTPUTS}) are removed first;
   * other files are left alone.
   */
  static fresh(dir: string, options: { overwrite?: boolean } = {}): RunDir {
    const abs = path.resolve(dir);
    let entries: string[] = [];
    if (fs.existsSync(abs)) {
      if (!fs.statSync(abs).isDirectory()) throw new ConfigError(`--run-dir ${abs} exists and is not a directory`);
      entries = fs.readdirSync(abs);
    }
    if (entries.length > 0 && !options.overwrite) {
      const run = entries.includes("config.json") ? "it holds a run; continue it with --resume, or " : "";
      throw new ConfigError(
        `--run-dir ${abs} is not empty (${entries.slice(0, 4).join(", ")}${entries.length > 4 ? ", ..." : ""}): ${run}pass --overwrite to replace its run outputs, or choose another directory`,
      );
    }
    for (const e of entries) {
      if (RUN_OUTPUTS.includes(e) || /^eval-.*\.json$/.test(e) || isTempFile(e)) fs.rmSync(path.join(abs, e), { recursive: true, force: true });
    }
    return new RunDir(abs);
  }

  path(...parts: string[]): string {
    return path.join(this.dir, ...parts);
  }

  writeJson(file: string, value: unknown): void {
    atomicWriteJson(this.path(file), value);
  }

  writeText(file: string, text: string): void {
    atomicWriteFile(this.path(file), text);
  }

  /** Appends one JSON object as a line (JSONL). Each line is written whole. */
  appendJsonl(file: string, value: unknown): void {
    const full = this.path(file);
    fs.appendFileSync(full, `${JSON.stringify(value)}\n`);
    this.jsonl.set(file, (this.jsonl.get(file) ?? 0) + 1);
  }

  exists(file: string): boolean {
    return fs.existsSync(this.path(file));
  }

  readJson<T = unknown>(file: string): T {
    return JSON.parse(readRegularTextFile(this.path(file), { what: "run file", code: "ERR_DATA", maxBytes: MAX_RUN_FILE_BYTES })) as T;
  }
}

export { MAX_RUN_FILE_BYTES, readJsonl } from "../util/jsonl.js";

export interface EnvironmentInfo {
  time: string;
  hostname: string;
  platform: string;
  node: string;
  cpus: number;
  argv: string[];
  git: { sha: string | null; dirty: boolean | null };
  [extra: string]: unknown;
}

/** Versions, machine and git revision, for env.json. */
export function environmentInfo(extra: Record<string, unknown> = {}): EnvironmentInfo {
  const git = (args: string[]): string | null => {
    try {
      return execFileSync("git", args, { cwd: PACKAGE_ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    } catch {
      return null;
    }
  };
  const sha = git(["rev-parse", "HEAD"]);
  const status = sha === null ? null : git(["status", "--porcelain", "--untracked-files=no"]);
  return {
    time: new Date().toISOString(),
    hostname: os.hostname(),
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    node: process.version,
    cpus: os.availableParallelism?.() ?? os.cpus().length,
    argv: process.argv.slice(2),
    git: { sha, dirty: status === null ? null : status.length > 0 },
    ...extra,
  };
}
