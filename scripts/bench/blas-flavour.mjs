#!/usr/bin/env node
// Which BLAS scripts/bootstrap.sh should install and select (issue 14): Debian 12 packages OpenBLAS in
// three threading flavours (libopenblas0-pthread, -openmp, -serial), co-installable beside Netlib's
// reference BLAS. LibTorch 1.13 runs its intra-op work on OpenMP; the pthread flavour has a thread pool
// of its own (werank's setNumThreads sizes it too), the openmp flavour shares libgomp's, serial has none.
//
// Each flavour runs in its own process with LD_LIBRARY_PATH pointing at its directory, so the dynamic
// loader takes its libblas.so.3/liblapack.so.3 before the system's alternative (nothing system-wide is
// changed); blasInfo() confirms from /proc/self/maps which library was loaded. Per flavour and thread
// count: the float32 GEMM rate (1024^3, best of 3) and the quickstart's training (default config:
// BGRL + WERank on the synthetic graph) for --epochs epochs: median wall and CPU ms per epoch after 3.
//
//   node scripts/bench/blas-flavour.mjs [--epochs 30] [--threads 1,2] [--flavours reference,openblas-pthread,...] [--json-out FILE]
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { median, writeJsonIfAsked } from "./lib.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const argv = process.argv.slice(2);
const opt = (k, d) => (argv.indexOf(k) >= 0 ? argv[argv.indexOf(k) + 1] : d);
const lib = "/usr/lib/x86_64-linux-gnu";
const FLAVOURS = {
  reference: [`${lib}/blas`, `${lib}/lapack`],
  "openblas-pthread": [`${lib}/openblas-pthread`],
  "openblas-openmp": [`${lib}/openblas-openmp`],
  "openblas-serial": [`${lib}/openblas-serial`],
};
const epochs = Number(opt("--epochs", 30));
const threads = String(opt("--threads", "1,2")).split(",").map(Number);
const flavours = String(opt("--flavours", Object.keys(FLAVOURS).join(",")))
  .split(",")
  .filter((f) => {
    if (!FLAVOURS[f]) throw new Error(`unknown flavour ${f} (valid: ${Object.keys(FLAVOURS).join(", ")})`);
    const ok = fs.existsSync(path.join(FLAVOURS[f][0], "libblas.so.3"));
    if (!ok) console.error(`blas-flavour: ${f} is not installed (apt-get install lib${f === "reference" ? "blas3" : f.replace("openblas-", "openblas0-")}); skipped`);
    return ok;
  });

function run(args, flavour, n) {
  const env = { ...process.env, LD_LIBRARY_PATH: FLAVOURS[flavour].join(":"), WERANK_NUM_THREADS: String(n), OMP_NUM_THREADS: String(n), OPENBLAS_NUM_THREADS: String(n) };
  const r = spawnSync(process.execPath, args, { cwd: root, env, encoding: "utf8", maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${flavour}: ${args.join(" ")} exited ${r.status}\n${r.stderr}`);
  return r.stdout;
}

// The quickstart's training in a worker: wall and CPU (user + system, all threads) time of each epoch.
// CPU time shows oversubscription (threads spinning or fighting over cores) even on a busy machine,
// where wall times are noisy.
const WORKER = `
import * as wn from "./dist/index.js";
const config = wn.resolveConfig({ set: ["train.epochs=${epochs}", "eval.splits=1", "output.report=false"] });
const trainer = new wn.Trainer({ config, graph: await wn.loadGraphForConfig(config) });
const wall = [], cpu = [];
let t = process.hrtime.bigint(), c = process.cpuUsage();
for await (const ev of trainer.fit()) {
  if (ev.type !== "epoch") continue;
  const c2 = process.cpuUsage(), t2 = process.hrtime.bigint();
  wall.push(Number(t2 - t) / 1e6); cpu.push((c2.user - c.user + c2.system - c.system) / 1e3);
  t = process.hrtime.bigint(); c = process.cpuUsage();
}
trainer.dispose();
console.log(JSON.stringify({ blas: wn.blasInfo(), wall, cpu }));
`;

const rows = [];
for (const f of flavours) {
  for (const n of threads) {
    const r = JSON.parse(run(["--input-type=module", "-e", WORKER], f, n).trim().split("\n").pop());
    const b = r.blas;
    const row = {
      flavour: f,
      threads: n,
      loaded: `${b.implementation}${b.flavour ? `-${b.flavour}` : ""}`,
      gflops: b.gflops,
      msPerEpoch: median(r.wall.slice(3)),
      cpuMsPerEpoch: median(r.cpu.slice(3)),
    };
    rows.push(row);
    console.error(`${f} x${n}: ${b.gflops.toFixed(1)} GFLOP/s, ${row.msPerEpoch.toFixed(1)} ms/epoch, CPU ${row.cpuMsPerEpoch.toFixed(1)} ms/epoch`);
  }
}
console.log(`| BLAS (LD_LIBRARY_PATH) | loaded (blasInfo) | threads | sgemm 1024^3 GFLOP/s | quickstart epoch, wall ms | quickstart epoch, CPU ms |`);
console.log("| --- | --- | ---: | ---: | ---: | ---: |");
for (const r of rows) console.log(`| ${r.flavour} | ${r.loaded} | ${r.threads} | ${r.gflops.toFixed(1)} | ${r.msPerEpoch.toFixed(1)} | ${r.cpuMsPerEpoch.toFixed(1)} |`);
writeJsonIfAsked({ epochs, rows, cpus: os.cpus().length, cpu: os.cpus()[0]?.model });
