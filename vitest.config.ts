import { defineConfig } from "vitest/config";

// Native tests run in forked processes: the addon's tensor table is per process, and LibTorch's
// thread pool is not shared between workers. One LibTorch thread per fork keeps 2 cores busy
// without oversubscription.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    pool: "forks",
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 300_000,
    env: { WERANK_NUM_THREADS: "1" },
    reporters: ["default"],
  },
});
