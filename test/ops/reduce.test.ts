import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mean, sum } from '../../src/ops/index.js';
import { Rng } from '../../src/rng.js';
import { Tensor } from '../../src/tensor.js';
import { checkOpGradients, leaf } from './op-gradient.js';

describe('sum and mean ops', () => {
  const x = Tensor.from([1, 2, 3, 4, 5, 6], [2, 3], 'float64');

  it('reduce everything to a 0-dimensional tensor by default', () => {
    assert.deepEqual(sum(x).shape, []);
    assert.equal(sum(x).item(), 21);
    assert.equal(mean(x).item(), 3.5);
  });

  it('reduce over one axis, a negative axis, or several, dropping or keeping them', () => {
    assert.deepEqual(sum(x, 0).toArray(), [5, 7, 9]);
    assert.deepEqual(sum(x, -1).toArray(), [6, 15]);
    assert.deepEqual(sum(x, 1, true).shape, [2, 1]);
    assert.deepEqual(mean(x, 0).toArray(), [2.5, 3.5, 4.5]);
    assert.deepEqual(mean(x, [0, 1], true).shape, [1, 1]);
    assert.deepEqual(mean(x, [0, 1]).shape, []);
  });

  const axesCases: Array<{ axes: number | number[] | null; keepDim: boolean }> = [
    { axes: null, keepDim: false },
    { axes: 1, keepDim: false },
    { axes: [0, 2, 3], keepDim: true },
    { axes: [-1, 0], keepDim: false },
  ];
  for (const { axes, keepDim } of axesCases) {
    it(`gradient check: axes ${JSON.stringify(axes)}, keepDim ${keepDim}`, () => {
      const rng = new Rng(JSON.stringify(axes).length);
      const t = leaf(rng, [2, 3, 2, 4]);
      checkOpGradients('sum', () => sum(t, axes, keepDim), { t }, rng);
      checkOpGradients('mean', () => mean(t, axes, keepDim), { t }, rng);
    });
  }

  it('rejects bad axes, naming the op', () => {
    assert.throws(
      () => sum(x, 2),
      /sum: axis 2 is out of range for a tensor of rank 2 \(valid: -2 to 1\)/,
    );
    assert.throws(() => mean(x, [1, -1]), /mean: axis -1 is given twice/);
  });
});
