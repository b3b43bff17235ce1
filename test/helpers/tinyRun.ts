/**
 * The tiny synthetic BGRL run that CLI tests train in a second or two: a config written as YAML into a
 * temp dir, and the built CLI run on one thread.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { CLI } from "./dist.js";

export interface TinyRunOptions {
  nodes: number;
  /** Feature count; also the encoder's first width and the predictor's hidden width. */
  features: number;
  /** The encoder's output width. */
  hidden: number;
  epochs: number;
  checkpointEvery: number;
  spectraEvery?: number;
  warmupEpochs?: number;
  /** Probe splits. */
  splits: number;
  /** More YAML lines (e.g. `werank: { alpha: 0.01 }`). */
  extra?: string;
}

/** The run's config as YAML. */
export function tinyRunYaml(o: TinyRunOptions): string {
  return [
    "dataset:",
    `  synthetic: { nodes: ${o.nodes}, classes: 3, features: ${o.features}, avgDegree: ${Math.max(4, Math.round(o.nodes / 40))} }`,
    `encoder: { layers: [${o.features}, ${o.hidden}] }`,
    `objective: { predictorHidden: ${o.features} }`,
    `optim: { lr: 0.005, warmupEpochs: ${o.warmupEpochs ?? 1} }`,
    `train: { epochs: ${o.epochs}, spectraEvery: ${o.spectraEvery ?? 0}, checkpointEvery: ${o.checkpointEvery} }`,
    `eval: { splits: ${o.splits} }`,
    ...(o.extra ? [o.extra] : []),
    "output: { report: false }",
    "",
  ].join("\n");
}

/** Writes the config to DIR/tiny.yaml and returns its path. */
export function writeTinyConfig(dir: string, o: TinyRunOptions): string {
  const file = path.join(dir, "tiny.yaml");
  fs.writeFileSync(file, tinyRunYaml(o));
  return file;
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI on one LibTorch thread (2-minute limit). */
export function runCli(args: string[], env: Record<string, string> = {}): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", env: { ...process.env, WERANK_NUM_THREADS: "1", ...env }, timeout: 120_000 });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** The JSON lines of a run's JSONL file (none when it does not exist). */
export const records = (file: string): Record<string, unknown>[] =>
  fs.existsSync(file)
    ? fs
        .readFileSync(file, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>)
    : [];

/** [epoch, loss] of every epoch line of a run directory's metrics.jsonl. */
export const epochLosses = (dir: string): [number, number][] =>
  records(path.join(dir, "metrics.jsonl"))
    .filter((r) => r.type === "epoch")
    .map((r) => [r.epoch as number, r.loss as number]);
