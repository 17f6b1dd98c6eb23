/** Dropout with its mask hashed inside the kernel (contract: src/kernels/reference/dropout.ts). */
import { loadN, range, storeN } from './lib/elementwise';

/** MurmurHash3's finalizer on four lanes. */
@inline
function fmix32V(h: v128): v128 {
  h = v128.xor(h, i32x4.shr_u(h, 16));
  h = i32x4.mul(h, i32x4.splat(0x85ebca6b));
  h = v128.xor(h, i32x4.shr_u(h, 13));
  h = i32x4.mul(h, i32x4.splat(0xc2b2ae35));
  return v128.xor(h, i32x4.shr_u(h, 16));
}

/**
 * keep(i) = hash(seed, i) >= threshold (unsigned), hash = fmix32(fmix32(i ^ k) + k),
 * k = fmix32(seed + 0x9e3779b9); out = keep ? in * scale : 0, the product taken in f64 and
 * rounded once, as the reference's. scale = 0 (p = 1) keeps nothing.
 */
export function dropoutApply(
  tid: i32,
  threads: i32,
  out: usize,
  input: usize,
  count: i32,
  seed: i32,
  threshold: i32,
  scale: usize,
): void {
  const end = range(count, tid, threads, false);
  const s = load<f64>(scale);
  const vk = i32x4.splat(i32x4.extract_lane(fmix32V(i32x4.splat(seed + 0x9e3779b9)), 0));
  const vs = f64x2.splat(s);
  const vt = i32x4.splat(threshold);
  const none = s == 0;
  for (let i = range(count, tid, threads, true); i < end; i += 4) {
    const n = end - i;
    const at = <usize>i * 4;
    const index = i32x4.add(i32x4.splat(i), i32x4(0, 1, 2, 3));
    const h = fmix32V(i32x4.add(fmix32V(v128.xor(index, vk)), vk));
    // h >= t unsigned: max_u(h, t) == h.
    const keep = none ? i32x4.splat(0) : i32x4.eq(i32x4.max_u(h, vt), h);
    const v = loadN(input + at, n);
    const lo = f32x4.demote_f64x2_zero(f64x2.mul(f64x2.promote_low_f32x4(v), vs));
    const high = i8x16.shuffle(v, v, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7);
    const hi = f32x4.demote_f64x2_zero(f64x2.mul(f64x2.promote_low_f32x4(high), vs));
    const scaled = i8x16.shuffle(lo, hi, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23);
    storeN(out + at, v128.and(scaled, keep), n);
  }
}
