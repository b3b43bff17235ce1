import { listDatasets, resolveDataDir } from "../../data/datasetRegistry.js";
import { type DatasetSummary, summarizeDataset } from "../../data/loadDataset.js";
import { parseCommandArgs, type OptionSpec } from "../args.js";
import type { Command } from "../command.js";

const OPTIONS: OptionSpec = {
  "data-dir": { type: "string", arg: "DIR", help: "the data directory (default: WERANK_DATA_DIR, else ./data)" },
  json: { type: "boolean", help: "one JSON object per dataset per line" },
};

function fmt(n: number | undefined): string {
  return n === undefined ? "" : n.toLocaleString("en-US");
}

export const datasetsCommand: Command = {
  name: "datasets",
  summary: "list the known datasets, whether their files are present, and their sizes",
  options: OPTIONS,
  help: `werank-native datasets [--data-dir DIR] [--json]

Lists every dataset name werank-native knows (cora, citeseer, amazon-computers, amazon-photo,
coauthor-cs, coauthor-physics, wikics, ogbn-arxiv, synthetic) with "found" or "missing" and, when
found, its nodes, undirected edges, features and classes (read from the files; an .npz's feature
values are not read). For a missing dataset it prints the paths looked at and where to download it.

The data directory is --data-dir, else WERANK_DATA_DIR, else ./data. A dataset may sit in its own
folder (DIR/cora/cora.npz), flat (DIR/cora.npz) or in PyG's layout (DIR/cora/raw/cora.npz).

--json prints one JSON object per dataset per line: { "name", "format", "found", "path",
"nodes", "edges", "features", "classes", "origin", "expected", "error" }.

Examples:
  werank-native datasets
  werank-native datasets --data-dir ../shared/data
  werank-native datasets --json | jq 'select(.found)'`,
  async run(args) {
    const p = parseCommandArgs("datasets", args, OPTIONS);
    const json = p.values.json === true;
    const dir = resolveDataDir(p.values["data-dir"] as string | undefined);
    const rows: DatasetSummary[] = [];
    for (const d of listDatasets()) {
      const s = await summarizeDataset(d.name, { dataDir: dir });
      rows.push(s);
      if (json) process.stdout.write(`${JSON.stringify(s)}\n`);
    }
    if (json) return 0;
    const table = [["dataset", "status", "nodes", "edges", "features", "classes", "location"]];
    for (const s of rows) {
      const status = !s.found ? "missing" : s.error ? "error" : "found";
      const where = !s.found ? `get ${s.origin}` : (s.path ?? "built in");
      table.push([s.name, status, fmt(s.nodes), fmt(s.edges), fmt(s.features), fmt(s.classes), where]);
    }
    const widths = table[0]!.map((_, c) => Math.max(...table.map((r) => r[c]!.length)));
    const line = (r: string[]): string =>
      r
        .map((v, c) => (c >= 2 && c <= 5 ? v.padStart(widths[c]!) : v.padEnd(widths[c]!)))
        .join("  ")
        .trimEnd();
    process.stdout.write(`data directory: ${dir}\n${table.map(line).join("\n")}\n`);
    for (const s of rows) if (s.found && s.error) process.stdout.write(`\n${s.name}: ${s.error}\n`);
    return 0;
  },
};
