/**
 * Interleaved slices for the network workloads. This machine's speed drifts by up to 1.4x from
 * one minute to the next (bench/README.md, "Noise"), and measuring the contestants of a workload
 * one after another lets a slow minute fall on one of them alone, which moves a ratio as much as
 * a kernel change does. So each network workload is measured in SLICES rounds: every contestant
 * and thread count takes a slice of the usual sampling (its own warm-up, then a share of the
 * samples and seconds), the order reversed from one round to the next, and a row's samples are
 * the slices' together. Every contestant still runs the same workload the same way; only when its
 * samples are taken changes.
 */
import type { Row } from './report.js';
import { gflops, median, type TimingOptions } from './timing.js';
import { imagesPerSecond } from './report.js';

/** Rounds per network workload. */
export const SLICES = 3;

/** One slice's share of the timing: the same warm-up, a SLICES-th of the samples and seconds. */
export function sliceTiming(timing: TimingOptions, slices = SLICES): TimingOptions {
  return {
    ...timing,
    minSamples: Math.ceil(timing.minSamples / slices),
    minSeconds: timing.minSeconds / slices,
    maxSeconds: timing.maxSeconds / slices,
    maxSamples: Math.ceil(timing.maxSamples / slices),
  };
}

/** The order of the jobs in round r: as given, then reversed, alternately. */
export function roundOrder(jobs: number, round: number): number[] {
  const order = Array.from({ length: jobs }, (_, i) => i);
  return round % 2 === 0 ? order : order.reverse();
}

/**
 * One row from a job's slices: their samples and warm-ups together, the median and range over
 * all samples. A slice that failed, was skipped or was time-boxed stands for the job (it was not
 * repeated).
 */
export function mergeSlices(slices: readonly Row[]): Row {
  const [first] = slices;
  if (first === undefined) throw new RangeError('mergeSlices: no slices');
  const bad = slices.find((r) => r.status !== 'ok' || r.timeBoxed || r.medianMs === null);
  if (bad !== undefined) return bad;
  const samplesMs = slices.flatMap((r) => r.samplesMs);
  const medianMs = median(samplesMs);
  const note = [`${slices.length} interleaved slices`, first.note].filter((s) => s !== '');
  return {
    ...first,
    samplesMs,
    samplesCpu: slices.flatMap((r) => r.samplesCpu),
    warmupMs: slices.flatMap((r) => r.warmupMs),
    medianMs,
    minMs: Math.min(...samplesMs),
    maxMs: Math.max(...samplesMs),
    gflops: first.flops === null ? null : gflops(first.flops, medianMs),
    imagesPerSecond: first.images === null ? null : imagesPerSecond(first.images, medianMs),
    note: note.join('; '),
  };
}

/**
 * The rows of `jobs` jobs measured in SLICES rounds, `measureSlice(k, first)` measuring job k's
 * next slice (first: its first slice's row, undefined in round one); a job whose last slice
 * failed, was skipped or was time-boxed takes no more.
 */
export async function measureInSlices(
  jobs: number,
  measureSlice: (k: number, first: Row | undefined) => Promise<Row>,
): Promise<Row[]> {
  const slices: Row[][] = Array.from({ length: jobs }, () => []);
  for (let round = 0; round < SLICES; round++) {
    for (const k of roundOrder(jobs, round)) {
      const last = slices[k].at(-1);
      if (last !== undefined && (last.status !== 'ok' || last.timeBoxed)) continue;
      slices[k].push(await measureSlice(k, slices[k][0]));
    }
  }
  return slices.map(mergeSlices);
}
