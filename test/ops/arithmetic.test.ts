import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { add, div, mul, sub } from '../../src/ops/index.js';
import { Rng } from '../../src/rng.js';
import { Tensor, type Shape } from '../../src/tensor.js';
import { checkOpGradients, leaf } from './op-gradient.js';

const binaryOps = { add, sub, mul, div };

/** Pairs of shapes that broadcast, each exercising another rule. */
const broadcastCases: Array<{ name: string; a: Shape; b: Shape }> = [
  { name: 'same shape', a: [2, 3], b: [2, 3] },
  { name: 'row (1,4) against (3,4)', a: [3, 4], b: [1, 4] },
  { name: 'both sides broadcast: (3,1) with (1,4)', a: [3, 1], b: [1, 4] },
  { name: 'lower rank: (4) with (2,3,4)', a: [4], b: [2, 3, 4] },
  { name: 'per channel: (N,C,H,W) with (C,1,1)', a: [2, 3, 2, 2], b: [3, 1, 1] },
  { name: 'middle axes: (2,1,4) with (3,1)', a: [2, 1, 4], b: [3, 1] },
  { name: '0-d scalar tensor', a: [2, 3], b: [] },
];

/** Divisors kept away from 0, so the quotient is smooth. */
function awayFromZero(t: Tensor): Tensor {
  for (let i = 0; i < t.size; i++)
    t.data[i] = (t.data[i] >= 0 ? 1 : -1) * (0.5 + Math.abs(t.data[i]));
  return t;
}

describe('add, sub, mul, div ops', () => {
  it('broadcast by hand: (2,1) with (3)', () => {
    const a = Tensor.from([10, 20], [2, 1]);
    const b = Tensor.from([1, 2, 4], [3]);
    assert.deepEqual(add(a, b).shape, [2, 3]);
    assert.deepEqual(add(a, b).toArray(), [11, 12, 14, 21, 22, 24]);
    assert.deepEqual(sub(a, b).toArray(), [9, 8, 6, 19, 18, 16]);
    assert.deepEqual(mul(a, b).toArray(), [10, 20, 40, 20, 40, 80]);
    assert.deepEqual(div(a, b).toArray(), [10, 5, 2.5, 20, 10, 5]);
  });

  it('takes numbers on either side (scalar ops)', () => {
    const x = Tensor.from([1, 2, 4], [3]);
    assert.deepEqual(add(x, 1).toArray(), [2, 3, 5]);
    assert.deepEqual(sub(1, x).toArray(), [0, -1, -3]);
    assert.deepEqual(mul(x, -2).toArray(), [-2, -4, -8]);
    assert.deepEqual(div(8, x).toArray(), [8, 4, 2]);
    assert.deepEqual(div(x, 2).shape, [3]);
  });

  for (const [name, op] of Object.entries(binaryOps)) {
    for (const c of broadcastCases) {
      it(`${name} gradient check: ${c.name}`, () => {
        const rng = new Rng(name.length * 10 + c.a.length + c.b.length);
        const a = leaf(rng, c.a);
        const b = name === 'div' ? awayFromZero(leaf(rng, c.b)) : leaf(rng, c.b);
        checkOpGradients(`${name} ${c.name}`, () => op(a, b), { a, b }, rng);
      });
    }
  }

  it('gradient check with a number operand', () => {
    const rng = new Rng(9);
    const x = awayFromZero(leaf(rng, [2, 3]));
    checkOpGradients('3 / x', () => div(3, x), { x }, rng);
    checkOpGradients('1 - x', () => sub(1, x), { x }, rng);
    checkOpGradients('x * 2.5', () => mul(x, 2.5), { x }, rng);
  });

  it('promotes float32 with float64 to float64, and keeps float32 otherwise', () => {
    const a = Tensor.from([1, 2], [2]);
    const b = Tensor.from([3, 4], [2], 'float64');
    assert.equal(add(a, b).dtype, 'float64');
    assert.equal(mul(a, 2).dtype, 'float32');
    assert.equal(sub(1, b).dtype, 'float64');
  });

  it('rejects shapes that do not broadcast, naming the op and both shapes', () => {
    const a = Tensor.zeros([2, 3]);
    const b = Tensor.zeros([4, 3]);
    assert.throws(() => add(a, b), /add: cannot broadcast \(2,3\) with \(4,3\)/);
    assert.throws(() => sub(a, b), /sub: cannot broadcast \(2,3\) with \(4,3\)/);
    assert.throws(
      () => mul(Tensor.zeros([3]), b.reshape([3, 4])),
      /mul: cannot broadcast \(3\) with \(3,4\)/,
    );
    assert.throws(
      () => div(Tensor.zeros([2, 1, 5]), b),
      /div: cannot broadcast \(2,1,5\) with \(4,3\)/,
    );
  });
});
