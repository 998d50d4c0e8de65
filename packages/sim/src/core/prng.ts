/**
 * Seeded pseudo-random number generator: sfc32 (Chris Doty-Humphrey's Small Fast Counting
 * generator, 128-bit state), as used by PractRand. Its whole state is four uint32 numbers, so it
 * serialises as plain data with the rest of the simulation and a restored run draws exactly the
 * same numbers as the uninterrupted one.
 */

/** The generator's state: four unsigned 32-bit integers `[a, b, c, counter]`. */
export interface PrngState {
  s: [number, number, number, number];
}

/** Hash a seed (number or string) into 32 bits (xmur3-style mixing) so that any seed spreads well. */
function hashSeed(seed: number | string): number {
  const text = typeof seed === "number" ? `n:${seed}` : `s:${seed}`;
  let h = 1779033703 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    h = Math.imul(h ^ text.charCodeAt(i), 3432918353);
    h = (h << 13) | (h >>> 19);
  }
  h = Math.imul(h ^ (h >>> 16), 2246822507);
  h = Math.imul(h ^ (h >>> 13), 3266489909);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Create a generator state from a seed. The same seed always gives the same sequence. */
export function createPrng(seed: number | string): PrngState {
  const h = hashSeed(seed);
  const state: PrngState = { s: [0x9e3779b9, 0x243f6a88, 0xb7e15162, h] };
  // sfc32 recommends discarding the first outputs so that similar seeds diverge.
  for (let i = 0; i < 15; i++) nextUint32(state);
  return state;
}

/** Draw the next unsigned 32-bit integer, advancing the state in place. */
export function nextUint32(state: PrngState): number {
  const s = state.s;
  let a = s[0];
  let b = s[1];
  let c = s[2];
  let d = s[3];
  const t = (((a + b) | 0) + d) | 0;
  d = (d + 1) | 0;
  a = b ^ (b >>> 9);
  b = (c + (c << 3)) | 0;
  c = (c << 21) | (c >>> 11);
  c = (c + t) | 0;
  s[0] = a >>> 0;
  s[1] = b >>> 0;
  s[2] = c >>> 0;
  s[3] = d >>> 0;
  return t >>> 0;
}

/** Draw a float in [0, 1). */
export function nextFloat(state: PrngState): number {
  return nextUint32(state) / 4294967296;
}

/** Draw an integer in [0, n) (n ≥ 1), like Go's `rand.Intn`. */
export function nextInt(state: PrngState, n: number): number {
  return Math.floor(nextFloat(state) * n);
}
