/**
 * Issue 16: the public barrel is a curated list, not everything the modules happen to export.
 * - The runtime exports of src/index.ts equal test/fixtures/public-api.txt (one name a line, sorted),
 *   so adding or removing a public name is a deliberate, reviewed change of that file.
 * - Internals named below are never exported, whatever the fixture says.
 * - Every name the README shows being imported from "werank-native", or lists as a public building
 *   block, is exported.
 * Type-only exports are invisible at runtime and are not checked here (tsc checks their users).
 * To accept a deliberate change: WERANK_UPDATE_PUBLIC_API=1 npx vitest run test/unit/public-api.test.ts
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import * as api from "../../src/index.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const FIXTURE = path.join(ROOT, "test", "fixtures", "public-api.txt");

/** Library internals: each has a narrower home and callers that import it by path. */
const INTERNAL = [
  "writeAtomic", // util/atomicWrite: the temp-file-then-rename of every output
  "prefixed",
  "unprefixed",
  "checkpointFiles", // checkpoint key and file naming
  "parseSafetensorsHeader",
  "MAX_HEADER_BYTES", // the safetensors reader's guards
  "loadNative",
  "addonPath", // the raw addon; info() reports what a user needs
  "makeError",
  "closest",
  "unknownName", // error construction helpers
  "readPickle",
  "ALLOWED_GLOBALS",
  "parseNpy",
  "encodeNpy",
  "readNumberTable",
  "parseNumberTable", // parsers
  "createRng",
  "deriveSeed", // the host RNG behind seeded splits
  "configSchema",
  "configError",
  "SHORT_FLAGS", // config schema and CLI flag table
  "parseValue",
  "parseAssignment",
  "setPath",
  "getPath",
  "applyOverride",
  "deepMerge", // override plumbing
  "readJsonl",
  "environmentInfo", // run-directory plumbing
  "lineChart",
  "heatmap",
  "hconcat", // Vega-Lite spec builders behind the figures
  "checkViews",
  "checkGram",
  "hostMatrixToArray",
  "namedWeightList",
  "spectrumLength", // argument checks, conversions
  "trialAt",
  "runTrialProcess",
  "trialArgs",
  "parseGridAxis",
  "parsePairedOption", // sweep executor plumbing
  "blasLibrariesInMaps",
  "classifyBlas",
  "referenceBlasWarning", // the parts behind blasInfo()
];

const exported = Object.keys(api).sort();

function readFixture(): string[] {
  return fs
    .readFileSync(FIXTURE, "utf8")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"));
}

describe("public API (src/index.ts)", () => {
  it("exports exactly the names in test/fixtures/public-api.txt", () => {
    if (process.env.WERANK_UPDATE_PUBLIC_API === "1") {
      fs.writeFileSync(FIXTURE, `# Runtime exports of src/index.ts (test/unit/public-api.test.ts), sorted.\n${exported.join("\n")}\n`);
    }
    const listed = readFixture();
    expect(listed, "the fixture is sorted and has no duplicates").toEqual([...new Set(listed)].sort());
    const added = exported.filter((n) => !listed.includes(n));
    const removed = listed.filter((n) => !exported.includes(n));
    expect({ added, removed }, "public API changed: review, then update test/fixtures/public-api.txt").toEqual({ added: [], removed: [] });
  });

  it("exports no library internals", () => {
    expect(exported.filter((n) => INTERNAL.includes(n))).toEqual([]);
  });

  it("exports every name the README imports or lists as a building block", () => {
    const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
    const names = new Set<string>();
    for (const m of readme.matchAll(/import\s*\{([^}]*)\}\s*from\s*"werank-native"/g)) {
      for (const part of m[1]!.split(",")) {
        const name = part
          .trim()
          .replace(/^type\s+/, "")
          .split(/\s+as\s+/)[0]!
          .trim();
        if (name && !part.trim().startsWith("type ")) names.add(name);
      }
    }
    const start = readme.indexOf("Building blocks are public too:");
    expect(start, "README keeps its 'Building blocks are public too:' list").toBeGreaterThan(0);
    const list = readme.slice(start, readme.indexOf("Tensors are handles", start));
    for (const m of list.matchAll(/`([A-Za-z_$][\w$]*)/g)) names.add(m[1]!);
    expect(names.size).toBeGreaterThan(20);
    expect([...names].filter((n) => !exported.includes(n))).toEqual([]);
  });
});
