/** A network row of the bench (bench/report.ts Row) with the given samples, for the bench's tests. */
import type { Row } from '../../bench/report.js';

/** Our 1-thread batch-64 seed-net row, every sample on vCPU 0 unless `extra` says otherwise. */
export function benchRow(samplesMs: number[], extra: Partial<Row> = {}): Row {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  return {
    workload: 'infer seed-net b64',
    kind: 'net-infer',
    shape: 'seed net',
    contestant: 'convnet-wasm',
    side: 'ours',
    threads: 1,
    label: 'convnet-wasm x1',
    status: 'ok',
    reason: null,
    flops: null,
    images: 64,
    medianMs: sorted[sorted.length >> 1] ?? null,
    minMs: sorted[0] ?? null,
    maxMs: sorted.at(-1) ?? null,
    gflops: null,
    imagesPerSecond: null,
    samplesMs,
    samplesCpu: samplesMs.map(() => 0),
    warmupMs: [9],
    probeEstimateMs: null,
    timeBoxed: false,
    partial: null,
    note: 'in runStep',
    ...extra,
  };
}
