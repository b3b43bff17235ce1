/**
 * Data-parallel ranks over LibTorch's c10d (native/dist/process_group.cc, src/dist/ProcessGroup.ts):
 * two real ranks (child node processes started by launchRanks, test/fixtures/dist/collectiveRank.mjs)
 * rendezvous through the TCPStore and run ProcessGroupGloo's collectives; a killed or stuck rank makes
 * the survivor fail with ERR_DIST within the timeout instead of hanging. Skipped, with a message, when
 * the addon was built without c10d (gloo's headers missing); then the error that says what to install
 * is tested instead.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { DistError, freePort, type LaunchResult, ProcessGroup, tensor, tidy } from "../../src/index.js";
import { ensureDist, launchFixture } from "../helpers/dist.js";
import { expectError } from "../helpers/native.js";
import { callsOf } from "./native-calls.js";

const FIXTURE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "fixtures", "dist", "collectiveRank.mjs");
const support = ProcessGroup.support();
if (!support.c10d) {
  console.warn(
    "SKIPPED: the c10d process-group tests — this addon was built without c10d (gloo's headers missing at build time: apt-get install libgloo-dev, then node scripts/build-native.cjs --force)",
  );
}

/** Starts 2 ranks of the fixture and parses each rank's JSON line. */
async function ranks(args: string[], timeoutMs: number, extra: { env?: Record<string, string>; masterPort?: number } = {}): Promise<{ r: LaunchResult; out: Record<string, unknown>[] }> {
  return launchFixture(FIXTURE, args, { env: { ...process.env, TEST_DIST_TIMEOUT_MS: String(timeoutMs), ...extra.env }, masterPort: extra.masterPort });
}

const rankValues = (base: number[], r: number): number[] => base.map((v) => v * (r + 1) + r);
const meanOf2 = (base: number[]): number[] => base.map((_, i) => (rankValues(base, 0)[i]! + rankValues(base, 1)[i]!) / 2);

describe.skipIf(support.c10d)("without c10d", () => {
  it("creating a group is ERR_NATIVE_MISSING naming libgloo-dev", () => {
    expectError(() => new ProcessGroup({ rank: 0, worldSize: 1, masterAddr: "127.0.0.1", masterPort: 29500 }), "ERR_NATIVE_MISSING", "libgloo-dev", "build-native");
  });
});

describe.skipIf(!support.c10d)("ProcessGroupGloo over c10d (2 ranks)", () => {
  beforeAll(() => ensureDist());

  it("allReduceMean: the mean of every tensor (float32 and float64, several shapes) in tiny buckets; broadcast; scalars; barrier", async () => {
    const { r, out } = await ranks(["collectives"], 20_000);
    expect(r.ok, `${r.message}\n${r.ranks.map((e) => e.stderr).join("\n")}`).toBe(true);
    // f: [3, 4] of i - 3 transposed to [4, 3]: element (i, j) is base[j * 4 + i].
    const fBase = Array.from({ length: 12 }, (_, k) => Math.floor(k / 3) + (k % 3) * 4 - 3);
    const bases = [[1, 2, 3, 4, 5, 6], [1, 2], Array.from({ length: 40 }, (_, i) => i / 8), fBase, [0.5, -1.5, 2.25], [7]];
    const shapes = [[2, 3], [2], [40], [4, 3], [3], []];
    const dtypes = ["float32", "float32", "float32", "float32", "float64", "float64"];
    for (const o of out) {
      // 32-byte buckets: {a [2,3] f32 + e [2] f32 = 32 B}, {c: 160 B alone, in place}, {f: 48 B non-contiguous},
      // {b [3] f64 + d [] f64 = 32 B}.
      expect(o.buckets).toBe(4);
      expect(o.defaultBuckets).toBe(1);
      const mean = o.mean as { shape: number[]; dtype: string; values: number[] }[];
      mean.forEach((m, k) => {
        expect(m.shape).toEqual(shapes[k]);
        expect(m.dtype).toBe(dtypes[k]);
        const want = meanOf2(bases[k]!);
        m.values.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 5));
      });
      // Rank 1's values on both ranks, float32 and int64 in two buckets.
      expect(o.broadcastBuckets).toBe(2);
      expect(o.broadcast).toEqual([
        [3, 5, 7],
        [10, 11],
      ]);
      expect(o.scalarsSum).toEqual([3, 1]);
      expect(o.scalarsMean).toEqual([1.5]);
      expect(o.scalarsMax).toEqual([1, 0]);
    }
  }, 30_000);

  it("under torchrun's agent store (TORCHELASTIC_USE_AGENT_STORE=True) both ranks join a store served elsewhere, as clients", async () => {
    // The agent: a store server on the port, here the TCPStore of a one-rank group of this process.
    const port = await freePort();
    const agent = new ProcessGroup({ rank: 0, worldSize: 1, masterAddr: "127.0.0.1", masterPort: port, timeoutMs: 20_000 });
    try {
      const { r, out } = await ranks(["collectives"], 20_000, { env: { TORCHELASTIC_USE_AGENT_STORE: "True", TORCHELASTIC_RESTART_COUNT: "0" }, masterPort: port });
      expect(r.ok, `${r.message}\n${r.ranks.map((e) => e.stderr).join("\n")}`).toBe(true);
      expect(out.map((o) => o.broadcast)).toEqual([
        [
          [3, 5, 7],
          [10, 11],
        ],
        [
          [3, 5, 7],
          [10, 11],
        ],
      ]);
    } finally {
      agent.dispose();
    }
  }, 30_000);

  it("ranks that pass different lists or call different collectives get ERR_DIST on every rank (gloo would abort), and the group still works", async () => {
    const { r, out } = await ranks(["mismatch"], 20_000);
    expect(r.ok, `${r.message}\n${r.ranks.map((e) => e.stderr).join("\n")}`).toBe(true);
    for (const o of out) {
      expect(o.sizes).toMatchObject({ code: "ERR_DIST" });
      expect((o.sizes as { message: string }).message).toContain("the ranks did not make the same call (different dtypes, shapes, bucketBytes or root)");
      expect((o.calls as { message: string }).message).toContain("(different collectives at the same point)");
      expect((o.scalars as { message: string }).message).toContain("(between 1 and 2 values)");
      expect((o.sizes as { message: string }).message).toContain("the group is still usable");
      expect(o.after).toEqual([1]);
    }
  }, 30_000);

  for (const victim of [1, 0]) {
    it(`a rank killed with SIGKILL (rank ${victim}${victim === 0 ? ", the store's server" : ""}) makes the survivor throw ERR_DIST within the timeout; later calls fail at once`, async () => {
      const timeoutMs = 8000;
      const { r, out } = await ranks(["die", String(victim)], timeoutMs);
      expect(r.failed).toMatchObject({ rank: victim, signal: "SIGKILL" });
      const survivor = out[1 - victim]!;
      expect(r.ranks[1 - victim]!.code, r.ranks[1 - victim]!.stderr).toBe(0);
      const err = survivor.error as { code: string; name: string; message: string };
      expect(err).toMatchObject({ code: "ERR_DIST", name: "DistError" });
      expect(err.message).toContain(`allReduceMean failed on rank ${1 - victim} of 2 (gloo, timeout ${timeoutMs} ms)`);
      expect(err.message).toContain("A peer rank died");
      expect(survivor.elapsedMs as number).toBeLessThan(timeoutMs);
      expect(survivor.after).toMatchObject({ code: "ERR_DIST" });
      expect((survivor.after as { message: string }).message).toContain("failed earlier and cannot be used again");
    }, 30_000);
  }

  it("a rank that stays alive but skips a collective makes the other throw ERR_DIST after the timeout, not hang", async () => {
    const timeoutMs = 1500;
    const { r, out } = await ranks(["hang"], timeoutMs);
    expect(r.ok, r.message).toBe(true);
    const err = out[0]!.error as { code: string; message: string };
    expect(err.code).toBe("ERR_DIST");
    const elapsed = out[0]!.elapsedMs as number;
    expect(elapsed).toBeGreaterThanOrEqual(timeoutMs * 0.9);
    expect(elapsed).toBeLessThan(timeoutMs + 5000);
  }, 30_000);
});

describe.skipIf(!support.c10d)("ProcessGroup in one process", () => {
  it("a world of one: allReduceMean and broadcast leave the tensors as they are; misuse is coded", async () => {
    const pg = new ProcessGroup({ rank: 0, worldSize: 1, masterAddr: "127.0.0.1", masterPort: await freePort(), timeoutMs: 5000 });
    try {
      expect(pg.rank).toBe(0);
      expect(pg.worldSize).toBe(1);
      tidy(() => {
        const a = tensor([1.5, -2]);
        expect(pg.allReduceMean([a])).toBe(1);
        expect(Array.from(a.toTypedArray())).toEqual([1.5, -2]);
        // The whole list is one native call, whatever the number of tensors and buckets.
        const many = Array.from({ length: 12 }, (_, i) => tensor([i, i + 0.5]));
        expect(callsOf(() => expect(pg.allReduceMean(many, { bucketBytes: 16 })).toBe(6))).toBe(1);
        expect(callsOf(() => pg.broadcast(many, 0))).toBe(1);
        // A tensor reduced in its own memory is marked modified: autograd refuses a stale saved value.
        const w = tensor([1, 2], { requiresGrad: true });
        const x = tensor([3, 4]);
        const y = w.mul(x).sum();
        pg.allReduceMean([x]);
        expectError(() => y.backward(), "ERR_AUTOGRAD", "modified by an inplace operation");
        expect(pg.allReduceScalars([2, 3], "mean")).toEqual([2, 3]);
        expectError(() => pg.allReduceMean([tensor([1, 2], { dtype: "int64" })]), "ERR_DTYPE", "floating-point", "int64");
        expectError(() => pg.allReduceMean([a], { bucketBytes: 0 }), "ERR_ARGUMENT", "bucketBytes");
        expectError(() => pg.broadcast([a], 1), "ERR_ARGUMENT", "root");
        expectError(() => pg.allReduceScalars([1], "prod" as "sum"), "ERR_ARGUMENT", "'prod'");
      });
      expect(pg.failure).toBe("");
    } finally {
      pg.dispose();
    }
    expectError(() => pg.barrier(), "ERR_DISPOSED");
  });

  it("bad options are ArgumentErrors; a missing peer is ERR_DIST after the timeout", async () => {
    expectError(() => new ProcessGroup({ rank: 2, worldSize: 2, masterAddr: "127.0.0.1", masterPort: 29500 }), "ERR_ARGUMENT", "rank");
    expectError(() => new ProcessGroup({ rank: 0, worldSize: 1, masterAddr: "127.0.0.1", masterPort: 0 }), "ERR_ARGUMENT", "masterPort");
    expectError(() => new ProcessGroup({ rank: 0, worldSize: 1, masterAddr: "127.0.0.1", masterPort: 1, backend: "mpi" as "gloo" }), "ERR_ARGUMENT", "gloo, nccl");
    if (!support.nccl) {
      expectError(() => new ProcessGroup({ rank: 0, worldSize: 1, masterAddr: "127.0.0.1", masterPort: 1, backend: "nccl", device: "cuda:0" }), "ERR_NATIVE_MISSING", "nccl");
    }
    const port = await freePort();
    const t0 = Date.now();
    const e = expectError(
      () => new ProcessGroup({ rank: 0, worldSize: 2, masterAddr: "127.0.0.1", masterPort: port, timeoutMs: 60_000, joinTimeoutMs: 1000 }),
      "ERR_DIST",
      "rank 0 of 2 waited 1000 ms (joinTimeoutMs)",
      "rank(s) 1 never joined",
      "Possible solutions",
    );
    expect(e).toBeInstanceOf(DistError);
    expect(Date.now() - t0).toBeLessThan(8000);
  });
});
