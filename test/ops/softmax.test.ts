import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertClose } from '../../src/check/compare.js';
import { logSoftmax, softmax } from '../../src/ops/index.js';
import { Rng } from '../../src/rng.js';
import { Tensor } from '../../src/tensor.js';
import { checkOpGradients, leaf } from './op-gradient.js';

describe('softmax and logSoftmax ops', () => {
  it('normalise along the axis, and logSoftmax is the log of softmax', () => {
    const x = Tensor.from([1, 2, 3, 1, 1, 1], [2, 3], 'float64');
    const p = softmax(x, 1);
    const e = [Math.exp(1), Math.exp(2), Math.exp(3)];
    const total = e[0] + e[1] + e[2];
    assertClose(p.data, [...e.map((v) => v / total), 1 / 3, 1 / 3, 1 / 3], { rtol: 1e-15 }, 'p');
    assertClose(logSoftmax(x, -1).data, Array.from(p.data, Math.log), { rtol: 1e-14 }, 'log p');
    const columns = softmax(x, 0);
    assertClose(
      columns.data,
      [
        0.5,
        Math.E / (1 + Math.E),
        1 / (1 + Math.E ** -2),
        0.5,
        1 / (1 + Math.E),
        1 / (1 + Math.E ** 2),
      ],
      { rtol: 1e-14 },
      'columns',
    );
  });

  it('stay finite for logits of +-1e4', () => {
    const x = Tensor.from([1e4, -1e4, 1e4 - 1], [1, 3], 'float64');
    const p = softmax(x, 1);
    assertClose(
      p.data,
      [1 / (1 + Math.exp(-1)), 0, Math.exp(-1) / (1 + Math.exp(-1))],
      { rtol: 1e-14 },
      'p',
    );
    const logp = logSoftmax(x, 1);
    assert.ok(logp.toArray().every(Number.isFinite));
    assertClose([logp.data[1]], [-2e4 - Math.log1p(Math.exp(-1))], { rtol: 1e-14 }, 'log p');
  });

  it('gradient check: per-pixel scores (N,K,H,W) on axis 1', () => {
    const rng = new Rng(1);
    const x = leaf(rng, [2, 4, 3, 2], 2);
    checkOpGradients('softmax axis 1', () => softmax(x, 1), { x }, rng);
    checkOpGradients('logSoftmax axis 1', () => logSoftmax(x, 1), { x }, rng);
  });

  it('gradient check: (N,K) on the last axis, N = 1', () => {
    const rng = new Rng(2);
    const x = leaf(rng, [1, 7], 3);
    checkOpGradients('softmax axis -1', () => softmax(x, -1), { x }, rng);
    checkOpGradients('logSoftmax axis -1', () => logSoftmax(x, -1), { x }, rng);
  });

  it('rejects an axis out of range', () => {
    assert.throws(
      () => softmax(Tensor.zeros([2, 3]), 2),
      /softmax: axis 2 is out of range for a tensor of rank 2 \(valid: -2 to 1\)/,
    );
    assert.throws(
      () => logSoftmax(Tensor.zeros([2, 3]), -3),
      /logSoftmax: axis -3 is out of range/,
    );
  });
});
