/**
 * Fuzz suite for WikiCS `data.json` (issue "Hardening"): special files, truncations at many offsets,
 * byte overwrites, wrong JSON types, out-of-range and degenerate labels, empty or overlapping masks,
 * bad links, a file over V8's string limit (sparse), deep nesting. Each variant runs in a child
 * process with a timeout (test/fuzz/harness.ts); `WERANK_FUZZ=full` runs all of them
 * (`npm run fuzz`), the default a seeded subset.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll } from "vitest";
import { createRng } from "../../src/data/rng.js";
import { fuzzFull, fuzzSuite, trainOn, type Variant } from "./harness.js";
import { overwriteBytes, put, specialFiles, truncationOffsets } from "./inputs.js";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "werank-fuzz-wikics-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const N = 30;
const mask = (ids: number[]): boolean[] => Array.from({ length: N }, (_, i) => ids.includes(i));
const range = (a: number, b: number): number[] => Array.from({ length: b - a }, (_, i) => a + i);

function fixture(): Record<string, unknown> {
  const rng = createRng(5);
  return {
    features: range(0, N).map(() => Array.from({ length: 4 }, () => Math.round(rng.normal() * 100) / 100)),
    labels: range(0, N).map((i) => i % 3),
    links: range(0, N).map((i) => [(i + 1) % N, rng.int(N)]),
    train_masks: [mask(range(0, 10)), mask(range(10, 20))],
    val_masks: [mask(range(10, 15)), mask(range(0, 5))],
    stopping_masks: [mask(range(15, 20)), mask(range(5, 10))],
    test_mask: mask(range(20, 30)),
  };
}

const load = (file: string): Variant["job"] => ({ module: "dist/data/loadWikiCS.js", fn: "loadWikiCS", args: [file] });

function buildVariants(): { fixed: Variant[]; random: Variant[] } {
  const fixed: Variant[] = [];
  const random: Variant[] = [];
  let k = 0;
  const file = (text: string | Uint8Array): string => put(tmp, `v${k++}.json`, text);
  const json = (patch: (d: Record<string, unknown>) => void): string => {
    const d = fixture();
    patch(d);
    return file(JSON.stringify(d));
  };
  const bad = (name: string, p: string): void => void fixed.push({ name, expect: "bad", job: load(p) });
  const baseText = JSON.stringify(fixture());
  fixed.push({ name: "valid data.json", expect: "good", job: load(file(baseText)) });
  fixed.push({
    name: "valid, 'label' key and 0/1 masks",
    expect: "good",
    job: load(
      json((d) => {
        d.label = d.labels;
        delete d.labels;
        d.test_mask = (d.test_mask as boolean[]).map(Number);
      }),
    ),
  });
  for (const s of specialFiles(tmp, "data.json")) bad(`special file: ${s.name}`, s.path);
  const sparse = path.join(tmp, "huge.json");
  fs.writeFileSync(sparse, "{");
  fs.truncateSync(sparse, 600 << 20); // sparse: no disk used, over V8's 2^29-character string limit
  bad("a 600 MB file (over the string limit)", sparse);
  bad("deeply nested lists", file("[".repeat(200_000) + "]".repeat(200_000)));
  for (const [name, text] of [
    ["a JSON list", "[]"],
    ["a JSON number", "3"],
    ["null", "null"],
    ["an empty object", "{}"],
    ["not JSON", "labels: 1"],
  ])
    bad(`top level is ${name}`, file(text!));
  const setLabel = (f: (v: number, i: number) => unknown) => json((d) => (d.labels = (d.labels as number[]).map(f)));
  bad(
    "labels all 3",
    setLabel(() => 3),
  );
  bad(
    "labels all 0 (one class)",
    setLabel(() => 0),
  );
  bad(
    "one label of 1,000,000",
    setLabel((v, i) => (i === 9 ? 1_000_000 : v)),
  );
  bad(
    "labels with a gap",
    setLabel((v) => (v === 2 ? 4 : v)),
  );
  bad(
    "a negative label",
    setLabel((v, i) => (i === 9 ? -1 : v)),
  );
  bad(
    "a label of 1.5",
    setLabel((v, i) => (i === 9 ? 1.5 : v)),
  );
  bad(
    "a string label",
    setLabel((v, i) => (i === 9 ? "1" : v)),
  );
  bad(
    "a boolean label",
    setLabel((v, i) => (i === 9 ? true : v)),
  );
  bad(
    "a null label",
    setLabel((v, i) => (i === 9 ? null : v)),
  );
  bad(
    "one label too few",
    json((d) => (d.labels as number[]).pop()),
  );
  bad(
    "an empty test mask",
    json((d) => (d.test_mask = mask([]))),
  );
  bad(
    "an empty train mask in split 1",
    json((d) => ((d.train_masks as boolean[][])[1] = mask([]))),
  );
  bad(
    "an empty val mask in split 0",
    json((d) => ((d.val_masks as boolean[][])[0] = mask([]))),
  );
  bad(
    "an empty stopping mask",
    json((d) => ((d.stopping_masks as boolean[][])[1] = mask([]))),
  );
  bad(
    "no train masks",
    json((d) => (d.train_masks = [])),
  );
  bad(
    "a mask one entry short",
    json((d) => (d.test_mask as boolean[]).pop()),
  );
  bad(
    "a mask value of 2",
    json((d) => ((d.test_mask as unknown[])[25] = 2)),
  );
  bad(
    "a node in train and test",
    json((d) => ((d.test_mask as boolean[])[0] = true)),
  );
  bad(
    "fewer val masks than train masks",
    json((d) => (d.val_masks as unknown[]).pop()),
  );
  bad(
    "a feature 'nan' string",
    json((d) => ((d.features as unknown[][])[3]![1] = "nan")),
  );
  bad(
    "a null feature",
    json((d) => ((d.features as unknown[][])[3]![1] = null)),
  );
  bad("a feature of 1e999 (Infinity)", file(baseText.replace(/\[\[[^,]+,/, "[[1e999,")));
  bad(
    "a ragged feature row",
    json((d) => (d.features as unknown[][])[3]!.pop()),
  );
  bad(
    "no nodes at all",
    json((d) => {
      for (const key of ["features", "labels", "links"]) d[key] = [];
      for (const key of ["train_masks", "val_masks", "stopping_masks"]) d[key] = [[]];
      d.test_mask = [];
    }),
  );
  bad(
    "features is an object",
    json((d) => (d.features = { a: 1 })),
  );
  for (const j of [30, -1, 1.5, 1e12, "3", null])
    bad(
      `a link to ${JSON.stringify(j)}`,
      json((d) => ((d.links as unknown[][])[4]![0] = j)),
    );
  bad(
    "a links entry that is a number",
    json((d) => ((d.links as unknown[])[4] = 7)),
  );
  bad(
    "links one list short",
    json((d) => (d.links as unknown[]).pop()),
  );
  for (const key of ["features", "labels", "links", "train_masks", "val_masks", "test_mask"])
    bad(
      `no '${key}' key`,
      json((d) => delete d[key]),
    );
  // Random damage: truncated JSON never parses; overwritten bytes may or may not matter.
  const bytes = Buffer.from(baseText);
  for (const off of truncationOffsets(bytes.length, 110)) random.push({ name: `truncated at byte ${off} of ${bytes.length}`, expect: "bad", job: load(file(bytes.subarray(0, off))) });
  const rng = createRng(41);
  for (let i = 0; i < 80; i++) random.push({ name: `byte overwrite #${i}`, expect: "either", job: load(file(overwriteBytes(bytes, rng))) });
  const cli = (name: string, p: string): Variant => trainOn(name, p, path.join(tmp, `run-${k++}`));
  fixed.push(
    cli("a FIFO", specialFiles(tmp, "cli.json")[0]!.path),
    cli(
      "an empty test mask",
      json((d) => (d.test_mask = mask([]))),
    ),
  );
  if (fuzzFull)
    fixed.push(
      cli(
        "labels all 3",
        setLabel(() => 3),
      ),
      cli("a truncated file", file(bytes.subarray(0, 1000))),
    );
  return { fixed, random };
}

fuzzSuite("WikiCS data.json", buildVariants, { sample: 10, seed: 4 });
