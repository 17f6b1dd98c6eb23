import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { noGrad } from '../../src/autograd.js';
import { conv2d, convTranspose2d } from '../../src/ops/index.js';
import { Rng } from '../../src/rng.js';
import {
  convTransposeOutputSize,
  type ConvTranspose2dOptions,
} from '../../src/shape/conv-transpose2d.js';
import { Tensor, type Shape } from '../../src/tensor.js';
import { dot } from '../helpers.js';
import { checkOpGradients, leaf } from './op-gradient.js';

interface ConvTransposeCase {
  name: string;
  x: Shape;
  /** (C, F/groups, KH, KW) */
  w: Shape;
  options: ConvTranspose2dOptions;
  bias: boolean;
}

const cases: ConvTransposeCase[] = [
  {
    name: 'stride 2, padding 1, output padding 1',
    x: [2, 3, 3, 4],
    w: [3, 2, 3, 3],
    options: { stride: 2, padding: 1, outputPadding: 1 },
    bias: true,
  },
  {
    name: 'non-square, per-axis stride (2,1), padding (0,1), output padding (1,0), N = 1',
    x: [1, 2, 3, 4],
    w: [2, 3, 2, 3],
    options: { stride: [2, 1], padding: [0, 1], outputPadding: [1, 0] },
    bias: true,
  },
  {
    name: 'dilation 2 with output padding 1 (smaller than the dilation), no bias',
    x: [2, 2, 3, 3],
    w: [2, 2, 2, 2],
    options: { dilation: 2, outputPadding: 1 },
    bias: false,
  },
  {
    name: 'groups 2, stride 2',
    x: [1, 4, 3, 3],
    w: [4, 3, 3, 2],
    options: { groups: 2, stride: 2, padding: [1, 0] },
    bias: true,
  },
  {
    name: 'depthwise (groups = C), stride 3',
    x: [2, 3, 2, 3],
    w: [3, 1, 3, 3],
    options: { groups: 3, stride: 3 },
    bias: true,
  },
];

describe('convTranspose2d op', () => {
  for (const c of cases) {
    it(`gradient check through autograd: ${c.name}`, () => {
      const rng = new Rng(c.x[1] * 31 + c.w[1]);
      const x = leaf(rng, c.x);
      const w = leaf(rng, c.w, 0.5);
      const groups = c.options.groups ?? 1;
      if (c.bias) {
        const b = leaf(rng, [c.w[1] * groups]);
        checkOpGradients(c.name, () => convTranspose2d(x, w, b, c.options), { x, w, b }, rng);
      } else {
        checkOpGradients(c.name, () => convTranspose2d(x, w, null, c.options), { x, w }, rng);
      }
    });
  }

  it('has the output size (H-1)*stride - 2*pad + dilation*(K-1) + outputPadding + 1', () => {
    const y = convTranspose2d(Tensor.zeros([1, 2, 5, 4]), Tensor.zeros([2, 3, 3, 2]), null, {
      stride: [2, 3],
      padding: [1, 0],
      dilation: [1, 2],
      outputPadding: [1, 2],
    });
    // height: 4*2 - 2 + 2 + 1 + 1 = 10; width: 3*3 - 0 + 2 + 2 + 1 = 14
    assert.deepEqual(y.shape, [1, 3, 10, 14]);
    assert.equal(convTransposeOutputSize(7, 4, 2, 1), 14); // 6*2 - 2 + 3 + 1
  });

  it('is the adjoint of conv2d: <conv2d(x, w), y> = <x, convTranspose2d(y, w)>', () => {
    const rng = new Rng(11);
    const options = { stride: 2, padding: 1, dilation: [1, 2] as const, groups: 2 };
    const x = Tensor.randn([2, 4, 7, 8], rng, 1, 'float64');
    const w = Tensor.randn([6, 2, 3, 3], rng, 1, 'float64'); // conv2d: (F, C/groups, KH, KW)
    noGrad(() => {
      const forward = conv2d(x, w, null, options);
      const y = Tensor.randn(forward.shape, rng, 1, 'float64');
      // The same weight is (C_in = 6, F/groups = 2, KH, KW) for the transposed conv of y.
      const back = convTranspose2d(y, w, null, { ...options, outputPadding: [0, 1] });
      assert.deepEqual(back.shape, x.shape);
      const lhs = dot(forward.data, y.data);
      const rhs = dot(x.data, back.data);
      assert.ok(Math.abs(lhs - rhs) < 1e-9 * Math.abs(lhs), `${lhs} vs ${rhs}`);
    });
  });

  it('rejects impossible shapes, naming the op and the numbers', () => {
    const x = Tensor.zeros([1, 4, 3, 3]);
    assert.throws(
      () => convTranspose2d(x, Tensor.zeros([3, 2, 3, 3])),
      /convTranspose2d: input has 4 channels, weight \(3,2,3,3\) expects 3/,
    );
    assert.throws(
      () => convTranspose2d(x, Tensor.zeros([4, 2, 3, 3]), null, { stride: 2, outputPadding: 2 }),
      /convTranspose2d: output padding 2 must be smaller than either stride 2 or dilation 1 \(height\)/,
    );
    assert.throws(
      () => convTranspose2d(x, Tensor.zeros([4, 2, 1, 1]), null, { padding: 2 }),
      /convTranspose2d: output height would be -1 = \(3-1\)\*1 - 2\*2 \+ 1\*\(1-1\) \+ 0 \+ 1; it must be at least 1/,
    );
    assert.throws(
      () => convTranspose2d(x, Tensor.zeros([4, 2, 3, 3]), null, { groups: 3 }),
      /convTranspose2d: 4 input channels cannot be split into 3 groups/,
    );
    assert.throws(
      () => convTranspose2d(x, Tensor.zeros([4, 2, 3, 3]), Tensor.zeros([3]), { groups: 2 }),
      /convTranspose2d: bias has length 3, but there are 4 output channels/,
    );
  });
});
