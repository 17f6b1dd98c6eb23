/** SGD's update kernel by hand: plain, the buffer's first and later updates, Nesterov, decay. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sgdUpdate, type SgdUpdateOptions } from '../../../src/kernels/reference/sgd-update.js';

const BASE: SgdUpdateOptions = {
  lr: 0.1,
  momentum: 0,
  dampening: 0,
  weightDecay: 0,
  nesterov: false,
  first: false,
};

function close(actual: Float64Array, expected: number[], what: string): void {
  expected.forEach((e, i) =>
    assert.ok(Math.abs(actual[i] - e) < 1e-12, `${what}[${i}]: got ${actual[i]}, expected ${e}`),
  );
}

describe('sgdUpdate reference kernel', () => {
  it('plain SGD with weight decay: p -= lr (g + wd p)', () => {
    const p = Float64Array.from([1, -2]);
    sgdUpdate(p, null, Float64Array.from([0.5, 1]), { ...BASE, weightDecay: 0.1 });
    close(p, [1 - 0.1 * (0.5 + 0.1), -2 - 0.1 * (1 - 0.2)], 'p');
  });

  it('momentum: the first update copies the gradient, later ones damp and accumulate', () => {
    const p = Float64Array.from([1, 2]);
    const b = Float64Array.from([123, 456]); // unread on the first update
    sgdUpdate(p, b, Float64Array.from([0.5, -1]), { ...BASE, momentum: 0.9, first: true });
    close(b, [0.5, -1], 'b after the first update');
    close(p, [0.95, 2.1], 'p after the first update');
    sgdUpdate(p, b, Float64Array.from([1, 1]), { ...BASE, momentum: 0.9, dampening: 0.5 });
    close(b, [0.9 * 0.5 + 0.5, 0.9 * -1 + 0.5], 'b');
    close(p, [0.95 - 0.1 * 0.95, 2.1 - 0.1 * -0.4], 'p');
  });

  it('Nesterov: steps by g + momentum b', () => {
    const p = Float64Array.from([0]);
    const b = Float64Array.from([2]);
    sgdUpdate(p, b, Float64Array.from([1]), { ...BASE, momentum: 0.5, nesterov: true });
    close(b, [0.5 * 2 + 1], 'b');
    close(p, [-0.1 * (1 + 0.5 * 2)], 'p');
  });
});
