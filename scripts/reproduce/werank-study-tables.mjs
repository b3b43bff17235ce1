// The tables of docs/werank-study.md from the sweeps' collect output (results.json of
// `collect --paired werank=0`): per dataset and augmentation, each WERank setting's probe accuracy
// (mean ± std over seeds), its paired difference to alpha = 0 with the 95 % Student-t interval, the
// effective ranks, and a verdict from the interval; then whether rank gains predict accuracy gains
// (correlation of the per-seed paired differences).
//   node scripts/reproduce/werank-study-tables.mjs [SWEEPS_ROOT]     (default sweeps/study)
import fs from "node:fs";
import path from "node:path";

const root = process.argv[2] ?? "sweeps/study";
const sweeps = fs
  .readdirSync(root)
  .filter((d) => fs.existsSync(path.join(root, d, "results.json")))
  .sort();
if (!sweeps.length) {
  console.error(`werank-study-tables: no collected sweeps under ${root} (run scripts/reproduce/werank-study.sh collect)`);
  process.exit(1);
}

const pts = (x, d = 2) => (Number.isFinite(x) ? (100 * x).toFixed(d) : "–");
const one = (x) => (Number.isFinite(x) ? x.toFixed(1) : "–"); // JSON writes NaN (no finished run) as null
const sgn = (x, scale, d) => (Number.isFinite(x) ? `${x >= 0 ? "+" : "−"}${Math.abs(x * scale).toFixed(d)}` : "–");
const ci = (p, scale, d) => (Number.isFinite(p.ci95?.[0]) ? `[${sgn(p.ci95[0], scale, d)}, ${sgn(p.ci95[1], scale, d)}]` : "–");
const verdict = (p) => (!Number.isFinite(p.ci95?.[0]) ? "–" : p.ci95[0] > 0 ? "helps" : p.ci95[1] < 0 ? "hurts" : "cannot tell");

function pearson(xs, ys) {
  const n = xs.length;
  if (n < 3) return NaN;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
    syy += (ys[i] - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}
const ranks = (xs) => {
  const order = xs.map((x, i) => [x, i]).sort((a, b) => a[0] - b[0]);
  const r = new Array(xs.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++;
    for (let k = i; k <= j; k++) r[order[k][1]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return r;
};
const spearman = (xs, ys) => pearson(ranks(xs), ranks(ys));

const allDiffs = [];
for (const name of sweeps) {
  const res = JSON.parse(fs.readFileSync(path.join(root, name, "results.json"), "utf8"));
  const key = res.pairedOn?.key;
  if (!key) {
    console.error(`${name}: collected without --paired; skipped`);
    continue;
  }
  const plan = JSON.parse(fs.readFileSync(path.join(root, name, "sweep.json"), "utf8"));
  const other = (params) =>
    Object.entries(params)
      .filter(([k]) => k !== key)
      .map(([k, v]) => `${k.replace(/^werank\./, "")}=${v}`)
      .join(", ");
  console.log(`### ${name}\n`);
  console.log(`${plan.trials.length} trials planned, ${res.runs.length} finished${res.missing.length ? `; without results: ${res.missing.map((m) => `${m.id} (${m.reason})`).join(", ")}` : ""}.\n`);
  console.log("| alpha | setting | trained | seeds | accuracy (%) | Δ accuracy (points) [95 % CI] | verdict | eff. rank repr. | Δ eff. rank [95 % CI] |");
  console.log("| ---: | --- | --- | ---: | --- | --- | --- | ---: | --- |");
  const rows = [...res.rows].sort((a, b) => other(a.params).localeCompare(other(b.params)) || a.params[key] - b.params[key]);
  for (const r of rows) {
    const p = r.paired;
    console.log(
      `| ${r.params[key]} | ${other(r.params) || "–"} | ${r.label} | ${r.accuracy.n} | ${pts(r.accuracy.mean)} ± ${pts(r.accuracy.std)} | ${p ? `${sgn(p.accuracy.mean, 100, 2)} ${ci(p.accuracy, 100, 2)}` : "baseline"} | ${p ? verdict(p.accuracy) : "–"} | ${one(r.erankRepresentation.mean)} ± ${one(r.erankRepresentation.std)} | ${p ? `${sgn(p.erankRepresentation.mean, 1, 1)} ${ci(p.erankRepresentation, 1, 1)}` : "–"} |`,
    );
    if (p?.unpaired?.length) console.log(`|  |  | unpaired seeds: ${p.unpaired.map((u) => `${u.seed} (${u.reason})`).join("; ")} |  |  |  |  |  |  |`);
  }
  // per-seed paired differences of this sweep (the pairs collect made: same seed and data seed)
  const diffs = [];
  for (const r of res.runs) {
    if (r.params[key] === res.pairedOn.value) continue;
    const baseline = res.runs.find((b) => b.params[key] === res.pairedOn.value && b.seed === r.seed && b.dataSeed === r.dataSeed && other(b.params) === other(r.params));
    if (baseline) diffs.push({ sweep: name, dAcc: r.accuracy - baseline.accuracy, dRank: r.erankRepresentation - baseline.erankRepresentation });
  }
  allDiffs.push(...diffs);
  const x = diffs.map((d) => d.dRank);
  const y = diffs.map((d) => d.dAcc);
  console.log(`\nRank gain vs accuracy gain over the ${diffs.length} seed pairs: Pearson r = ${pearson(x, y).toFixed(2)}, Spearman ρ = ${spearman(x, y).toFixed(2)}.\n`);
}
const x = allDiffs.map((d) => d.dRank);
const y = allDiffs.map((d) => d.dAcc);
const up = allDiffs.filter((d) => d.dRank > 0);
console.log(
  `All sweeps pooled: ${allDiffs.length} seed pairs; Pearson r(Δ eff. rank, Δ accuracy) = ${pearson(x, y).toFixed(2)}, Spearman ρ = ${spearman(x, y).toFixed(2)}; ` +
    `the rank rose in ${up.length} pairs, and accuracy rose with it in ${up.filter((d) => d.dAcc > 0).length} of them.`,
);
