import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { upsampleBilinear2d, upsampleNearest2d } from '../../src/ops/index.js';
import { Rng } from '../../src/rng.js';
import type { Upsample2dOptions } from '../../src/shape/upsample2d.js';
import { Tensor } from '../../src/tensor.js';
import { checkOpGradients, leaf } from './op-gradient.js';

describe('upsampleNearest2d op', () => {
  it('repeats each pixel for scale factor 2', () => {
    const x = Tensor.from([1, 2, 3, 4], [1, 1, 2, 2], 'float64');
    const y = upsampleNearest2d(x, { scaleFactor: 2 });
    assert.deepEqual(y.shape, [1, 1, 4, 4]);
    assert.deepEqual(y.toArray(), [1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4]);
  });

  it('picks floor(i * H/OH) for a size that is not a multiple', () => {
    const x = Tensor.from([10, 20, 30], [1, 1, 3, 1], 'float64');
    // scale 3/5: rows 0, 0.6, 1.2, 1.8, 2.4 -> 0, 0, 1, 1, 2
    assert.deepEqual(upsampleNearest2d(x, { size: [5, 1] }).toArray(), [10, 10, 20, 20, 30]);
  });

  const cases: Array<{ name: string; options: Upsample2dOptions }> = [
    { name: 'scale factor 2', options: { scaleFactor: 2 } },
    { name: 'size (7,5) from (3,4)', options: { size: [7, 5] } },
    { name: 'scale factor (1.5, 0.5): shrinking one axis', options: { scaleFactor: [1.5, 0.5] } },
  ];
  for (const c of cases) {
    it(`gradient check: ${c.name}`, () => {
      const rng = new Rng(c.name.length);
      const x = leaf(rng, [2, 2, 3, 4]);
      checkOpGradients(`nearest ${c.name}`, () => upsampleNearest2d(x, c.options), { x }, rng);
    });
  }
});

describe('upsampleBilinear2d op', () => {
  it('interpolates between pixel centres (align corners false) and clamps at the edges', () => {
    const x = Tensor.from([0, 4], [1, 1, 1, 2], 'float64');
    // scale 1/2: columns sample at max(0.5*(j+0.5) - 0.5, 0) = 0, 0.25, 0.75, 1.25 -> clamped to 1
    assert.deepEqual(upsampleBilinear2d(x, { scaleFactor: [1, 2] }).toArray(), [0, 1, 3, 4]);
  });

  it('lines up the corner pixels with alignCorners', () => {
    const x = Tensor.from([0, 4], [1, 1, 1, 2], 'float64');
    const y = upsampleBilinear2d(x, { size: [1, 5], alignCorners: true });
    assert.deepEqual(y.toArray(), [0, 1, 2, 3, 4]);
  });

  const cases: Array<{ name: string; options: Upsample2dOptions & { alignCorners?: boolean } }> = [
    { name: 'scale factor 2', options: { scaleFactor: 2 } },
    { name: 'scale factor (1.7, 2.5)', options: { scaleFactor: [1.7, 2.5] } },
    { name: 'size (5,7), align corners', options: { size: [5, 7], alignCorners: true } },
    { name: 'shrink to (2,3)', options: { size: [2, 3] } },
  ];
  for (const c of cases) {
    it(`gradient check: ${c.name}`, () => {
      const rng = new Rng(c.name.length + 100);
      const x = leaf(rng, [1, 3, 4, 5]);
      checkOpGradients(`bilinear ${c.name}`, () => upsampleBilinear2d(x, c.options), { x }, rng);
    });
  }
});

describe('upsampling errors', () => {
  const x = Tensor.zeros([1, 1, 3, 4]);
  it('names the op and what is wrong', () => {
    assert.throws(
      () => upsampleNearest2d(x, {}),
      /upsampleNearest2d: give exactly one of size and scaleFactor/,
    );
    assert.throws(
      () => upsampleBilinear2d(x, { size: 4, scaleFactor: 2 }),
      /upsampleBilinear2d: give exactly one of size and scaleFactor/,
    );
    assert.throws(
      () => upsampleNearest2d(x, { scaleFactor: 0.2 }),
      /upsampleNearest2d: scale factor \(0.2,0.2\) maps input \(3,4\) to an empty output \(0,0\)/,
    );
    assert.throws(
      () => upsampleNearest2d(x, { scaleFactor: -1 }),
      /upsampleNearest2d: scale factor must be a positive number, got -1/,
    );
    assert.throws(
      () => upsampleBilinear2d(x, { size: [0, 3] }),
      /upsampleBilinear2d: size must be integers >= 1, got \(0,3\)/,
    );
    assert.throws(
      () => upsampleBilinear2d(Tensor.zeros([3, 4]), { scaleFactor: 2 }),
      /upsampleBilinear2d: input must have 4 dimensions \(N,C,H,W\), got shape \(3,4\)/,
    );
  });
});
