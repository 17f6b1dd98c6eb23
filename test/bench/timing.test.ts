/**
 * The bench's sampling (bench/timing.ts): every timed run tagged with its vCPU, read between
 * groups of CPU_READ_EVERY runs rather than after each (a system call before a timed run flushes
 * this VM's TLB), and -1 where the thread moved within a group; warm-up by runs and by time.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CPU_READ_EVERY, cpuTags, measure, type TimingOptions } from '../../bench/timing.js';

const SAMPLES: TimingOptions = {
  warmupRuns: 2,
  minSamples: 40,
  minSeconds: 0,
  maxSeconds: 60,
  maxSamples: 40,
  slowRunSeconds: 60,
};

describe('bench timing', () => {
  it('tags a group with the vCPU read on both sides of it, or -1 where they differ', () => {
    assert.deepEqual(cpuTags(3, 1, 1), [1, 1, 1]);
    assert.deepEqual(cpuTags(2, 0, 1), [-1, -1]);
    assert.deepEqual(cpuTags(0, 0, 0), []);
  });

  it('reads the vCPU once per CPU_READ_EVERY timed runs, and tags every run', async () => {
    // The thread "moves" from vCPU 0 to vCPU 1 at the third reading: the group it ends is
    // unknown, the groups before and after it are tagged.
    const readings = [0, 0, 1, 1, 1];
    let reads = 0;
    const timing = await measure(
      () => undefined,
      SAMPLES,
      () => readings[Math.min(reads++, readings.length - 1)],
    );
    assert.equal(timing.samplesMs.length, 40);
    // One before the warm-up, after runs 16 and 32, and after the last (40).
    assert.equal(reads, 1 + Math.floor(40 / CPU_READ_EVERY) + 1);
    const group = (tag: number, n: number) => Array<number>(n).fill(tag);
    assert.deepEqual(timing.samplesCpu, [...group(0, 16), ...group(-1, 16), ...group(1, 8)]);
  });

  it('warms up for warmupSeconds as well as warmupRuns, and stops at a slow run', async () => {
    const busy = (ms: number) => () => {
      const until = performance.now() + ms;
      while (performance.now() < until);
    };
    const options = { ...SAMPLES, warmupRuns: 1, warmupSeconds: 0.03, maxSamples: 10 };
    const warmed = await measure(busy(1), options, () => 0);
    // Runs until 30 ms were spent (one run can only do that alone if the thread was held up).
    const [first] = warmed.warmupMs;
    assert.ok(warmed.warmupMs.reduce((a, b) => a + b, 0) >= 30);
    assert.ok(warmed.warmupMs.length > 1 || first >= 30, `warm-up runs: ${warmed.warmupMs}`);
    assert.equal(warmed.samplesMs.length, 10);
    // A warm-up run slower than slowRunSeconds ends the warm-up, and the measurement is time-boxed.
    const slow = await measure(busy(2), { ...options, slowRunSeconds: 0.001 }, () => 0);
    assert.equal(slow.warmupMs.length, 1);
    assert.equal(slow.timeBoxed, true);
  });

  it('tags the single run of a time-boxed measurement', async () => {
    const slow = { ...SAMPLES, slowRunSeconds: 0 };
    let reads = 0;
    const timing = await measure(
      () => {
        const until = performance.now() + 1;
        while (performance.now() < until);
      },
      slow,
      () => (reads++, 1),
    );
    assert.equal(timing.timeBoxed, true);
    assert.deepEqual(timing.samplesCpu, [1]);
    assert.equal(reads, 2);
  });
});
