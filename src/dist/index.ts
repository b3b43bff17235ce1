// Data-parallel ranks: c10d process groups, the rank environment of launchers, a local launcher.
export { ProcessGroup, DEFAULT_BUCKET_BYTES, DEFAULT_DIST_TIMEOUT_MS, type ProcessGroupOptions, type DistBackend, type DistSupport, type ScalarReduceOp } from "./ProcessGroup.js";
export { readRankEnv, expandNodelist, firstNode, DEFAULT_MASTER_PORT, type RankEnv, type RankSource } from "./rankEnv.js";
export { launchRanks, freePort, type LaunchOptions, type LaunchResult, type RankExit } from "./launchRanks.js";
