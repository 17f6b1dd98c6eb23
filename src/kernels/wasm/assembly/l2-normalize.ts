/**
 * L2 normalisation along one axis; the contract of src/kernels/reference/l2-normalize.ts,
 * threaded over the outer*inner fibres. x is (outer, K, inner); each fibre v of length K
 * (stride inner) becomes
 *
 *   y  = v / max(||v||, eps)
 *   dx = (dy - y * sum_k dy[k] y[k]) / ||v||      when ||v|| >= eps
 *   dx = dy / eps                                  otherwise
 *
 * eps is behind a pointer to an f64. Each fibre is summed in f64 in k order by one thread, so
 * results do not depend on the thread count.
 */
import { shareStart } from './lib/geometry';

/** The address of fibre f's first element, f = o * inner + i. */
@inline
function fibreStart(base: usize, f: i32, K: i32, inner: i32): usize {
  const o = f / inner;
  return base + (<usize>o * <usize>K * <usize>inner + <usize>(f - o * inner)) * 4;
}

@inline
function fibreNorm(v: usize, step: usize, K: i32): f64 {
  let squares: f64 = 0;
  for (let k = 0; k < K; k++) {
    const value = <f64>load<f32>(v + <usize>k * step);
    squares += value * value;
  }
  return Math.sqrt(squares);
}

export function l2NormalizeForward(
  tid: i32,
  threads: i32,
  y: usize,
  x: usize,
  outer: i32,
  K: i32,
  inner: i32,
  epsAt: usize,
): void {
  const eps = load<f64>(epsAt);
  const step = <usize>inner * 4;
  const fibres = outer * inner;
  const end = shareStart(fibres, tid + 1, threads);
  for (let f = shareStart(fibres, tid, threads); f < end; f++) {
    const v = fibreStart(x, f, K, inner);
    const out = fibreStart(y, f, K, inner);
    const denominator = max(fibreNorm(v, step, K), eps);
    for (let k = 0; k < K; k++) {
      const at = <usize>k * step;
      store<f32>(out + at, <f32>(<f64>load<f32>(v + at) / denominator));
    }
  }
}

export function l2NormalizeBackward(
  tid: i32,
  threads: i32,
  dx: usize,
  dy: usize,
  x: usize,
  outer: i32,
  K: i32,
  inner: i32,
  epsAt: usize,
): void {
  const eps = load<f64>(epsAt);
  const step = <usize>inner * 4;
  const fibres = outer * inner;
  const end = shareStart(fibres, tid + 1, threads);
  for (let f = shareStart(fibres, tid, threads); f < end; f++) {
    const v = fibreStart(x, f, K, inner);
    const g = fibreStart(dy, f, K, inner);
    const out = fibreStart(dx, f, K, inner);
    const norm = fibreNorm(v, step, K);
    if (norm < eps) {
      for (let k = 0; k < K; k++) {
        const at = <usize>k * step;
        store<f32>(out + at, <f32>(<f64>load<f32>(g + at) / eps));
      }
      continue;
    }
    let dot: f64 = 0;
    for (let k = 0; k < K; k++) {
      const at = <usize>k * step;
      dot += (<f64>load<f32>(g + at) * <f64>load<f32>(v + at)) / norm;
    }
    for (let k = 0; k < K; k++) {
      const at = <usize>k * step;
      const value = <f64>load<f32>(v + at);
      store<f32>(out + at, <f32>((<f64>load<f32>(g + at) - (value / norm) * dot) / norm));
    }
  }
}
