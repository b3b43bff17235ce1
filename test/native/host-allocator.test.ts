/** The caching CPU allocator (native/tensor/host_allocator.cc): large blocks are reused, values stay right, the cap holds. */
import { afterAll, describe, expect, it } from "vitest";
import { DEFAULT_HOST_CACHE_MB } from "../../src/env.js";
import { full, memory, tidy } from "../../src/index.js";
import { loadNative } from "../../src/native/addon.js";
import { expectError } from "../helpers/native.js";

const N = loadNative();
const MB = 2 ** 20;

describe("host allocator", () => {
  afterAll(() => N.setHostAllocator(DEFAULT_HOST_CACHE_MB * MB));

  it("keeps a freed large block and hands it out again for the next tensor of that size", () => {
    N.setHostAllocator(DEFAULT_HOST_CACHE_MB * MB);
    const base = memory();
    const rows = 10_000,
      cols = 1_000; // 40 MB of float32
    const s0 = N.hostAllocatorStats();
    const a = full([rows, cols], 1.5);
    const s1 = N.hostAllocatorStats();
    expect(s1.largeBytes - s0.largeBytes).toBeGreaterThanOrEqual(rows * cols * 4);
    a.dispose();
    const s2 = N.hostAllocatorStats();
    expect(s2.cachedBytes - s0.cachedBytes).toBeGreaterThanOrEqual(rows * cols * 4);
    // The same size again: a hit, and the values are the new ones (nothing left over).
    tidy(() => {
      const b = full([rows, cols], 2);
      expect(N.hostAllocatorStats().hits).toBe(s2.hits + 1);
      expect(b.sum().item()).toBe(2 * rows * cols);
      // A slightly smaller tensor may reuse a block at most 1/8 larger: values still right.
      const c = full([rows - 100, cols], -1);
      expect(c.sum().item()).toBe(-(rows - 100) * cols);
    });
    expect(memory().tensors).toBe(base.tensors);
    expect(memory().bytes).toBe(base.bytes);
  });

  it("keeps no more than the cap and frees the cache when the cap shrinks", () => {
    N.setHostAllocator(DEFAULT_HOST_CACHE_MB * MB);
    tidy(() => void full([4_000, 1_000], 1)); // 16 MB freed into the cache
    expect(N.hostAllocatorStats().cachedBytes).toBeGreaterThan(0);
    N.setHostAllocator(0);
    expect(N.hostAllocatorStats().cachedBytes).toBe(0);
    tidy(() => void full([4_000, 1_000], 1));
    expect(N.hostAllocatorStats().cachedBytes).toBe(0);
    N.setHostAllocator(20 * MB);
    tidy(() => {
      const a = full([4_000, 1_000], 1);
      const b = full([4_000, 1_000], 1);
      expect(a.add(b).sum().item()).toBe(8_000_000); // three 16 MB blocks freed at the end of the scope
    });
    expect(N.hostAllocatorStats().cachedBytes).toBeLessThanOrEqual(20 * MB);
  });

  it("leaves small tensors to the system allocator", () => {
    const s0 = N.hostAllocatorStats();
    tidy(() => expect(full([100, 100], 3).sum().item()).toBe(30_000));
    const s1 = N.hostAllocatorStats();
    expect(s1.hits + s1.misses).toBe(s0.hits + s0.misses);
  });

  it("rejects a negative cap", () => {
    expectError(() => N.setHostAllocator(-1), "ERR_ARGUMENT", /non-negative host cache size/);
  });
});
