/**
 * Adam's and AdamW's update, in place, elementwise, with the math of the reference adamUpdate
 * (src/kernels/reference/adam-update.ts):
 *
 *   g += λp (Adam) or p *= 1 - γλ (AdamW);  m = β₁m + (1 - β₁)g;  v = β₂v + (1 - β₂)g²;
 *   v̂ = max(vmax, v) (AMSGrad) or v;  p -= s · m / (√v̂ / c₂ + ε)
 *
 * In f64x2 (lib/float64-lanes.ts): every operation is the reference's IEEE double operation in
 * its order, every stored value rounded to float32 once and read back rounded where the
 * reference reads it back, so the results are bitwise the reference's. Threads take contiguous
 * ranges starting on multiples of 4; elements are independent, so any thread count gives the
 * same bits. Pointers are byte offsets (vmax = 0: no AMSGrad); `scalars` points at the f64
 * values [s = γ/(1 - β₁ᵗ), c₂ = √(1 - β₂ᵗ), ε, β₁, β₂, λ (Adam's L2, 0 for AdamW), 1 - γλ];
 * flags: 1 decoupled decay (AdamW).
 */
import { range } from './lib/elementwise';
import { load2, round32, store2 } from './lib/float64-lanes';

const DECOUPLED: i32 = 1;

export function adamUpdate(
  tid: i32,
  threads: i32,
  p: usize,
  m: usize,
  v: usize,
  vmax: usize,
  g: usize,
  count: i32,
  scalars: usize,
  flags: i32,
): void {
  const stepSize = f64x2.splat(load<f64>(scalars));
  const biasCorrection2Sqrt = f64x2.splat(load<f64>(scalars, 8));
  const eps = f64x2.splat(load<f64>(scalars, 16));
  const beta1Value = load<f64>(scalars, 24);
  const beta2Value = load<f64>(scalars, 32);
  const beta1 = f64x2.splat(beta1Value);
  const beta2 = f64x2.splat(beta2Value);
  const oneMinusBeta1 = f64x2.splat(1 - beta1Value);
  const oneMinusBeta2 = f64x2.splat(1 - beta2Value);
  const l2Value = load<f64>(scalars, 40);
  const l2 = f64x2.splat(l2Value);
  const decay = f64x2.splat(load<f64>(scalars, 48));
  const decoupled = (flags & DECOUPLED) != 0;
  const end = range(count, tid, threads, false);
  for (let i = range(count, tid, threads, true); i < end; i += 2) {
    const n = min(2, end - i);
    const at = (<usize>i) << 2;
    let pi = load2(p + at, n);
    let gi = load2(g + at, n);
    if (l2Value != 0) gi = f64x2.add(gi, f64x2.mul(l2, pi));
    if (decoupled) pi = round32(f64x2.mul(pi, decay));
    const mi = round32(f64x2.add(f64x2.mul(load2(m + at, n), beta1), f64x2.mul(oneMinusBeta1, gi)));
    const vi = round32(
      f64x2.add(f64x2.mul(load2(v + at, n), beta2), f64x2.mul(f64x2.mul(oneMinusBeta2, gi), gi)),
    );
    store2(m + at, mi, n);
    store2(v + at, vi, n);
    let vHat = vi;
    if (vmax != 0) {
      vHat = f64x2.max(load2(vmax + at, n), vi);
      store2(vmax + at, vHat, n);
    }
    const denom = f64x2.add(f64x2.div(f64x2.sqrt(vHat), biasCorrection2Sqrt), eps);
    store2(p + at, f64x2.sub(pi, f64x2.mul(stepSize, f64x2.div(mi, denom))), n);
  }
}
