import { describe, expect, it } from "vitest";
import { buildEncoder, type GraphEncoder, Linear, manualSeed, memory, MLP, noGrad, randn, tensor, tidy, type EncoderSpec } from "../../../src/index.js";
import { DenseRows, twoCommunities } from "../../helpers/denseGraph.js";
import { expectClose, flat, expectNoLeaks, errorText } from "../../helpers/expect.js";

expectNoLeaks();

const code = errorText;

describe("Module", () => {
  it("names parameters and buffers with dotted paths (BGRL's GCN layout)", () => {
    const enc = buildEncoder({ type: "gcn", inputDim: 5, layers: [8, 4] });
    try {
      expect(enc.namedParameters().map(([n, p]) => `${n}:${p.shape.join("x")}`)).toEqual([
        "convs.0.bias:8",
        "convs.0.lin.weight:8x5",
        "convs.1.bias:4",
        "convs.1.lin.weight:4x8",
        "norms.0.weight:8",
        "norms.0.bias:8",
        "norms.1.weight:4",
        "norms.1.bias:4",
        "acts.0.weight:1",
        "acts.1.weight:1",
      ]);
      expect(enc.namedBuffers().map(([n]) => n)).toEqual([
        "norms.0.running_mean",
        "norms.0.running_var",
        "norms.0.num_batches_tracked",
        "norms.1.running_mean",
        "norms.1.running_var",
        "norms.1.num_batches_tracked",
      ]);
      expect(enc.parameters().every((p) => p.requiresGrad && p.isLeaf)).toBe(true);
      expect(enc.weightMatrices().map(([n]) => n)).toEqual(["convs.0.lin.weight", "convs.1.lin.weight"]);
      expect(enc.representationDim).toBe(4);
      expect(enc.parameterCount()).toBe(8 + 40 + 4 + 32 + 8 + 8 + 4 + 4 + 1 + 1);
    } finally {
      enc.dispose();
    }
  });

  it("round-trips a state dict: a second encoder loaded from the first computes the same output", () => {
    const { graph, x } = twoCommunities(12, 5, { seed: 2 });
    const spec: EncoderSpec = { type: "sage", inputDim: 5, layers: [8, 4] };
    manualSeed(1);
    const a = buildEncoder(spec);
    manualSeed(2);
    const b = buildEncoder(spec);
    try {
      tidy(() => void a.forward(x, graph)); // moves BatchNorm running stats away from their init
      a.eval();
      b.eval();
      const ya = tidy(() => flat(a.forward(x, graph)));
      expect(tidy(() => flat(b.forward(x, graph)))).not.toEqual(ya);
      b.loadStateDict(a.stateDict());
      expect(tidy(() => flat(b.forward(x, graph)))).toEqual(ya);
      expect(b.stateDict()["norms.0.num_batches_tracked"]!.item()).toBe(1);
      // snapshots are owned by the caller
      const snap = a.stateDict({ clone: true });
      expect(Object.keys(snap)).toEqual(Object.keys(a.stateDict()));
      for (const t of Object.values(snap)) t.dispose();
    } finally {
      for (const o of [a, b, graph, x]) o.dispose();
    }
  });

  it("rejects wrong shapes (ERR_SHAPE naming the entry) and missing or unexpected keys", () => {
    const lin = new Linear(3, 2);
    const other = new Linear(4, 2);
    try {
      expect(code(() => lin.loadStateDict(other.stateDict()))).toMatch(/^ERR_SHAPE: loadStateDict: expected shape \[2, 3\] for 'weight' but received \[2, 4\]/);
      const w = tidy(() => randn([2, 3]));
      expect(code(() => lin.loadStateDict({ weight: w }))).toMatch(/^ERR_ARGUMENT: .*missing bias/);
      expect(code(() => lin.loadStateDict({ weight: w, bias: other.bias!, extra: w }))).toMatch(/unexpected extra/);
      lin.loadStateDict({ weight: w }, { strict: false });
      expect(flat(lin.weight)).toEqual(flat(w));
      w.dispose();
    } finally {
      lin.dispose();
      other.dispose();
    }
  });

  it("dispose() frees every parameter and buffer (memory back to baseline), and is idempotent", () => {
    const before = memory();
    const enc = tidy(() => buildEncoder({ type: "gat", inputDim: 6, layers: [8, 8], heads: 2, norm: "batch" }));
    const mlp = new MLP([8, 16, 8], { norm: "layer", act: "prelu" });
    expect(memory().tensors).toBeGreaterThan(before.tensors);
    enc.dispose();
    mlp.dispose();
    enc.dispose();
    expect(memory().tensors).toBe(before.tensors);
    expect(memory().bytes).toBe(before.bytes);
    expect(enc.parameters()[0]!.isDisposed).toBe(true);
  });

  it("to('float64') converts floating parameters and buffers, keeps integer buffers and trainability", () => {
    const enc = buildEncoder({ type: "gcn", inputDim: 3, layers: [4] });
    try {
      const before = memory().tensors;
      enc.to("float64");
      expect(memory().tensors).toBe(before);
      expect(enc.parameters().every((p) => p.dtype === "float64" && p.requiresGrad && p.isLeaf)).toBe(true);
      const sd = enc.stateDict();
      expect(sd["norms.0.running_mean"]!.dtype).toBe("float64");
      expect(sd["norms.0.num_batches_tracked"]!.dtype).toBe("int64");
      expect(code(() => enc.to("int3" as never))).toMatch(/^ERR_ARGUMENT/);
    } finally {
      enc.dispose();
    }
  });

  it("train()/eval() propagate to every submodule", () => {
    const enc = buildEncoder({ type: "mlp", inputDim: 3, layers: [4, 4], dropout: 0.5 });
    try {
      enc.eval();
      expect(enc.namedModules().every(([, m]) => !m.training)).toBe(true);
      enc.train();
      expect(enc.namedModules().every(([, m]) => m.training)).toBe(true);
    } finally {
      enc.dispose();
    }
  });
});

describe("buildEncoder", () => {
  it("reports bad specs as ERR_CONFIG with the key and a did-you-mean", () => {
    expect(code(() => buildEncoder({ type: "gcm" as never, inputDim: 3, layers: [4] }))).toMatch(/ERR_CONFIG: Unknown encoder type 'gcm' \(did you mean 'gcn'\?\)/);
    expect(code(() => buildEncoder({ type: "gcn", inputDim: 3, layers: [] }))).toMatch(/ERR_CONFIG: encoder.layers/);
    expect(code(() => buildEncoder({ type: "gcn", inputDim: 0, layers: [4] }))).toMatch(/ERR_CONFIG: encoder.inputDim/);
    expect(code(() => buildEncoder({ type: "gcn", inputDim: 3, layers: [4], norm: "bach" as never }))).toMatch(/did you mean 'batch'/);
    expect(code(() => buildEncoder({ type: "gat", inputDim: 3, layers: [6], heads: 4 }))).toMatch(/multiples of heads=4/);
  });

  it("applies norm and activation after every layer including the last (BGRL's GCN)", () => {
    manualSeed(3);
    const { graph, x } = twoCommunities(10, 4, { seed: 3 });
    const enc = buildEncoder({ type: "gcn", inputDim: 4, layers: [6, 3], batchNormMomentum: 0.99 });
    try {
      tidy(() => {
        const c0 = enc.convs.at(0) as import("../../../src/index.js").GCNConv;
        const c1 = enc.convs.at(1) as import("../../../src/index.js").GCNConv;
        const bnAct = (h: import("../../../src/index.js").Tensor) =>
          h
            .sub(h.mean(0, true))
            .div(h.var(0, false, true).add(1e-5).sqrt())
            .prelu(tensor([0.25]));
        const expected = bnAct(c1.forward(bnAct(c0.forward(x, graph)), graph));
        expectClose(enc.forward(x, graph), expected, 1e-5);
        expectClose(enc.forward(new DenseRows(x), graph), expected, 1e-5);
      });
    } finally {
      for (const o of [enc, graph, x]) o.dispose();
    }
  });

  it("weight standardization (BGRL): every layer but the first gets (W - mean) / sqrt(var + 1e-5) per output row", () => {
    manualSeed(4);
    const enc = buildEncoder({ type: "gcn", inputDim: 4, layers: [6, 5, 3], weightStandardization: true });
    try {
      tidy(() => {
        const before = enc.weightMatrices().map(([, w]) => w.clone());
        enc.startStep();
        const after = enc.weightMatrices().map(([, w]) => w);
        expect(flat(after[0]!)).toEqual(flat(before[0]!)); // first layer untouched
        for (const k of [1, 2]) {
          const w = before[k]!;
          const expected = w.sub(w.mean(1, true)).div(w.var(1, true, true).add(1e-5).sqrt());
          expectClose(after[k]!, expected, 1e-6);
          // rows now have mean 0 and (unbiased) variance ~1
          expectClose(after[k]!.mean(1), new Array(after[k]!.shape[0]).fill(0), 1e-6);
        }
        // it is a projection of the data, not part of the autograd graph
        expect(after.every((w) => w.isLeaf)).toBe(true);
      });
      // without the option nothing changes
      const plain = buildEncoder({ type: "gcn", inputDim: 4, layers: [6, 5] });
      const w0 = tidy(() => flat(plain.weightMatrices()[1]![1]));
      plain.startStep();
      expect(tidy(() => flat(plain.weightMatrices()[1]![1]))).toEqual(w0);
      plain.dispose();
    } finally {
      enc.dispose();
    }
  });

  it("clone() copies state or re-initializes", () => {
    manualSeed(5);
    const enc = buildEncoder({ type: "gcn", inputDim: 4, layers: [6] });
    const same = enc.clone();
    const fresh = enc.clone({ copyState: false });
    try {
      const w = (e: GraphEncoder) => tidy(() => flat(e.weightMatrices()[0]![1]));
      expect(w(same)).toEqual(w(enc));
      expect(w(fresh)).not.toEqual(w(enc));
      noGrad(() => same.weightMatrices()[0]![1].fill_(0));
      expect(w(enc)).not.toEqual(w(same)); // independent storage
    } finally {
      for (const e of [enc, same, fresh]) e.dispose();
    }
  });
});
