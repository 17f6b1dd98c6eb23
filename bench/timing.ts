/**
 * A small timing library: warm-up runs, then timed runs until there are at least `minSamples`
 * samples and `minSeconds` have passed (or `maxSeconds` have, whichever comes first).
 *
 * A run that is too slow to repeat is time-boxed: when the last warm-up run takes longer than
 * `slowRunSeconds`, exactly one timed run follows and the result says so. Every run is awaited,
 * so a library that computes lazily (jax-js) must block until its result is ready inside `run`.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

/** One measured operation; may be asynchronous. */
export type RunFn = () => void | Promise<void>;

export interface TimingOptions {
  /** Untimed runs first (JIT, kernel compilation, caches); 0 to skip. */
  warmupRuns: number;
  /**
   * ...and untimed runs until they have taken this long (0 or absent: the runs alone). Code that
   * runs once per call is optimized by the engine only after some thousands of calls: the seed
   * net's batch-1 forward took 0.16-0.19 ms over its first 250 runs in a fresh process, 0.13-0.14
   * over runs 500-1,000 and 0.12 from about the 2,000th on; with V8's optimizing compiler off
   * (--turbo-filter=~), 0.16 throughout (2026-12-07). Two warm-up runs a slice timed that.
   */
  warmupSeconds?: number;
  /** Keep sampling until at least this many timed runs... */
  minSamples: number;
  /** ...and at least this much timed time have been collected. */
  minSeconds: number;
  /** Stop sampling after this much timed time, even below minSamples (at least one run). */
  maxSeconds: number;
  /** Never more than this many samples. */
  maxSamples: number;
  /** If the last warm-up run took longer than this, take exactly one timed run. */
  slowRunSeconds: number;
}

export interface Timing {
  /** Every timed run, in milliseconds, in the order they ran. */
  samplesMs: number[];
  /** The vCPU the timing thread ran each timed run on (cpuTags), -1 where unknown. */
  samplesCpu: number[];
  /** Every warm-up run, in milliseconds (first one includes compilation, if any). */
  warmupMs: number[];
  medianMs: number;
  minMs: number;
  maxMs: number;
  /** True when a single timed run was taken because one run was too slow to repeat. */
  timeBoxed: boolean;
}

/** The two presets `npm run bench` uses; `--quick` picks the second. */
export const FULL_TIMING: TimingOptions = {
  warmupRuns: 2,
  warmupSeconds: 0.25,
  minSamples: 10,
  minSeconds: 1,
  maxSeconds: 5,
  maxSamples: 1000,
  slowRunSeconds: 2,
};

export const QUICK_TIMING: TimingOptions = {
  warmupRuns: 1,
  warmupSeconds: 0.1,
  minSamples: 3,
  minSeconds: 0.2,
  maxSeconds: 1.5,
  maxSamples: 1000,
  slowRunSeconds: 0.5,
};

/** Wall-clock milliseconds of one run. */
export async function timeOnce(run: RunFn): Promise<number> {
  const start = performance.now();
  await run();
  return performance.now() - start;
}

/** The median of a non-empty list (mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of an empty list');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * The vCPU the calling thread last ran on (Linux: field 39 of /proc/thread-self/stat), or -1
 * where that cannot be read. On this project's VM one vCPU can run the same single-threaded
 * forward 1.3x slower than the other for minutes at a time (bench/README.md, "Noise"), so which
 * one a contestant's thread was on moves a ratio.
 */
export function currentCpu(): number {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    // Fields after the command name, which ends at the last ')': field 3 (state) is index 0.
    const cpu = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[36]);
    return Number.isInteger(cpu) ? cpu : -1;
  } catch {
    return -1;
  }
}

/** Summary statistics of the given samples. */
export function summarize(
  samplesMs: number[],
  warmupMs: number[],
  timeBoxed: boolean,
  samplesCpu: number[] = samplesMs.map(() => -1),
): Timing {
  return {
    samplesMs,
    samplesCpu,
    warmupMs,
    medianMs: median(samplesMs),
    minMs: Math.min(...samplesMs),
    maxMs: Math.max(...samplesMs),
    timeBoxed,
  };
}

/**
 * Timed runs between two readings of the vCPU (currentCpu). Reading it is a system call, and on
 * this project's VM (page-table isolation without PCID) every entry into the kernel flushes the
 * TLB: read after every run, it made each next run refill its pages first, 7-13 us (6-11%) more
 * on the seed net's batch-1 forward, the bench's own cost inside the timing. Read every
 * CPU_READ_EVERY runs, that cost falls on one run in as many, which a median does not see.
 */
export const CPU_READ_EVERY = 16;

/**
 * The vCPU tags of `count` runs between a reading `before` and one `after` them: that vCPU where
 * both agree, -1 (unknown) where the thread moved in between (it moves seldom: bench/README.md).
 */
export function cpuTags(count: number, before: number, after: number): number[] {
  return Array<number>(count).fill(before === after ? after : -1);
}

/** Warm up, then sample `run` as the options say; `readCpu` tags the samples (cpuTags). */
export async function measure(
  run: RunFn,
  options: TimingOptions,
  readCpu: () => number = currentCpu,
): Promise<Timing> {
  let cpu = readCpu(); // before the warm-up, which then runs on a refilled TLB
  const warmupMs: number[] = [];
  const warmupUntilMs = (options.warmupSeconds ?? 0) * 1000;
  for (let spentMs = 0; warmupMs.length < options.warmupRuns || spentMs < warmupUntilMs;) {
    const ms = await timeOnce(run);
    warmupMs.push(ms);
    spentMs += ms;
    // A run this slow is time-boxed below: no warm-up beyond the runs asked for.
    if (ms > options.slowRunSeconds * 1000 && warmupMs.length >= options.warmupRuns) break;
  }
  const lastWarmup = warmupMs.at(-1);
  if (lastWarmup !== undefined && lastWarmup > options.slowRunSeconds * 1000) {
    const ms = await timeOnce(run);
    return summarize([ms], warmupMs, true, cpuTags(1, cpu, readCpu()));
  }
  const samplesMs: number[] = [];
  const samplesCpu: number[] = [];
  let elapsedMs = 0;
  for (;;) {
    const ms = await timeOnce(run);
    samplesMs.push(ms);
    elapsedMs += ms;
    const enough = samplesMs.length >= options.minSamples && elapsedMs >= options.minSeconds * 1000;
    const last = enough || elapsedMs >= options.maxSeconds * 1000;
    const full = last || samplesMs.length >= options.maxSamples;
    if (full || samplesMs.length % CPU_READ_EVERY === 0) {
      const now = readCpu();
      samplesCpu.push(...cpuTags(samplesMs.length - samplesCpu.length, cpu, now));
      cpu = now;
    }
    if (full) break;
  }
  return summarize(samplesMs, warmupMs, false, samplesCpu);
}

/** Billions of floating-point operations per second at the given time per run. */
export function gflops(flops: number, ms: number): number {
  return flops / (ms * 1e6);
}
