// Child process of test/fuzz/harness.ts: runs API jobs one after another in this process and prints
// one JSON line before ({"start": i}) and one after ({"i": i, "status": ...}) each, so the parent can
// time each job, and on a crash or hang knows which job was running. Usage:
//   node test/fuzz/runner.mjs JOBS.json START_INDEX
// JOBS.json: [{ "module": "dist/data/loadNpz.js", "fn": "loadNpz", "args": [...] }, ...] (module
// paths relative to the repository root, or "node:" built-ins).
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

// WERANK_FUZZ_ROOT: run the jobs against another checkout's dist/ (e.g. the code before a fix).
const root = process.env.WERANK_FUZZ_ROOT ?? path.resolve(path.dirname(new URL(import.meta.url).pathname), "..", "..");
const jobs = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const start = Number(process.argv[3] ?? 0);
const { WerankError } = await import(pathToFileURL(path.join(root, "dist", "errors.js")).href);
const modules = new Map();
const say = (o) => fs.writeSync(1, `${JSON.stringify(o)}\n`);

for (let i = start; i < jobs.length; i++) {
  const job = jobs[i];
  say({ start: i });
  const t0 = performance.now();
  let out;
  try {
    // "node:..." modules are imported as they are (the harness's own tests use them).
    const url = job.module.startsWith("node:") ? job.module : pathToFileURL(path.join(root, job.module)).href;
    if (!modules.has(job.module)) modules.set(job.module, await import(url));
    const fn = modules.get(job.module)[job.fn];
    if (typeof fn !== "function") throw new Error(`runner: ${job.module} has no export ${job.fn}`);
    await fn(...job.args);
    out = { status: "ok" };
  } catch (e) {
    out = e instanceof WerankError ? { status: "error", code: e.code, message: e.message } : { status: "crash", message: String(e?.stack ?? e) };
  }
  say({ i, ms: Math.round(performance.now() - t0), ...out });
}
