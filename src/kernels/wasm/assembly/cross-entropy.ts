/**
 * Softmax cross-entropy per position, classes on axis 1; the contract of
 * src/kernels/reference/cross-entropy.ts, threaded over the N*S positions:
 *
 *   logits:(N,K,S) labels:(N*S) i32 weight:(K) or 0 -> losses:(N*S), dlogits:(N,K,S)
 *   losses[p]       = weight[y] * (logsumexp_k z[k] - z[y])                 (0 when ignored)
 *   dlogits[n,k,s]  = dlosses[p] * weight[y] * (softmax(z)[k] - [k = y])     (0 when ignored)
 *
 * with p = n*S + s, y = labels[p], z[k] = logits[n,k,s]. Labels are checked by the host. Each
 * position is computed in f64 on its own thread, so results do not depend on the thread count.
 */
import { shareStart } from './lib/geometry';

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
