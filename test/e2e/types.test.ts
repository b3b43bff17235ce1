/**
 * Our .d.ts files compile in a fresh TypeScript project as `npm i werank-native` leaves it (issue 14):
 * no @types/node, our devDependencies absent, tsconfig.json exactly as the installed TypeScript's
 * `tsc --init` writes it (plus `"type": "module"` in package.json, as the README says), and again with
 * `skipLibCheck: false` so that an error inside our declarations (a Node-only type such as Buffer or
 * NodeJS.ProcessEnv, an import of node:*) is reported rather than silently turned into `any`.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureDist, ROOT } from "../helpers/dist.js";

const TSC = path.join(ROOT, "node_modules", "typescript", "bin", "tsc");
let project = "";

const PROGRAM = `import { info, blasInfo, tensor, tidy, Trainer, resolveConfig, syntheticGraph, encodeSafetensors, WerankError, type TrainSummary } from "werank-native";

const i = info();
const rate: number = blasInfo().gflops;
console.log(i.torchVersion, rate);
const w = tensor([[1, 2], [3, 4]], { requiresGrad: true });
const loss = tidy(() => w.matmul(w).sum());
loss.backward();
console.log(w.grad?.toArray());
{
  using t = tensor([1, 2, 3]);
  const bytes: Uint8Array = encodeSafetensors({ t });
  console.log(bytes.length, String(t));
}
const trainer = new Trainer({ config: resolveConfig({ set: ["train.epochs=2"] }), graph: syntheticGraph() });
const summary: TrainSummary | undefined = undefined;
try {
  trainer.dispose();
} catch (e) {
  if (e instanceof WerankError) console.log(e.code);
}
console.log(summary);
`;

/** Copies what `npm i werank-native` installs of ours for type checking: package.json and dist's declarations. */
function installDeclarations(dest: string): void {
  fs.mkdirSync(dest, { recursive: true });
  fs.copyFileSync(path.join(ROOT, "package.json"), path.join(dest, "package.json"));
  const walk = (rel: string): void => {
    for (const e of fs.readdirSync(path.join(ROOT, "dist", rel), { withFileTypes: true })) {
      const r = path.join(rel, e.name);
      if (e.isDirectory()) walk(r);
      else if (e.name.endsWith(".d.ts")) {
        fs.mkdirSync(path.join(dest, "dist", rel), { recursive: true });
        fs.copyFileSync(path.join(ROOT, "dist", r), path.join(dest, "dist", r));
      }
    }
  };
  walk("");
}

beforeAll(() => {
  ensureDist();
  project = fs.mkdtempSync(path.join(os.tmpdir(), "werank-types-"));
  const init = spawnSync(process.execPath, [TSC, "--init"], { cwd: project, encoding: "utf8" });
  expect(init.status, init.stdout + init.stderr).toBe(0);
  fs.writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "fresh", version: "1.0.0", type: "module", dependencies: { "werank-native": "*" } }));
  fs.writeFileSync(path.join(project, "index.ts"), PROGRAM);
  installDeclarations(path.join(project, "node_modules", "werank-native"));
  // our runtime dependencies, as npm installs them beside us (their own types included)
  const deps = Object.keys(JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).dependencies as Record<string, string>);
  for (const d of deps) fs.symlinkSync(path.join(ROOT, "node_modules", d), path.join(project, "node_modules", d));
});
afterAll(() => fs.rmSync(project, { recursive: true, force: true }));

function tsc(...extra: string[]) {
  const r = spawnSync(process.execPath, [TSC, "-p", ".", "--noEmit", ...extra], { cwd: project, encoding: "utf8", timeout: 300_000 });
  return { code: r.status, out: r.stdout + r.stderr };
}

describe("a fresh TypeScript project using werank-native", () => {
  it("has no @types/node and the tsconfig.json of tsc --init", () => {
    expect(fs.existsSync(path.join(project, "node_modules", "@types", "node"))).toBe(false);
    expect(fs.readFileSync(path.join(project, "tsconfig.json"), "utf8")).toMatch(/"types": \[\]/);
  });
  it("compiles a program using the public API with tsc --init's settings", () => {
    const r = tsc();
    expect(r.out).toBe("");
    expect(r.code).toBe(0);
  });
  it("compiles with skipLibCheck off too: our declarations need no Node types", () => {
    const r = tsc("--skipLibCheck", "false");
    expect(r.out).toBe("");
    expect(r.code).toBe(0);
  });
});
