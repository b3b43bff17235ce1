// Fuzz target for test/fuzz/checkpoint.test.ts (run by test/fuzz/runner.mjs): builds the Trainer of
// a run's config.json and resumes it from a checkpoint, as `train --resume` does. The graph is built
// once per child process. Throws what the Trainer throws.
import path from "node:path";
import { pathToFileURL } from "node:url";

const root = process.env.WERANK_FUZZ_ROOT ?? path.resolve(path.dirname(new URL(import.meta.url).pathname), "..", "..");
const api = await import(pathToFileURL(path.join(root, "dist", "index.js")).href);
const graphs = new Map();

export async function resumeFrom(configFile, checkpoint) {
  const config = api.resolveConfig({ overrides: api.readConfigFile(configFile) });
  if (!graphs.has(configFile)) graphs.set(configFile, await api.loadGraphForConfig(config));
  const trainer = new api.Trainer({ config, graph: graphs.get(configFile), resumeFrom: checkpoint });
  trainer.dispose();
}

export function latest(runDir) {
  if (api.latestCheckpoint(runDir) === undefined) throw new api.ConfigError(`no complete checkpoint in ${runDir}`);
}
