/**
 * Synchronized BatchNorm (torch.nn.SyncBatchNorm) over c10d/gloo: the differentiable all-reduce
 * (ProcessGroup.allReduceSumAutograd, native/dist/process_group.cc) and BatchNorm1d.setProcessGroup.
 * - two real ranks (test/fixtures/dist/syncBatchNormRank.mjs), each holding half the rows of a fixed
 *   X: the output, the gradient wrt X and wrt weight and bias, and the running statistics equal plain
 *   BatchNorm over the whole X in one process (1e-5); without the group they do not;
 * - the autograd all-reduce's forward and backward sums; a forward facing a backward is ERR_DIST;
 * - a rank dying between the forward and the backward makes the other's backward ERR_DIST, not a hang;
 * - in one process (a world of one): the native sync BatchNorm equals LibTorch's batch_norm and passes
 *   a finite-difference gradient check; misuse is coded.
 * Skipped, with a message, when the addon was built without c10d.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { BatchNorm1d, freePort, memory, noGrad, ProcessGroup, randn, Tensor, tensor, tidy } from "../../src/index.js";
import { N } from "../../src/native/addon.js";
import { ensureDist, launchFixture } from "../helpers/dist.js";
import { gradcheck } from "../helpers/gradcheck.js";
import { expectError } from "../helpers/native.js";

const FIXTURE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "fixtures", "dist", "syncBatchNormRank.mjs");
const support = ProcessGroup.support();
if (!support.c10d) console.warn("SKIPPED: the synchronized BatchNorm tests — this addon was built without c10d (apt-get install libgloo-dev, then node scripts/build-native.cjs --force)");

// X [8, 3]: rank 1's half has another mean and spread than rank 0's, so per-rank statistics differ.
const X = Array.from({ length: 8 }, (_, i) => Array.from({ length: 3 }, (_, j) => (i < 4 ? 0 : 3) + Math.sin(i * 1.7 + j * 0.9) * (1 + j * (i < 4 ? 1 : 0.3))));
const G = Array.from({ length: 8 }, (_, i) => Array.from({ length: 3 }, (_, j) => Math.cos(i * 0.7 - j * 1.3)));
const WEIGHT = [1.5, -0.5, 0.8];
const BIAS = [0.1, -0.2, 0.3];

interface BnOut {
  rank: number;
  y: number[];
  xGrad: number[];
  weightGrad: number[];
  biasGrad: number[];
  runningMean: number[];
  runningVar: number[];
  y2: number[];
  runningMean2: number[];
  runningVar2: number[];
  batches: number;
}

async function ranks(args: string[], timeoutMs = 20_000): Promise<{ ok: boolean; message: string; failed: unknown; out: Record<string, unknown>[]; codes: (number | null)[] }> {
  const env = { ...process.env, WERANK_NUM_THREADS: "1", TEST_DIST_TIMEOUT_MS: String(timeoutMs), TEST_SYNCBN_DATA: JSON.stringify({ X, G, weight: WEIGHT, bias: BIAS }) };
  const { r, out } = await launchFixture(FIXTURE, args, { env });
  return { ok: r.ok, message: `${r.message}\n${r.ranks.map((e) => e.stderr).join("\n")}`, failed: r.failed, out, codes: r.ranks.map((e) => e.code) };
}

/** Plain BatchNorm over the whole X in this process: what the two synchronized ranks must reproduce. */
function reference(): Omit<BnOut, "rank"> {
  return tidy(() => {
    const bn = new BatchNorm1d(3, { momentum: 0.3 });
    bn.loadStateDict({ ...bn.stateDict(), weight: tensor(WEIGHT), bias: tensor(BIAS) });
    const values = (t: Tensor): number[] => Array.from(t.toTypedArray(), Number);
    const x = tensor(X, { requiresGrad: true });
    const y = bn.forward(x);
    y.mul(tensor(G)).sum().backward();
    const [w, b] = bn.parameters();
    const o = { y: values(y), xGrad: values(x.grad!), weightGrad: values(w!.grad!), biasGrad: values(b!.grad!), runningMean: values(bn.runningMean!), runningVar: values(bn.runningVar!) };
    const y2 = values(noGrad(() => bn.forward(tensor(X.map((row) => row.map((v) => 2 * v - 1))))));
    const res = { ...o, y2, runningMean2: values(bn.runningMean!), runningVar2: values(bn.runningVar!), batches: 2 };
    bn.dispose();
    return res;
  });
}

function maxDiff(a: number[], b: number[]): number {
  expect(a.length).toBe(b.length);
  return Math.max(...a.map((v, i) => Math.abs(v - b[i]!)));
}

describe.skipIf(!support.c10d)("synchronized BatchNorm over 2 gloo ranks", () => {
  beforeAll(() => ensureDist());

  it("each rank with half of X: output, gradients wrt X, weight and bias, and running statistics equal BatchNorm over all of X (1e-5); unsynchronized they differ", async () => {
    const ref = reference();
    const sync = await ranks(["bn", "sync"]);
    expect(sync.ok, sync.message).toBe(true);
    const [r0, r1] = sync.out as unknown as BnOut[];
    const half = (a: number[], r: number): number[] => a.slice(r * 12, (r + 1) * 12); // 4 rows of 3
    for (const [r, o] of [r0!, r1!].entries()) {
      expect(maxDiff(o.y, half(ref.y, r)), `y of rank ${r}`).toBeLessThan(1e-5);
      expect(maxDiff(o.xGrad, half(ref.xGrad, r)), `dX of rank ${r}`).toBeLessThan(1e-5);
      expect(maxDiff(o.weightGrad, ref.weightGrad), "dweight").toBeLessThan(1e-5);
      expect(maxDiff(o.biasGrad, ref.biasGrad), "dbias").toBeLessThan(1e-5);
      expect(maxDiff(o.runningMean, ref.runningMean)).toBeLessThan(1e-5);
      expect(maxDiff(o.runningVar, ref.runningVar)).toBeLessThan(1e-5);
      // The noGrad forward (a BGRL target's) is synchronized too.
      expect(maxDiff(o.y2, half(ref.y2, r)), `target y of rank ${r}`).toBeLessThan(1e-5);
      expect(maxDiff(o.runningMean2, ref.runningMean2)).toBeLessThan(1e-5);
      expect(maxDiff(o.runningVar2, ref.runningVar2)).toBeLessThan(1e-5);
      expect(o.batches).toBe(2);
    }
    // Both ranks hold the same running statistics, bit for bit.
    expect([r0!.runningMean2, r0!.runningVar2]).toEqual([r1!.runningMean2, r1!.runningVar2]);

    // Not trivially equal: with per-rank statistics the output, the gradients and the running statistics differ.
    const local = await ranks(["bn", "local"]);
    expect(local.ok, local.message).toBe(true);
    const [l0, l1] = local.out as unknown as BnOut[];
    expect(maxDiff(l0!.y, half(ref.y, 0))).toBeGreaterThan(1e-2);
    expect(maxDiff(l1!.xGrad, half(ref.xGrad, 1))).toBeGreaterThan(1e-2);
    expect(maxDiff(l0!.runningVar, l1!.runningVar)).toBeGreaterThan(1e-2);
  }, 60_000);

  it("allReduceSumAutograd: forward sums the ranks' tensors, backward sums the ranks' gradients", async () => {
    const { ok, message, out } = await ranks(["sum"]);
    expect(ok, message).toBe(true);
    const s = [1 + 2, 0 - 2, 0.5 + 0.5];
    for (const o of out) {
      expect(o.s).toEqual(s);
      // d/dx_r of sum_r' (r' + 1) sum(s^2) = (1 + 2) * 2 s on every rank.
      expect(o.xGrad).toEqual(s.map((v) => 6 * v));
    }
  }, 30_000);

  it("a rank in the autograd sum's backward facing one in its forward: ERR_DIST on both (nothing exchanged), and the group still works", async () => {
    const { ok, message, out } = await ranks(["mismatch"]);
    expect(ok, message).toBe(true);
    for (const o of out) {
      expect(o.error).toMatchObject({ code: "ERR_DIST" });
      expect((o.error as { message: string }).message).toContain("the ranks did not make the same call (different collectives at the same point)");
      expect(o.after).toEqual([1]);
    }
    expect((out[1]!.error as { message: string }).message).toContain("allReduceSumAutograd (backward) on rank 1 of 2");
  }, 30_000);

  it("a rank killed between forward and backward: the other's backward throws ERR_DIST within the timeout, later calls fail at once", async () => {
    const timeoutMs = 8000;
    const { failed, out, codes } = await ranks(["die", "1"], timeoutMs);
    expect(failed).toMatchObject({ rank: 1, signal: "SIGKILL" });
    expect(codes[0]).toBe(0);
    const survivor = out[0]!;
    expect(survivor.error).toMatchObject({ code: "ERR_DIST", name: "DistError" });
    expect((survivor.error as { message: string }).message).toContain("allReduceSumAutograd (backward) failed on rank 0 of 2");
    expect(survivor.elapsedMs as number).toBeLessThan(timeoutMs);
    expect(survivor.after).toMatchObject({ code: "ERR_DIST" });
    expect((survivor.after as { message: string }).message).toContain("failed earlier and cannot be used again");
  }, 30_000);
});

describe.skipIf(!support.c10d)("synchronized BatchNorm in one process (a world of one)", () => {
  it("the native sync BatchNorm equals batch_norm (output, gradients, running statistics) and passes gradcheck; allReduceSumAutograd is the identity", async () => {
    const pg = new ProcessGroup({ rank: 0, worldSize: 1, masterAddr: "127.0.0.1", masterPort: await freePort(), timeoutMs: 5000 });
    const before = memory().tensors;
    try {
      tidy(() => {
        const f64 = { dtype: "float64" as const };
        const x = randn([7, 4], f64).mul(3).add(5);
        const [w, b] = [randn([4], f64), randn([4], f64)];
        // Through BatchNorm1d with a world of one: plain BatchNorm (no collective).
        const plain = new BatchNorm1d(4, { momentum: 0.2, dtype: "float64" });
        const one = new BatchNorm1d(4, { momentum: 0.2, dtype: "float64" }).setProcessGroup(pg);
        expect(one.processGroup).toBe(pg);
        expect(Array.from(one.forward(x).toTypedArray(), Number)).toEqual(Array.from(plain.forward(x).toTypedArray(), Number));
        // The native sync path itself against LibTorch's batch_norm.
        const [rm, rv] = [tensor([0, 0, 0, 0], f64), tensor([1, 1, 1, 1], f64)];
        const [rmRef, rvRef] = [rm.clone(), rv.clone()];
        const sync = (a: Tensor, bb: Tensor, c: Tensor): Tensor => new Tensor(N.pgSyncBatchNorm(pg._id, a._h, rm._h, rv._h, bb._h, c._h, 0.2, 1e-5));
        const ref = (a: Tensor, bb: Tensor, c: Tensor): Tensor => new Tensor(N.batchNorm(a._h, rmRef._h, rvRef._h, bb._h, c._h, true, 0.2, 1e-5));
        const xs = [x.detach().setRequiresGrad(), w.detach().setRequiresGrad(), b.detach().setRequiresGrad()];
        const xr = [x.detach().setRequiresGrad(), w.detach().setRequiresGrad(), b.detach().setRequiresGrad()];
        const g = randn([7, 4], f64);
        const ys = sync(xs[0]!, xs[1]!, xs[2]!);
        const yr = ref(xr[0]!, xr[1]!, xr[2]!);
        ys.mul(g).sum().backward();
        yr.mul(g).sum().backward();
        const close = (a: Tensor, c: Tensor): number => maxDiff(Array.from(a.toTypedArray(), Number), Array.from(c.toTypedArray(), Number));
        expect(close(ys, yr)).toBeLessThan(1e-10);
        for (let k = 0; k < 3; k++) expect(close(xs[k]!.grad!, xr[k]!.grad!), `grad ${k}`).toBeLessThan(1e-10);
        expect(close(rm, rmRef)).toBeLessThan(1e-12);
        expect(close(rv, rvRef)).toBeLessThan(1e-12);
        gradcheck((a, bb, c) => sync(a, bb, c).mul(g).sum(), [x, w, b]);
        // The autograd all-reduce of a world of one is the identity, gradient included.
        gradcheck((a) => pg.allReduceSumAutograd(a).square().sum(), [x]);
        expectError(() => pg.allReduceSumAutograd(tensor([1, 2], { dtype: "int64" })), "ERR_DTYPE", "floating-point", "int64");
        plain.dispose();
        one.dispose();
      });
      expect(memory().tensors).toBe(before);
    } finally {
      pg.dispose();
    }
    expectError(() => pg.allReduceSumAutograd(tensor([1])), "ERR_DISPOSED");
  });
});
