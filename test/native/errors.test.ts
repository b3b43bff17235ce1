/**
 * Errors (DESIGN D4): every failure a user can cause is a WerankError with a stable code and an
 * actionable message without C++ backtrace, and the process keeps working afterwards.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  AdamW,
  crossEntropy,
  DeviceError,
  DeviceGraph,
  DisposedError,
  DTypeError,
  Generator,
  IndexError,
  info,
  memory,
  ones,
  randn,
  ShapeError,
  tensor,
  tidy,
  WerankError,
  zeros,
} from "../../src/index.js";
import { type GeneratorHandle, type GraphHandle, loadNative, type OptimizerHandle, type TensorHandle } from "../../src/native/addon.js";
import { expectError } from "../helpers/native.js";

let base = 0;
beforeEach(() => {
  base = memory().tensors;
});
afterEach(() => {
  // still alive and computing, and nothing leaked from the failed calls
  expect(
    tidy(() =>
      ones([2, 2])
        .matmul(ones([2, 2]))
        .sum()
        .item(),
    ),
  ).toBe(8);
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

describe("codes from the exception type and the call site, not the message (native/common/binding.h)", () => {
  // debugThrow raises a C++ exception of the named type in a binding whose site default is ERR_ARGUMENT;
  // each message carries words that searching the text would have read as another code.
  const N = () => loadNative();
  const cases: [string, string, string][] = [
    ["index", "shape mismatch: dtype and device out of memory", "ERR_INDEX"],
    ["type", "index out of range for shape", "ERR_DTYPE"],
    ["notImplemented", "\"add\" not implemented for 'Int': size mismatch", "ERR_DTYPE"],
    ["value", "expected a 2D tensor of scalar type Float", "ERR_ARGUMENT"],
    ["linalg", "the shape is out of range", "ERR_LINALG"],
    ["oom", "index 3 is out of bounds; shape [2]", "ERR_OUT_OF_MEMORY"],
    ["error", "CUDA out of memory; shape mismatch; index out of range; expected scalar type Float", "ERR_ARGUMENT"],
    ["runtime", "shape '[5]' is invalid for input of size 6; does not require grad", "ERR_ARGUMENT"],
    ["badAlloc", "", "ERR_OUT_OF_MEMORY"],
    ["werank", "Expected a shape but received an index", "ERR_DATA"],
  ];
  for (const [type, message, code] of cases) {
    it(`${type} -> ${code}`, () => {
      const e = expectError(() => N().debugThrow(type, message), code as never);
      if (type !== "badAlloc") expect(e.message).toContain(message.split(";")[0]);
    });
  }
  it("an unknown exception type name is itself an argument error", () => {
    expectError(() => N().debugThrow("nope", "x"), "ERR_ARGUMENT", "debugThrow", "'nope'");
  });
  it("LibTorch's own typed errors keep their code: a failed Cholesky is ERR_LINALG, an untyped error takes the binding's code", () => {
    tidy(() => {
      expectError(
        () =>
          tensor([
            [1, 2],
            [2, 1],
          ]).cholesky(),
        "ERR_LINALG",
      );
      // matmul's dims are pre-checked (ERR_SHAPE naming both shapes); the site code is ERR_SHAPE too
      expectError(() => zeros([2, 3]).matmul(zeros([4, 5])), "ERR_SHAPE", "matmul", "[2, 3]", "[4, 5]");
      // an in-place update whose operand does not broadcast INTO the target: shapes, from the operands
      expectError(() => zeros([3]).add_(ones([2, 3])), "ERR_SHAPE", "add_", "[3]", "[2, 3]");
      // an untyped LibTorch error with broadcastable shapes and different dtypes: ERR_DTYPE
      expectError(() => tensor(new Int32Array([1, 2])).add_(tensor([0.5, 0.5])), "ERR_DTYPE", "add_", "int32", "float32");
    });
  });
});

describe("one handle table for every native object, each handle tagged with its kind", () => {
  const N = () => loadNative();
  it("a handle of another kind is ERR_ARGUMENT naming both kinds; the object stays usable", () => {
    const t = randn([3, 4]);
    const g = DeviceGraph.fromCsr(3, Int32Array.of(0, 1, 2, 2), Int32Array.of(1, 2));
    const gen = new Generator(1);
    const w = randn([2], { requiresGrad: true });
    const opt = new AdamW([w], { lr: 0.1 });
    try {
      const gh = g._id as unknown as TensorHandle;
      expectError(() => N().add(gh, t._h), "ERR_ARGUMENT", "Expected a tensor handle but received a graph or sparse matrix handle");
      expectError(() => N().sparseMatmul(t._h as unknown as GraphHandle, 1, t._h), "ERR_ARGUMENT", "Expected a graph or sparse matrix handle but received a tensor handle");
      expectError(() => N().generatorRandom(opt._id as unknown as GeneratorHandle, 0, [2], 0, -1), "ERR_ARGUMENT", "Expected a generator handle but received an optimizer handle");
      expectError(() => N().optimStep(gen._id as unknown as OptimizerHandle, 0.1), "ERR_ARGUMENT", "Expected an optimizer handle but received a generator handle");
      // disposing through the wrong kind's function frees nothing
      expectError(() => N().dispose(gh), "ERR_ARGUMENT", "tensor handle");
      expectError(() => N().sparseDispose(t._h as unknown as GraphHandle), "ERR_ARGUMENT", "graph or sparse matrix handle");
      expect(N().isLive(t._h)).toBe(true);
      expect(g.numNodes).toBe(3);
      expect(
        tidy(() =>
          g
            .sum(ones([3, 2]))
            .sum()
            .item(),
        ),
      ).toBe(4);
      expect(tidy(() => gen.randn([2]).shape)).toEqual([2]);
      // every live object has its own handle: no number names two objects of different kinds
      const ids = [t._h, g._id, gen._id, opt._id, w._h].map(Number);
      expect(new Set(ids).size).toBe(ids.length);
    } finally {
      opt.dispose();
      w.dispose();
      gen.dispose();
      g.dispose();
      t.dispose();
    }
  });
  it("a freed handle of any kind is ERR_DISPOSED at the native boundary, and freeing it again is a no-op", () => {
    const t = zeros([2]);
    const h = t._h;
    t.dispose();
    expectError(() => N().add(h, h), "ERR_DISPOSED", "disposed");
    N().dispose(h);
    const gen = new Generator(2);
    const gid = gen._id;
    gen.dispose();
    expectError(() => N().generatorRandom(gid, 1, [2], 0, -1), "ERR_DISPOSED", "generator", "disposed");
    N().generatorDispose(gid);
    const w = randn([2], { requiresGrad: true });
    const opt = new AdamW([w], { lr: 0.1 });
    const oid = opt._id;
    opt.dispose();
    w.dispose();
    expectError(() => N().optimStep(oid, 0.1), "ERR_DISPOSED", "optimizer", "disposed");
    N().optimDispose(oid);
    const g = DeviceGraph.fromCsr(2, Int32Array.of(0, 1, 2), Int32Array.of(1, 0));
    const sid = g._id;
    g.dispose();
    expectError(() => N().sparseInfo(sid), "ERR_DISPOSED", "graph or sparse matrix", "disposed");
  });
  it("a slot freed by one kind and reused by another does not answer to the old handle", () => {
    const t = zeros([1]);
    const h = t._h;
    t.dispose();
    const gens = Array.from({ length: 4 }, (_, i) => new Generator(i)); // likely to reuse the freed slot
    try {
      expectError(() => N().add(h, h), "ERR_DISPOSED");
      expectError(() => N().dispose(gens[0]!._id as unknown as TensorHandle), "ERR_ARGUMENT");
    } finally {
      for (const g of gens) g.dispose();
    }
  });
});
