import { describe, expect, it } from "vitest";
import { intervalChart, lineChart, paddedDomain } from "../../src/report/plots.js";

describe("accuracy axes do not turn 0.2 points into a cliff", () => {
  it("paddedDomain widens a narrow range to the minimum span, centred, inside the bounds", () => {
    const [lo, hi] = paddedDomain([82.22, 82.36], 10, [0, 100]);
    expect(lo).toBeCloseTo(77.29, 9);
    expect(hi).toBeCloseTo(87.29, 9);
    expect(paddedDomain([97, 99.5], 10, [0, 100])).toEqual([90, 100]);
    expect(paddedDomain([0.5, 1], 10, [0, 100])).toEqual([0, 10]);
    expect(paddedDomain([40, 80], 10, [0, 100])).toEqual([40, 80]); // wide enough already
  });

  it("line and interval charts use it for their y / value axis", () => {
    const line = lineChart({
      title: "t",
      x: "epoch",
      y: "acc",
      points: [
        { x: 1, y: 82.22, yLo: 82, yHi: 82.4 },
        { x: 2, y: 82.36 },
      ],
      minYSpan: 10,
      yBounds: [0, 100],
    });
    const y = JSON.stringify(line);
    const dom0 = (line.layer as { encoding: { y: { scale: { domain: number[] } } } }[])[0]!.encoding.y.scale.domain;
    expect(dom0[0]).toBeCloseTo(77.2 - 0.3, 9); // 10 points around the data, plus a 3 % margin
    expect(dom0[1]).toBeCloseTo(87.2 + 0.3, 9);
    expect(y).toContain('"y2":{"field":"yHi"}'); // the error bar layer
    const iv = intervalChart({
      title: "t",
      x: "acc",
      items: [
        { label: "a", value: 82.22, lo: 82.0, hi: 82.44 },
        { label: "b", value: 82.36, lo: 82.3, hi: 82.42 },
      ],
      minSpan: 10,
      bounds: [0, 100],
    });
    const dom = (iv.layer as { encoding: { x: { scale: { domain: number[] } } } }[])[0]!.encoding.x.scale.domain;
    expect(dom[1]! - dom[0]!).toBeCloseTo(10, 9);
  });
});
