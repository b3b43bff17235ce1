/** Tensor lifetime (DESIGN D3): tidy() scopes, keep(), dispose(), `using`, the GC safety net, no leaks over a training loop. */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { crossEntropy, dispose, keep, linear, manualSeed, memory, noGrad, randn, tensor, tidy, zeros, type Tensor } from "../../src/index.js";
import { ensureDist, ROOT } from "../helpers/dist.js";
import { expectError } from "../helpers/native.js";

describe("a training-like loop does not leak", () => {
  it("1,000 steps of forward, loss, backward and a manual SGD update under noGrad return to the baseline", () => {
    manualSeed(0);
    const x = randn([16, 5]);
    const y = tensor(new BigInt64Array(Array.from({ length: 16 }, (_, i) => BigInt(i % 3))));
    const w = randn([3, 5]).mul_(0.1).setRequiresGrad();
    const b = zeros([3], { requiresGrad: true });
    const base = memory();
    let first = 0;
    let last = 0;
    for (let step = 0; step < 1000; step++) {
      const loss = tidy(() => {
        const l = crossEntropy(linear(x, w, b), y);
        l.backward();
        noGrad(() => {
          w.add_(w.grad!, -0.1);
          b.add_(b.grad!, -0.1);
        });
        w.zeroGrad();
        b.zeroGrad();
        return l.item();
      });
      if (step === 0) first = loss;
      last = loss;
    }
    expect(memory().tensors).toBe(base.tensors);
    expect(memory().bytes).toBe(base.bytes);
    expect(last).toBeLessThan(first); // it did learn something
    for (const t of [x, y, w, b]) t.dispose();
  });
});

describe("tidy() semantics", () => {
  it("frees intermediates, keeps the returned tensor", () => {
    const base = memory().tensors;
    const out = tidy(() => {
      const a = zeros([3]);
      const b = a.add(1);
      return b.mul(2);
    });
    expect(memory().tensors).toBe(base + 1);
    expect(out.toArray()).toEqual([2, 2, 2]);
    out.dispose();
    expect(memory().tensors).toBe(base);
  });
  it("tensors in returned arrays, objects and Maps survive; others do not", () => {
    const base = memory().tensors;
    let lost: Tensor | undefined;
    const r = tidy(() => {
      lost = zeros([1]);
      return { list: [zeros([1]), zeros([2])], nested: { t: zeros([3]) }, map: new Map([["m", zeros([4])]]), n: 5 };
    });
    expect(memory().tensors).toBe(base + 4);
    expect(r.list[1]!.shape).toEqual([2]);
    expect(r.nested.t.shape).toEqual([3]);
    expect(r.map.get("m")!.shape).toEqual([4]);
    expect(lost!.isDisposed).toBe(true);
    dispose(r);
    expect(memory().tensors).toBe(base);
  });
  it("nested scopes: an inner result moves to the outer scope and dies with it", () => {
    const base = memory().tensors;
    let inner: Tensor | undefined;
    const outer = tidy(() => {
      inner = tidy(() => zeros([2]).add(1));
      expect(inner.isDisposed).toBe(false);
      expect(memory().tensors).toBe(base + 1);
      return inner.sum();
    });
    expect(inner!.isDisposed).toBe(true);
    expect(outer.item()).toBe(2);
    outer.dispose();
    expect(memory().tensors).toBe(base);
  });
  it("keep() exempts a tensor from every enclosing scope", () => {
    const base = memory().tensors;
    let kept: Tensor | undefined;
    tidy(() => {
      tidy(() => {
        kept = keep(zeros([2]));
        zeros([5]);
      });
    });
    expect(kept!.isDisposed).toBe(false);
    expect(memory().tensors).toBe(base + 1);
    kept!.dispose();
    expect(memory().tensors).toBe(base);
    expectError(() => keep([1] as never), "ERR_ARGUMENT", "keep");
  });
  it("a tensor created outside any scope is untouched by a later scope that uses it", () => {
    const a = zeros([2]);
    tidy(() => a.add(1));
    expect(a.isDisposed).toBe(false);
    const same = tidy(() => a); // returning an outside tensor leaves it alone
    expect(same).toBe(a);
    a.dispose();
  });
  it("dispose() is idempotent, including after the scope freed it", () => {
    const base = memory().tensors;
    const a = zeros([2]);
    a.dispose();
    a.dispose();
    expect(a.isDisposed).toBe(true);
    expect(String(a)).toBe("Tensor(disposed)");
    let b: Tensor | undefined;
    tidy(() => {
      b = zeros([2]);
      b.dispose(); // disposed early inside the scope: the scope skips it
    });
    b!.dispose();
    dispose([a, b, { c: a }]);
    expect(memory().tensors).toBe(base);
  });
  it("`using` disposes at the end of the block (Symbol.dispose)", () => {
    const base = memory().tensors;
    let seen: Tensor | undefined;
    {
      using t = zeros([3]);
      seen = t;
      expect(memory().tensors).toBe(base + 1);
    }
    expect(seen.isDisposed).toBe(true);
    expect(memory().tensors).toBe(base);
  });
  it("a scope whose function throws frees its tensors and rethrows", () => {
    const base = memory().tensors;
    let made: Tensor | undefined;
    expect(() =>
      tidy(() => {
        made = zeros([4]);
        zeros([4]).matmul(zeros([3])); // ERR_SHAPE
      }),
    ).toThrow(/matmul/);
    expect(made!.isDisposed).toBe(true);
    expect(memory().tensors).toBe(base);
  });
  it("tidy(async fn) is rejected with ERR_ARGUMENT and frees what the synchronous part made", async () => {
    const base = memory().tensors;
    const rejections: unknown[] = [];
    const onRejection = (e: unknown) => rejections.push(e);
    process.on("unhandledRejection", onRejection);
    try {
      expectError(() => tidy(async () => zeros([2])), "ERR_ARGUMENT", "synchronous");
      expectError(
        () =>
          tidy((async () => {
            throw new Error("late");
          }) as () => unknown),
        "ERR_ARGUMENT",
        "synchronous",
      );
      // biome-ignore lint/suspicious/noThenProperty: a thenable is exactly what tidy must refuse
      expectError(() => tidy({ then() {} } as never), "ERR_ARGUMENT");
      await new Promise((r) => setTimeout(r, 20));
    } finally {
      process.off("unhandledRejection", onRejection);
    }
    expect(rejections).toEqual([]); // the rejected promise of the async function is not left unhandled
    expect(memory().tensors).toBe(base);
  });
  it("tidy(non-function) is an ERR_ARGUMENT", () => {
    expectError(() => tidy(5 as never), "ERR_ARGUMENT", "function");
  });
});

describe("use after dispose", () => {
  it("ERR_DISPOSED after dispose() and after the scope ended, with advice; the process goes on", () => {
    const a = zeros([2]);
    a.dispose();
    expectError(() => a.add(1), "ERR_DISPOSED", "disposed", "keep()");
    expectError(() => a.shape, "ERR_DISPOSED");
    expectError(() => zeros([2]).add(a), "ERR_DISPOSED");
    let escaped: Tensor | undefined;
    tidy(() => {
      escaped = zeros([2]);
    });
    expectError(() => escaped!.toArray(), "ERR_DISPOSED", "tidy()");
    expect(tidy(() => zeros([2]).add(1).sum().item())).toBe(2);
  });
});

describe("the FinalizationRegistry safety net", () => {
  beforeAll(() => ensureDist());
  it("a tensor that is never disposed is freed after garbage collection", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "werank-gc-"));
    const script = path.join(dir, "gc.mjs");
    // Registration with the FinalizationRegistry is deferred and batched (lifetime.ts): cover both
    // a batch flushed by count (more than FLUSH_AT tensors in one synchronous run) and one flushed
    // at the end of the job, mixed with tensors disposed by hand, kept ones, and scope survivors.
    fs.writeFileSync(
      script,
      `import * as wn from ${JSON.stringify(path.join(ROOT, "dist", "index.js"))};
const base = wn.memory().tensors;
(function leakMany() { for (let i = 0; i < 1500; i++) { wn.zeros([100]).add(1); wn.zeros([1]).dispose(); } })();
const made = wn.memory().tensors - base;
await new Promise((r) => setTimeout(r, 0));
(function leakFew() { for (let i = 0; i < 10; i++) wn.ones([3]); })();
const kept = wn.zeros([3]);
const survivor = wn.tidy(() => wn.zeros([2]).add(5));
const handDisposed = wn.ones([4]);
handDisposed.dispose();
for (let round = 0; round < 50 && wn.memory().tensors - base > 2; round++) {
  globalThis.gc();
  await new Promise((r) => setTimeout(r, 10));
}
console.log(JSON.stringify({ made, left: wn.memory().tensors - base, survivor: survivor.toArray(), kept: kept.shape }));
`,
    );
    const r = spawnSync(process.execPath, ["--expose-gc", script], { encoding: "utf8", env: { ...process.env, WERANK_NUM_THREADS: "1" } });
    fs.rmSync(dir, { recursive: true, force: true });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim().split("\n").pop()!);
    expect(out.made).toBe(3000);
    expect(out.left).toBe(2); // only `kept` and `survivor`, which are still referenced
    expect(out.survivor).toEqual([5, 5]);
    expect(out.kept).toEqual([3]);
  });
});
