/**
 * A layer and its op reject the same condition with the same class and the same message (only
 * the name in front differs: the layer's, or the op's), since both call the validator in
 * src/shape/. Hyper-parameters out of range are RangeErrors; shapes that do not fit (channels
 * that do not split into groups) are ShapeErrors.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AdaptiveAvgPool2d,
  AvgPool2d,
  BatchNorm2d,
  Conv2d,
  ConvTranspose2d,
  MaxPool2d,
  Upsample,
} from '../../src/nn/index.js';
import {
  adaptiveAvgPool2d,
  avgPool2d,
  batchNorm2d,
  conv2d,
  convTranspose2d,
  maxPool2d,
  upsampleNearest2d,
} from '../../src/ops/index.js';
import { ShapeError } from '../../src/shape/shape-error.js';
import { Tensor } from '../../src/tensor.js';

/** The error fn throws, as [class name, message without the leading "name: "]. */
function caught(fn: () => unknown): [string, string] {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof RangeError, `a RangeError, got ${String(error)}`);
    return [error.name, error.message.replace(/^\w+: /, '')];
  }
  assert.fail('expected a throw');
}

const x = Tensor.zeros([1, 4, 6, 6]);
const cases: Array<[string, 'RangeError' | 'ShapeError', () => unknown, () => unknown]> = [
  [
    'conv stride 0',
    'RangeError',
    () => new Conv2d(4, 4, 3, { stride: 0 }),
    () => conv2d(x, Tensor.zeros([4, 4, 3, 3]), null, { stride: 0 }),
  ],
  [
    'conv groups 0',
    'RangeError',
    () => new Conv2d(4, 4, 3, { groups: 0 }),
    () => conv2d(x, Tensor.zeros([4, 4, 3, 3]), null, { groups: 0 }),
  ],
  [
    'conv output channels that do not split into groups',
    'ShapeError',
    () => new Conv2d(4, 6, 3, { groups: 4 }),
    () => conv2d(x, Tensor.zeros([6, 1, 3, 3]), null, { groups: 4 }),
  ],
  [
    'transposed conv input channels that do not split into groups',
    'ShapeError',
    () => new ConvTranspose2d(4, 6, 3, { groups: 3 }),
    () => convTranspose2d(x, Tensor.zeros([4, 2, 3, 3]), null, { groups: 3 }),
  ],
  [
    'transposed conv output padding',
    'RangeError',
    () => new ConvTranspose2d(4, 4, 3, { stride: 2, outputPadding: 2 }),
    () => convTranspose2d(x, Tensor.zeros([4, 4, 3, 3]), null, { stride: 2, outputPadding: 2 }),
  ],
  [
    'max pool padding over half the kernel',
    'RangeError',
    () => new MaxPool2d(2, { padding: 2 }),
    () => maxPool2d(x, { kernelSize: 2, padding: 2 }),
  ],
  [
    'avg pool fractional kernel',
    'RangeError',
    () => new AvgPool2d(1.5),
    () => avgPool2d(x, { kernelSize: 1.5 }),
  ],
  [
    'adaptive output size 0',
    'RangeError',
    () => new AdaptiveAvgPool2d([0, 2]),
    () => adaptiveAvgPool2d(x, [0, 2]),
  ],
  [
    'upsample with both size and scale',
    'RangeError',
    () => new Upsample({ size: 4, scaleFactor: 2 }),
    () => upsampleNearest2d(x, { size: 4, scaleFactor: 2 }),
  ],
  [
    'upsample negative scale',
    'RangeError',
    () => new Upsample({ scaleFactor: -1 }),
    () => upsampleNearest2d(x, { scaleFactor: -1 }),
  ],
  [
    'batch norm eps 0',
    'RangeError',
    () => new BatchNorm2d(4, { eps: 0 }),
    () => batchNorm2d(x, null, null, { training: true, eps: 0 }),
  ],
];

describe('layers and ops share one validator per condition', () => {
  for (const [name, expected, layer, op] of cases) {
    it(`${name}: ${expected}, one message`, () => {
      const [layerClass, layerMessage] = caught(layer);
      const [opClass, opMessage] = caught(op);
      assert.equal(layerClass, expected);
      assert.equal(opClass, expected);
      assert.equal(layerMessage, opMessage);
    });
  }

  it('ShapeError is a RangeError, so one catch takes both', () => {
    assert.ok(new ShapeError('x') instanceof RangeError);
  });
});
