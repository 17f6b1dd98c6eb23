/**
 * Retrieval evaluation: every query's neighbours in the gallery by exact search (topK), scored
 * with the metrics of retrieval-metrics.ts. MAP@R needs each query's first R neighbours, R its
 * class's count in the gallery, so topK runs with k = max R over blocks of queries.
 *
 * With `sameSet` (queries and gallery are the same vectors) each query's own row is left out of
 * its neighbours and of R, as Musgrave et al. do.
 */
import { topK, type Vectors } from './exact-search.js';
import { RetrievalMetrics, labelCounts, type RetrievalScores } from './retrieval-metrics.js';

export interface RetrievalEvalOptions {
  /** The k of each recall@k; default [1, 10]. */
  ks?: readonly number[];
  /** Queries and gallery are the same set (leave each query out of its own results). */
  sameSet?: boolean;
  /** Queries per topK call (bounds the memory of k = R results); default 256. */
  blockSize?: number;
}

/** The retrieval metrics of queries against a gallery (see the top of this file). */
export function evaluateRetrieval(
  queries: Vectors,
  queryLabels: ArrayLike<number>,
  gallery: Vectors,
  galleryLabels: ArrayLike<number>,
  { ks = [1, 10], sameSet = false, blockSize = 256 }: RetrievalEvalOptions = {},
): RetrievalScores {
  if (queryLabels.length !== queries.count || galleryLabels.length !== gallery.count) {
    throw new RangeError(
      `evaluateRetrieval: ${queries.count} queries with ${queryLabels.length} labels, ${gallery.count} gallery vectors with ${galleryLabels.length} labels`,
    );
  }
  if (sameSet && queries.count !== gallery.count)
    throw new RangeError('evaluateRetrieval: sameSet needs the queries to be the gallery');
  const metrics = new RetrievalMetrics(ks);
  const counts = labelCounts(galleryLabels);
  const own = sameSet ? 1 : 0;
  const R = (label: number): number => (counts.get(label) ?? 0) - own;
  let needed = 1;
  for (let q = 0; q < queries.count; q++)
    needed = Math.max(needed, metrics.needed(R(queryLabels[q])));
  const k = Math.min(gallery.count, needed + own);
  const ranked = new Int32Array(k);
  for (let q0 = 0; q0 < queries.count; q0 += blockSize) {
    const n = Math.min(blockSize, queries.count - q0);
    const block = {
      data: queries.data.subarray(q0 * queries.dim, (q0 + n) * queries.dim),
      count: n,
      dim: queries.dim,
    };
    const { indices } = topK(block, gallery, k);
    for (let i = 0; i < n; i++) {
      const q = q0 + i;
      let m = 0;
      for (let j = 0; j < k; j++) {
        const id = indices[i * k + j];
        if (sameSet && id === q) continue;
        if (m < k) ranked[m++] = galleryLabels[id];
      }
      metrics.add(queryLabels[q], ranked.subarray(0, Math.min(m, k - own)), R(queryLabels[q]));
    }
  }
  return metrics.result();
}
