/**
 * The fuzz harness itself: each rule it enforces is seen to fire (a harness that passed everything
 * would make the suites meaningless), and a batch goes on after a job hangs, aborts or exits.
 */
import os from "node:os";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureDist } from "../helpers/dist.js";
import { pick, runVariants, violations, type Variant } from "./harness.js";

describe("fuzz harness", () => {
  beforeAll(() => ensureDist());

  it("records hangs, signals, exits, non-WerankError exceptions and accepted bad input, and continues the batch", async () => {
    const variants: Variant[] = [
      { name: "ok", expect: "good", job: { module: "node:path", fn: "join", args: ["a", "b"] } },
      { name: "hang", expect: "bad", job: { module: "node:timers/promises", fn: "setTimeout", args: [60_000] } },
      { name: "after the hang", expect: "good", job: { module: "node:path", fn: "join", args: ["a"] } },
      { name: "abort", expect: "bad", job: { module: "node:process", fn: "abort", args: [] } },
      { name: "exit 3", expect: "bad", job: { module: "node:process", fn: "exit", args: [3] } },
      { name: "TypeError", expect: "bad", job: { module: "node:fs", fn: "readFileSync", args: [42.5] } },
      { name: "accepted bad input", expect: "bad", job: { module: "node:path", fn: "join", args: ["x"] } },
      { name: "WerankError", expect: "bad", job: { module: "dist/data/loadNpz.js", fn: "loadNpz", args: ["/dev/zero"] } },
    ];
    const out = await runVariants(variants, { timeoutMs: 1500 });
    expect(out.map((o) => [o.name, o.status])).toEqual([
      ["ok", "ok"],
      ["hang", "timeout"],
      ["after the hang", "ok"],
      ["abort", "signal"],
      ["exit 3", "exit"],
      ["TypeError", "crash"],
      ["accepted bad input", "ok"],
      ["WerankError", "error"],
    ]);
    expect(out[7]!.code).toBe("ERR_DATA");
    const v = violations(out).map((line) => line.split(":")[0]);
    expect(v).toEqual(["hang", "abort", "exit 3", "TypeError", "accepted bad input"]);
    // Output left behind by a failed CLI run is a violation (here a folder that exists all along).
    const cli = await runVariants(
      [
        { name: "CLI usage error", expect: "bad", job: { cli: ["train", "--epochs", "zero"] } },
        { name: "leftover", expect: "bad", job: { cli: ["train", "--epochs", "zero"], noOutput: [os.tmpdir()] } },
      ],
      { timeoutMs: 15_000 },
    );
    expect(cli.map((o) => [o.status, o.code])).toEqual([
      ["error", "ERR_CONFIG"],
      ["error", "ERR_CONFIG"],
    ]);
    expect(violations(cli)).toEqual([`leftover: a failed run left output behind: ${os.tmpdir()}`]);
    // A stack trace in a message is a violation even when the status is fine.
    expect(violations([{ name: "s", expect: "bad", status: "error", code: "ERR_DATA", ms: 1, message: "boom\n    at f (/x.js:1:2)" }])[0]).toContain("a stack trace");
  });

  it("picks a seeded subset in the original order", () => {
    const items = Array.from({ length: 50 }, (_, i) => i);
    const a = pick(items, 10, 7);
    expect(a).toEqual(pick(items, 10, 7));
    expect(a).toHaveLength(10);
    expect([...a].sort((x, y) => x - y)).toEqual(a);
    expect(pick(items, 60, 7)).toBe(items);
  });
});
