import { describe, expect, it } from "vitest";
import { BatchNorm1d, Dropout, GATConv, GCNConv, LayerNorm, Linear, MLP, PReLU, SAGEConv, buildEncoder, manualSeed, memory, noGrad, randn, tensor, tidy } from "../../../src/index.js";
import { DenseRows, gradCheck, twoCommunities } from "../../helpers/denseGraph.js";
import { expectClose, flat, mat, matmulHost, transposeHost, expectNoLeaks } from "../../helpers/expect.js";

expectNoLeaks();

/** Runs `fn` in a scope, then disposes the given modules/graphs. */
function scoped(fn: () => void, ...owned: { dispose(): void }[]): void {
  try {
    tidy(fn);
  } finally {
    for (const o of owned) o.dispose();
  }
}

describe("Linear", () => {
  it("computes x W^T + b and accepts sparse rows", () => {
    manualSeed(1);
    const lin = new Linear(3, 2);
    scoped(() => {
      const x = tensor([
        [1, 2, 3],
        [-1, 0, 2],
      ]);
      const W = mat(lin.weight);
      const b = flat(lin.bias!);
      const expected = matmulHost(mat(x), transposeHost(W)).map((r) => r.map((v, j) => v + b[j]!));
      expectClose(lin.forward(x), expected.flat());
      expectClose(lin.forward(new DenseRows(x)), expected.flat());
      expect(() => lin.forward(tensor([[1, 2]]))).toThrow(/expected input \[\.\.\., 3\]/);
    }, lin);
  });

  it("initializes like torch.nn.Linear (U(±1/sqrt(in))) and is seeded", () => {
    manualSeed(7);
    const a = new Linear(64, 200);
    manualSeed(7);
    const b = new Linear(64, 200);
    scoped(
      () => {
        const w = flat(a.weight);
        const bound = 1 / Math.sqrt(64);
        expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(bound);
        // variance of U(-b, b) is b^2 / 3
        const v = w.reduce((s, x) => s + x * x, 0) / w.length;
        expect(Math.abs(v / ((bound * bound) / 3) - 1)).toBeLessThan(0.05);
        expect(Math.max(...flat(a.bias!).map(Math.abs))).toBeLessThanOrEqual(bound);
        expect(flat(a.weight)).toEqual(flat(b.weight));
      },
      a,
      b,
    );
  });
});

describe("GCNConv", () => {
  it("is Â (X W^T) + b with glorot weights and zero bias; sparse first layer gives the same", () => {
    manualSeed(2);
    const { graph, x } = twoCommunities(10, 6, { seed: 3 });
    const conv = new GCNConv(6, 4);
    scoped(
      () => {
        const W = conv.lin.weight;
        const bound = Math.sqrt(6 / (6 + 4));
        expect(Math.max(...flat(W).map(Math.abs))).toBeLessThanOrEqual(bound);
        expect(flat(conv.bias!)).toEqual([0, 0, 0, 0]);
        noGrad(() => conv.bias!.copy_(tensor([0.5, -1, 0, 2])));
        const expected = matmulHost(matmulHost(mat(graph.ahat), mat(x)), transposeHost(mat(W))).map((r) => r.map((v, j) => v + [0.5, -1, 0, 2][j]!));
        expectClose(conv.forward(x, graph), expected.flat(), 1e-5);
        expectClose(conv.forward(new DenseRows(x), graph), expected.flat(), 1e-5);
      },
      conv,
      graph,
      x,
    );
  });
});

describe("SAGEConv", () => {
  for (const [inC, outC] of [
    [6, 3],
    [3, 6],
  ] as const) {
    it(`is W_l mean_N(x) + b + W_r x (${inC} -> ${outC})`, () => {
      manualSeed(3);
      const { graph, x: x6 } = twoCommunities(10, 6, { seed: 4 });
      const conv = new SAGEConv(inC, outC);
      scoped(
        () => {
          const x = x6.narrow(1, 0, inC);
          const mean = matmulHost(mat(graph.meanOp), mat(x));
          const l = matmulHost(mean, transposeHost(mat(conv.linL.weight)));
          const r = matmulHost(mat(x), transposeHost(mat(conv.linR.weight)));
          const b = flat(conv.linL.bias!);
          const expected = l.map((row, i) => row.map((v, j) => v + r[i]![j]! + b[j]!));
          expectClose(conv.forward(x, graph), expected.flat(), 1e-5);
          expectClose(conv.forward(new DenseRows(x.contiguous()), graph), expected.flat(), 1e-5);
          expect(conv.namedParameters().map(([n]) => n)).toEqual(["lin_l.weight", "lin_l.bias", "lin_r.weight"]);
        },
        conv,
        graph,
        x6,
      );
    });
  }
});

/** GAT on the host, node by node (an independent formula). */
function gatReference(x: number[][], W: number[][], aSrc: number[][], aDst: number[][], src: number[], dst: number[], heads: number, C: number, concat: boolean, bias: number[]): number[][] {
  const n = x.length;
  const h = matmulHost(x, transposeHost(W)); // [n, heads*C]
  const out: number[][] = [];
  for (let i = 0; i < n; i++) {
    const perHead: number[][] = [];
    for (let k = 0; k < heads; k++) {
      const score = (j: number): number => {
        let s = 0;
        for (let c = 0; c < C; c++) s += aSrc[k]![c]! * h[j]![k * C + c]! + aDst[k]![c]! * h[i]![k * C + c]!;
        return s > 0 ? s : 0.2 * s;
      };
      const nbrs = src.filter((_, e) => dst[e] === i);
      const z = nbrs.reduce((s, j) => s + Math.exp(score(j)), 0);
      const acc = new Array(C).fill(0);
      for (const j of nbrs) for (let c = 0; c < C; c++) acc[c] += (Math.exp(score(j)) / z) * h[j]![k * C + c]!;
      perHead.push(acc);
    }
    const row = concat ? perHead.flat() : perHead[0]!.map((_, c) => perHead.reduce((s, p) => s + p[c]!, 0) / heads);
    out.push(row.map((v, j) => v + bias[j]!));
  }
  return out;
}

describe("GATConv", () => {
  for (const [heads, concat] of [
    [1, true],
    [3, true],
    [2, false],
  ] as const) {
    it(`matches a per-node softmax over incoming edges with self-loops (heads=${heads}, concat=${concat})`, () => {
      manualSeed(4);
      const { graph, x } = twoCommunities(9, 5, { seed: 5, pIn: 0.5 });
      const conv = new GATConv(5, 3, { heads, concat });
      scoped(
        () => {
          noGrad(() => conv.bias!.copy_(randn(conv.bias!.shape)));
          const { src, dst } = graph.edges(true);
          const expected = gatReference(
            mat(x),
            mat(conv.lin.weight),
            (
              conv
                .namedParameters()
                .find(([n]) => n === "att_src")![1]
                .toArray() as number[][][]
            )[0]!,
            (
              conv
                .namedParameters()
                .find(([n]) => n === "att_dst")![1]
                .toArray() as number[][][]
            )[0]!,
            flat(src),
            flat(dst),
            heads,
            3,
            concat,
            flat(conv.bias!),
          );
          const y = conv.forward(x, graph);
          expect(y.shape).toEqual([9, concat ? 3 * heads : 3]);
          expectClose(y, expected.flat(), 1e-5);
        },
        conv,
        graph,
        x,
      );
    });
  }

  it("stays finite with huge attention scores (stabilized softmax)", () => {
    manualSeed(5);
    const { graph, x } = twoCommunities(8, 4, { seed: 6, pIn: 0.6 });
    const conv = new GATConv(4, 2, { heads: 2 });
    scoped(
      () => {
        noGrad(() => {
          conv
            .namedParameters()
            .find(([n]) => n === "att_src")![1]
            .mul_(500);
          conv
            .namedParameters()
            .find(([n]) => n === "att_dst")![1]
            .mul_(500);
        });
        const y = conv.forward(x.mul(10), graph);
        expect(y.isfinite().all().item()).toBe(1);
      },
      conv,
      graph,
      x,
    );
  });

  it("has gradients that match finite differences (float64)", () => {
    manualSeed(6);
    const { graph, x } = twoCommunities(6, 3, { seed: 7, pIn: 0.7, dtype: "float64" });
    const conv = new GATConv(3, 2, { heads: 2, dtype: "float64" });
    try {
      const xs = x.clone().setRequiresGrad(true);
      const weights = tidy(() => randn([6, 4], { dtype: "float64" }));
      const params = conv.parameters();
      const r = gradCheck(() => conv.forward(xs, graph).mul(weights).sum(), [xs, ...params]);
      expect(r.maxAbsGrad).toBeGreaterThan(1e-3);
      expect(r.maxAbsDiff).toBeLessThan(1e-6);
      xs.dispose();
      weights.dispose();
    } finally {
      conv.dispose();
      graph.dispose();
      x.dispose();
    }
  });
});

describe("BatchNorm1d", () => {
  /** Host reference of PyTorch's running statistics update. */
  function runningRef(batches: number[][][], momentum: number | null): { mean: number[]; var: number[] } {
    const C = batches[0]![0]!.length;
    let mean = new Array(C).fill(0);
    let vr = new Array(C).fill(1);
    batches.forEach((b, t) => {
      const n = b.length;
      const f = momentum === null ? 1 / (t + 1) : momentum;
      const m = Array.from({ length: C }, (_, c) => b.reduce((s, r) => s + r[c]!, 0) / n);
      const v = Array.from({ length: C }, (_, c) => b.reduce((s, r) => s + (r[c]! - m[c]!) ** 2, 0) / (n - 1));
      mean = mean.map((x, c) => (1 - f) * x + f * m[c]!);
      vr = vr.map((x, c) => (1 - f) * x + f * v[c]!);
    });
    return { mean, var: vr };
  }

  for (const momentum of [0.99, 0.1, null]) {
    it(`updates running = (1 - m) running + m batch (unbiased var), momentum=${momentum}`, () => {
      manualSeed(8);
      const bn = new BatchNorm1d(3, { momentum, dtype: "float64" });
      scoped(() => {
        const batches = [0, 1, 2].map((k) =>
          randn([5, 3], { dtype: "float64" })
            .mul(k + 1)
            .add(k),
        );
        for (const b of batches) bn.forward(b);
        const ref = runningRef(batches.map(mat), momentum);
        expectClose(bn.runningMean!, ref.mean, 1e-12);
        expectClose(bn.runningVar!, ref.var, 1e-12);
        expect(bn.stateDict().num_batches_tracked!.item()).toBe(3);
      }, bn);
    });
  }

  it("normalizes with the biased batch variance in training and the running statistics in eval", () => {
    const bn = new BatchNorm1d(2, { momentum: 0.5, dtype: "float64" });
    scoped(() => {
      noGrad(() => {
        bn.namedParameters()[0]![1].copy_(tensor([2, 1], { dtype: "float64" }));
        bn.namedParameters()[1]![1].copy_(tensor([0, 1], { dtype: "float64" }));
      });
      const x = tensor(
        [
          [1, 10],
          [3, 10],
          [5, 16],
        ],
        { dtype: "float64" },
      );
      // column 0: mean 3, biased var 8/3; column 1: mean 12, biased var 8
      const y = bn.forward(x);
      const s0 = Math.sqrt(8 / 3 + 1e-5);
      const s1 = Math.sqrt(8 + 1e-5);
      expectClose(y, [2 * (-2 / s0), 1 + -2 / s1, 0, 1 + -2 / s1, 2 * (2 / s0), 1 + 4 / s1], 1e-12);
      // running after one step: mean 0.5 * 0 + 0.5 * [3, 12]; var 0.5 * 1 + 0.5 * [4, 12]
      expectClose(bn.runningMean!, [1.5, 6], 1e-12);
      expectClose(bn.runningVar!, [2.5, 6.5], 1e-12);
      bn.eval();
      const z = bn.forward(tensor([[1.5, 6]], { dtype: "float64" }));
      expectClose(z, [0, 1], 1e-12);
      expectClose(bn.runningMean!, [1.5, 6], 1e-12); // unchanged in eval
    }, bn);
  });

  it("matches torch.nn.BatchNorm1d(momentum=0.99) numbers", () => {
    // values printed by /usr/bin/python3 with torch 1.13:
    //   bn = torch.nn.BatchNorm1d(2, momentum=0.99).double()
    //   for x in ([[1., 2.], [3., 5.], [4., 0.]], [[0., 1.], [2., 2.], [7., 3.]]): bn(torch.tensor(x))
    //   bn.running_mean.tolist(), bn.running_var.tolist()
    const bn = new BatchNorm1d(2, { momentum: 0.99, dtype: "float64" });
    scoped(() => {
      bn.forward(
        tensor(
          [
            [1, 2],
            [3, 5],
            [4, 0],
          ],
          { dtype: "float64" },
        ),
      );
      bn.forward(
        tensor(
          [
            [0, 1],
            [2, 2],
            [7, 3],
          ],
          { dtype: "float64" },
        ),
      );
      // -> [2.9964, 2.0031] [12.893199999999998, 1.0528]
      expectClose(bn.runningMean!, [2.9964, 2.0031], 1e-12);
      expectClose(bn.runningVar!, [12.893199999999998, 1.0528], 1e-12);
    }, bn);
  });
});

describe("LayerNorm, PReLU, Dropout, MLP", () => {
  it("LayerNorm node mode normalizes rows; graph mode normalizes the whole matrix (eps on the std)", () => {
    const node = new LayerNorm(2, { dtype: "float64" });
    const graphLn = new LayerNorm(2, { mode: "graph", dtype: "float64" });
    scoped(
      () => {
        const x = tensor(
          [
            [1, 3],
            [2, 6],
          ],
          { dtype: "float64" },
        );
        const e = 1e-5;
        expectClose(node.forward(x), [-1 / Math.sqrt(1 + e), 1 / Math.sqrt(1 + e), -2 / Math.sqrt(4 + e), 2 / Math.sqrt(4 + e)], 1e-12);
        // all entries: mean 3, biased std sqrt((4 + 0 + 1 + 9) / 4)
        const sd = Math.sqrt(14 / 4);
        expectClose(
          graphLn.forward(x),
          [-2, 0, -1, 3].map((v) => v / (sd + e)),
          1e-12,
        );
      },
      node,
      graphLn,
    );
  });

  it("PReLU starts at slope 0.25; Dropout scales by 1/(1-p) in training and is the identity in eval", () => {
    manualSeed(9);
    const act = new PReLU();
    const drop = new Dropout(0.5);
    scoped(
      () => {
        expectClose(act.forward(tensor([-4, 2])), [-1, 2]);
        const y = flat(drop.forward(tensor(new Float32Array(1000).fill(1))));
        expect(new Set(y)).toEqual(new Set([0, 2]));
        drop.eval();
        expect(flat(drop.forward(tensor([1, 2])))).toEqual([1, 2]);
      },
      act,
      drop,
    );
  });

  it("MLP stacks Linear -> norm -> act and leaves the last layer bare", () => {
    manualSeed(10);
    const mlp = new MLP([4, 8, 3], { act: "prelu", norm: "batch" });
    scoped(() => {
      expect(mlp.namedParameters().map(([n, p]) => `${n}:${p.shape.join("x")}`)).toEqual([
        "layers.0.weight:8x4",
        "layers.0.bias:8",
        "layers.1.weight:3x8",
        "layers.1.bias:3",
        "norms.0.weight:8",
        "norms.0.bias:8",
        "acts.0.weight:1",
      ]);
      const x = randn([5, 4]);
      const l0 = mlp.layers.at(0).forward(x);
      const m = l0.mean(0, true);
      const v = l0.var(0, false, true);
      const h = l0
        .sub(m)
        .div(v.add(1e-5).sqrt())
        .prelu(tensor([0.25]));
      expectClose(mlp.forward(x), mlp.layers.at(1).forward(h), 1e-5);
    }, mlp);
  });
});

describe("intermediates", () => {
  it("an encoder and an MLP leave only their output alive (autograd keeps what backward needs)", () => {
    manualSeed(11);
    const { graph, x } = twoCommunities(12, 6, { seed: 4 });
    const enc = buildEncoder({ type: "gcn", inputDim: 6, layers: [8, 4] });
    const mlp = new MLP([4, 16, 4], { act: "prelu" });
    const ref = enc.clone({ copyState: true });
    scoped(
      () => {
        const before = memory().tensors;
        const h = enc.forward(x, graph);
        const q = mlp.forward(h);
        expect(memory().tensors - before).toBe(2); // h and q
        const hs = enc.forward(new DenseRows(x), graph); // sparse first layer, same rule
        expect(memory().tensors - before).toBe(3);
        expectClose(hs, h, 1e-5);
        // The gradients are those of the same encoder without freeing (a clone, forward in pieces kept alive).
        q.pow(2).sum().backward();
        let r: typeof x = x;
        for (let i = 0; i < 2; i++) {
          const conv = ref.convs.at(i) as GCNConv;
          r = graph.gcn(r.matmul(conv.lin.weight.t())).add(conv.bias!);
          const bn = (ref as unknown as { post: { norm: BatchNorm1d; act: PReLU }[] }).post[i]!;
          r = bn.act.forward(bn.norm.forward(r));
        }
        mlp.forward(r).pow(2).sum().backward();
        expectClose(enc.convs.at(0).lin.weight.grad!, ref.convs.at(0).lin.weight.grad!, 1e-4);
        expectClose(enc.convs.at(1).lin.weight.grad!, ref.convs.at(1).lin.weight.grad!, 1e-4);
      },
      enc,
      mlp,
      ref,
      graph,
      x,
    );
  });
});
