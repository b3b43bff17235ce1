import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadWikiCS } from "../../../src/data/loadWikiCS.js";
import { dataErrAsync } from "../../helpers/dataError.js";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "werank-wikics-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A 6-node data.json in the public format (github.com/pmernyei/wiki-cs-dataset), with 3 splits. */
const mask = (ids: number[], n = 6): boolean[] => Array.from({ length: n }, (_, i) => ids.includes(i));

function fixture(): Record<string, unknown> {
  return {
    features: [
      [0.1, 0.2, 0.3],
      [1, 0, -1],
      [2, 2, 2],
      [0, 0, 0],
      [-1, 0.5, 3],
      [4, 4, -4],
    ],
    labels: [0, 1, 2, 1, 0, 2],
    // Hyperlinks as stored: directed, with a repeat and a self-link.
    links: [[1, 2], [2], [0], [3, 4], [], [4]],
    train_masks: [mask([0, 1]), mask([2, 3]), mask([4, 0])],
    val_masks: [mask([2]), mask([4]), mask([1])],
    stopping_masks: [mask([3]), mask([0]), mask([2])],
    test_mask: mask([5]),
  };
}

const text = (o: unknown): Uint8Array => Buffer.from(JSON.stringify(o));

const dataErr = (o: unknown): Promise<string> => dataErrAsync(loadWikiCS(typeof o === "string" ? Buffer.from(o) : text(o), { file: "data.json" }));

describe("loadWikiCS", () => {
  it("loads features, labels, symmetrized links and the public splits", async () => {
    const p = path.join(tmp, "data.json");
    fs.writeFileSync(p, JSON.stringify(fixture()));
    const g = await loadWikiCS(p);
    expect(g.name).toBe("wikics");
    expect(g.numNodes).toBe(6);
    expect(g.features.kind).toBe("dense");
    expect(Array.from(g.features.data)).toEqual((fixture().features as number[][]).flat().map(Math.fround));
    expect(Array.from(g.labels)).toEqual([0, 1, 2, 1, 0, 2]);
    expect(g.numClasses).toBe(3);
    expect(Array.from(g.indptr)).toEqual([0, 2, 4, 6, 7, 9, 10]);
    expect(Array.from(g.indices)).toEqual([1, 2, 0, 2, 0, 1, 4, 3, 5, 4]);
    expect(g.provenance.preprocessing).toContain("remove-self-loops(removed=1)");
    expect(g.publicSplits!.map((s) => s.name)).toEqual(["public-0", "public-1", "public-2"]);
    const s1 = g.publicSplits![1]!;
    expect([Array.from(s1.train), Array.from(s1.val), Array.from(s1.stopping!), Array.from(s1.test)]).toEqual([[2, 3], [4], [0], [5]]);
    expect(g.provenance.files).toEqual([p]);
  });

  it("accepts 'label' for 'labels', 0/1 masks and a missing stopping_masks", async () => {
    const f = fixture();
    f.label = f.labels;
    delete f.labels;
    delete f.stopping_masks;
    f.train_masks = [[1, 1, 0, 0, 0, 0]];
    f.val_masks = [[0, 0, 1, 0, 0, 0]];
    f.test_mask = [0, 0, 0, 0, 1, 1];
    const g = await loadWikiCS(text(f));
    expect(Array.from(g.labels)).toEqual([0, 1, 2, 1, 0, 2]);
    expect(g.publicSplits![0]!.stopping).toBeUndefined();
    expect(Array.from(g.publicSplits![0]!.test)).toEqual([4, 5]);
  });

  it("z-scores features on request", async () => {
    const g = await loadWikiCS(text(fixture()), { zScore: true });
    let mean = 0;
    for (let r = 0; r < 6; r++) mean += g.features.data[r * 3 + 1]!;
    expect(Math.abs(mean)).toBeLessThan(1e-6);
    expect(g.provenance.preprocessing).toContain("z-score(columns)");
  });

  it("names the key and position of bad content", async () => {
    expect(await dataErr('{"features": [[1, 2]')).toMatch(/^Malformed JSON in data\.json: .*truncated or corrupt/);
    expect(await dataErr([1, 2])).toContain("Expected a JSON object");
    const f1 = fixture();
    delete f1.links;
    expect(await dataErr(f1)).toContain("Expected a key 'links' in data.json");
    const f2 = fixture();
    (f2.features as unknown[][])[4]![1] = null;
    expect(await dataErr(f2)).toBe("Expected finite numbers in data.json key 'features' but received null at row 4, column 1");
    const f3 = fixture();
    (f3.features as unknown[][])[2] = [1, 2];
    expect(await dataErr(f3)).toBe("Expected 3 feature values per row in data.json key 'features' but row 2 has 2");
    const f4 = fixture();
    (f4.labels as unknown[])[3] = 1.5;
    expect(await dataErr(f4)).toBe("Expected non-negative integer class labels in data.json key 'labels' but received 1.5 at position 3");
    const f5 = fixture();
    (f5.links as number[][])[3] = [3, 6];
    expect(await dataErr(f5)).toBe("Expected node ids in [0, 6) in data.json key 'links' but received 6 at node 3, position 1");
    const f6 = fixture();
    (f6.train_masks as unknown[][])[2]![0] = "yes";
    expect(await dataErr(f6)).toBe("Expected booleans (or 0/1) at data.json key 'train_masks' split 2 but received \"yes\" at position 0");
    const f7 = fixture();
    (f7.val_masks as unknown[]).pop();
    expect(await dataErr(f7)).toContain("as many val_masks and stopping_masks as train_masks (3)");
    const f8 = fixture();
    f8.train_masks = [[true, false, false, false, false, false]];
    f8.val_masks = [[true, false, false, false, false, false]];
    f8.stopping_masks = [mask([3])];
    expect(await dataErr(f8)).toContain("split 'public-0' but node 0 (val position 0) appears twice");
    const f9 = fixture();
    f9.test_mask = [false, false, false, false, false, false];
    expect(await dataErr(f9)).toBe("Expected at least one true entry at data.json key 'test_mask' but the mask selects no node");
    const f10 = fixture();
    f10.labels = [3, 3, 3, 3, 3, 3];
    expect(await dataErr(f10)).toBe("Expected class labels 0..0 (the 1 distinct labels present, every class id used) in data.json key 'labels' but received 3 at position 0 while class 0 has no node");
  });
});
