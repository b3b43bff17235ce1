/**
 * Fuzz-style robustness test: seeded random corruptions of a small .npz fixture (bit flips,
 * truncation, byte insertion/deletion, npy header and data edits re-zipped with valid CRCs, zip
 * field overwrites) must each end in a WerankError with code ERR_DATA or in a graph that
 * validateGraph accepts — never another exception, a crash or a hang.
 */
import { describe, expect, it } from "vitest";
import { loadNpzSync } from "../../../src/data/loadNpz.js";
import { createRng, type Rng } from "../../../src/data/rng.js";
import { WerankError } from "../../../src/errors.js";
import { validateGraph } from "../../../src/graph/validateGraph.js";
import { benchmarkArrays, npy, zip, type ZipMember } from "../../helpers/npz.js";

const CASES_PER_KIND = 40;
/** A generous per-case bound that only a hang (or a pathological slowdown) can exceed. */
const MAX_MS_PER_CASE = 2000;

function fixtureMembers(): ZipMember[] {
  const rng = createRng(7);
  const n = 30;
  const edges: [number, number][] = [];
  for (let k = 0; k < 70; k++) edges.push([rng.int(n), rng.int(n)]);
  const features = Array.from({ length: n }, () => Array.from({ length: 12 }, () => (rng.next() < 0.3 ? 1 + rng.int(3) : 0)));
  const labels = Array.from({ length: n }, () => rng.int(4));
  const arrays = benchmarkArrays({ n, edges, features, labels });
  const members = Object.entries(arrays).map(([k, a]) => ({ name: `${k}.npy`, data: npy(a.dtype, a.shape, a.values) }));
  members.push({ name: "class_names.npy", data: npy("|O", [4], [0, 0, 0, 0]) });
  return members;
}

type Corruptor = (rng: Rng, members: ZipMember[], compress: boolean) => Uint8Array;

function headerEnd(d: Uint8Array): number {
  return Math.min(d.length, 10 + (d[8]! | (d[9]! << 8)));
}

const kinds: Record<string, Corruptor> = {
  "bit flips": (rng, m, c) => {
    const b = Uint8Array.from(zip(m, { compress: c }));
    const flips = 1 + rng.int(8);
    for (let k = 0; k < flips; k++) b[rng.int(b.length)]! ^= 1 << rng.int(8);
    return b;
  },
  truncation: (rng, m, c) => {
    const b = zip(m, { compress: c });
    return b.slice(0, rng.int(b.length));
  },
  "byte insertion": (rng, m, c) => {
    const b = zip(m, { compress: c });
    const at = rng.int(b.length + 1);
    const ins = Uint8Array.from({ length: 1 + rng.int(16) }, () => rng.int(256));
    return Buffer.concat([b.subarray(0, at), ins, b.subarray(at)]);
  },
  "byte deletion": (rng, m, c) => {
    const b = zip(m, { compress: c });
    const at = rng.int(b.length);
    return Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + 1 + rng.int(16)))]);
  },
  "npy header edits (valid CRC)": (rng, m, c) => {
    const copy = m.map((x) => ({ ...x, data: Uint8Array.from(x.data) }));
    const t = copy[rng.int(copy.length)]!;
    const end = headerEnd(t.data);
    const edits = 1 + rng.int(3);
    for (let k = 0; k < edits; k++) {
      const pos = rng.int(end);
      // Mostly digits and dtype letters, so shapes and dtypes change rather than only the syntax.
      const alphabet = "0123456789<>|fiubO(),' L";
      t.data[pos] = rng.next() < 0.8 ? alphabet.charCodeAt(rng.int(alphabet.length)) : rng.int(256);
    }
    return zip(copy, { compress: c });
  },
  "npy data edits (valid CRC)": (rng, m, c) => {
    const copy = m.map((x) => ({ ...x, data: Uint8Array.from(x.data) }));
    const t = copy[rng.int(copy.length)]!;
    const start = headerEnd(t.data);
    if (t.data.length > start) {
      const edits = 1 + rng.int(4);
      for (let k = 0; k < edits; k++) t.data[start + rng.int(t.data.length - start)] = rng.next() < 0.5 ? 0xff : rng.int(256);
    }
    return zip(copy, { compress: c });
  },
  "zip field overwrites": (rng, m, c) => {
    const b = Buffer.from(zip(m, { compress: c }));
    const cd = b.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    const region = rng.next() < 0.5 ? [cd, b.length] : [0, 60];
    const pos = region[0]! + rng.int(Math.max(1, region[1]! - region[0]! - 4));
    const v = [0, 0xffffffff, 0x7fffffff, rng.int(2 ** 32), rng.int(200)][rng.int(5)]!;
    if (rng.next() < 0.5) b.writeUInt32LE(v >>> 0, pos);
    else b.writeUInt16LE(v & 0xffff, pos);
    return b;
  },
};

describe("loadNpz on corrupted archives", () => {
  const members = fixtureMembers();

  it("loads the uncorrupted fixture", () => {
    for (const compress of [false, true]) expect(validateGraph(loadNpzSync(zip(members, { compress }))).numNodes).toBe(30);
  });

  for (const [kind, corrupt] of Object.entries(kinds)) {
    it(`${CASES_PER_KIND} seeded cases of ${kind} end in ERR_DATA or a valid graph`, () => {
      const rng = createRng(kind.length * 1000 + 1);
      const outcome = { errors: 0, graphs: 0 };
      for (let k = 0; k < CASES_PER_KIND; k++) {
        const bytes = corrupt(rng, members, k % 2 === 1);
        const t0 = performance.now();
        try {
          const g = loadNpzSync(bytes, { file: `case-${k}.npz` });
          validateGraph(g);
          outcome.graphs++;
        } catch (e) {
          if (!(e instanceof WerankError) || e.code !== "ERR_DATA") {
            throw new Error(`${kind} case ${k}: expected ERR_DATA but got ${(e as Error)?.stack ?? String(e)}`);
          }
          expect(e.message).toMatch(/case-\d+\.npz/);
          if (process.env.FUZZ_VERBOSE && k < 4) console.log("  ", e.message.slice(0, 160));
          outcome.errors++;
        }
        expect(performance.now() - t0, `${kind} case ${k} took too long`).toBeLessThan(MAX_MS_PER_CASE);
      }
      if (process.env.FUZZ_VERBOSE) console.log(kind, outcome);
      expect(outcome.errors + outcome.graphs).toBe(CASES_PER_KIND);
      // Every kind of damage is detected at least sometimes (a corruption checker that accepts all
      // inputs would pass the loop above).
      expect(outcome.errors).toBeGreaterThan(0);
    });
  }
});
