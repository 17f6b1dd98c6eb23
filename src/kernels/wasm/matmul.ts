/**
 * Matrix products on the WebAssembly GEMM (assembly/sgemm.ts, threaded over tiles of the
 * output). sgemmPart computes C = op(A) op(B) with either operand read transposed in place:
 *
 *   y  = a b       (M,K)(K,N)
 *   da = dy b^T    (M,N)(N,K): b read transposed
 *   db = a^T dy    (K,M)(M,N): a read transposed
 */
import type { FloatArray } from '../../tensor.js';
import { hostKernels, type Marshal } from './marshal.js';

/** c:(rows,cols) = op(a):(rows,inner) op(b):(inner,cols); lda/ldb are the stored row lengths. */
function gemm(
  m: Marshal,
  c: FloatArray,
  [rows, cols, inner]: [number, number, number],
  [a, lda, transA]: [FloatArray, number, number],
  [b, ldb, transB]: [FloatArray, number, number],
): void {
  const [scratch, stride] = m.scratch(m.call('sgemmScratchBytes'));
  const operands = [m.input(a), lda, transA, m.input(b), ldb, transB, m.output(c), cols, 0];
  m.run('sgemmPart', [rows, cols, inner, ...operands, scratch, stride]);
}

export const matmul = hostKernels({
  matmulForward(m, y, a, b, { M, K, N }) {
    gemm(m, y, [M, N, K], [a, K, 0], [b, N, 0]);
  },

  matmulBackwardA(m, da, dy, b, { M, K, N }) {
    gemm(m, da, [M, K, N], [dy, N, 0], [b, N, 1]);
  },

  matmulBackwardB(m, db, dy, a, { M, K, N }) {
    gemm(m, db, [K, N, M], [a, K, 1], [dy, N, 0]);
  },
});
