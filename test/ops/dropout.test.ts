import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
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

  it('rejects a bad p, and training without an rng', () => {
    assert.throws(
      () => dropout(x, { p: 1.5 }),
      /dropout: p must be a probability in \[0, 1\], got 1.5/,
    );
    assert.throws(() => dropout(x, { p: 0.5 }), /dropout: training mode needs an rng/);
  });
});
