import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isGradEnabled, noGrad, record, reverseTopologicalOrder } from '../../src/autograd.js';
import { add, mul, relu, reshape, sum } from '../../src/ops/index.js';
import { Rng } from '../../src/rng.js';
import { Tensor } from '../../src/tensor.js';

/** A float64 leaf that requires grad. */
function param(values: number[], shape: number[] = [values.length]): Tensor {
  return Tensor.from(values, shape, 'float64').requireGrad();
}

/** x.grad, read through a call so that the compiler does not narrow it across backward(). */
function gradOf(x: Tensor): Tensor | null {
  return x.grad;
}

/** An identity op that counts how often its backward runs and what it received. */
function countingIdentity(x: Tensor, calls: number[][]): Tensor {
  const y = x.clone();
  return record('countingIdentity', y, [x], (dy) => {
    calls.push(dy.toArray());
    return [dy.clone()];
  });
}

describe('autograd: leaves and backward', () => {
  it('marks parameters with requireGrad and computes d(sum x)/dx = 1', () => {
    const x = Tensor.zeros([2, 3], 'float64').requireGrad();
    assert.equal(x.requiresGrad, true);
    assert.equal(x.isLeaf, true);
    const loss = sum(x);
    assert.equal(loss.isLeaf, false);
    assert.equal(loss.gradFn?.op, 'sum');
    loss.backward();
    assert.deepEqual(x.grad?.toArray(), [1, 1, 1, 1, 1, 1]);
    assert.deepEqual(x.grad?.shape, [2, 3]);
  });

  it('gives float32 leaves float32 gradients', () => {
    const x = Tensor.from([1, 2], [2]).requireGrad();
    sum(mul(x, x)).backward();
    assert.equal(x.grad?.dtype, 'float32');
    assert.deepEqual(x.grad?.toArray(), [2, 4]);
  });

  it('accumulates: two backward passes double the gradient until zeroGrad', () => {
    const x = param([1, -2, 3]);
    const w = param([0.5, 4, -1]);
    sum(mul(x, w)).backward();
    sum(mul(x, w)).backward();
    assert.deepEqual(x.grad?.toArray(), [1, 8, -2]);
    assert.deepEqual(w.grad?.toArray(), [2, -4, 6]);
    x.zeroGrad();
    assert.equal(gradOf(x), null);
    sum(mul(x, w)).backward();
    assert.deepEqual(x.grad?.toArray(), [0.5, 4, -1]);
  });

  it('runs twice through a retained graph, and refuses a released one', () => {
    const x = param([1, 2]);
    const loss = sum(mul(x, 3));
    loss.backward(undefined, { retainGraph: true });
    loss.backward();
    assert.deepEqual(x.grad?.toArray(), [6, 6]);
    assert.throws(() => loss.backward(), /graph through sum was already released/);
  });

  it('sums the gradients of a tensor used twice', () => {
    const x = param([1, -2, 3]);
    const a = param([2, 5, -1]);
    sum(mul(x, x)).backward(); // d(x^2) = 2x
    assert.deepEqual(x.grad?.toArray(), [2, -4, 6]);
    x.zeroGrad();
    sum(add(mul(x, a), x)).backward(); // d(a*x + x) = a + 1
    assert.deepEqual(x.grad?.toArray(), [3, 6, 0]);
  });

  it('takes an explicit upstream gradient for a non-scalar output, and checks its shape', () => {
    const x = param([1, 2, 3, 4], [2, 2]);
    const y = mul(x, 2);
    assert.throws(() => y.backward(), /a tensor of shape \(2,2\) is not a scalar/);
    assert.throws(
      () => y.backward(Tensor.ones([4], 'float64')),
      /gradient of shape \(4\) for a tensor of shape \(2,2\)/,
    );
    const gradient = Tensor.from([1, 0, -1, 2], [2, 2], 'float64');
    y.backward(gradient);
    assert.deepEqual(x.grad?.toArray(), [2, 0, -2, 4]);
  });

  it('never lets .grad share data with the graph or the caller', () => {
    const x = param([1, 2, 3, 4], [2, 2]);
    const gradient = Tensor.from([1, 2, 3, 4], [4], 'float64');
    reshape(x, [4]).backward(gradient); // reshape's backward is a view of dy
    assert.notEqual(x.grad?.data, gradient.data);
    x.grad?.data.fill(0);
    assert.deepEqual(gradient.toArray(), [1, 2, 3, 4]);
  });

  it('backward on a leaf adds the seed to its own grad', () => {
    const x = param([5]);
    x.backward();
    assert.deepEqual(x.grad?.toArray(), [1]);
  });

  it('refuses backward on a tensor outside the graph', () => {
    const c = Tensor.from([1, 2], [2], 'float64');
    assert.throws(() => sum(c).backward(), /does not require grad/);
  });

  it('records nothing when no input requires grad, and leaves constants without grad', () => {
    const c = Tensor.from([1, 2], [2], 'float64');
    const y = mul(c, c);
    assert.equal(y.requiresGrad, false);
    assert.equal(y.gradFn, null);
    const x = param([3, 4]);
    sum(mul(x, c)).backward();
    assert.equal(c.grad, null);
    assert.deepEqual(x.grad?.toArray(), [1, 2]);
  });

  it('only a leaf may change requiresGrad; detach makes a leaf over the same data', () => {
    const x = param([1, 2]);
    const y = mul(x, 2);
    assert.throws(() => y.requireGrad(false), /only a leaf tensor can change requiresGrad; .* mul/);
    const d = y.detach();
    assert.equal(d.requiresGrad, false);
    assert.equal(d.gradFn, null);
    assert.equal(d.data, y.data);
    assert.equal(d.requireGrad().requiresGrad, true);
  });

  it('refuses a raw Tensor.reshape view of a tensor that requires grad (it would cut the graph)', () => {
    const x = param([1, 2, 3, 4]);
    assert.throws(() => x.reshape([2, 2]), /Tensor.reshape: .* use reshape\(x, shape\)/);
    assert.throws(() => x.flatten(), /requires grad/);
    assert.deepEqual(noGrad(() => x.reshape([2, 2])).shape, [2, 2]);
  });

  it('item() reads a one-element tensor and rejects others', () => {
    assert.equal(sum(param([1, 2, 3])).item(), 6);
    assert.throws(() => param([1, 2]).item(), /only a one-element tensor .* shape \(2\)/);
  });
});

describe('autograd: noGrad', () => {
  it('records nothing inside, and restores recording after (even after a throw)', () => {
    const x = param([1, 2]);
    assert.equal(isGradEnabled(), true);
    const y = noGrad(() => {
      assert.equal(isGradEnabled(), false);
      return relu(mul(x, x));
    });
    assert.equal(y.requiresGrad, false);
    assert.equal(y.gradFn, null);
    assert.deepEqual(y.toArray(), [1, 4]);
    assert.throws(() =>
      noGrad(() => {
        throw new Error('inside');
      }),
    );
    assert.equal(isGradEnabled(), true);
    assert.equal(mul(x, x).requiresGrad, true);
  });

  it('nests', () => {
    noGrad(() => {
      noGrad(() => assert.equal(isGradEnabled(), false));
      assert.equal(isGradEnabled(), false);
    });
    assert.equal(isGradEnabled(), true);
  });

  it('rejects an async function, whose work would escape the scope', () => {
    assert.throws(() => noGrad(async () => 1), /only covers synchronous code/);
    assert.equal(isGradEnabled(), true);
  });
});

describe('autograd: graph order and memory', () => {
  it('orders a diamond in reverse topological order and runs a shared node once, with the summed gradient', () => {
    // x -> shared -> (a = shared * 2, b = shared + 1) -> c = a * b
    const x = param([3]);
    const calls: number[][] = [];
    const shared = countingIdentity(x, calls);
    const a = mul(shared, 2);
    const b = add(shared, 1);
    const c = mul(a, b);
    const order = reverseTopologicalOrder(c);
    const at = (t: Tensor): number => order.indexOf(t);
    assert.equal(order.length, 4);
    assert.equal(at(c), 0);
    assert.ok(at(a) > at(c) && at(b) > at(c));
    assert.ok(at(shared) > at(a) && at(shared) > at(b));
    c.backward();
    // dc/dshared = 2*b + a = 2*4 + 6 = 14, delivered in one call
    assert.deepEqual(calls, [[14]]);
    assert.deepEqual(x.grad?.toArray(), [14]);
  });

  it('releases every node after backward, so the graph can be collected', () => {
    const rng = new Rng(1);
    const x = Tensor.randn([3, 4], rng, 1, 'float64').requireGrad();
    const loss = sum(relu(mul(add(x, 1), x)));
    const nodes = reverseTopologicalOrder(loss).map((t) => t.gradFn);
    assert.equal(nodes.length, 4);
    loss.backward();
    for (const node of nodes) {
      assert.equal(node?.released, true);
      assert.equal(node?.inputs.length, 0);
    }
  });

  it('walks a chain of 20000 ops without overflowing the stack', () => {
    const x = param([1]);
    let y = x;
    for (let i = 0; i < 20000; i++) y = add(y, 1e-3);
    sum(y).backward();
    assert.deepEqual(x.grad?.toArray(), [1]);
  });
});
