/**
 * SGD's update, in place, elementwise, with the math of the reference sgdUpdate
 * (src/kernels/reference/sgd-update.ts):
 *
 *   d = g + λp (when λ ≠ 0);  b = first ? d : μb + (1 - τ)d;  d = nesterov ? d + μb : b;  p -= γd
 *
 * In f64x2 (lib/float64-lanes.ts): every operation is the reference's IEEE double operation in
 * its order, every stored value rounded to float32 once and read back rounded where the
 * reference reads it back, so the results are bitwise the reference's. Threads take contiguous
 * ranges starting on multiples of 4; elements are independent, so any thread count gives the
 * same bits. Pointers are byte offsets (b = 0: no momentum buffer); `scalars` points at the f64
 * values [γ, μ, τ, λ]; flags: 1 nesterov, 2 the buffer's first update.
 */
import { range } from './lib/elementwise';
import { load2, round32, store2 } from './lib/float64-lanes';

const NESTEROV: i32 = 1;
const FIRST: i32 = 2;

export function sgdUpdate(
  tid: i32,
  threads: i32,
  p: usize,
  b: usize,
  g: usize,
  count: i32,
  scalars: usize,
  flags: i32,
): void {
  const lr = f64x2.splat(load<f64>(scalars));
  const momentum = f64x2.splat(load<f64>(scalars, 8));
  const keep = f64x2.splat(1 - load<f64>(scalars, 16));
  const weightDecayValue = load<f64>(scalars, 24);
  const weightDecay = f64x2.splat(weightDecayValue);
  const nesterov = (flags & NESTEROV) != 0;
  const first = (flags & FIRST) != 0;
  const end = range(count, tid, threads, false);
  for (let i = range(count, tid, threads, true); i < end; i += 2) {
    const n = min(2, end - i);
    const at = (<usize>i) << 2;
    const pi = load2(p + at, n);
    let d = load2(g + at, n);
    if (weightDecayValue != 0) d = f64x2.add(d, f64x2.mul(weightDecay, pi));
    if (b != 0) {
      let bi = first ? d : f64x2.add(f64x2.mul(load2(b + at, n), momentum), f64x2.mul(keep, d));
      bi = round32(bi);
      store2(b + at, bi, n);
      d = nesterov ? f64x2.add(d, f64x2.mul(momentum, bi)) : bi;
    }
    store2(p + at, f64x2.sub(pi, f64x2.mul(lr, d)), n);
  }
}
