/**
 * Which rank this process is, read from the environment a launcher sets: torchrun's (and
 * {@link launchRanks}'s) `RANK`, `WORLD_SIZE`, `LOCAL_RANK`, `LOCAL_WORLD_SIZE`, `MASTER_ADDR`,
 * `MASTER_PORT`, or Slurm's `SLURM_PROCID`, `SLURM_NTASKS`, `SLURM_LOCALID` under `srun`, where the
 * master is the first host of `SLURM_JOB_NODELIST` (compressed lists such as `node[01-04],gpu7`
 * are expanded by {@link expandNodelist}). torchrun's variables win when both are set (torchrun
 * inside an allocation). Bad values are a ConfigError naming the variable.
 *
 * @example
 * ```ts
 * import { readRankEnv, ProcessGroup } from "werank-native";
 * const env = readRankEnv();           // { rank: 0, worldSize: 1, source: "single", ... } without a launcher
 * if (env.worldSize > 1) {
 *   const pg = new ProcessGroup(env);
 *   // ...
 * }
 * ```
 */
import { ConfigError } from "../errors.js";

/** Where the rank came from: torchrun-style variables, Slurm's, or none (one process). */
export type RankSource = "torchrun" | "slurm" | "single";

export interface RankEnv {
  /** Global rank, 0 <= rank < worldSize. */
  rank: number;
  worldSize: number;
  /** Rank on this machine (picks the GPU: cuda:localRank). */
  localRank: number;
  /** Ranks on this machine. */
  localWorldSize: number;
  /** Host of rank 0, which serves the rendezvous store. */
  masterAddr: string;
  masterPort: number;
  /**
   * This rank serves the rendezvous store on masterPort: rank 0, except under torchrun, whose agent
   * serves it already (TORCHELASTIC_USE_AGENT_STORE=True) and every rank joins as a client.
   */
  storeServer: boolean;
  /** Key prefix in that store ("" or torchrun's "/worker/attempt_<TORCHELASTIC_RESTART_COUNT>", as PyTorch's env://). */
  storePrefix: string;
  source: RankSource;
}

/** torchrun's default port, used when nothing else names one. */
export const DEFAULT_MASTER_PORT = 29500;
/** Expanding a node list stops beyond this many hosts (a typo such as node[1-100000000] stays cheap). */
export const MAX_NODELIST_HOSTS = 100_000;

type Env = Record<string, string | undefined>;

function present(env: Env, key: string): boolean {
  return env[key] !== undefined && env[key] !== "";
}

/** A non-negative decimal integer from variable `key`, or `fallback` when it is unset. */
function intVar(env: Env, key: string, fallback?: number): number {
  const raw = env[key];
  if (raw === undefined || raw === "") {
    if (fallback !== undefined) return fallback;
    throw new ConfigError(`Expected the environment variable ${key} to be set (a non-negative integer) but it is missing`);
  }
  const s = raw.trim();
  if (!/^\d+$/.test(s) || !Number.isSafeInteger(Number(s))) throw new ConfigError(`Expected ${key} to be a non-negative integer but received '${raw}'`);
  return Number(s);
}

function checkPort(port: number, key: string): number {
  if (port < 1 || port > 65535) throw new ConfigError(`Expected ${key} to be a TCP port in 1..65535 but received ${port}`);
  return port;
}

function checkRanks(r: RankEnv, rankKey: string, sizeKey: string, localKey: string): RankEnv {
  if (r.worldSize < 1) throw new ConfigError(`Expected ${sizeKey} >= 1 but received ${r.worldSize}`);
  if (r.rank >= r.worldSize) throw new ConfigError(`Expected ${rankKey} < ${sizeKey} = ${r.worldSize} but received ${r.rank}`);
  if (r.localWorldSize < 1 || r.localWorldSize > r.worldSize) {
    throw new ConfigError(`Expected 1 <= local world size <= ${sizeKey} = ${r.worldSize} but received ${r.localWorldSize}`);
  }
  if (r.localRank >= r.localWorldSize) throw new ConfigError(`Expected ${localKey} < the local world size ${r.localWorldSize} but received ${r.localRank}`);
  return r;
}

function fromTorchrun(env: Env): RankEnv {
  for (const k of ["RANK", "WORLD_SIZE"]) {
    if (!present(env, k)) throw new ConfigError(`Expected both RANK and WORLD_SIZE (as torchrun sets them) but ${k} is missing`);
  }
  const worldSize = intVar(env, "WORLD_SIZE");
  if (worldSize > 1) {
    for (const k of ["MASTER_ADDR", "MASTER_PORT"]) {
      if (!present(env, k)) throw new ConfigError(`Expected ${k} with WORLD_SIZE = ${worldSize} (the rendezvous of rank 0) but it is missing`);
    }
  }
  const r: RankEnv = {
    rank: intVar(env, "RANK"),
    worldSize,
    localRank: intVar(env, "LOCAL_RANK", 0),
    localWorldSize: intVar(env, "LOCAL_WORLD_SIZE", worldSize),
    masterAddr: env.MASTER_ADDR?.trim() || "127.0.0.1",
    masterPort: checkPort(intVar(env, "MASTER_PORT", DEFAULT_MASTER_PORT), "MASTER_PORT"),
    storeServer: false,
    storePrefix: "",
    source: "torchrun",
  };
  const agent = env.TORCHELASTIC_USE_AGENT_STORE === "True";
  r.storeServer = !agent && r.rank === 0;
  if (agent) r.storePrefix = `/worker/attempt_${intVar(env, "TORCHELASTIC_RESTART_COUNT", 0)}`;
  return checkRanks(r, "RANK", "WORLD_SIZE", "LOCAL_RANK");
}

/** Slurm's tasks per node of this node: SLURM_NTASKS_PER_NODE, else the first count of SLURM_TASKS_PER_NODE ("4(x2),3"). */
function slurmLocalSize(env: Env, worldSize: number): number {
  if (present(env, "SLURM_NTASKS_PER_NODE")) return intVar(env, "SLURM_NTASKS_PER_NODE");
  const m = /^(\d+)/.exec(env.SLURM_TASKS_PER_NODE ?? "");
  return m ? Number(m[1]) : worldSize;
}

function fromSlurm(env: Env): RankEnv {
  const worldSize = intVar(env, "SLURM_NTASKS");
  const list = env.SLURM_JOB_NODELIST || env.SLURM_NODELIST;
  let masterAddr = env.MASTER_ADDR?.trim();
  if (!masterAddr) {
    if (!list) {
      if (worldSize > 1) throw new ConfigError("Expected SLURM_JOB_NODELIST (or MASTER_ADDR) with SLURM_NTASKS > 1 but neither is set");
      masterAddr = "127.0.0.1";
    } else {
      masterAddr = firstNode(list);
    }
  }
  // As Lightning does: a port derived from the job id, the same on every task, distinct between jobs.
  const jobId = env.SLURM_JOB_ID ?? env.SLURM_JOBID;
  const fallbackPort = jobId && /^\d+$/.test(jobId) ? 15000 + (Number(jobId.slice(-4)) % 10000) : DEFAULT_MASTER_PORT;
  const r: RankEnv = {
    rank: intVar(env, "SLURM_PROCID"),
    worldSize,
    localRank: intVar(env, "SLURM_LOCALID", 0),
    localWorldSize: Math.min(slurmLocalSize(env, worldSize), worldSize),
    masterAddr,
    masterPort: checkPort(intVar(env, "MASTER_PORT", fallbackPort), "MASTER_PORT"),
    storeServer: false,
    storePrefix: "",
    source: "slurm",
  };
  r.storeServer = r.rank === 0;
  return checkRanks(r, "SLURM_PROCID", "SLURM_NTASKS", "SLURM_LOCALID");
}

/**
 * The rank of this process from `env` (default `process.env`): torchrun-style variables when `RANK`
 * or `WORLD_SIZE` is set, else Slurm's when `SLURM_PROCID` and `SLURM_NTASKS` are (a plain
 * `sbatch` script without `srun` has no SLURM_PROCID and counts as one process), else one process.
 */
export function readRankEnv(env: Env = process.env): RankEnv {
  if (present(env, "RANK") || present(env, "WORLD_SIZE")) return fromTorchrun(env);
  if (present(env, "SLURM_PROCID") && present(env, "SLURM_NTASKS")) return fromSlurm(env);
  return { rank: 0, worldSize: 1, localRank: 0, localWorldSize: 1, masterAddr: "127.0.0.1", masterPort: DEFAULT_MASTER_PORT, storeServer: true, storePrefix: "", source: "single" };
}

// ---- Slurm host lists ----------------------------------------------------------------------------

/** One numeric range of a bracket: lo..hi, printed zero-padded to `width` digits. */
interface Range {
  lo: number;
  hi: number;
  width: number;
}
/** A host pattern: literal text and bracket groups alternating, e.g. "rack", [1-2], "-n", [01-04]. */
type Part = string | Range[];

function bad(list: string, why: string): never {
  throw new ConfigError(`Expected a Slurm node list such as 'node[01-04],gpu7' but '${list}' ${why}`);
}

function parseBracket(list: string, body: string): Range[] {
  if (body === "") bad(list, "has an empty bracket []");
  return body.split(",").map((item) => {
    const m = /^(\d+)(?:-(\d+))?$/.exec(item.trim());
    if (!m) bad(list, `has '${item}' inside brackets (expected numbers or ranges such as 01-04)`);
    const [lo, hi] = [Number(m[1]), Number(m[2] ?? m[1])];
    if (hi < lo) bad(list, `has the decreasing range ${item}`);
    return { lo, hi, width: m[1]!.length };
  });
}

/** Splits a node list at top-level commas into patterns; validates brackets. */
function parseNodelist(list: string): Part[][] {
  const text = list.trim();
  if (text === "") bad(list, "is empty");
  const hosts: Part[][] = [];
  let parts: Part[] = [];
  let literal = "";
  let i = 0;
  const endHost = (): void => {
    if (literal) parts.push(literal);
    if (parts.length === 0) bad(list, "has an empty host name (two commas or a trailing comma)");
    hosts.push(parts);
    parts = [];
    literal = "";
  };
  while (i < text.length) {
    const c = text[i]!;
    if (c === "[") {
      const close = text.indexOf("]", i);
      if (close < 0) bad(list, "has an unclosed '['");
      const body = text.slice(i + 1, close);
      if (body.includes("[")) bad(list, "has nested brackets");
      if (literal) parts.push(literal);
      literal = "";
      parts.push(parseBracket(list, body));
      i = close + 1;
    } else if (c === "]") {
      bad(list, "has a ']' without '['");
    } else if (c === ",") {
      endHost();
      i++;
    } else if (/\s/.test(c)) {
      bad(list, "contains white space");
    } else {
      literal += c;
      i++;
    }
  }
  endHost();
  return hosts;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, "0");
}

/** Every host of a pattern, in Slurm's order (the rightmost bracket varies fastest). */
function expandPattern(parts: Part[], out: string[], list: string): void {
  const walk = (k: number, prefix: string): void => {
    if (k === parts.length) {
      if (out.length >= MAX_NODELIST_HOSTS) bad(list, `names more than ${MAX_NODELIST_HOSTS} hosts`);
      out.push(prefix);
      return;
    }
    const p = parts[k]!;
    if (typeof p === "string") walk(k + 1, prefix + p);
    else for (const r of p) for (let n = r.lo; n <= r.hi; n++) walk(k + 1, prefix + pad(n, r.width));
  };
  walk(0, "");
}

/**
 * The hosts of a Slurm node list (`SLURM_JOB_NODELIST`), in order: `node[01-03],gpu7` →
 * node01, node02, node03, gpu7; `rack[1-2]-n[1,3]` → rack1-n1, rack1-n3, rack2-n1, rack2-n3.
 * Zero padding follows the range's first number, as in Slurm.
 */
export function expandNodelist(list: string): string[] {
  const out: string[] = [];
  for (const parts of parseNodelist(list)) expandPattern(parts, out, list);
  return out;
}

/** The first host of a Slurm node list (the master), without expanding the rest. */
export function firstNode(list: string): string {
  const [first] = parseNodelist(list);
  return first!.map((p) => (typeof p === "string" ? p : pad(p[0]!.lo, p[0]!.width))).join("");
}
