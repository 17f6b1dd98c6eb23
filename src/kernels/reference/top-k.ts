/**
 * Exact top-k search by inner product, reference implementation (sort everything, keep k).
 *
 * queries:(Q,D) gallery:(N,D) -> scores:(Q,k) indices:(Q,k)
 *
 *   s[q,n] = sum_d queries[q,d] * gallery[n,d]     (cosine similarity for unit vectors)
 *   row q of the outputs: the k largest s[q,.], best first; equal scores in ascending index
 *   order; a NaN score counts as -Infinity (and is reported as -Infinity)
 *
 * Overwrites scores and indices. Not differentiable: search, not training.
 */
import type { TopKGeometry } from '../../shape/top-k.js';
import type { FloatArray } from '../../tensor.js';

export function topKForward(
  scores: FloatArray,
  indices: Int32Array,
  queries: FloatArray,
  gallery: FloatArray,
  g: TopKGeometry,
): void {
  const { Q, N, D, k } = g;
  const row = new Float64Array(N);
  const order = Array.from({ length: N }, (_, n) => n);
  for (let q = 0; q < Q; q++) {
    for (let n = 0; n < N; n++) {
      let sum = 0;
      for (let d = 0; d < D; d++) sum += queries[q * D + d] * gallery[n * D + d];
      row[n] = Number.isNaN(sum) ? -Infinity : sum;
    }
    for (let n = 0; n < N; n++) order[n] = n;
    order.sort((a, b) => (row[a] === row[b] ? a - b : row[a] > row[b] ? -1 : 1));
    for (let i = 0; i < k; i++) {
      scores[q * k + i] = row[order[i]];
      indices[q * k + i] = order[i];
    }
  }
}
