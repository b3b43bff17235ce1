import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BGRL,
  createObjective,
  nativeCalls,
  rand,
  randn,
  emaUpdate,
  manualSeed,
  memory,
  OBJECTIVE_NAMES,
  RDM,
  tidy,
  type EncoderSpec,
  type Objective,
  type ObjectiveName,
  type Tensor,
  type View,
} from "../../../src/index.js";
import { DenseGraph, TestAdam, twoCommunities } from "../../helpers/denseGraph.js";
import { errorText, flat } from "../../helpers/expect.js";

let base = 0;
let views: [View, View];
let owned: { dispose(): void }[] = [];
beforeAll(() => {
  base = memory().tensors;
  manualSeed(0);
  // two fixed views of a two-community graph: feature noise and masking on one, 30% fewer edges on the other
  const { graph, x, pairs } = twoCommunities(40, 16, { seed: 11, pIn: 0.25, pOut: 0.02 });
  const g2 = new DenseGraph(
    40,
    pairs.filter((_, i) => i % 10 >= 3),
  );
  const x1 = tidy(() => x.add(randn(x.shape).mul(0.3)));
  const x2 = tidy(() => x.mul(rand([1, 16]).ge(0.2))); // ~20% of the feature columns dropped
  views = [
    { x: x1, graph },
    { x: x2, graph: g2 },
  ];
  owned = [graph, g2, x, x1, x2];
});
afterAll(() => {
  for (const o of owned) o.dispose();
  expect(memory().tensors).toBe(base);
});

const encoder: EncoderSpec = { type: "gcn", inputDim: 16, layers: [32, 16] };

function train(obj: Objective, steps: number, lr = 5e-3, momentum = 0.99): number[] {
  const params = obj.trainableParameters();
  const opt = new TestAdam(params, lr);
  const losses: number[] = [];
  try {
    for (let s = 0; s < steps; s++) {
      opt.zeroGrad();
      losses.push(
        tidy(() => {
          const { loss } = obj.forward(views);
          loss.backward();
          return loss.item();
        }),
      );
      opt.step();
      obj.afterStep?.(momentum);
    }
  } finally {
    opt.dispose();
  }
  return losses;
}

const cases: [ObjectiveName, Record<string, unknown>][] = [
  ["bgrl", {}],
  ["simsiam", {}],
  ["grace", { tau: 0.5 }],
  ["directclr", { dim: 8 }],
  ["vicreg", {}],
  ["barlow", {}],
  ["rdm", { base: "bgrl", filter: "poly", sigma: 1, location: "online" }],
  ["rdm", { base: "simsiam", filter: "log1", location: "target" }],
];

describe("objectives lower their loss on a two-community graph", () => {
  for (const [name, extra] of cases) {
    it(`${name} ${JSON.stringify(extra)}`, () => {
      manualSeed(1);
      const obj = createObjective(name, { encoder, ...extra } as never);
      try {
        const losses = train(obj, 40);
        const first = losses[0]!;
        const last = losses.slice(-5).reduce((a, b) => a + b, 0) / 5;
        expect(losses.every(Number.isFinite)).toBe(true);
        if (process.env.WERANK_TEST_VERBOSE) console.log(name, JSON.stringify(extra), first.toFixed(4), "->", last.toFixed(4));
        expect(last).toBeLessThan(first - 0.05 * Math.abs(first));
      } finally {
        obj.dispose();
      }
    });
  }
});

describe("objective outputs", () => {
  it("report terms, online/target/representation outputs with the expected shapes", () => {
    manualSeed(2);
    for (const name of OBJECTIVE_NAMES) {
      const obj = createObjective(name, { encoder } as never);
      try {
        tidy(() => {
          const r = obj.forward(views);
          expect(r.loss.shape).toEqual([]);
          expect(r.outputs.representation.map((t) => t.shape)).toEqual([
            [40, 16],
            [40, 16],
          ]);
          expect(r.outputs.online).toHaveLength(2);
          expect(Object.values(r.terms).every((t) => t.shape.length === 0 && !t.requiresGrad)).toBe(true);
          if (["bgrl", "simsiam", "rdm"].includes(name)) expect(r.outputs.target).toHaveLength(2);
        });
        expect(obj.encoder.representationDim).toBe(16);
        expect(obj.trainableParameters().every((p) => p.requiresGrad)).toBe(true);
      } finally {
        obj.dispose();
      }
    }
  });

  it("registry: unknown names raise ERR_CONFIG with a did-you-mean; bad options raise ERR_CONFIG and free the encoder", () => {
    const before = memory().tensors;
    const msg = errorText;
    expect(msg(() => createObjective("bgr", { encoder }))).toBe("ERR_CONFIG: Unknown objective 'bgr' (did you mean 'bgrl'?). Valid choices: bgrl, simsiam, grace, directclr, vicreg, barlow, rdm");
    expect(msg(() => createObjective("toString", { encoder }))).toMatch(/^ERR_CONFIG: Unknown objective 'toString'/);
    expect(msg(() => createObjective("directclr", { encoder, dim: 99 }))).toMatch(/^ERR_CONFIG: directclr.dim: expected an integer in \[1, 16\]/);
    expect(msg(() => createObjective("grace", { encoder, tau: 0 }))).toMatch(/^ERR_CONFIG: grace.tau/);
    expect(msg(() => createObjective("rdm", { encoder, filter: "pol" as never }))).toMatch(/did you mean 'poly'/);
    expect(msg(() => createObjective("vicreg", { encoder, mu: -1 }))).toMatch(/^ERR_CONFIG: vicreg.mu/);
    expect(msg(() => createObjective("bgrl", {} as never))).toMatch(/^ERR_CONFIG: objective: expected options with an encoder/);
    expect(memory().tensors).toBe(before);
  });
});

describe("BGRL", () => {
  it("keeps the target out of the optimizer; reinit by default (as nerdslab/bgrl) or a copy; EMA = m target + (1 - m) online", () => {
    manualSeed(3);
    const bgrl = new BGRL({ encoder });
    const copy = new BGRL({ encoder, targetInit: "copy" });
    try {
      const targetParams = new Set(bgrl.target.parameters());
      expect(bgrl.trainableParameters().some((p) => targetParams.has(p))).toBe(false);
      expect(bgrl.target.parameters().every((p) => !p.requiresGrad)).toBe(true);
      const w = (ps: Tensor[]) => tidy(() => ps.map((p) => flat(p)));
      expect(w(bgrl.target.weightMatrices().map(([, p]) => p))).not.toEqual(w(bgrl.encoder.weightMatrices().map(([, p]) => p)));
      expect(w(copy.target.parameters())).toEqual(w(copy.encoder.parameters()));
      const t0 = w(bgrl.target.parameters());
      const o0 = w(bgrl.encoder.parameters());
      bgrl.afterStep(0.9);
      const t1 = w(bgrl.target.parameters());
      t1.forEach((t, i) => t.forEach((v, k) => expect(v).toBeCloseTo(0.9 * t0[i]![k]! + 0.1 * o0[i]![k]!, 6)));
      // one training step moves the online encoder and predictor but not the target until afterStep
      train(bgrl, 1, 1e-2, 1);
      expect(w(bgrl.target.parameters())).toEqual(t1);
      expect(w(bgrl.encoder.parameters())).not.toEqual(o0);
      // the target receives no gradient
      expect(bgrl.target.parameters().every((p) => p.grad === null)).toBe(true);
    } finally {
      bgrl.dispose();
      copy.dispose();
    }
  });

  it("updates the whole EMA target in one native call per step", () => {
    manualSeed(4);
    const bgrl = new BGRL({ encoder });
    try {
      const before = nativeCalls();
      bgrl.afterStep(0.99);
      // one fused call, plus the guarded napiCalls() read itself
      expect(nativeCalls() - before).toBe(2);
      expect(() => emaUpdate(bgrl.target.parameters(), bgrl.encoder.parameters(), 1.5)).toThrow(/momentum/);
      expect(() => emaUpdate(bgrl.target.parameters().slice(1), bgrl.encoder.parameters(), 0.5)).toThrow(/target|online|match/);
    } finally {
      bgrl.dispose();
    }
  });

  it("does not leak over 200 steps of forward/backward/step/EMA inside tidy", () => {
    manualSeed(5);
    const before = memory().tensors;
    const bgrl = new BGRL({ encoder: { ...encoder, weightStandardization: true } });
    const opt = new TestAdam(bgrl.trainableParameters(), 1e-3);
    const step = (): void => {
      opt.zeroGrad();
      tidy(() => bgrl.forward(views).loss.backward());
      opt.step();
      bgrl.afterStep(0.99);
    };
    step();
    const after1 = memory();
    for (let s = 0; s < 199; s++) step();
    const after200 = memory();
    expect(after200.tensors).toBe(after1.tensors);
    expect(after200.bytes).toBe(after1.bytes);
    opt.dispose();
    bgrl.dispose();
    expect(memory().tensors).toBe(before);
  });

  it("makes a bounded number of native calls per step, independent of the graph size", () => {
    const callsPerStep = (n: number): number[] => {
      manualSeed(6);
      const { graph, x } = twoCommunities(n, 16, { seed: 2 });
      const bgrl = new BGRL({ encoder });
      const v: [View, View] = [
        { x, graph },
        { x, graph },
      ];
      const out: number[] = [];
      for (let s = 0; s < 3; s++) {
        const c0 = nativeCalls();
        tidy(() => bgrl.forward(v).loss.backward());
        out.push(nativeCalls() - c0);
      }
      for (const o of [bgrl, graph, x]) o.dispose();
      return out.slice(1); // the first step also reads (and caches) parameter shapes
    };
    const small = callsPerStep(20);
    expect(new Set(small).size).toBe(1);
    expect(callsPerStep(60)).toEqual(small);
    expect(small[0]).toBeLessThan(150);
  });

  it("dispose() frees encoder, predictor and target", () => {
    const before = memory();
    const bgrl = new BGRL({ encoder });
    const rdm = new RDM({ encoder, predictorHidden: 8 });
    expect(memory().tensors).toBeGreaterThan(before.tensors);
    bgrl.dispose();
    rdm.dispose();
    bgrl.dispose();
    expect(memory().tensors).toBe(before.tensors);
    expect(memory().bytes).toBe(before.bytes);
  });
});
