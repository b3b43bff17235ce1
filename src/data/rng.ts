/**
 * A small deterministic PRNG for host-side data work (synthetic graphs, splits): the same seed gives
 * the same numbers on every platform and Node version, unlike Math.random, and it never touches
 * LibTorch's generator (whose stream would then depend on what ran before).
 *
 * The generator is sfc32 (Chris Doty-Humphrey's "small fast counter", 128-bit state), seeded
 * through splitmix32 so that nearby seeds (0, 1, 2, ...) give unrelated streams.
 *
 * @example
 * ```ts
 * const rng = createRng(42);
 * rng.next();     // uniform in [0, 1)
 * rng.int(10);    // integer in [0, 10)
 * rng.normal();   // standard normal
 * ```
 */
export interface Rng {
  /** Uniform float64 in [0, 1) with 32 random bits. */
  next(): number;
  /** Uniform integer in [0, n) for 1 <= n <= 2^32. */
  int(n: number): number;
  /** Standard normal (Box-Muller). */
  normal(): number;
  /** Shuffles `a` in place (Fisher-Yates) and returns it. */
  shuffle<A extends { length: number; [i: number]: number }>(a: A): A;
}

/** Mixes a seed and a stream id into a new 32-bit seed (used for "split k of seed s"). */
export function deriveSeed(seed: number, stream: number): number {
  let h = (Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul((stream | 0) + 0x632be5ab, 0x85ebca77)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** A seeded generator; `seed` is any finite number (its low 32 bits and high bits are both used). */
export function createRng(seed: number): Rng {
  const hi = Math.floor(seed / 4294967296) | 0;
  const st = { s: (seed >>> 0) ^ Math.imul(hi, 0x27d4eb2d) };
  let a = splitmix32(st);
  let b = splitmix32(st);
  let c = splitmix32(st);
  let d = splitmix32(st) | 1;
  const u32 = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 12; i++) u32(); // warm-up, as sfc32's reference does
  let spare: number | undefined;
  const rng: Rng = {
    next: () => u32() / 4294967296,
    int: (n) => Math.floor((u32() / 4294967296) * n),
    normal: () => {
      if (spare !== undefined) {
        const s = spare;
        spare = undefined;
        return s;
      }
      let u = 0;
      while (u === 0) u = u32() / 4294967296;
      const v = u32() / 4294967296;
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
    shuffle: (arr) => {
      for (let i = arr.length - 1; i > 0; i--) {
        const j = Math.floor((u32() / 4294967296) * (i + 1));
        const t = arr[i]!;
        arr[i] = arr[j]!;
        arr[j] = t;
      }
      return arr;
    },
  };
  return rng;
}
