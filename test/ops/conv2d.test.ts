import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { conv2dForward } from '../../src/kernels/reference/conv2d.js';
import { conv2d } from '../../src/ops/index.js';
import { Rng } from '../../src/rng.js';
import { conv2dGeometry, type Conv2dOptions } from '../../src/shape/conv2d.js';
import { Tensor, type Shape } from '../../src/tensor.js';
import { checkOpGradients, leaf } from './op-gradient.js';

interface ConvCase {
  name: string;
  x: Shape;
  w: Shape;
  options: Conv2dOptions;
  bias: boolean;
}

const cases: ConvCase[] = [
  {
    name: 'stride 2, padding 1',
    x: [2, 2, 7, 6],
    w: [3, 2, 3, 3],
    options: { stride: 2, padding: 1 },
    bias: true,
  },
  {
    name: 'non-square input and kernel, per-axis stride and padding, N = 1',
    x: [1, 2, 5, 8],
    w: [2, 2, 2, 3],
    options: { stride: [1, 2], padding: [1, 0] },
    bias: true,
  },
  {
    name: 'dilation (2,1), padding 2',
    x: [2, 2, 6, 5],
    w: [2, 2, 3, 2],
    options: { dilation: [2, 1], padding: 2 },
    bias: true,
  },
  {
    name: 'groups 2, stride 2',
    x: [2, 4, 5, 5],
    w: [6, 2, 3, 3],
    options: { groups: 2, stride: 2, padding: 1 },
    bias: true,
  },
  {
    name: 'depthwise (groups = C), no bias',
    x: [1, 3, 6, 5],
    w: [3, 1, 3, 3],
    options: { groups: 3, padding: 1 },
    bias: false,
  },
];

describe('conv2d op', () => {
  for (const c of cases) {
    it(`gradient check through autograd: ${c.name}`, () => {
      const rng = new Rng(c.x.length * 97 + c.w[0]);
      const x = leaf(rng, c.x);
      const w = leaf(rng, c.w, 0.5);
      if (c.bias) {
        const b = leaf(rng, [c.w[0]]);
        checkOpGradients(c.name, () => conv2d(x, w, b, c.options), { x, w, b }, rng);
      } else {
        checkOpGradients(c.name, () => conv2d(x, w, null, c.options), { x, w }, rng);
      }
    });
  }

  it('computes what the reference kernel computes, in the input dtype', () => {
    const rng = new Rng(2);
    const x = Tensor.randn([2, 3, 6, 6], rng);
    const w = Tensor.randn([4, 3, 3, 3], rng);
    const b = Tensor.randn([4], rng);
    const y = conv2d(x, w, b, { padding: 1, stride: 2 });
    assert.equal(y.dtype, 'float32');
    assert.deepEqual(y.shape, [2, 4, 3, 3]);
    const expected = new Float32Array(y.size);
    conv2dForward(
      expected,
      x.data,
      w.data,
      b.data,
      conv2dGeometry(x.shape, w.shape, { padding: 1, stride: 2 }, 4),
    );
    assert.deepEqual(y.data, expected);
  });

  it('computes only the gradients that are needed', () => {
    const rng = new Rng(3);
    const x = Tensor.randn([1, 2, 4, 4], rng, 1, 'float64');
    const w = leaf(rng, [2, 2, 3, 3]);
    conv2d(x, w).backward(Tensor.ones([1, 2, 2, 2], 'float64'));
    assert.equal(x.grad, null);
    assert.deepEqual(w.grad?.shape, [2, 2, 3, 3]);
  });

  it('rejects impossible shapes, naming the op and the numbers', () => {
    const x = Tensor.zeros([1, 3, 5, 5]);
    assert.throws(
      () => conv2d(x, Tensor.zeros([4, 2, 3, 3])),
      /conv2d: input has 3 channels, conv weight expects 2/,
    );
    assert.throws(
      () => conv2d(x, Tensor.zeros([4, 3, 3, 3]), Tensor.zeros([3])),
      /conv2d: bias has length 3, but there are 4 filters/,
    );
    assert.throws(
      () => conv2d(x, Tensor.zeros([4, 3, 3, 3]), Tensor.zeros([4, 1])),
      /conv2d: bias must be 1-D \(F\), got shape \(4,1\)/,
    );
    assert.throws(
      () => conv2d(Tensor.zeros([3, 5, 5]), Tensor.zeros([4, 3, 3, 3])),
      /conv2d: input must have 4 dimensions \(N,C,H,W\), got shape \(3,5,5\)/,
    );
  });
});
