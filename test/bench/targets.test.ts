/**
 * The issue targets (bench/targets.ts): judged on all samples, with onnxruntime's ratio also
 * given per vCPU where both rows have enough samples on it (timing.ts currentCpu).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkTargets } from '../../bench/targets.js';
import { currentCpu } from '../../bench/timing.js';
import { benchRow } from './bench-row.js';

describe('bench targets', () => {
  it('judge >= 0.5x onnxruntime on all samples, and print the ratio on each vCPU', () => {
    // Ours: 12 runs of 5 ms on vCPU 0, 12 of 8 ms on vCPU 1; onnxruntime: 12 of 3 ms on 0 and
    // 12 of 4 ms on 1, so 0.6x on vCPU 0 and 0.5x on 1; all samples: medians 6.5 / 3.5, 0.54x.
    const times = (a: number, b: number) => [...Array(12).fill(a), ...Array(12).fill(b)];
    const cpus = times(0, 1);
    const ours = benchRow(times(5, 8), { samplesCpu: cpus, medianMs: 6.5 });
    const ort = benchRow(times(3, 4), {
      samplesCpu: cpus,
      medianMs: 3.5,
      contestant: 'onnxruntime',
      side: 'peer',
      label: 'onnxruntime x1',
    });
    const [result] = checkTargets([ours, ort]).filter((r) => r.target.includes('onnxruntime'));
    assert.equal(result.met, true);
    assert.match(
      result.measured,
      /0\.5x onnxruntime x1; by vCPU: cpu0 0\.60x \(12\/12 runs\), cpu1 0\.50x \(12\/12 runs\)$/,
    );
    // Too few samples on a vCPU: no ratio for it.
    const few = benchRow([...times(5, 8), 5], {
      samplesCpu: [...Array(20).fill(0), 1, 1, 1, 1, 1],
    });
    const [fewer] = checkTargets([few, ort]).filter((r) => r.target.includes('onnxruntime'));
    assert.match(fewer.measured, /by vCPU: cpu0 [0-9.]+x \(20\/12 runs\)$/);
  });

  it('give ms/image on each vCPU beside the median of all samples', () => {
    const b1 = benchRow([...Array(12).fill(0.12), ...Array(15).fill(0.2)], {
      workload: 'infer seed-net b1',
      images: 1,
      medianMs: 0.2,
      samplesCpu: [...Array(12).fill(0), ...Array(15).fill(1)],
    });
    const results = checkTargets([b1]).filter((r) => r.target === '<= 0.2 ms/image');
    assert.equal(results.length, 1);
    assert.equal(results[0].met, true);
    assert.equal(results[0].measured, '0.20 ms/image (by vCPU: cpu0 0.12, cpu1 0.20)');
  });

  it("reads the measuring thread's vCPU where /proc has it", () => {
    const cpu = currentCpu();
    assert.ok(Number.isInteger(cpu) && cpu >= -1);
    if (process.platform === 'linux') assert.ok(cpu >= 0, `vCPU ${cpu} on Linux`);
  });
});
