import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { TrainProgress } from "../../../src/cli/trainProgress.js";
import type { TrainEvent } from "../../../src/train/Trainer.js";

/** A writable that says it is a terminal and keeps what was written. */
function fakeTty(): PassThrough & { text: () => string } {
  const s = new PassThrough() as PassThrough & { isTTY: boolean; columns: number; text: () => string };
  const chunks: string[] = [];
  s.on("data", (c: Buffer) => chunks.push(c.toString()));
  s.isTTY = true;
  s.columns = 120;
  s.text = () => chunks.join("");
  return s;
}

const epoch = (e: number): TrainEvent => ({ type: "epoch", epoch: e, loss: 1 / e, lr: 1e-3, momentum: 0.99, terms: {}, seconds: 0.01 });

describe("train progress bar", () => {
  it("keeps drawing after a warning (the bar resumes at the epoch it was at)", () => {
    const bar = fakeTty();
    const err = fakeTty();
    const p = new TrainProgress({ total: 10, json: false, tty: true, stdout: fakeTty(), stderr: err, barStream: bar });
    p.start(0);
    p.onEvent(epoch(1));
    expect(p.barActive).toBe(true);
    p.onEvent({ type: "warning", epoch: 1, message: "mean pairwise cosine 0.99" } as TrainEvent);
    expect(err.text()).toContain("warning (epoch 1): mean pairwise cosine 0.99");
    expect(p.barActive).toBe(true); // the old code stopped the bar here for the rest of the run
    p.onEvent(epoch(2));
    p.onEvent({ type: "eval", epoch: 2, probe: { mean: 0.5, std: 0.01 } } as TrainEvent);
    expect(p.barActive).toBe(true);
    p.stop();
    expect(p.barActive).toBe(false);
    expect(bar.text()).toContain("1/10 epochs"); // drawn again after the warning, from epoch 1
  });

  it("prints plain lines without a terminal and JSONL with --json", () => {
    const out = fakeTty();
    const p = new TrainProgress({ total: 2, json: false, tty: false, stdout: out, stderr: out });
    p.start(0);
    p.onEvent(epoch(1));
    p.onEvent({ type: "warning", epoch: 1, message: "w" } as TrainEvent);
    p.onEvent(epoch(2));
    expect(p.barActive).toBe(false);
    expect(out.text()).toMatch(/epoch 1\/2\s+loss 1\.0000[\s\S]*warning \(epoch 1\): w[\s\S]*epoch 2\/2/);
    const j = fakeTty();
    const q = new TrainProgress({ total: 2, json: true, tty: true, stdout: j });
    q.start(0);
    q.onEvent(epoch(1));
    expect(q.barActive).toBe(false);
    expect(JSON.parse(j.text().trim())).toMatchObject({ type: "epoch", epoch: 1 });
  });
});
