/**
 * src/dist/rankEnv.ts: the rank of a process from torchrun's or Slurm's variables, and Slurm's
 * compressed node lists (the master is the first host). Pure functions of an env object.
 */
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../src/errors.js";
import { expandNodelist, firstNode, readRankEnv } from "../../../src/dist/rankEnv.js";

function configError(fn: () => unknown, ...parts: string[]): void {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err, "expected a ConfigError").toBeInstanceOf(ConfigError);
  expect((err as ConfigError).code).toBe("ERR_CONFIG");
  for (const p of parts) expect((err as Error).message).toContain(p);
}

describe("readRankEnv: torchrun variables", () => {
  it("reads RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE, MASTER_ADDR, MASTER_PORT", () => {
    const r = readRankEnv({ RANK: "3", WORLD_SIZE: "8", LOCAL_RANK: "1", LOCAL_WORLD_SIZE: "2", MASTER_ADDR: "node01", MASTER_PORT: "29400" });
    expect(r).toEqual({ rank: 3, worldSize: 8, localRank: 1, localWorldSize: 2, masterAddr: "node01", masterPort: 29400, storeServer: false, storePrefix: "", source: "torchrun" });
    expect(readRankEnv({ RANK: "0", WORLD_SIZE: "2", MASTER_ADDR: "a", MASTER_PORT: "1" })).toMatchObject({ storeServer: true, storePrefix: "" });
  });
  it("under torchrun's agent store every rank joins as a client, keys under /worker/attempt_<restart> (as PyTorch's env://)", () => {
    const env = { RANK: "0", WORLD_SIZE: "2", MASTER_ADDR: "a", MASTER_PORT: "1", TORCHELASTIC_USE_AGENT_STORE: "True", TORCHELASTIC_RESTART_COUNT: "2" };
    expect(readRankEnv(env)).toMatchObject({ rank: 0, storeServer: false, storePrefix: "/worker/attempt_2" });
    expect(readRankEnv({ ...env, TORCHELASTIC_RESTART_COUNT: undefined })).toMatchObject({ storePrefix: "/worker/attempt_0" });
    expect(readRankEnv({ ...env, TORCHELASTIC_USE_AGENT_STORE: "False" })).toMatchObject({ storeServer: true, storePrefix: "" });
  });
  it("win over Slurm's (torchrun inside an allocation)", () => {
    const r = readRankEnv({ RANK: "1", WORLD_SIZE: "2", MASTER_ADDR: "a", MASTER_PORT: "1234", SLURM_PROCID: "0", SLURM_NTASKS: "1" });
    expect(r.source).toBe("torchrun");
    expect(r.rank).toBe(1);
  });
  it("one process when nothing is set; a world of one needs no master", () => {
    expect(readRankEnv({})).toMatchObject({ rank: 0, worldSize: 1, localRank: 0, source: "single" });
    expect(readRankEnv({ RANK: "0", WORLD_SIZE: "1" })).toMatchObject({ worldSize: 1, masterAddr: "127.0.0.1", masterPort: 29500, source: "torchrun" });
  });
  it("bad values are ConfigErrors naming the variable", () => {
    configError(() => readRankEnv({ RANK: "0" }), "WORLD_SIZE is missing");
    configError(() => readRankEnv({ RANK: "2", WORLD_SIZE: "2", MASTER_ADDR: "a", MASTER_PORT: "1" }), "RANK < WORLD_SIZE = 2", "received 2");
    configError(() => readRankEnv({ RANK: "-1", WORLD_SIZE: "2", MASTER_ADDR: "a", MASTER_PORT: "1" }), "RANK to be a non-negative integer", "'-1'");
    configError(() => readRankEnv({ RANK: "1.5", WORLD_SIZE: "2", MASTER_ADDR: "a", MASTER_PORT: "1" }), "RANK", "'1.5'");
    configError(() => readRankEnv({ RANK: "0", WORLD_SIZE: "0" }), "WORLD_SIZE >= 1");
    configError(() => readRankEnv({ RANK: "0", WORLD_SIZE: "2", MASTER_PORT: "1" }), "MASTER_ADDR");
    configError(() => readRankEnv({ RANK: "0", WORLD_SIZE: "2", MASTER_ADDR: "a" }), "MASTER_PORT");
    configError(() => readRankEnv({ RANK: "0", WORLD_SIZE: "2", MASTER_ADDR: "a", MASTER_PORT: "70000" }), "MASTER_PORT", "1..65535");
    configError(() => readRankEnv({ RANK: "0", WORLD_SIZE: "2", MASTER_ADDR: "a", MASTER_PORT: "x" }), "MASTER_PORT", "'x'");
    configError(() => readRankEnv({ RANK: "0", WORLD_SIZE: "4", LOCAL_RANK: "2", LOCAL_WORLD_SIZE: "2", MASTER_ADDR: "a", MASTER_PORT: "1" }), "LOCAL_RANK");
  });
});

describe("readRankEnv: Slurm variables", () => {
  const base = { SLURM_PROCID: "5", SLURM_NTASKS: "8", SLURM_LOCALID: "1", SLURM_NTASKS_PER_NODE: "4", SLURM_JOB_NODELIST: "gpu[07-08,11],cpu1", SLURM_JOB_ID: "123456" };
  it("rank from SLURM_PROCID, master = first host of SLURM_JOB_NODELIST, port from the job id", () => {
    expect(readRankEnv(base)).toEqual({
      rank: 5,
      worldSize: 8,
      localRank: 1,
      localWorldSize: 4,
      masterAddr: "gpu07",
      masterPort: 15000 + 3456,
      storeServer: false,
      storePrefix: "",
      source: "slurm",
    });
    expect(readRankEnv({ ...base, SLURM_PROCID: "0", SLURM_LOCALID: "0" }).storeServer).toBe(true);
  });
  it("MASTER_ADDR / MASTER_PORT override; SLURM_TASKS_PER_NODE gives the local size", () => {
    const r = readRankEnv({ ...base, SLURM_NTASKS_PER_NODE: undefined, SLURM_TASKS_PER_NODE: "2(x4)", MASTER_ADDR: "10.0.0.1", MASTER_PORT: "40000" });
    expect(r).toMatchObject({ masterAddr: "10.0.0.1", masterPort: 40000, localWorldSize: 2 });
  });
  it("SLURM_PROCID without SLURM_NTASKS (or a plain sbatch shell) is one process", () => {
    expect(readRankEnv({ SLURM_PROCID: "0", SLURM_JOB_NODELIST: "n1" }).source).toBe("single");
  });
  it("bad values are ConfigErrors", () => {
    configError(() => readRankEnv({ ...base, SLURM_PROCID: "8" }), "SLURM_PROCID < SLURM_NTASKS = 8");
    configError(() => readRankEnv({ ...base, SLURM_JOB_NODELIST: "gpu[07-" }), "Slurm node list", "unclosed");
    configError(() => readRankEnv({ SLURM_PROCID: "0", SLURM_NTASKS: "2" }), "SLURM_JOB_NODELIST");
  });
});

describe("Slurm node lists", () => {
  it("plain names and comma lists", () => {
    expect(expandNodelist("node1")).toEqual(["node1"]);
    expect(expandNodelist("a,b,c")).toEqual(["a", "b", "c"]);
  });
  it("ranges keep the zero padding of the first number; lists and ranges mix inside brackets", () => {
    expect(expandNodelist("node[01-04],gpu7")).toEqual(["node01", "node02", "node03", "node04", "gpu7"]);
    expect(expandNodelist("n[8-11]")).toEqual(["n8", "n9", "n10", "n11"]);
    expect(expandNodelist("n[098-101]")).toEqual(["n098", "n099", "n100", "n101"]);
    expect(expandNodelist("c[1,3,5-6]")).toEqual(["c1", "c3", "c5", "c6"]);
  });
  it("suffixes and several brackets in one name (the rightmost varies fastest)", () => {
    expect(expandNodelist("rack[1-2]-n[1,3]")).toEqual(["rack1-n1", "rack1-n3", "rack2-n1", "rack2-n3"]);
    expect(expandNodelist("n[1-2].cluster,login")).toEqual(["n1.cluster", "n2.cluster", "login"]);
    expect(expandNodelist("[1-2]x")).toEqual(["1x", "2x"]);
  });
  it("the first node without expanding the rest", () => {
    expect(firstNode("node[01-04],gpu7")).toBe("node01");
    expect(firstNode("rack[3-4]-n[007-999999999]")).toBe("rack3-n007");
    expect(firstNode("gpu7,node[01-04]")).toBe("gpu7");
  });
  it("malformed lists are ConfigErrors saying what is wrong", () => {
    configError(() => expandNodelist(""), "is empty");
    configError(() => expandNodelist("n[1-3"), "unclosed '['");
    configError(() => expandNodelist("n1-3]"), "']' without '['");
    configError(() => expandNodelist("n[]"), "empty bracket");
    configError(() => expandNodelist("n[3-1]"), "decreasing range 3-1");
    configError(() => expandNodelist("n[a-b]"), "'a-b' inside brackets");
    configError(() => expandNodelist("n[1-[2]]"), "nested");
    configError(() => expandNodelist("a,,b"), "empty host name");
    configError(() => expandNodelist("a,"), "empty host name");
    configError(() => expandNodelist("a b"), "white space");
    configError(() => expandNodelist("n[1-200000]"), "more than 100000 hosts");
  });
});
