import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { measureInSlices, mergeSlices, roundOrder, sliceTiming } from '../../bench/slices.js';
import { FULL_TIMING } from '../../bench/timing.js';
import { benchRow as slice } from './bench-row.js';

describe('bench slices', () => {
  it('a slice takes the warm-up and a share of the samples and seconds', () => {
    const t = sliceTiming(FULL_TIMING, 3);
    assert.equal(t.warmupRuns, FULL_TIMING.warmupRuns);
    assert.equal(t.minSamples, Math.ceil(FULL_TIMING.minSamples / 3));
    assert.equal(t.minSeconds, FULL_TIMING.minSeconds / 3);
    assert.equal(t.maxSeconds, FULL_TIMING.maxSeconds / 3);
    assert.equal(t.slowRunSeconds, FULL_TIMING.slowRunSeconds);
  });

  it('rounds alternate the order of the jobs', () => {
    assert.deepEqual(roundOrder(3, 0), [0, 1, 2]);
    assert.deepEqual(roundOrder(3, 1), [2, 1, 0]);
    assert.deepEqual(roundOrder(3, 2), [0, 1, 2]);
  });

  it("a row's samples are its slices' together, the median and range over all of them", () => {
    const row = mergeSlices([
      slice([5, 6, 7]),
      slice([8, 9], { samplesCpu: [1, 1] }),
      slice([1, 2]),
    ]);
    assert.deepEqual(row.samplesMs, [5, 6, 7, 8, 9, 1, 2]);
    assert.deepEqual(row.samplesCpu, [0, 0, 0, 1, 1, 0, 0]);
    assert.deepEqual(row.warmupMs, [9, 9, 9]);
    assert.equal(row.medianMs, 6);
    assert.equal(row.minMs, 1);
    assert.equal(row.maxMs, 9);
    assert.equal(row.imagesPerSecond, (64 / 6) * 1000);
    assert.equal(row.note, '3 interleaved slices; in runStep');
  });

  it('a slice that failed or was time-boxed stands for the row', () => {
    const failed = slice([], { status: 'error', reason: 'boom', medianMs: null });
    assert.equal(mergeSlices([slice([5]), failed]), failed);
    const boxed = slice([2000], { timeBoxed: true });
    assert.equal(mergeSlices([boxed]), boxed);
    assert.throws(() => mergeSlices([]), /no slices/);
  });

  it('measures every job in each round, alternating, and stops a job after a bad slice', async () => {
    const calls: [number, boolean][] = [];
    const rows = await measureInSlices(3, (k, first) => {
      calls.push([k, first !== undefined]);
      const failed = k === 1;
      return Promise.resolve(
        slice(failed ? [] : [k + 1], failed ? { status: 'error', medianMs: null } : {}),
      );
    });
    assert.deepEqual(
      calls.map(([k]) => k),
      [0, 1, 2, 2, 0, 0, 2],
    );
    assert.deepEqual(
      calls.map(([, seen]) => seen),
      [false, false, false, true, true, true, true],
    );
    assert.deepEqual(rows[0].samplesMs, [1, 1, 1]);
    assert.equal(rows[1].status, 'error');
    assert.deepEqual(rows[2].samplesMs, [3, 3, 3]);
  });
});
