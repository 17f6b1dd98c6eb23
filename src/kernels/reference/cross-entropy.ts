/**
 * Softmax cross-entropy with class weights and an ignored label, per position, reference
 * implementation. Classes are on axis 1:
 *
 *   logits:(N,K,S) labels:(N*S) weight:(K) -> losses:(N*S)    (S = 1 for (N,K) logits; for
 *   segmentation logits (N,K,H,W), S = H*W and labels are (N,H,W))
 *
 * For position (n,s) with label y = labels[n*S+s] and z[k] = logits[n,k,s]:
 *
 *   losses[n,s] = weight[y] * (logsumexp_k z[k] - z[y])            (0 when y = ignoreIndex)
 *   dlogits[n,k,s] = dlosses[n,s] * weight[y] * (softmax(z)[k] - [k = y])   (0 when ignored)
 *
 * logsumexp is m + log(sum_k exp(z[k] - m)) with m = max_k z[k], so large logits are safe.
 * The forward returns sum of weight[y] over the positions not ignored: the divisor of
 * PyTorch's weighted mean. weight null means every class weighs 1. Both functions overwrite
 * their first argument.
 */
import type { CrossEntropyGeometry } from '../../shape/cross-entropy.js';
import type { FloatArray } from '../../tensor.js';

/** Class indices, one per position (Int32Array or a plain array). */
export type Labels = Int32Array | readonly number[];

function checkLabel(label: number, position: number, K: number, ignoreIndex: number): void {
  if (!Number.isInteger(label) || label < 0 || label >= K) {
    throw new RangeError(
      `crossEntropy: label ${label} at position ${position} is neither a class index in [0, ${K}) nor the ignore index ${ignoreIndex}`,
    );
  }
}

/** logsumexp over k of logits[n,k,s]. */
function logSumExp(logits: FloatArray, n: number, s: number, g: CrossEntropyGeometry): number {
  const { K, S } = g;
  let m = -Infinity;
  for (let k = 0; k < K; k++) m = Math.max(m, logits[(n * K + k) * S + s]);
  let sum = 0;
  for (let k = 0; k < K; k++) sum += Math.exp(logits[(n * K + k) * S + s] - m);
  return m + Math.log(sum);
}

/** losses:(N*S), per position; returns the total weight of the positions not ignored. */
export function crossEntropyForward(
  losses: FloatArray,
  logits: FloatArray,
  labels: Labels,
  weight: FloatArray | null,
  ignoreIndex: number,
  g: CrossEntropyGeometry,
): number {
  const { N, K, S } = g;
  let totalWeight = 0;
  for (let n = 0; n < N; n++) {
    for (let s = 0; s < S; s++) {
      const label = labels[n * S + s];
      if (label === ignoreIndex) {
        losses[n * S + s] = 0;
        continue;
      }
      checkLabel(label, n * S + s, K, ignoreIndex);
      const w = weight === null ? 1 : weight[label];
      losses[n * S + s] = w * (logSumExp(logits, n, s, g) - logits[(n * K + label) * S + s]);
      totalWeight += w;
    }
  }
  return totalWeight;
}

/** dlogits:(N,K,S) from dlosses:(N*S). */
export function crossEntropyBackward(
  dlogits: FloatArray,
  dlosses: FloatArray,
  logits: FloatArray,
  labels: Labels,
  weight: FloatArray | null,
  ignoreIndex: number,
  g: CrossEntropyGeometry,
): void {
  const { N, K, S } = g;
  for (let n = 0; n < N; n++) {
    for (let s = 0; s < S; s++) {
      const label = labels[n * S + s];
      if (label === ignoreIndex) {
        for (let k = 0; k < K; k++) dlogits[(n * K + k) * S + s] = 0;
        continue;
      }
      checkLabel(label, n * S + s, K, ignoreIndex);
      const scale = dlosses[n * S + s] * (weight === null ? 1 : weight[label]);
      const lse = logSumExp(logits, n, s, g);
      for (let k = 0; k < K; k++) {
        const at = (n * K + k) * S + s;
        dlogits[at] = scale * (Math.exp(logits[at] - lse) - (k === label ? 1 : 0));
      }
    }
  }
}
