/**
 * Exact top-k search as GEMM + selection: for blocks of query rows, the scores block
 * s = queries gallery^T on the WebAssembly GEMM (assembly/sgemm.ts, gallery read transposed in
 * place), then each row's k best by a heap (assembly/top-k.ts), both threaded. A block holds at
 * most BLOCK_BYTES of scores, so memory stays bounded for any number of queries.
 */
import { hostKernels } from './marshal.js';

/** The largest block of scores held at once (16 MiB: 64 queries against 65,536 vectors). */
const BLOCK_BYTES = 16 << 20;

export const topK = hostKernels({
  topKForward(m, scores, indices, queries, gallery, { Q, N, D, k }) {
    const rows = Math.max(1, Math.min(Q, Math.floor(BLOCK_BYTES / (N * 4))));
    const q = m.input(queries);
    const g = m.input(gallery);
    const outScores = m.output(scores);
    const outIndices = m.int32Output(indices);
    const block = m.block(rows * N * 4);
    const [gemmScratch, gemmStride] = m.scratch(m.call('sgemmScratchBytes'));
    const [heap, heapStride] = m.scratch(k * 8);
    for (let r0 = 0; r0 < Q; r0 += rows) {
      const n = Math.min(rows, Q - r0);
      const gemm = [n, N, D, q + r0 * D * 4, D, 0, g, D, 1, block, N, 0];
      m.run('sgemmPart', [...gemm, gemmScratch, gemmStride]);
      const out = [outScores + r0 * k * 4, outIndices + r0 * k * 4];
      m.run('topKSelectPart', [n, N, k, block, ...out, heap, heapStride]);
    }
  },
});
