/**
 * Exact k-nearest-neighbour search over vectors by inner product (cosine similarity for unit
 * vectors) on the current backend's topK kernel (src/kernels/reference/top-k.ts; the fast
 * backend's is GEMM + heap selection), and the vectors it works on.
 *
 *   topK(queries:(Q,D), gallery:(N,D), k) -> scores:(Q,k), indices:(Q,k), best first
 *
 * Euclidean search reuses it: ||q - g||^2 = ||q||^2 + ||g||^2 - 2 q.g, so ranking by
 * q.g - ||g||^2/2 = [q, 1] . [g, -||g||^2/2] is ranking by L2 distance (withL2Column).
 */
import { getBackend } from '../../kernels/backend.js';
import { topKGeometry } from '../../shape/top-k.js';

/** Row-major vectors: `count` rows of `dim` floats. */
export interface Vectors {
  data: Float32Array;
  count: number;
  dim: number;
}

export interface TopKResult {
  /** (Q,k) inner products, best first per row. */
  scores: Float32Array;
  /** (Q,k) gallery rows, ties in ascending order. */
  indices: Int32Array;
  k: number;
}

/** The k best gallery rows of every query by inner product (see the top of this file). */
export function topK(queries: Vectors, gallery: Vectors, k: number): TopKResult {
  const g = topKGeometry([queries.count, queries.dim], [gallery.count, gallery.dim], k);
  const scores = new Float32Array(g.Q * k);
  const indices = new Int32Array(g.Q * k);
  getBackend().topKForward(scores, indices, queries.data, gallery.data, g);
  return { scores, indices, k };
}

/**
 * Vectors for L2 search by inner product: queries get a last column of 1, the gallery one of
 * -||g||^2 / 2 (see the top of this file).
 */
export function withL2Column(vectors: Vectors, role: 'query' | 'gallery'): Vectors {
  const { data, count, dim } = vectors;
  const out = new Float32Array(count * (dim + 1));
  for (let i = 0; i < count; i++) {
    let norm = 0;
    for (let d = 0; d < dim; d++) {
      const v = data[i * dim + d];
      out[i * (dim + 1) + d] = v;
      norm += v * v;
    }
    out[i * (dim + 1) + dim] = role === 'query' ? 1 : -norm / 2;
  }
  return { data: out, count, dim: dim + 1 };
}

/** Each row divided by its L2 norm (zero rows stay zero). */
export function normalizeRows(vectors: Vectors): Vectors {
  const { data, count, dim } = vectors;
  const out = new Float32Array(data.length);
  for (let i = 0; i < count; i++) {
    let norm = 0;
    for (let d = 0; d < dim; d++) norm += data[i * dim + d] ** 2;
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let d = 0; d < dim; d++) out[i * dim + d] = data[i * dim + d] * scale;
  }
  return { data: out, count, dim };
}
