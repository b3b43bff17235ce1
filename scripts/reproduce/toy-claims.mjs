// Measures the numbers behind test/native/toy/claims.test.ts over several seeds (the settings are
// the tests'), and prints them as the markdown table quoted in docs/collapse.md.
//   node scripts/reproduce/toy-claims.mjs [--seeds 0,1,2] [--json-out FILE]
// Needs the built package (npm run build). One core: about a minute for three seeds.
import fs from "node:fs";
import { setNumThreads, trainToy } from "../../dist/index.js";

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const seeds = arg("--seeds", "0,1,2").split(",").map(Number);
setNumThreads(1);

const oneLayer = { objective: "infonce", layers: 1, epochs: 13 };
const twoLayer = { objective: "infonce", layers: 2, similarity: "l2", init: "spectrum", augDims: 16, k: 0.001, epochs: 20 };
const measures = [
  ["(1) W1 vanishing, 1-layer InfoNCE, k = 2", { ...oneLayer, k: 2 }, (s) => s.weights[0].vanishing],
  ["(1) W1 vanishing, 1-layer InfoNCE, k = 0.5", { ...oneLayer, k: 0.5 }, (s) => s.weights[0].vanishing],
  ["(1) embedding effective rank, k = 2", { ...oneLayer, k: 2 }, (s) => s.embedding.effectiveRank],
  ["(1) embedding effective rank, k = 0.5", { ...oneLayer, k: 0.5 }, (s) => s.embedding.effectiveRank],
  ["(2) alignment: leading part size", twoLayer, (s) => s.alignment.leading],
  ["(2) alignment: mean \\|diag\\| on the leading part", twoLayer, (s) => s.alignment.diagMean],
  ["(2) alignment: max \\|off-diagonal\\| on the leading part", twoLayer, (s) => s.alignment.offDiagMax],
  ["(2) embedding vanishing (2-layer, weak augmentation)", twoLayer, (s) => s.embedding.vanishing],
  ["(3) W1 vanishing, k = 1.5, no WERank", { ...oneLayer, k: 1.5 }, (s) => s.weights[0].vanishing],
  ["(3) W1 vanishing, k = 1.5, WERank α = 1", { ...oneLayer, k: 1.5, werank: 1 }, (s) => s.weights[0].vanishing],
  ["(3b) EMA embedding vanishing, 2 layers, k = 0.1, no WERank", { objective: "ema", layers: 2, k: 0.1, epochs: 20 }, (s) => s.embedding.vanishing],
  ["(3b) EMA embedding vanishing, WERank α = 1", { objective: "ema", layers: 2, k: 0.1, epochs: 20, werank: 1 }, (s) => s.embedding.vanishing],
  ["(3b) SimSiam embedding vanishing, no WERank", { objective: "simsiam", layers: 2, k: 0.1, epochs: 20 }, (s) => s.embedding.vanishing],
  ["(3b) SimSiam embedding vanishing, WERank α = 1", { objective: "simsiam", layers: 2, k: 0.1, epochs: 20, werank: 1 }, (s) => s.embedding.vanishing],
  ["(4) representation effective rank, DirectCLR (d0 = 8)", { ...twoLayer, objective: "directclr", layers: 1, d0: 8 }, (s) => s.representation.effectiveRank],
  ["(4) representation effective rank, InfoNCE + linear projector", twoLayer, (s) => s.representation.effectiveRank],
  ["(4) representation effective rank, InfoNCE without projector", { ...twoLayer, layers: 1 }, (s) => s.representation.effectiveRank],
  ["(4) representation effective rank, cosine InfoNCE: DirectCLR", { ...twoLayer, similarity: "cosine", objective: "directclr", layers: 1, d0: 8 }, (s) => s.representation.effectiveRank],
  ["(4) representation effective rank, cosine InfoNCE: + projector", { ...twoLayer, similarity: "cosine" }, (s) => s.representation.effectiveRank],
];

const cache = new Map();
const rows = [];
for (const [name, config, pick] of measures) {
  const values = [];
  for (const seed of seeds) {
    const key = JSON.stringify({ ...config, seed });
    if (!cache.has(key)) cache.set(key, (await trainToy({ ...config, seed })).summary);
    values.push(pick(cache.get(key)));
  }
  rows.push({ name, values });
}
const show = (v) => (Number.isInteger(v) ? String(v) : v.toFixed(3));
console.log(`| measure | ${seeds.map((s) => `seed ${s}`).join(" | ")} |`);
console.log(`| --- | ${seeds.map(() => "---").join(" | ")} |`);
for (const r of rows) console.log(`| ${r.name} | ${r.values.map(show).join(" | ")} |`);
const out = arg("--json-out");
if (out) fs.writeFileSync(out, `${JSON.stringify({ seeds, rows }, null, 2)}\n`);
