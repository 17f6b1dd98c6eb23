/**
 * Batch normalisation over (N,H,W) for each channel, threaded over channels (training, whose
 * statistics span the whole batch) or over (n,c) planes (evaluation, a fixed affine map). Same
 * contract and formulas as src/kernels/reference/batch-norm2d.ts; x:(N,C,H,W), M = N*H*W:
 *
 *   train:  mean, var (biased) of x[:,c];  y = (x - mean) * g/sqrt(var + eps) + b
 *   back:   dbeta = sum dy,  dgamma = sum dy * xhat,
 *           dx = g/(M sqrt(var + eps)) * (M dy - dbeta - xhat dgamma)
 *   eval:   y = (x - runningMean) * g/sqrt(runningVar + eps) + b,   dx = dy * g/sqrt(runningVar + eps)
 *
 * Every per-channel sum is taken in f32x4 lanes over one H*W plane and added into an f64 total,
 * so a channel of 64 x 28 x 28 values loses no more than the reference's float64 loop would
 * notice at float32 output precision. Each elementwise pass is then y = a*x + b with a and b
 * computed once per channel in f64. Pointers of 0 stand for an absent gamma, beta or output.
 * `eps` points at an f64.
 *
 * The training forward can take the ReLU after it in the same pass (`relu` 1: y = max(y, 0), NaN
 * kept), and the backward its mask (`keep`, that ReLU's output: dy counts where keep > 0), for
 * batchNorm2dRelu{Forward,Backward}Train (src/kernels/reference/batch-norm2d-relu.ts).
 */
import { shareStart } from './lib/geometry';
import { reluOf } from './lib/simd';

/** The lanes of acc summed in f64 (lanes 0 + 1, then 2 + 3). */
@inline
function laneTotal(acc: v128): f64 {
  const total = <f64>f32x4.extract_lane(acc, 0) + <f64>f32x4.extract_lane(acc, 1);
  return total + <f64>f32x4.extract_lane(acc, 2) + <f64>f32x4.extract_lane(acc, 3);
}

/**
 * sum of the `count` floats at p. The sums below take 8 floats a step in two accumulators: one
 * chain of vector adds waits on the add's latency (3-4 cycles) every 4 floats.
 */
@inline
function planeSum(p: usize, count: i32): f64 {
  let acc0 = f32x4.splat(0);
  let acc1 = f32x4.splat(0);
  let i = 0;
  for (; i + 8 <= count; i += 8) {
    acc0 = f32x4.add(acc0, v128.load(p + <usize>i * 4));
    acc1 = f32x4.add(acc1, v128.load(p + <usize>i * 4, 16));
  }
  for (; i + 4 <= count; i += 4) acc0 = f32x4.add(acc0, v128.load(p + <usize>i * 4));
  let total = laneTotal(f32x4.add(acc0, acc1));
  for (; i < count; i++) total += <f64>load<f32>(p + <usize>i * 4);
  return total;
}

/** sum of (p[i] - mean)^2 over `count` floats. */
@inline
function planeSquares(p: usize, count: i32, mean: f32): f64 {
  const m = f32x4.splat(mean);
  let acc0 = f32x4.splat(0);
  let acc1 = f32x4.splat(0);
  let i = 0;
  for (; i + 8 <= count; i += 8) {
    const d0 = f32x4.sub(v128.load(p + <usize>i * 4), m);
    const d1 = f32x4.sub(v128.load(p + <usize>i * 4, 16), m);
    acc0 = f32x4.add(acc0, f32x4.mul(d0, d0));
    acc1 = f32x4.add(acc1, f32x4.mul(d1, d1));
  }
  for (; i + 4 <= count; i += 4) {
    const d = f32x4.sub(v128.load(p + <usize>i * 4), m);
    acc0 = f32x4.add(acc0, f32x4.mul(d, d));
  }
  let total = laneTotal(f32x4.add(acc0, acc1));
  for (; i < count; i++) {
    const d = load<f32>(p + <usize>i * 4) - mean;
    total += <f64>(d * d);
  }
  return total;
}

/** dy[i..i+4), zero where keep (a ReLU's output, 0: none) is not > 0. */
@inline
function dy4(dy: usize, keep: usize, i: i32): v128 {
  const d = v128.load(dy + <usize>i * 4);
  if (keep == 0) return d;
  return v128.and(d, f32x4.gt(v128.load(keep + <usize>i * 4), f32x4.splat(0)));
}

/** dy[i], zero where keep is not > 0. */
@inline
function dy1(dy: usize, keep: usize, i: i32): f32 {
  const d = load<f32>(dy + <usize>i * 4);
  return keep == 0 || load<f32>(keep + <usize>i * 4) > 0 ? d : 0;
}

/**
 * planeDySums' second result (a function returns one value): a wasm global, which each thread's
 * instance has its own of.
 */
let dyCentredSum: f64 = 0;

/**
 * sum of dy[i] (masked by keep) over `count` floats, returned, and of dy[i] * (x[i] - mean), in
 * dyCentredSum: one pass over dy and keep for both.
 */
@inline
function planeDySums(dy: usize, keep: usize, x: usize, count: i32, mean: f32): f64 {
  const m = f32x4.splat(mean);
  let sum0 = f32x4.splat(0);
  let sum1 = f32x4.splat(0);
  let dot0 = f32x4.splat(0);
  let dot1 = f32x4.splat(0);
  let i = 0;
  for (; i + 8 <= count; i += 8) {
    const g0 = dy4(dy, keep, i);
    const g1 = dy4(dy, keep, i + 4);
    sum0 = f32x4.add(sum0, g0);
    sum1 = f32x4.add(sum1, g1);
    dot0 = f32x4.add(dot0, f32x4.mul(g0, f32x4.sub(v128.load(x + <usize>i * 4), m)));
    dot1 = f32x4.add(dot1, f32x4.mul(g1, f32x4.sub(v128.load(x + <usize>i * 4, 16), m)));
  }
  for (; i + 4 <= count; i += 4) {
    const g = dy4(dy, keep, i);
    sum0 = f32x4.add(sum0, g);
    dot0 = f32x4.add(dot0, f32x4.mul(g, f32x4.sub(v128.load(x + <usize>i * 4), m)));
  }
  let sum = laneTotal(f32x4.add(sum0, sum1));
  let dot = laneTotal(f32x4.add(dot0, dot1));
  for (; i < count; i++) {
    const g = dy1(dy, keep, i);
    sum += <f64>g;
    dot += <f64>(g * (load<f32>(x + <usize>i * 4) - mean));
  }
  dyCentredSum = dot;
  return sum;
}

/** out[i] = a * in[i] + b over `count` floats. */
@inline
function planeAffine(out: usize, input: usize, count: i32, a: f32, b: f32): void {
  const va = f32x4.splat(a);
  const vb = f32x4.splat(b);
  let i = 0;
  for (; i + 4 <= count; i += 4) {
    v128.store(out + <usize>i * 4, f32x4.add(f32x4.mul(v128.load(input + <usize>i * 4), va), vb));
  }
  for (; i < count; i++) store<f32>(out + <usize>i * 4, load<f32>(input + <usize>i * 4) * a + b);
}

/** out[i] = relu(a * in[i] + b) over `count` floats: NaN kept, -0 to 0, as the ReLU kernel. */
@inline
function planeAffineRelu(out: usize, input: usize, count: i32, a: f32, b: f32): void {
  const va = f32x4.splat(a);
  const vb = f32x4.splat(b);
  let i = 0;
  for (; i + 4 <= count; i += 4) {
    const v = f32x4.add(f32x4.mul(v128.load(input + <usize>i * 4), va), vb);
    v128.store(out + <usize>i * 4, reluOf(v));
  }
  for (; i < count; i++) {
    const v = load<f32>(input + <usize>i * 4) * a + b;
    store<f32>(out + <usize>i * 4, v > 0 || v != v ? v : 0);
  }
}

/** out[i] = a * dy[i] (masked by keep) + b * x[i] + c over `count` floats. */
@inline
function planeAffine2(
  out: usize,
  dy: usize,
  keep: usize,
  x: usize,
  count: i32,
  a: f32,
  b: f32,
  c: f32,
): void {
  const va = f32x4.splat(a);
  const vb = f32x4.splat(b);
  const vc = f32x4.splat(c);
  let i = 0;
  for (; i + 4 <= count; i += 4) {
    const t = f32x4.add(f32x4.mul(dy4(dy, keep, i), va), vc);
    v128.store(out + <usize>i * 4, f32x4.add(t, f32x4.mul(v128.load(x + <usize>i * 4), vb)));
  }
  for (; i < count; i++) {
    store<f32>(out + <usize>i * 4, dy1(dy, keep, i) * a + c + load<f32>(x + <usize>i * 4) * b);
  }
}

@inline
function channelValue(p: usize, c: i32, absent: f64): f64 {
  return p == 0 ? absent : <f64>load<f32>(p + <usize>c * 4);
}

export function batchNorm2dForwardTrain(
  tid: i32,
  threads: i32,
  N: i32,
  C: i32,
  HW: i32,
  y: usize,
  batchMean: usize,
  batchVar: usize,
  x: usize,
  gamma: usize,
  beta: usize,
  eps: usize,
  relu: i32,
): void {
  const M = <f64>N * <f64>HW;
  const plane = <usize>HW * 4;
  const end = shareStart(C, tid + 1, threads);
  for (let c = shareStart(C, tid, threads); c < end; c++) {
    let sum: f64 = 0;
    for (let n = 0; n < N; n++) sum += planeSum(x + <usize>(n * C + c) * plane, HW);
    const mean = sum / M;
    let squares: f64 = 0;
    for (let n = 0; n < N; n++) {
      squares += planeSquares(x + <usize>(n * C + c) * plane, HW, <f32>mean);
    }
    // The f32 mean's rounding error d adds d^2 to each square; take it back out.
    const d = mean - <f64>(<f32>mean);
    const variance = max(0, squares / M - d * d);
    store<f32>(batchMean + <usize>c * 4, <f32>mean);
    store<f32>(batchVar + <usize>c * 4, <f32>variance);
    const scale = channelValue(gamma, c, 1) / Math.sqrt(variance + load<f64>(eps));
    const shift = channelValue(beta, c, 0) - mean * scale;
    for (let n = 0; n < N; n++) {
      const at = <usize>(n * C + c) * plane;
      if (relu != 0) planeAffineRelu(y + at, x + at, HW, <f32>scale, <f32>shift);
      else planeAffine(y + at, x + at, HW, <f32>scale, <f32>shift);
    }
  }
}

export function batchNorm2dForwardEval(
  tid: i32,
  threads: i32,
  N: i32,
  C: i32,
  HW: i32,
  y: usize,
  x: usize,
  runningMean: usize,
  runningVar: usize,
  gamma: usize,
  beta: usize,
  eps: usize,
): void {
  const plane = <usize>HW * 4;
  const end = shareStart(N * C, tid + 1, threads);
  for (let nc = shareStart(N * C, tid, threads); nc < end; nc++) {
    const c = nc % C;
    const scale =
      channelValue(gamma, c, 1) /
      Math.sqrt(<f64>load<f32>(runningVar + <usize>c * 4) + load<f64>(eps));
    const shift = channelValue(beta, c, 0) - <f64>load<f32>(runningMean + <usize>c * 4) * scale;
    planeAffine(y + <usize>nc * plane, x + <usize>nc * plane, HW, <f32>scale, <f32>shift);
  }
}

/**
 * The backward of either mode: `mean` and `variance` are the batch statistics (training) or the
 * running ones (evaluation, `training` 0), where xhat is fixed and dx = dy * g/sqrt(var + eps).
 * With `keep` (a ReLU's output after the batch norm; 0: none), dy counts only where keep > 0.
 */
export function batchNorm2dBackward(
  tid: i32,
  threads: i32,
  N: i32,
  C: i32,
  HW: i32,
  dx: usize,
  dgamma: usize,
  dbeta: usize,
  dy: usize,
  x: usize,
  gamma: usize,
  mean: usize,
  variance: usize,
  eps: usize,
  training: i32,
  keep: usize,
): void {
  const M = <f64>N * <f64>HW;
  const plane = <usize>HW * 4;
  const end = shareStart(C, tid + 1, threads);
  for (let c = shareStart(C, tid, threads); c < end; c++) {
    const mu = load<f32>(mean + <usize>c * 4);
    const invStd = 1 / Math.sqrt(<f64>load<f32>(variance + <usize>c * 4) + load<f64>(eps));
    let sumDy: f64 = 0;
    let sumDyCentred: f64 = 0;
    if (dgamma != 0 || dbeta != 0 || (dx != 0 && training != 0)) {
      for (let n = 0; n < N; n++) {
        const at = <usize>(n * C + c) * plane;
        const mask: usize = keep == 0 ? 0 : keep + at;
        sumDy += planeDySums(dy + at, mask, x + at, HW, mu);
        sumDyCentred += dyCentredSum;
      }
    }
    const sumDyXhat = sumDyCentred * invStd;
    if (dbeta != 0) store<f32>(dbeta + <usize>c * 4, <f32>sumDy);
    if (dgamma != 0) store<f32>(dgamma + <usize>c * 4, <f32>sumDyXhat);
    if (dx == 0) continue;
    // dx = k1*dy + k2*x + k3, with xhat = (x - mu) * invStd expanded.
    const k1 = channelValue(gamma, c, 1) * invStd;
    let k2: f64 = 0;
    let k3: f64 = 0;
    if (training != 0) {
      k2 = (-k1 / M) * invStd * sumDyXhat;
      k3 = (-k1 / M) * sumDy - k2 * <f64>mu;
    }
    for (let n = 0; n < N; n++) {
      const at = <usize>(n * C + c) * plane;
      const mask: usize = keep == 0 ? 0 : keep + at;
      planeAffine2(dx + at, dy + at, mask, x + at, HW, <f32>k1, <f32>k2, <f32>k3);
    }
  }
}

/**
 * The running statistics after one training batch, single-threaded (C values), in f64 like the
 * reference, rounded once on the store:
 *
 *   mean <- (1 - momentum) mean + momentum batchMean
 *   var  <- (1 - momentum) var + momentum (batchVar M / (M - 1)),   M = N H W
 */
export function batchNorm2dUpdateRunningStats(
  runningMean: usize,
  runningVar: usize,
  batchMean: usize,
  batchVar: usize,
  momentumAt: usize,
  C: i32,
  M: i32,
): void {
  const momentum = load<f64>(momentumAt);
  const m = <f64>M;
  for (let c = 0; c < C; c++) {
    const at = <usize>c * 4;
    const mean = <f64>load<f32>(runningMean + at);
    const variance = <f64>load<f32>(runningVar + at);
    const bm = <f64>load<f32>(batchMean + at);
    const bv = <f64>load<f32>(batchVar + at);
    store<f32>(runningMean + at, <f32>((1 - momentum) * mean + momentum * bm));
    store<f32>(runningVar + at, <f32>((1 - momentum) * variance + momentum * ((bv * m) / (m - 1))));
  }
}
