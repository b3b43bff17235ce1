#!/usr/bin/env node
// Loading speed of the host data pipeline. Side by side in one run (interleaved rounds, median):
// werank-native's loadNpz (zip + npy parse + checks + symmetrize/dedupe + features + validateGraph)
// against numpy + scipy doing the PyG read_npz part (np.load, csr_matrix, A + A^T > 0 without
// self-loops, label cast; no validation), for each gnn-benchmark file found in the data directory.
// With --ogb it also generates an ogbn-arxiv-sized OGB folder once (169,343 nodes, 1,166,243 edges,
// 128-d float features, gzip CSV; cached in the temp dir) and times loadOgb on it.
//
//   node scripts/bench/data-load.mjs [--data-dir DIR] [--rounds 5] [--ogb] [--json-out FILE]
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { fmt, median, writeJsonIfAsked } from "./lib.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const wn = await import(path.join(root, "dist", "index.js"));
const argv = process.argv;
const opt = (k, d) => (argv.indexOf(k) > 0 ? argv[argv.indexOf(k) + 1] : d);
const rounds = Number(opt("--rounds", 5));
const dataDir = path.resolve(opt("--data-dir", process.env.WERANK_DATA_DIR || path.join(root, "..", "shared", "data")));

const pyCode = `
import sys, time, json, numpy as np, scipy.sparse as sp
def load(p):
    d = np.load(p, allow_pickle=False)
    A = sp.csr_matrix((d['adj_data'], d['adj_indices'], d['adj_indptr']), shape=d['adj_shape'])
    X = sp.csr_matrix((d['attr_data'], d['attr_indices'], d['attr_indptr']), shape=d['attr_shape'])
    y = d['labels'].astype(np.int64)
    A.setdiag(0); A.eliminate_zeros()
    A = ((A + A.T) > 0).astype(np.float32).tocsr(); A.sort_indices()
    return A, X, y
p, n = sys.argv[1], int(sys.argv[2])
load(p)
ts = []
for _ in range(n):
    t = time.perf_counter(); load(p); ts.append(time.perf_counter() - t)
print(json.dumps(sorted(ts)[len(ts) // 2] * 1000))
`;
const py = ["/usr/bin/python3", "python3"].find((c) => spawnSync(c, ["-c", "import numpy, scipy"]).status === 0);

async function timeIt(fn, n) {
  const ts = [];
  for (let k = 0; k < n; k++) {
    const t = performance.now();
    await fn();
    ts.push(performance.now() - t);
  }
  return median(ts);
}

const result = { dataDir, rounds, loadAvg: os.loadavg()[0], npz: {}, ogb: null };
console.log(`data-load: median of ${rounds} rounds, data directory ${dataDir} (1-min load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores)`);
for (const name of ["cora", "amazon-computers", "coauthor-cs", "amazon-photo", "coauthor-physics", "citeseer"]) {
  const loc = wn.locateDataset(name, dataDir);
  if (!loc.path) continue;
  await wn.loadNpz(loc.path); // warm-up (JIT)
  const ours = [];
  const oursCpu = [];
  const theirs = [];
  for (let r = 0; r < rounds; r++) {
    const c0 = process.cpuUsage();
    ours.push(await timeIt(() => wn.loadNpz(loc.path), 1));
    const c = process.cpuUsage(c0);
    oursCpu.push((c.user + c.system) / 1000);
    if (py) {
      const out = spawnSync(py, ["-c", pyCode, loc.path, "1"], { encoding: "utf8" });
      if (out.status === 0) theirs.push(JSON.parse(out.stdout.trim()));
    }
  }
  const row = { werankMs: median(ours), werankCpuMs: median(oursCpu), numpyScipyMs: theirs.length ? median(theirs) : null, bytes: fs.statSync(loc.path).size };
  if (row.numpyScipyMs) row.ratio = row.werankMs / row.numpyScipyMs;
  result.npz[name] = row;
  console.log(
    `  ${name.padEnd(17)} loadNpz ${fmt(row.werankMs)} ms (${fmt(row.werankCpuMs)} ms CPU)   numpy+scipy ${row.numpyScipyMs ? `${fmt(row.numpyScipyMs)} ms` : "n/a"}   ratio ${row.ratio ? fmt(row.ratio) : "n/a"}`,
  );
}

/** Writes an ogbn-arxiv-sized OGB folder (random graph; features like OGB's "%.6f" values). */
function makeArxivSized(dir) {
  const N = 169343,
    E = 1166243,
    F = 128,
    C = 40;
  let s = 12345;
  const rnd = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296;
  const gz = (rel, gen) => {
    const p = path.join(dir, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    const parts = [];
    let buf = "";
    gen((line) => {
      buf += `${line}\n`;
      if (buf.length > 1 << 22) {
        parts.push(buf);
        buf = "";
      }
    });
    parts.push(buf);
    fs.writeFileSync(p, zlib.gzipSync(Buffer.from(parts.join("")), { level: 6 }));
  };
  gz("raw/num-node-list.csv.gz", (w) => w(String(N)));
  gz("raw/num-edge-list.csv.gz", (w) => w(String(E)));
  gz("raw/edge.csv.gz", (w) => {
    for (let e = 0; e < E; e++) w(`${Math.floor(rnd() * N)},${Math.floor(rnd() * N)}`);
  });
  gz("raw/node-feat.csv.gz", (w) => {
    const row = new Array(F);
    for (let i = 0; i < N; i++) {
      for (let k = 0; k < F; k++) row[k] = ((rnd() - 0.5) * 0.4).toFixed(6);
      w(row.join(","));
    }
  });
  gz("raw/node-label.csv.gz", (w) => {
    for (let i = 0; i < N; i++) w(String(Math.floor(rnd() * C)));
  });
  const perm = Array.from({ length: N }, (_, i) => i);
  gz("split/time/train.csv.gz", (w) => {
    for (let i = 0; i < 90941; i++) w(String(perm[i]));
  });
  gz("split/time/valid.csv.gz", (w) => {
    for (let i = 90941; i < 90941 + 29799; i++) w(String(perm[i]));
  });
  gz("split/time/test.csv.gz", (w) => {
    for (let i = 90941 + 29799; i < N; i++) w(String(perm[i]));
  });
  fs.writeFileSync(path.join(dir, "DONE"), "");
}

if (argv.includes("--ogb")) {
  const dir = path.join(os.tmpdir(), "werank-ogbn-arxiv-sized");
  if (!fs.existsSync(path.join(dir, "DONE"))) {
    const t = performance.now();
    makeArxivSized(dir);
    console.log(`  generated ${dir} in ${fmt((performance.now() - t) / 1000)} s`);
  }
  const c0 = process.cpuUsage();
  const t = performance.now();
  const g = await wn.loadOgb(dir);
  const sec = (performance.now() - t) / 1000;
  const c = process.cpuUsage(c0);
  // CPU time (this process, zlib's worker threads included) is the fairer number on a busy machine.
  const cpu = (c.user + c.system) / 1e6;
  result.ogb = { dir, seconds: sec, cpuSeconds: cpu, nodes: g.numNodes, undirectedEdges: g.indices.length / 2, features: g.features.cols };
  console.log(`  ogbn-arxiv-sized  loadOgb ${fmt(sec)} s wall, ${fmt(cpu)} s CPU  (${g.numNodes} nodes, ${g.indices.length / 2} undirected edges, ${g.features.cols} features)`);
}
writeJsonIfAsked(result);
