/**
 * Softmax cross-entropy, reference implementation, averaged over the batch.
 *
 * logits:(N,K) labels:(N) integers in [0,K) -> loss: scalar
 *
 *   p[n,k] = exp(z[n,k]) / sum_j exp(z[n,j])
 *   loss   = (1/N) sum_n ( logsumexp(z[n]) - z[n, labels[n]] )
 *   dz     = dloss * (p - onehot(labels)) / N
 *
 * logsumexp is computed as m + log(sum_j exp(z[n,j] - m)) with m = max_j z[n,j], so logits of
 * +-1e4 neither overflow nor underflow.
 */
import type { ClassificationGeometry } from '../../shape/softmax-cross-entropy.js';
import type { FloatArray } from '../../tensor.js';

export type Labels = Int32Array | readonly number[];

function checkLabel(label: number, n: number, K: number): void {
  if (!Number.isInteger(label) || label < 0 || label >= K) {
    throw new RangeError(
      `softmaxCrossEntropy: label ${label} at batch index ${n} is not a class index in [0, ${K})`,
    );
  }
}

/** logsumexp of row n of z:(N,K). */
function rowLogSumExp(z: FloatArray, n: number, K: number): number {
  let m = -Infinity;
  for (let k = 0; k < K; k++) m = Math.max(m, z[n * K + k]);
  let sum = 0;
  for (let k = 0; k < K; k++) sum += Math.exp(z[n * K + k] - m);
  return m + Math.log(sum);
}

/** The mean cross-entropy of softmax(logits) against labels. */
export function softmaxCrossEntropyForward(
  logits: FloatArray,
  labels: Labels,
  g: ClassificationGeometry,
): number {
  const { N, K } = g;
  let total = 0;
  for (let n = 0; n < N; n++) {
    checkLabel(labels[n], n, K);
    total += rowLogSumExp(logits, n, K) - logits[n * K + labels[n]];
  }
  return total / N;
}

/** dlogits:(N,K) = dloss * (softmax(logits) - onehot(labels)) / N; overwrites dlogits. */
export function softmaxCrossEntropyBackward(
  dlogits: FloatArray,
  logits: FloatArray,
  labels: Labels,
  g: ClassificationGeometry,
  dloss = 1,
): void {
  const { N, K } = g;
  for (let n = 0; n < N; n++) {
    checkLabel(labels[n], n, K);
    const lse = rowLogSumExp(logits, n, K);
    for (let k = 0; k < K; k++) {
      const p = Math.exp(logits[n * K + k] - lse);
      dlogits[n * K + k] = (dloss * (p - (k === labels[n] ? 1 : 0))) / N;
    }
  }
}

/** probs:(N,K) = softmax(logits) row by row; overwrites probs. */
export function softmaxForward(
  probs: FloatArray,
  logits: FloatArray,
  g: ClassificationGeometry,
): void {
  const { N, K } = g;
  for (let n = 0; n < N; n++) {
    const lse = rowLogSumExp(logits, n, K);
    for (let k = 0; k < K; k++) probs[n * K + k] = Math.exp(logits[n * K + k] - lse);
  }
}
