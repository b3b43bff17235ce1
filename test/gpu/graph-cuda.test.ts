// The CUDA graph kernels against the CPU ones: products and gradients, sparse features, augmented
// views (counter-based randomness: the same generator state gives the same view on both devices),
// and CUDA memory back to baseline. Skipped, with the reason, without a GPU or the CUDA kernels.
import { describe, expect, it } from "vitest";
import { DeviceGraph, Generator, graphMemory, info, memory, randn, SparseFeatures, sampleNeighbors, tidy, type Tensor } from "../../src/index.js";
import { hostGraph, randomCsrFeatures, randomGraph, type Csr } from "../native/graphFixtures.js";

const rt = info();
const reason = !rt.cuda ? "no CUDA device visible to LibTorch (CPU-only build or no GPU)" : !rt.cudaKernels ? "the addon was built without werank's CUDA kernels (no nvcc at build time)" : "";
if (reason) console.warn(`[gpu] graph-cuda tests skipped: ${reason}`);

const cudaBytes = () => memory().cuda?.[0]?.allocated ?? 0;
const maxDiff = (a: Tensor, b: Tensor) => a.to("cpu").sub(b.to("cpu")).abs().max().item();

function pair(c: Csr, dtype: "float32" | "float64") {
  const opts = { weights: c.weights, dtype } as const;
  return [DeviceGraph.fromCsr(c.n, c.indptr, c.indices, opts), DeviceGraph.fromCsr(c.n, c.indptr, c.indices, { ...opts, device: "cuda" })] as const;
}

describe.skipIf(reason !== "")(`graph kernels on CUDA vs CPU${reason ? ` (skipped: ${reason})` : ""}`, () => {
  const graphs: [string, Csr][] = [
    ["symmetric", randomGraph(1, 500, 3000, { isolated: 10 })],
    ["directed weighted", randomGraph(2, 400, 2500, { directed: true, weighted: true, isolated: 5 })],
  ];

  for (const [name, c] of graphs) {
    for (const dtype of ["float32", "float64"] as const) {
      it(`gcn / mean / sum forward and backward: ${name}, ${dtype}`, () => {
        const base = cudaBytes();
        const [cpu, gpu] = pair(c, dtype);
        const tol = dtype === "float64" ? 1e-12 : 1e-4;
        tidy(() => {
          for (const op of ["gcn", "mean", "sum"] as const) {
            for (const f of [1, 31, 64, 100]) {
              const x = randn([c.n, f], { dtype, requiresGrad: true });
              const xg = x.detach().to("cuda").setRequiresGrad(true);
              const r = randn([c.n, f], { dtype });
              const y = cpu[op](x);
              const yg = gpu[op](xg);
              expect(yg.device).toBe("cuda:0");
              expect(maxDiff(y, yg)).toBeLessThan(tol);
              y.mul(r).sum().backward();
              yg.mul(r.to("cuda")).sum().backward();
              expect(maxDiff(x.grad!, xg.grad!)).toBeLessThan(tol);
            }
          }
          expect(maxDiff(cpu.toDense("gcn"), gpu.toDense("gcn"))).toBeLessThan(tol);
        });
        cpu.dispose();
        gpu.dispose();
        expect(cudaBytes()).toBe(base);
      });
    }
  }

  it("sparse features matmul and its weight gradient", () => {
    const f = randomCsrFeatures(3, 300, 700, 0.02);
    const s = SparseFeatures.fromCsr(f);
    const sg = SparseFeatures.fromCsr(f, { device: "cuda" });
    tidy(() => {
      const w = randn([700, 64], { requiresGrad: true });
      const wg = w.detach().to("cuda").setRequiresGrad(true);
      const y = s.matmul(w);
      const yg = sg.matmul(wg);
      expect(maxDiff(y, yg)).toBeLessThan(1e-4);
      y.square().sum().backward();
      yg.square().sum().backward();
      expect(maxDiff(w.grad!, wg.grad!)).toBeLessThan(1e-3);
    });
    s.dispose();
    sg.dispose();
  });

  it("augmented views are identical on both devices for the same generator state", () => {
    const c = randomGraph(4, 800, 5000, { isolated: 8 });
    const f = randomCsrFeatures(5, 800, 300, 0.05);
    const opts = { edgeDrop: 0.3, featureMask: 0.3, featureDropout: 0.1 };
    const objects = graphMemory().objects;
    for (const features of ["auto", "dense"] as const) {
      const cpu = DeviceGraph.fromGraph(hostGraph(c, f), { features });
      const gpu = DeviceGraph.fromGraph(hostGraph(c, f), { features, device: "cuda" });
      const [g1, g2] = [new Generator(11), new Generator(11)];
      const v = cpu.augment(opts, g1);
      const vg = gpu.augment(opts, g2);
      expect(Array.from(vg.csr().indptr)).toEqual(Array.from(v.csr().indptr));
      expect(Array.from(vg.csr().indices)).toEqual(Array.from(v.csr().indices));
      tidy(() => {
        const fx = (x: typeof v.features) => (x instanceof SparseFeatures ? x.toDense() : (x as Tensor));
        expect(maxDiff(fx(v.features), fx(vg.features))).toBe(0);
        expect(maxDiff(v.toDense("gcn"), vg.toDense("gcn"))).toBeLessThan(1e-6);
        // Backward through the kept graph's transpose (built from the source on the device).
        const x = randn([800, 16], { requiresGrad: true });
        const xg = x.detach().to("cuda").setRequiresGrad(true);
        const r = randn([800, 16]);
        v.mean(x).mul(r).sum().backward();
        vg.mean(xg).mul(r.to("cuda")).sum().backward();
        expect(maxDiff(x.grad!, xg.grad!)).toBeLessThan(1e-4);
      });
      for (const o of [v, vg, cpu, gpu, g1, g2]) o.dispose();
    }
    expect(graphMemory().objects).toBe(objects);
  });

  it("neighbour samples are identical on both devices for the same seed (draws on CUDA, relabelling on the host)", () => {
    const c = randomGraph(4, 3000, 30000, { weighted: true, isolated: 10 });
    const [cpu, gpu] = pair(c, "float32");
    const seeds = Int32Array.from({ length: 500 }, (_, i) => (i * 13) % c.n);
    for (const fanouts of [[15, 10], [-1], [100, 3]]) {
      const a = sampleNeighbors(cpu, seeds, fanouts, { seed: 42 });
      const b = sampleNeighbors(gpu, seeds, fanouts, { seed: 42 });
      expect(b.nodes.device).toBe("cuda:0");
      expect(Array.from(b.nodes.toTypedArray())).toEqual(Array.from(a.nodes.toTypedArray()));
      expect(Array.from(b.edgeIds.toTypedArray())).toEqual(Array.from(a.edgeIds.toTypedArray()));
      expect(b.graph.csr()).toEqual(a.graph.csr());
      expect(b.numSampledEdges).toEqual(a.numSampledEdges);
      for (const o of [a, b]) o.dispose();
    }
    cpu.dispose();
    gpu.dispose();
  });
});
