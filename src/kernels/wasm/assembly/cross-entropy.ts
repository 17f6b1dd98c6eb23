/**
 * Softmax cross-entropy per position, classes on axis 1; the contract of
 * src/kernels/reference/cross-entropy.ts, threaded over the N*S positions:
 *
 *   logits:(N,K,S) labels:(N*S) i32 weight:(K) or 0 -> losses:(N*S), dlogits:(N,K,S)
 *   losses[p]       = weight[y] * (logsumexp_k z[k] - z[y])                 (0 when ignored)
 *   dlogits[n,k,s]  = dlosses[p] * weight[y] * (softmax(z)[k] - [k = y])     (0 when ignored)
 *
 * with p = n*S + s, y = labels[p], z[k] = logits[n,k,s]. Labels are checked by the host.
 *
 * Where S is a multiple of 4 (segmentation: S = H*W), four neighbouring positions of one image go
 * through f32x4 lanes together (their classes are one vector apart), in f32 with lib/elementwise's
 * expV and lib/log1p's logV (about 1 ulp each): a U-Net's loss over 32 images of 64x96 pixels
 * and 11 classes took 22 ms forward and 39 ms backward position by position in f64 (a software
 * exp per class). Otherwise (classification, S = 1) each position is computed in f64. Threads
 * share whole groups of four, and each lane is computed alike, so results do not depend on the
 * thread count.
 */
import { expV } from './lib/elementwise';
import { shareStart } from './lib/geometry';
import { logV } from './lib/log1p';
import { firstMax } from './lib/simd';

@inline
function logSumExp(z: usize, step: usize, K: i32): f64 {
  let m: f64 = -Infinity;
  for (let k = 0; k < K; k++) m = max(m, <f64>load<f32>(z + <usize>k * step));
  let sum: f64 = 0;
  for (let k = 0; k < K; k++) sum += Math.exp(<f64>load<f32>(z + <usize>k * step) - m);
  return m + Math.log(sum);
}

/** The address of logits[n,0,s]; class k is k*S floats further on. */
@inline
function firstClass(logits: usize, p: i32, K: i32, S: i32): usize {
  const n = p / S;
  return logits + (<usize>n * <usize>K * <usize>S + <usize>(p - n * S)) * 4;
}

/** The labels of four positions, with the ignored ones as class 0 (so gathers stay in range). */
@inline
function classesOf(labels: v128, ignored: v128): v128 {
  return v128.andnot(labels, ignored);
}

/**
 * Lane l: the f32 at base + l*laneStep + (lane l of classes) * classStep: each of four positions'
 * logit of its class (laneStep 4), or its class weight (laneStep 0).
 */
@inline
function gather(base: usize, laneStep: usize, classes: v128, classStep: usize): v128 {
  const c0 = <usize>i32x4.extract_lane(classes, 0);
  const c1 = <usize>i32x4.extract_lane(classes, 1);
  const c2 = <usize>i32x4.extract_lane(classes, 2);
  const c3 = <usize>i32x4.extract_lane(classes, 3);
  let v = f32x4.splat(load<f32>(base + c0 * classStep));
  v = f32x4.replace_lane(v, 1, load<f32>(base + laneStep + c1 * classStep));
  v = f32x4.replace_lane(v, 2, load<f32>(base + 2 * laneStep + c2 * classStep));
  return f32x4.replace_lane(v, 3, load<f32>(base + 3 * laneStep + c3 * classStep));
}

/**
 * logsumexp over the K classes of four positions whose class 0 is the vector at z; the maximum by
 * firstMax (a NaN logit gives NaN, as f32x4.max would, in 2 instructions where that takes ~8).
 */
@inline
function logSumExpV(z: usize, step: usize, K: i32): v128 {
  let m = v128.load(z);
  for (let k = 1; k < K; k++) m = firstMax(m, v128.load(z + <usize>k * step));
  let sum = f32x4.splat(0);
  for (let k = 0; k < K; k++)
    sum = f32x4.add(sum, expV(f32x4.sub(v128.load(z + <usize>k * step), m)));
  return f32x4.add(m, logV(sum));
}

/** The class weights of four positions (1 without weights). */
@inline
function weightsOf(weight: usize, classes: v128): v128 {
  return weight == 0 ? f32x4.splat(1) : gather(weight, 0, classes, 4);
}

/** Four positions a group: p = 4 * group (S a multiple of 4, so they share the image). */
function crossEntropyForward4(
  tid: i32,
  threads: i32,
  N: i32,
  K: i32,
  S: i32,
  losses: usize,
  logits: usize,
  labels: usize,
  weight: usize,
  ignoreIndex: i32,
): void {
  const groups = (N * S) >> 2;
  const end = shareStart(groups, tid + 1, threads);
  const step = <usize>S * 4;
  for (let group = shareStart(groups, tid, threads); group < end; group++) {
    const p = group << 2;
    const y = v128.load(labels + <usize>p * 4);
    const ignored = i32x4.eq(y, i32x4.splat(ignoreIndex));
    const classes = classesOf(y, ignored);
    const z = firstClass(logits, p, K, S);
    const loss = f32x4.mul(
      weightsOf(weight, classes),
      f32x4.sub(logSumExpV(z, step, K), gather(z, 4, classes, step)),
    );
    v128.store(losses + <usize>p * 4, v128.andnot(loss, ignored));
  }
}

function crossEntropyBackward4(
  tid: i32,
  threads: i32,
  N: i32,
  K: i32,
  S: i32,
  dlogits: usize,
  dlosses: usize,
  logits: usize,
  labels: usize,
  weight: usize,
  ignoreIndex: i32,
): void {
  const groups = (N * S) >> 2;
  const end = shareStart(groups, tid + 1, threads);
  const step = <usize>S * 4;
  for (let group = shareStart(groups, tid, threads); group < end; group++) {
    const p = group << 2;
    const y = v128.load(labels + <usize>p * 4);
    const ignored = i32x4.eq(y, i32x4.splat(ignoreIndex));
    const classes = classesOf(y, ignored);
    const z = firstClass(logits, p, K, S);
    const dz = firstClass(dlogits, p, K, S);
    const scale = f32x4.mul(v128.load(dlosses + <usize>p * 4), weightsOf(weight, classes));
    const lse = logSumExpV(z, step, K);
    for (let k = 0; k < K; k++) {
      const at = <usize>k * step;
      const probability = expV(f32x4.sub(v128.load(z + at), lse));
      const target = v128.and(i32x4.eq(y, i32x4.splat(k)), f32x4.splat(1));
      const gradient = f32x4.mul(scale, f32x4.sub(probability, target));
      v128.store(dz + at, v128.andnot(gradient, ignored));
    }
  }
}

export function crossEntropyForward(
  tid: i32,
  threads: i32,
  N: i32,
  K: i32,
  S: i32,
  losses: usize,
  logits: usize,
  labels: usize,
  weight: usize,
  ignoreIndex: i32,
): void {
  if ((S & 3) == 0) {
    crossEntropyForward4(tid, threads, N, K, S, losses, logits, labels, weight, ignoreIndex);
    return;
  }
  const end = shareStart(N * S, tid + 1, threads);
  const step = <usize>S * 4;
  for (let p = shareStart(N * S, tid, threads); p < end; p++) {
    const label = load<i32>(labels + <usize>p * 4);
    if (label == ignoreIndex) {
      store<f32>(losses + <usize>p * 4, 0);
      continue;
    }
    const z = firstClass(logits, p, K, S);
    const w: f64 = weight == 0 ? 1 : <f64>load<f32>(weight + <usize>label * 4);
    const loss = w * (logSumExp(z, step, K) - <f64>load<f32>(z + <usize>label * step));
    store<f32>(losses + <usize>p * 4, <f32>loss);
  }
}

export function crossEntropyBackward(
  tid: i32,
  threads: i32,
  N: i32,
  K: i32,
  S: i32,
  dlogits: usize,
  dlosses: usize,
  logits: usize,
  labels: usize,
  weight: usize,
  ignoreIndex: i32,
): void {
  if ((S & 3) == 0) {
    crossEntropyBackward4(
      tid,
      threads,
      N,
      K,
      S,
      dlogits,
      dlosses,
      logits,
      labels,
      weight,
      ignoreIndex,
    );
    return;
  }
  const end = shareStart(N * S, tid + 1, threads);
  const step = <usize>S * 4;
  for (let p = shareStart(N * S, tid, threads); p < end; p++) {
    const label = load<i32>(labels + <usize>p * 4);
    const z = firstClass(logits, p, K, S);
    const dz = firstClass(dlogits, p, K, S);
    if (label == ignoreIndex) {
      for (let k = 0; k < K; k++) store<f32>(dz + <usize>k * step, 0);
      continue;
    }
    const w: f64 = weight == 0 ? 1 : <f64>load<f32>(weight + <usize>label * 4);
    const scale = <f64>load<f32>(dlosses + <usize>p * 4) * w;
    const lse = logSumExp(z, step, K);
    for (let k = 0; k < K; k++) {
      const p_k = Math.exp(<f64>load<f32>(z + <usize>k * step) - lse);
      store<f32>(dz + <usize>k * step, <f32>(scale * (p_k - (k == label ? 1 : 0))));
    }
  }
}
