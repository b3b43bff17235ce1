/**
 * `exportEncoder` (and `werank-native export`): the file is a valid safetensors file, checked
 * byte by byte here with a parser of our own (8-byte little-endian header length, JSON header with
 * dtype / shape / data_offsets, tensors contiguous from 0 to the end, __metadata__ strings only),
 * holds exactly the online encoder's tensors of the checkpoint, and is read by Python: a stdlib-only
 * script (json + struct) parses it and runs the forward pass docs/checkpoints.md describes (GCNConv
 * = D^-1/2 (A+I) D^-1/2 X W^T + b, BatchNorm1d in eval mode, PReLU), which must give werank-native's
 * representations. When torch is importable the script also loads the tensors into torch modules.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportEncoder, loadCheckpoint, resolveConfig, RunDir, Trainer, type Graph } from "../../../src/index.js";
import { loadGraphForConfig } from "../../../src/experiment/loadGraphForConfig.js";
import { ConfigError } from "../../../src/errors.js";
import { errorOf } from "../../helpers/dataError.js";

const CFG = {
  dataset: { name: "synthetic", synthetic: { nodes: 120, classes: 3, features: 12, avgDegree: 5, seed: 2 } },
  encoder: { layers: [16, 8] },
  objective: { predictorHidden: 16 },
  optim: { warmupEpochs: 1 },
  train: { epochs: 3, spectraEvery: 0 },
  eval: { splits: 2 },
};

let tmp: string;
let runDir: string;
let graph: Graph;
let representation: number[][];
beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "werank-export-"));
  runDir = path.join(tmp, "run");
  const config = resolveConfig({ overrides: CFG });
  graph = await loadGraphForConfig(config);
  const t = new Trainer({ config, graph, runDir: new RunDir(runDir) });
  const it = t.fit();
  while (!(await it.next()).done);
  const h = t.embed();
  representation = h.toArray() as number[][];
  h.dispose();
  t.dispose();
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const ITEM: Record<string, number> = { F32: 4, I64: 8 };

describe("exportEncoder", () => {
  it("writes a byte-exact safetensors file with the encoder's tensors only", () => {
    const out = path.join(tmp, "encoder.safetensors");
    const r = exportEncoder(runDir, out);
    const bytes = fs.readFileSync(out);
    const n = Number(bytes.readBigUInt64LE(0));
    const header = JSON.parse(bytes.subarray(8, 8 + n).toString("utf8")) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }> & {
      __metadata__: Record<string, unknown>;
    };
    const { __metadata__: meta, ...entries } = header;
    for (const v of Object.values(meta)) expect(typeof v).toBe("string");
    expect(meta).toMatchObject({ format: "werank-native encoder", encoder: "gcn", in_features: "12", layers: "[16,8]", norm: "batch", act: "prelu", feature_norm: "row", epoch: "3" });
    const names = Object.keys(entries).sort();
    expect(names).toEqual(
      ["acts.0.weight", "acts.1.weight", "convs.0.bias", "convs.0.lin.weight", "convs.1.bias", "convs.1.lin.weight"]
        .concat([0, 1].flatMap((i) => ["bias", "num_batches_tracked", "running_mean", "running_var", "weight"].map((k) => `norms.${i}.${k}`)))
        .sort(),
    );
    expect(r.tensors.map((t) => t.name)).toEqual(names);
    // contiguous from 0 to the end of the file, each exactly numel * itemsize bytes
    const spans = Object.values(entries).sort((a, b) => a.data_offsets[0] - b.data_offsets[0]);
    let at = 0;
    for (const e of spans) {
      expect(e.data_offsets[0]).toBe(at);
      expect(e.data_offsets[1] - e.data_offsets[0]).toBe(e.shape.reduce((a, b) => a * b, 1) * ITEM[e.dtype]!);
      at = e.data_offsets[1];
    }
    expect(8 + n + at).toBe(bytes.byteLength);
    expect(entries["convs.0.lin.weight"]).toMatchObject({ dtype: "F32", shape: [16, 12] });
    expect(entries["norms.0.num_batches_tracked"]).toMatchObject({ dtype: "I64", shape: [] });
    // the values are the checkpoint's model.encoder.* tensors
    const ck = loadCheckpoint(path.join(runDir, "checkpoints", "final"));
    try {
      for (const name of names) {
        const e = entries[name]!;
        const mine = bytes.subarray(8 + n + e.data_offsets[0], 8 + n + e.data_offsets[1]);
        const t = ck.tensors[`model.encoder.${name}`]!;
        const want = e.dtype === "F32" ? Buffer.from(new Float32Array([t.toArray()].flat(3) as number[]).buffer) : Buffer.from(new BigInt64Array([BigInt(t.item())]).buffer);
        expect(mine.equals(want), name).toBe(true);
      }
    } finally {
      for (const t of Object.values(ck.tensors)) t.dispose();
    }
  });

  it("refuses a missing checkpoint (listing the ones there) and a directory as --out", () => {
    expect(errorOf(ConfigError, () => exportEncoder(runDir, path.join(tmp, "x.safetensors"), { checkpoint: "epoch-9" }))).toMatch(/no checkpoint 'epoch-9'.*available: final/);
    expect(errorOf(ConfigError, () => exportEncoder(runDir, tmp))).toMatch(/is a directory/);
    expect(errorOf(ConfigError, () => exportEncoder(tmp, path.join(tmp, "y.safetensors")))).toMatch(/neither a run directory/);
  });

  it("Python reads it and the documented PyG layer stack gives werank-native's representations", () => {
    const py = spawnSync("python3", ["--version"]);
    if (py.status !== 0) return console.warn("[export-encoder] skipped the Python check: no python3 on PATH");
    const out = path.join(tmp, "encoder-py.safetensors");
    exportEncoder(runDir, out);
    const f = graph.features;
    if (f.kind !== "dense") throw new Error("expected dense synthetic features");
    const graphFile = path.join(tmp, "graph.json");
    fs.writeFileSync(graphFile, JSON.stringify({ n: graph.numNodes, indptr: [...graph.indptr], indices: [...graph.indices], x: [...f.data], cols: f.cols }));
    const r = spawnSync("python3", ["-c", PYTHON, out, graphFile], { encoding: "utf8", timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    const res = JSON.parse(r.stdout) as { h: number[][]; torch: string };
    if (res.torch !== "ok") console.warn(`[export-encoder] torch part skipped: ${res.torch}`);
    expect(res.h.length).toBe(representation.length);
    let maxErr = 0;
    res.h.forEach((row, i) => row.forEach((v, j) => (maxErr = Math.max(maxErr, Math.abs(v - representation[i]![j]!)))));
    expect(maxErr).toBeLessThan(1e-4);
  });
});

/** Reads the export with json + struct only and runs GCNConv -> BatchNorm1d (eval) -> PReLU per layer. */
const PYTHON = String.raw`
import json, struct, sys, math
path, graph_path = sys.argv[1], sys.argv[2]
with open(path, "rb") as f:
    raw = f.read()
n = struct.unpack("<Q", raw[:8])[0]
header = json.loads(raw[8:8 + n])
meta = header.pop("__metadata__")
data = raw[8 + n:]
def tensor(name):
    e = header[name]
    a, b = e["data_offsets"]
    fmt = {"F32": "f", "I64": "q"}[e["dtype"]]
    vals = list(struct.unpack("<%d%s" % ((b - a) // struct.calcsize(fmt), fmt), data[a:b]))
    shape = e["shape"]
    if len(shape) == 2:
        return [vals[r * shape[1]:(r + 1) * shape[1]] for r in range(shape[0])]
    return vals
g = json.load(open(graph_path))
N, cols = g["n"], g["cols"]
h = [g["x"][i * cols:(i + 1) * cols] for i in range(N)]
deg = [g["indptr"][i + 1] - g["indptr"][i] + 1 for i in range(N)]  # + self loop
for l in range(len(json.loads(meta["layers"]))):
    W, b = tensor("convs.%d.lin.weight" % l), tensor("convs.%d.bias" % l)
    xw = [[sum(r[k] * w[k] for k in range(len(r))) for w in W] for r in h]
    out = []
    for i in range(N):
        nb = [i] + g["indices"][g["indptr"][i]:g["indptr"][i + 1]]
        out.append([sum(xw[j][c] / math.sqrt(deg[i] * deg[j]) for j in nb) + b[c] for c in range(len(W))])
    gamma, beta = tensor("norms.%d.weight" % l), tensor("norms.%d.bias" % l)
    mean, var = tensor("norms.%d.running_mean" % l), tensor("norms.%d.running_var" % l)
    a = tensor("acts.%d.weight" % l)[0]
    h = []
    for r in out:
        y = [(r[c] - mean[c]) / math.sqrt(var[c] + 1e-5) * gamma[c] + beta[c] for c in range(len(r))]
        h.append([v if v >= 0 else a * v for v in y])
status = "ok"
try:
    import torch
    state = {k: torch.tensor(tensor(k)) if header[k]["shape"] else torch.tensor(tensor(k)[0]) for k in header}
    L = len(json.loads(meta["layers"]))
    sizes = [int(meta["in_features"])] + json.loads(meta["layers"])
    m = torch.nn.Module()
    m.convs = torch.nn.ModuleList()
    for i in range(L):
        c = torch.nn.Module(); c.lin = torch.nn.Linear(sizes[i], sizes[i + 1], bias=False); c.bias = torch.nn.Parameter(torch.zeros(sizes[i + 1])); m.convs.append(c)
    m.norms = torch.nn.ModuleList([torch.nn.BatchNorm1d(s) for s in sizes[1:]])
    m.acts = torch.nn.ModuleList([torch.nn.PReLU() for _ in sizes[1:]])
    m.load_state_dict(state, strict=True)
except ImportError as e:
    status = "no torch (%s)" % e
print(json.dumps({"h": h, "torch": status}))
`;
