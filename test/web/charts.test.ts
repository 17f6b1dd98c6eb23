/** The playground's chart axes (web/src/charts.ts): round ticks, and sensible empty charts. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ticks, xAxisMax } from '../../web/src/charts.js';

describe('playground charts', () => {
  it('an empty chart spans 0 to 1, with no ticks like 2e-10', () => {
    const empty = [{ label: 'train loss', color: '#fff', points: [] }];
    assert.equal(xAxisMax(empty), 1);
    assert.equal(xAxisMax([]), 1);
    const xs = ticks(0, xAxisMax(empty), 5);
    assert.deepEqual(xs, [0, 0.2, 0.4, 0.6, 0.8, 1]);
    assert.ok(
      xs.every((t) => t === 0 || t >= 0.1),
      `ticks ${xs.join(', ')}`,
    );
  });

  it('spans the data once there is some', () => {
    const series = [
      {
        label: 'a',
        color: '#fff',
        points: [
          { x: 0.05, y: 1 },
          { x: 2.5, y: 0.3 },
        ],
      },
    ];
    assert.equal(xAxisMax(series), 2.5);
    assert.deepEqual(ticks(0, 2.5, 5), [0, 0.5, 1, 1.5, 2, 2.5]);
  });
});
