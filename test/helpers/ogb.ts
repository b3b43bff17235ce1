/** Writes a small OGB node-property dataset folder (raw/*.csv.gz, split/<scheme>/*.csv.gz) for tests. */
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";

export interface OgbFixture {
  numNodes: number;
  edges: [number, number][];
  features?: number[][];
  labels: (number | string)[];
  split?: { scheme: string; train: number[]; valid: number[]; test: number[] };
  /** Write .csv instead of .csv.gz. */
  plain?: boolean;
  /** Omit raw/num-node-list. */
  noNodeCount?: boolean;
}

export function writeOgb(dir: string, f: OgbFixture): string {
  const put = (rel: string, lines: string[]): void => {
    const p = path.join(dir, rel + (f.plain ? ".csv" : ".csv.gz"));
    fs.mkdirSync(path.dirname(p), { recursive: true });
    const text = `${lines.join("\n")}\n`;
    fs.writeFileSync(p, f.plain ? text : zlib.gzipSync(text));
  };
  put(
    "raw/edge",
    f.edges.map(([a, b]) => `${a},${b}`),
  );
  if (!f.noNodeCount) put("raw/num-node-list", [String(f.numNodes)]);
  put("raw/num-edge-list", [String(f.edges.length)]);
  if (f.features)
    put(
      "raw/node-feat",
      f.features.map((r) => r.join(",")),
    );
  put("raw/node-label", f.labels.map(String));
  if (f.split) {
    put(`split/${f.split.scheme}/train`, f.split.train.map(String));
    put(`split/${f.split.scheme}/valid`, f.split.valid.map(String));
    put(`split/${f.split.scheme}/test`, f.split.test.map(String));
  }
  return dir;
}
