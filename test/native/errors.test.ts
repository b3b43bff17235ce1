/**
 * Errors (DESIGN D4): every failure a user can cause is a WerankError with a stable code and an
 * actionable message without C++ backtrace, and the process keeps working afterwards.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  crossEntropy, DeviceError, DisposedError, DTypeError, IndexError, info, memory, ones, ShapeError, tensor, tidy, WerankError, zeros,
} from "../../src/index.js";
import { expectError } from "../helpers/native.js";

let base = 0;
beforeEach(() => {
  base = memory().tensors;
});
afterEach(() => {
  // still alive and computing, and nothing leaked from the failed calls
  expect(tidy(() => ones([2, 2]).matmul(ones([2, 2])).sum().item())).toBe(8);
  expect(memory().tensors).toBe(base);
});

describe("error classes and codes", () => {
  it("shape mismatch: ShapeError, both shapes named", () => {
    tidy(() => {
      const e = expectError(() => zeros([2, 3]).add(zeros([4, 5])), "ERR_SHAPE", "Expected".toLowerCase(), "[2, 3]", "[4, 5]");
      expect(e).toBeInstanceOf(ShapeError);
      expect(e).toBeInstanceOf(WerankError);
      expect(e.name).toBe("ShapeError");
      expectError(() => zeros([2, 3]).matmul(zeros([2, 3])), "ERR_SHAPE", "matmul");
      expectError(() => zeros([2, 3]).reshape(5), "ERR_SHAPE", "reshape", "6 elements");
    });
  });
  it("bad dtype: unknown name with a suggestion, or a dtype the op does not take", () => {
    tidy(() => {
      const e = expectError(() => zeros([1], { dtype: "float" as never }), "ERR_DTYPE", "Unknown dtype 'float'", "Valid choices");
      expect(e).toBeInstanceOf(DTypeError);
      expectError(() => ones([1]).to("float16" as never), "ERR_DTYPE", "float16", "Valid choices");
      expectError(() => ones([1]).to("int" as never), "ERR_DTYPE", "did you mean");
      expectError(() => tensor(new Int32Array([1])).mean(), "ERR_DTYPE", "int32");
    });
  });
  it("disposed tensors: after dispose() and after the scope ended", () => {
    const a = zeros([1]);
    a.dispose();
    const e = expectError(() => a.add(1), "ERR_DISPOSED", "disposed");
    expect(e).toBeInstanceOf(DisposedError);
    expect(e.message).not.toContain("handle -1");
    const escaped = tidy(() => {
      const box: { t?: ReturnType<typeof zeros> } = {};
      tidy(() => {
        box.t = zeros([1]);
      });
      return box;
    });
    expectError(() => escaped.t!.mul(2), "ERR_DISPOSED", "keep() it or return it");
  });
  it("unknown devices: 'gpu', 'cuda:x', '' with the valid choices", () => {
    tidy(() => {
      for (const d of ["gpu", "cuda:x", "cuda:-1", "CPU", ""]) {
        const e = expectError(() => zeros([1], { device: d as never }), "ERR_DEVICE", "Unknown device", "cpu, cuda");
        expect(e).toBeInstanceOf(DeviceError);
        expectError(() => ones([1]).to(d as never), "ERR_DEVICE");
      }
    });
  });
  it.skipIf(info().cuda)("CUDA requested on a CPU-only build says so and what to do", () => {
    tidy(() => {
      for (const d of ["cuda", "cuda:0", "cuda:1"] as const) {
        expectError(() => zeros([1], { device: d }), "ERR_DEVICE", "CUDA", "use device 'cpu'");
        expectError(() => ones([1]).to(d), "ERR_DEVICE", "CUDA");
        expectError(() => tensor([1, 2], { device: d }), "ERR_DEVICE", "CUDA");
      }
    });
  });
  it("out-of-range indices: ERR_INDEX naming the op and the valid range", () => {
    tidy(() => {
      const x = zeros([3, 2]);
      const e = expectError(() => x.indexSelect(0, tensor(new BigInt64Array([0n, 3n]))), "ERR_INDEX", "indexSelect", "[0, 3)");
      expect(e).toBeInstanceOf(IndexError);
      expectError(() => x.gather(1, tensor([[0], [2], [0]], { dtype: "int64" })), "ERR_INDEX", "gather", "[0, 2)");
      expectError(() => crossEntropy(x, tensor(new BigInt64Array([0, 1, 2].map(BigInt)))), "ERR_INDEX", "crossEntropy", "[0, 2)");
      expectError(() => x.select(0, 3), "ERR_INDEX", "select");
    });
  });
  it("backward without grad: ERR_AUTOGRAD with what to do", () => {
    tidy(() => {
      expectError(() => ones([2]).sum().backward(), "ERR_AUTOGRAD", "requiresGrad");
    });
  });
  it("in-place update of a parameter outside noGrad: ERR_AUTOGRAD suggesting noGrad", () => {
    const w = ones([2], { requiresGrad: true });
    tidy(() => {
      expectError(() => w.add_(ones([2])), "ERR_AUTOGRAD", "noGrad");
      expectError(() => w.mul_(2), "ERR_AUTOGRAD", "noGrad");
    });
    w.dispose();
  });
  it("wrong argument types from plain JS: ERR_ARGUMENT, not a TypeError", () => {
    tidy(() => {
      expectError(() => zeros([2]).add("1" as never), "ERR_ARGUMENT");
      expectError(() => zeros([2]).mul({} as never), "ERR_ARGUMENT", "mul", "Tensor");
      expectError(() => zeros([2]).clamp("a" as never, 1), "ERR_ARGUMENT", "clamp");
      expectError(() => zeros([2, 2]).transpose("0" as never, 1), "ERR_ARGUMENT", "transpose");
      expectError(() => zeros([2, 2]).narrow(0, undefined as never, 1), "ERR_ARGUMENT", "narrow");
    });
  });
  it("many errors in a row do not leak or corrupt state", () => {
    for (let i = 0; i < 200; i++) {
      tidy(() => {
        try {
          zeros([2, 3]).add(zeros([3, 2]));
        } catch (e) {
          if (!(e instanceof ShapeError)) throw e;
        }
      });
    }
  });
});
