import { describe, expect, it } from "vitest";
import { ConstantSchedule, MomentumCosineSchedule, WarmupCosineSchedule, type WerankError } from "../../src/index.js";

// BGRL (nerdslab/bgrl, bgrl/scheduler.py): CosineDecayScheduler(max_val, warmup_steps, total_steps).get(step)
function bgrl(maxVal: number, warmup: number, total: number, step: number): number {
  if (step < warmup) return (maxVal * step) / warmup;
  return (maxVal * (1 + Math.cos(((step - warmup) * Math.PI) / (total - warmup)))) / 2;
}

describe("WarmupCosineSchedule (BGRL's learning-rate schedule)", () => {
  const s = new WarmupCosineSchedule(5e-4, 1000, 10000);
  it("warms up linearly from 0", () => {
    expect(s.at(0)).toBe(0);
    expect(s.at(1)).toBeCloseTo(5e-7, 18);
    expect(s.at(500)).toBeCloseTo(2.5e-4, 15);
    expect(s.at(999)).toBeCloseTo((5e-4 * 999) / 1000, 15);
  });
  it("peaks at the end of warm-up, then decays along a half cosine to 0", () => {
    expect(s.at(1000)).toBe(5e-4);
    expect(s.at(5500)).toBeCloseTo(2.5e-4, 15); // halfway through the decay: cos(pi/2) = 0
    expect(s.at(10000)).toBeCloseTo(0, 18);
    for (const e of [1000, 2345, 5500, 7777, 9999]) {
      expect(s.at(e)).toBeCloseTo((5e-4 * (1 + Math.cos((Math.PI * (e - 1000)) / 9000))) / 2, 18);
    }
  });
  it("matches BGRL's formula at many points", () => {
    for (let e = 0; e <= 10000; e += 137) expect(s.at(e)).toBe(bgrl(5e-4, 1000, 10000, e));
  });
  it("without warm-up is a plain cosine decay; warm-up filling the run stays at the peak", () => {
    const c = new WarmupCosineSchedule(1, 0, 100);
    expect(c.at(0)).toBe(1);
    expect(c.at(50)).toBeCloseTo(0.5, 15);
    const w = new WarmupCosineSchedule(2, 10, 10);
    expect(w.at(5)).toBe(1);
    expect(w.at(10)).toBe(2);
  });
  it("rejects steps outside [0, total] and bad settings", () => {
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as WerankError).code;
      }
    };
    expect(code(() => s.at(10001))).toBe("ERR_ARGUMENT");
    expect(code(() => s.at(-1))).toBe("ERR_ARGUMENT");
    expect(code(() => s.at(Number.NaN))).toBe("ERR_ARGUMENT");
    expect(code(() => new WarmupCosineSchedule(1, 20, 10))).toBe("ERR_CONFIG");
    expect(code(() => new WarmupCosineSchedule(1, 0, 0))).toBe("ERR_CONFIG");
    expect(code(() => new WarmupCosineSchedule(Number.NaN, 0, 10))).toBe("ERR_CONFIG");
  });
});

describe("MomentumCosineSchedule (BGRL's EMA momentum 0.99 -> 1)", () => {
  const m = new MomentumCosineSchedule(0.99, 10000);
  it("m(e) = 1 - (1 - m0) * (cos(pi e / total) + 1) / 2", () => {
    expect(m.at(0)).toBeCloseTo(0.99, 15);
    expect(m.at(5000)).toBeCloseTo(0.995, 15);
    expect(m.at(10000)).toBe(1);
    for (const e of [1, 123, 2500, 7500, 9999]) {
      expect(m.at(e)).toBeCloseTo(1 - ((1 - 0.99) * (Math.cos((Math.PI * e) / 10000) + 1)) / 2, 15);
      // BGRL: mm = 1 - mm_scheduler.get(step) with CosineDecayScheduler(1 - mm, 0, epochs)
      expect(m.at(e)).toBe(1 - bgrl(1 - 0.99, 0, 10000, e));
    }
  });
  it("is non-decreasing", () => {
    let prev = 0;
    for (let e = 0; e <= 10000; e += 250) {
      expect(m.at(e)).toBeGreaterThanOrEqual(prev);
      prev = m.at(e);
    }
  });
  it("rejects a base outside [0, 1]", () => {
    expect(() => new MomentumCosineSchedule(1.5, 10)).toThrow(/0 <= base <= 1/);
  });
});

describe("ConstantSchedule", () => {
  it("returns its value", () => {
    expect(new ConstantSchedule(0.3).at(12345)).toBe(0.3);
  });
});
