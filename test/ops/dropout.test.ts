import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dropoutBackward, dropoutForward } from '../../src/kernels/reference/dropout.js';
import { dropoutHash, dropoutThreshold } from '../../src/kernels/reference/dropout-mask.js';
import { dropout } from '../../src/ops/index.js';
import { Rng } from '../../src/rng.js';
import { Tensor } from '../../src/tensor.js';
import { checkOpGradients, leaf } from './op-gradient.js';

describe('dropout op', () => {
  const x = Tensor.ones([10, 100]);

  it('is deterministic for a seed, and differs between seeds', () => {
    const a = dropout(x, { p: 0.3, rng: new Rng(42) });
    const b = dropout(x, { p: 0.3, rng: new Rng(42) });
    const c = dropout(x, { p: 0.3, rng: new Rng(43) });
    assert.deepEqual(a.toArray(), b.toArray());
    assert.notDeepEqual(a.toArray(), c.toArray());
  });

  it('drops about p of the elements and scales the rest by 1/(1-p) (inverted dropout)', () => {
    const y = dropout(x, { p: 0.25, rng: new Rng(1) });
    const kept = y.toArray().filter((v) => v !== 0);
    assert.ok(Math.abs(kept.length / 1000 - 0.75) < 0.05, `${kept.length} kept`);
    for (const v of kept) assert.ok(Math.abs(v - 1 / 0.75) < 1e-6);
  });

  it('is the identity in evaluation and for p = 0; p = 1 drops everything', () => {
    assert.equal(dropout(x, { p: 0.5, training: false }), x);
    assert.equal(dropout(x, { p: 0, rng: new Rng(1) }), x);
    assert.ok(
      dropout(x, { p: 1, rng: new Rng(1) })
        .toArray()
        .every((v) => v === 0),
    );
  });

  it('gradient check: the same mask forward and backward', () => {
    const rng = new Rng(2);
    const t = leaf(rng, [2, 3, 4, 4]);
    checkOpGradients('dropout', () => dropout(t, { p: 0.4, rng: new Rng(7) }), { t }, rng);
  });

  it('draws its mask from a hash of (seed, index): pinned values, the same on every backend', () => {
    assert.deepEqual(
      [0, 1, 2, 1000].map((i) => dropoutHash(0, i)),
      [70579302, 3568509908, 892816200, 1064214933],
    );
    assert.deepEqual(
      [0, 1].map((i) => dropoutHash(0xffffffff, i)),
      [1079361862, 2226193463],
    );
    assert.equal(dropoutThreshold(0.5), 2 ** 31);
    assert.equal(dropoutThreshold(1), 2 ** 32);
  });

  it('keeps 1 - p of 100000 elements for p in {0.1, 0.5, 0.9}, independently across seeds', () => {
    const n = 100000;
    for (const p of [0.1, 0.5, 0.9]) {
      const threshold = dropoutThreshold(p);
      let kept = 0;
      let keptBoth = 0;
      for (let i = 0; i < n; i++) {
        const a = dropoutHash(11, i) >= threshold;
        kept += a ? 1 : 0;
        keptBoth += a && dropoutHash(12, i) >= threshold ? 1 : 0;
      }
      // 5 standard deviations of a binomial count.
      const tol = (q: number): number => 5 * Math.sqrt(n * q * (1 - q));
      assert.ok(Math.abs(kept - n * (1 - p)) < tol(1 - p), `p=${p}: ${kept} kept`);
      const q = (1 - p) ** 2;
      assert.ok(Math.abs(keptBoth - n * q) < tol(q), `p=${p}: ${keptBoth} kept by both seeds`);
    }
  });

  it('reference kernels: the backward recomputes the forward mask; p = 1 zeroes even NaN', () => {
    const x = new Float64Array(64).fill(2);
    const y = new Float64Array(64);
    const dx = new Float64Array(64);
    dropoutForward(y, x, 99, 0.3);
    dropoutBackward(dx, x, 99, 0.3);
    assert.deepEqual(dx, y);
    assert.ok(y.some((v) => v === 0) && y.some((v) => v === 2 / 0.7));
    dropoutForward(y, new Float64Array(64).fill(Number.NaN), 99, 1);
    assert.ok(y.every((v) => v === 0));
  });

  it('rejects a bad p, and training without an rng', () => {
    assert.throws(
      () => dropout(x, { p: 1.5 }),
      /dropout: p must be a probability in \[0, 1\], got 1.5/,
    );
    assert.throws(() => dropout(x, { p: 0.5 }), /dropout: training mode needs an rng/);
  });
});
