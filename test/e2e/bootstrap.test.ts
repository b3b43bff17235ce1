import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../helpers/dist.js";

describe("scripts/bootstrap.sh", () => {
  it("stops with 'Possible solutions:' and a non-zero exit when the given LibTorch is unusable", () => {
    // An explicit TORCH_DIR is never replaced by an apt-get install: the user asked for that one.
    const r = spawnSync("bash", [path.join(ROOT, "scripts", "bootstrap.sh")], {
      encoding: "utf8",
      env: { ...process.env, TORCH_DIR: "/nonexistent/libtorch" },
      timeout: 60_000,
    });
    expect(r.status).not.toBe(0);
    expect(r.stdout + r.stderr).toContain("Possible solutions:");
    expect(r.stdout + r.stderr).toContain("/nonexistent/libtorch");
  });

  it("rejects unknown options with exit 2", () => {
    const r = spawnSync("bash", [path.join(ROOT, "scripts", "bootstrap.sh"), "--tset"], { encoding: "utf8", timeout: 30_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown option --tset/);
  });
});
