/**
 * Matrix product, reference implementation.
 *
 * a:(M,K) b:(K,N) -> y:(M,N)
 *
 *   y[m,n]  = sum_k a[m,k] * b[k,n]        (y = a b)
 *   da[m,k] = sum_n dy[m,n] * b[k,n]       (da = dy b^T)
 *   db[k,n] = sum_m a[m,k] * dy[m,n]       (db = a^T dy)
 *
 * Every function writes (overwrites) its first argument.
 */
import type { MatmulGeometry } from '../../shape/matmul.js';
import type { FloatArray } from '../../tensor.js';

export function matmulForward(
  y: FloatArray,
  a: FloatArray,
  b: FloatArray,
  g: MatmulGeometry,
): void {
  const { M, K, N } = g;
  for (let m = 0; m < M; m++) {
    for (let n = 0; n < N; n++) {
      let sum = 0;
      for (let k = 0; k < K; k++) sum += a[m * K + k] * b[k * N + n];
      y[m * N + n] = sum;
    }
  }
}

export function matmulBackwardA(
  da: FloatArray,
  dy: FloatArray,
  b: FloatArray,
  g: MatmulGeometry,
): void {
  const { M, K, N } = g;
  for (let m = 0; m < M; m++) {
    for (let k = 0; k < K; k++) {
      let sum = 0;
      for (let n = 0; n < N; n++) sum += dy[m * N + n] * b[k * N + n];
      da[m * K + k] = sum;
    }
  }
}

export function matmulBackwardB(
  db: FloatArray,
  dy: FloatArray,
  a: FloatArray,
  g: MatmulGeometry,
): void {
  const { M, K, N } = g;
  for (let k = 0; k < K; k++) {
    for (let n = 0; n < N; n++) {
      let sum = 0;
      for (let m = 0; m < M; m++) sum += a[m * K + k] * dy[m * N + n];
      db[k * N + n] = sum;
    }
  }
}
