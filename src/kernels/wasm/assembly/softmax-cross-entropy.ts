/**
 * Softmax cross-entropy, mean over the batch. Same contract as
 * src/kernels/reference/softmax-cross-entropy.ts; logits:(N,K), labels:(N) i32, checked by the
 * host. Single-threaded (N*K is tiny next to the layers before it); sums in f64.
 *
 *   loss = (1/N) sum_n logsumexp(z[n]) - z[n, label]       dz = dloss * (softmax(z) - onehot) / N
 */

@inline
function rowLogSumExp(row: usize, K: i32): f64 {
  let m: f64 = -Infinity;
  for (let k = 0; k < K; k++) m = max(m, <f64>load<f32>(row + <usize>k * 4));
  let sum: f64 = 0;
  for (let k = 0; k < K; k++) sum += Math.exp(<f64>load<f32>(row + <usize>k * 4) - m);
  return m + Math.log(sum);
}

export function softmaxCrossEntropyForward(N: i32, K: i32, logits: usize, labels: usize): f64 {
  let total: f64 = 0;
  for (let n = 0; n < N; n++) {
    const row = logits + <usize>(n * K) * 4;
    const label = load<i32>(labels + <usize>n * 4);
    total += rowLogSumExp(row, K) - <f64>load<f32>(row + <usize>label * 4);
  }
  return total / N;
}

export function softmaxCrossEntropyBackward(
  N: i32,
  K: i32,
  dlogits: usize,
  logits: usize,
  labels: usize,
  dloss: f64,
): void {
  for (let n = 0; n < N; n++) {
    const row = logits + <usize>(n * K) * 4;
    const out = dlogits + <usize>(n * K) * 4;
    const label = load<i32>(labels + <usize>n * 4);
    const lse = rowLogSumExp(row, K);
    for (let k = 0; k < K; k++) {
      const p = Math.exp(<f64>load<f32>(row + <usize>k * 4) - lse);
      store<f32>(out + <usize>k * 4, <f32>((dloss * (p - (k == label ? 1 : 0))) / N));
    }
  }
}
