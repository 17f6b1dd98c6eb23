/**
 * Dropout's keep mask as a counter-based hash of (seed, index) (the math is in dropout.ts's
 * header), shared by the reference kernels and the fast backend's host, which passes the
 * threshold to its kernel. Not kernels, so not in the kernel table.
 */

/** MurmurHash3's 32-bit finalizer. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** hash(seed, i) of the header, an unsigned 32-bit integer. */
export function dropoutHash(seed: number, i: number): number {
  const k = fmix32((seed + 0x9e3779b9) >>> 0);
  return fmix32((fmix32((i ^ k) >>> 0) + k) >>> 0);
}

/** floor(p * 2^32): an element is kept when its hash is at least this (2^32 when p = 1). */
export function dropoutThreshold(p: number): number {
  return Math.floor(p * 4294967296);
}
