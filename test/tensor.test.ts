import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Rng } from '../src/rng.js';
import { Tensor } from '../src/tensor.js';

describe('Tensor', () => {
  it('checks that the data fits the shape', () => {
    assert.throws(
      () => new Tensor(new Float32Array(5), [2, 3]),
      /shape \(2,3\) needs 6 elements, but the data has 5/,
    );
    assert.throws(
      () => Tensor.zeros([2, -1]),
      /dimension 1 of shape \(2,-1\) must be a non-negative integer/,
    );
  });

  it('reshapes and flattens as views over the same data', () => {
    const t = Tensor.from([1, 2, 3, 4, 5, 6, 7, 8], [2, 1, 2, 2]);
    const flat = t.flatten();
    assert.deepEqual(flat.shape, [2, 4]);
    assert.equal(flat.data, t.data);
    assert.deepEqual(t.reshape([-1, 2]).shape, [4, 2]);
    assert.throws(
      () => t.reshape([3, -1]),
      /cannot reshape \(2,1,2,2\) \(8 elements\) to \(3,-1\)/,
    );
    assert.throws(() => t.reshape([3, 3]), /to \(3,3\) \(9 elements\)/);
  });

  it('indexes row-major and checks indices', () => {
    const t = Tensor.from([0, 1, 2, 3, 4, 5], [2, 3]);
    assert.equal(t.get(1, 2), 5);
    assert.throws(() => t.get(2, 0), /index 2 out of range for dimension 0 of size 2/);
  });

  it('is reproducible from a seed', () => {
    const a = Tensor.randn([3, 4], new Rng(7));
    const b = Tensor.randn([3, 4], new Rng(7));
    const c = Tensor.randn([3, 4], new Rng(8));
    assert.deepEqual(a.toArray(), b.toArray());
    assert.notDeepEqual(a.toArray(), c.toArray());
  });

  it('clones into another dtype', () => {
    const t = Tensor.from([0.1, 0.2], [2]);
    const d = t.clone('float64');
    assert.equal(d.dtype, 'float64');
    assert.equal(t.dtype, 'float32');
    assert.notEqual(d.data, t.data);
  });
});

describe('Rng', () => {
  it('gives normal deviates with mean 0 and std 1', () => {
    const rng = new Rng(1);
    let s = 0;
    let s2 = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const z = rng.normal();
      s += z;
      s2 += z * z;
    }
    assert.ok(Math.abs(s / n) < 0.03);
    assert.ok(Math.abs(s2 / n - 1) < 0.05);
  });

  it('rejects a non-integer seed', () => {
    assert.throws(() => new Rng(0.5), /seed must be an integer, got 0.5/);
  });
});
