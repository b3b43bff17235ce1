/**
 * CUDA: creation on the device, ops matching the CPU, round trips, memory accounting. Skipped, with
 * the reason printed, where the addon has no usable CUDA (a CPU-only LibTorch or no visible GPU).
 */
import { describe, expect, it } from "vitest";
import { crossEntropy, info, manualSeed, memory, normalize, randn, setMatmulPrecision, synchronize, tensor, tidy, zeros, type Tensor } from "../../src/index.js";
import { expectClose, expectError } from "../helpers/native.js";

const rt = info();
const reason = `no CUDA (LibTorch ${rt.torchVersion}, cuda=${rt.cuda}, devices=${rt.cudaDevices}): build against a CUDA LibTorch on a GPU machine to run these`;
if (!rt.cuda) console.log(`[test/gpu] skipped: ${reason}`);

/** The same computation on CPU and CUDA gives the same numbers. */
function sameOnBoth(f: (dev: "cpu" | "cuda") => Tensor, tol = 1e-4): void {
  tidy(() => {
    const cpu = f("cpu");
    const gpu = f("cuda");
    expect(gpu.device).toBe("cuda:0");
    expectClose(gpu.to("cpu"), cpu.toArray(), tol);
  });
}

describe.skipIf(!rt.cuda)(`CUDA (${rt.cuda ? `${rt.cudaDevices} device(s)` : reason})`, () => {
  it("creates tensors on cuda and copies them back", () => {
    const base = memory().tensors;
    tidy(() => {
      const a = tensor(
        [
          [1, 2],
          [3, 4],
        ],
        { device: "cuda" },
      );
      expect(a.device).toBe("cuda:0");
      expect(a.toArray()).toEqual([
        [1, 2],
        [3, 4],
      ]);
      expect(zeros([3], { device: "cuda:0", dtype: "int64" }).to("cpu").toArray()).toEqual([0, 0, 0]);
      const back = a.to("cpu");
      expect(back.device).toBe("cpu");
      expect(back.to("cuda").to("cpu").toArray()).toEqual([
        [1, 2],
        [3, 4],
      ]);
      expect(a.to("cuda", "float64").dtype).toBe("float64");
    });
    expect(memory().tensors).toBe(base);
  });
  it("ops match the CPU results", () => {
    manualSeed(0);
    const x = randn([8, 5], { dtype: "float64" });
    const w = randn([5, 3], { dtype: "float64" });
    const on = (d: "cpu" | "cuda", t: Tensor) => t.to(d);
    sameOnBoth((d) => on(d, x).matmul(on(d, w)).relu().add(1).log());
    sameOnBoth((d) => normalize(on(d, x)).sum(0));
    sameOnBoth((d) => on(d, x).svdvals());
    sameOnBoth((d) => on(d, x).softmax(1).logsumexp(0));
    sameOnBoth((d) => crossEntropy(on(d, x), tensor(new BigInt64Array([0n, 1n, 2n, 3n, 4n, 0n, 1n, 2n]), { device: d })));
    sameOnBoth((d) => on(d, x).indexSelect(0, tensor(new Int32Array([3, 1]), { device: d })));
    x.dispose();
    w.dispose();
  });
  it("gradients on cuda match the CPU", () => {
    manualSeed(1);
    const x = randn([4, 3], { dtype: "float64" });
    const grads = (["cpu", "cuda"] as const).map((d) =>
      tidy(() => {
        const p = x.to(d).detach().setRequiresGrad();
        normalize(p.mm(p.t())).sum().backward();
        return p.grad!.to("cpu").toArray();
      }),
    );
    expect(grads[1]).toEqual(grads[0]!.map((row) => (row as number[]).map((v) => expect.closeTo(v, 8))));
    x.dispose();
  });
  it("mixing devices is an ERR_DEVICE naming both", () => {
    tidy(() => {
      expectError(() => zeros([2], { device: "cuda" }).add(zeros([2])), "ERR_DEVICE", "cuda:0", "cpu");
      expectError(() => zeros([2], { device: `cuda:${rt.cudaDevices}` as "cuda" }), "ERR_DEVICE", `below ${rt.cudaDevices}`);
    });
  });
  it("memory() reports the CUDA allocator", () => {
    synchronize();
    const before = memory();
    expect(Array.isArray(before.cuda)).toBe(true);
    expect(before.cuda!.length).toBe(rt.cudaDevices);
    const t = zeros([1024, 1024], { device: "cuda" }); // 4 MiB
    synchronize();
    const after = memory();
    expect(after.cuda![0]!.allocated - before.cuda![0]!.allocated).toBeGreaterThanOrEqual(4 * 1024 * 1024);
    expect(after.cuda![0]!.reserved).toBeGreaterThanOrEqual(after.cuda![0]!.allocated);
    t.dispose();
    synchronize();
    expect(memory().cuda![0]!.allocated).toBe(before.cuda![0]!.allocated);
  });
  it("matmul precision high (TF32) keeps products within TF32 error of float32 and is undone by highest", () => {
    tidy(() => {
      manualSeed(8);
      const a = randn([512, 512], { device: "cuda" }),
        b = randn([512, 512], { device: "cuda" });
      const exact = a.matmul(b).to("cpu").toArray();
      try {
        setMatmulPrecision("high");
        // TF32 keeps 10 mantissa bits: |error| ~ 2^-11 sqrt(k) |a||b| per entry, well under 0.1 here
        expectClose(a.matmul(b).to("cpu"), exact, 0.1);
      } finally {
        setMatmulPrecision("highest");
      }
      expectClose(a.matmul(b).to("cpu"), exact, 1e-4);
    });
  });
});
