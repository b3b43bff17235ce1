#!/usr/bin/env node
// Builds the addon with cmake-js into build-cmake/, skipping the build when nothing it depends on
// changed (native sources, CMakeLists.txt, the LibTorch found). Used by bootstrap.sh and by the
// package's npm `install` step.
//
//   node scripts/build-native.cjs            build if needed (exit 1 on failure)
//   node scripts/build-native.cjs --force    rebuild
//   node scripts/build-native.cjs --as-dependency
//        npm install of werank-native inside another project: a missing LibTorch prints the
//        Possible solutions and exits 0, so the install succeeds and loading the addon later
//        raises ERR_NATIVE_MISSING with the same advice.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const crypto = require("node:crypto");
const { spawnSync } = require("node:child_process");
const { discover, sources } = require("./torch-config.cjs");

const ROOT = path.resolve(__dirname, "..");
const OUT = path.join(ROOT, "build-cmake");
const ADDON = path.join(OUT, "Release", "werank_native.node");
const STAMP = path.join(OUT, ".werank-stamp");

function hashTree() {
  const h = crypto.createHash("sha256");
  const add = (rel) => {
    const full = path.join(ROOT, rel);
    const st = fs.statSync(full);
    if (st.isDirectory()) {
      for (const e of fs.readdirSync(full).sort()) add(path.join(rel, e));
    } else {
      h.update(rel);
      h.update(fs.readFileSync(full));
    }
  };
  for (const rel of ["native", "CMakeLists.txt", "scripts/torch-config.cjs"]) add(rel);
  return h;
}

function main(argv) {
  const force = argv.includes("--force");
  const asDependency = argv.includes("--as-dependency");
  const torch = discover();
  if (torch.error) {
    // torch-config prints the Possible solutions.
    spawnSync(process.execPath, [path.join(__dirname, "torch-config.cjs"), "--check"], { stdio: "inherit" });
    return asDependency ? 0 : 1;
  }
  const h = hashTree();
  h.update(JSON.stringify(torch));
  h.update(process.version.split(".")[0]);
  const digest = h.digest("hex");
  if (!force && fs.existsSync(ADDON) && fs.existsSync(STAMP) && fs.readFileSync(STAMP, "utf8") === digest) {
    console.log(`werank-native: addon up to date (${path.relative(ROOT, ADDON)})`);
    return 0;
  }
  const jobs = String(Math.max(1, Number(process.env.WERANK_BUILD_JOBS) || require("node:os").availableParallelism?.() || 2));
  console.log(`werank-native: building the addon against LibTorch ${torch.version.major}.${torch.version.minor} (${torch.cuda ? "CUDA" : "CPU"}) with ${jobs} jobs ...`);
  const cmakeJs = require.resolve("cmake-js/bin/cmake-js", { paths: [ROOT] });
  // The source list is a glob evaluated when CMake configures: a new or removed .cc file must
  // reconfigure, or ninja reports "no work to do" and the addon lacks the new functions.
  const sourceList = JSON.stringify([sources(), sources({ cuda: true })]);
  const listFile = path.join(OUT, ".werank-sources");
  const reconfigure = force || !fs.existsSync(listFile) || fs.readFileSync(listFile, "utf8") !== sourceList;
  const run = (verb) => spawnSync(process.execPath, [cmakeJs, verb, "--out", OUT, "--parallel", jobs, "--log-level", "warn"], { cwd: ROOT, stdio: "inherit" });
  let r = { status: 0 };
  if (reconfigure && fs.existsSync(path.join(OUT, "CMakeCache.txt")) && !force) r = run("configure");
  if (r.status === 0) r = run(force ? "rebuild" : "build");
  if (r.status === 0) {
    fs.mkdirSync(OUT, { recursive: true });
    fs.writeFileSync(listFile, sourceList);
  }
  if (r.status !== 0 || !fs.existsSync(ADDON)) {
    console.error("werank-native: the addon build failed (see the compiler output above).");
    return asDependency ? 0 : 1;
  }
  fs.writeFileSync(STAMP, digest);
  console.log(`werank-native: built ${path.relative(ROOT, ADDON)}`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
