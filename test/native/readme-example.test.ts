import { describe, expect, it } from "vitest";
import { memory, tensor, tidy, WerankError } from "../../src/index.js";

describe("README example", () => {
  it("computes the gradient of sum(w @ w) and frees intermediates", () => {
    const base = memory().tensors;
    const w = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { requiresGrad: true },
    );
    const loss = tidy(() => w.matmul(w).sum());
    expect(loss.item()).toBe(54);
    loss.backward();
    const g = w.grad!;
    expect(g.toTypedArray()).toBeInstanceOf(Float32Array);
    expect(g.toArray()).toEqual([
      [7, 11],
      [9, 13],
    ]);
    expect(memory().tensors).toBe(base + 3);
    for (const t of [w, loss, g]) t.dispose();
    expect(memory().tensors).toBe(base);
  });

  it("raises WerankError for a shape mismatch and keeps running", () => {
    const a = tensor([[1, 2, 3]]);
    let err: unknown;
    try {
      a.matmul(a);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(WerankError);
    expect((err as WerankError).code).toBe("ERR_SHAPE");
    expect((err as Error).message).toContain("[1, 3]");
    a.dispose();
  });
});
