/**
 * Every op in float32: the output and the gradients keep float32, and agree with the same
 * computation in float64 to float32 precision.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertClose } from '../../src/check/compare.js';
import * as ops from '../../src/ops/index.js';
import { Rng } from '../../src/rng.js';
import { Tensor, type DType } from '../../src/tensor.js';

/** Builds fresh inputs in a dtype (same values for both) and runs the op on them. */
type OpRun = (make: (shape: number[]) => Tensor) => Tensor;

const x4 = [2, 4, 4, 4];
const runs: Record<string, OpRun> = {
  conv2d: (m) => ops.conv2d(m(x4), m([2, 2, 3, 3]), m([2]), { padding: 1, groups: 2 }),
  convTranspose2d: (m) =>
    ops.convTranspose2d(m(x4), m([4, 1, 2, 2]), m([2]), { stride: 2, groups: 2 }),
  maxPool2d: (m) => ops.maxPool2d(m(x4), { kernelSize: 2 }),
  avgPool2d: (m) => ops.avgPool2d(m(x4), { kernelSize: 3, stride: 2, padding: 1 }),
  globalAvgPool2d: (m) => ops.globalAvgPool2d(m(x4)),
  upsampleNearest2d: (m) => ops.upsampleNearest2d(m(x4), { scaleFactor: 2 }),
  upsampleBilinear2d: (m) => ops.upsampleBilinear2d(m(x4), { size: [7, 5] }),
  concat: (m) => ops.concat([m(x4), m([2, 1, 4, 4])]),
  add: (m) => ops.add(m(x4), m([4, 1, 1])),
  sub: (m) => ops.sub(m(x4), 2),
  mul: (m) => ops.mul(m(x4), m([4])),
  div: (m) => ops.div(m(x4), ops.add(ops.mul(m([4]), m([4])), 1)),
  sum: (m) => ops.sum(m(x4), [1, 2]),
  mean: (m) => ops.mean(m(x4)),
  reshape: (m) => ops.reshape(m(x4), [8, -1]),
  flatten: (m) => ops.flatten(m(x4)),
  permute: (m) => ops.permute(m(x4), [0, 2, 3, 1]),
  matmul: (m) => ops.matmul(m([3, 5]), m([5, 2])),
  relu: (m) => ops.relu(m(x4)),
  leakyRelu: (m) => ops.leakyRelu(m(x4)),
  sigmoid: (m) => ops.sigmoid(m(x4)),
  tanh: (m) => ops.tanh(m(x4)),
  batchNorm2d: (m) =>
    ops.batchNorm2d(m(x4), null, null, { weight: m([4]), bias: m([4]), training: true }),
  dropout: (m) => ops.dropout(m(x4), { p: 0.5, rng: new Rng(3) }),
  linear: (m) => ops.linear(m([3, 5]), m([2, 5]), m([2])),
  softmax: (m) => ops.softmax(m(x4), 1),
  logSoftmax: (m) => ops.logSoftmax(m(x4), 1),
  crossEntropy: (m) =>
    ops.crossEntropy(
      m(x4),
      Int32Array.from({ length: 32 }, (_, i) => i % 4),
    ),
  binaryCrossEntropyWithLogits: (m) => ops.binaryCrossEntropyWithLogits(m(x4), ops.sigmoid(m(x4))),
  mseLoss: (m) => ops.mseLoss(m(x4), m(x4)),
  smoothL1Loss: (m) => ops.smoothL1Loss(m(x4), m(x4), { beta: 0.5 }),
  l2Normalize: (m) => ops.l2Normalize(m(x4)),
};

/** Output and the gradients of every leaf, for loss = sum(op * r). */
function run(op: OpRun, dtype: DType): { y: Tensor; grads: Tensor[] } {
  const rng = new Rng(1);
  const leaves: Tensor[] = [];
  const make = (shape: number[]): Tensor => {
    const t = Tensor.randn(shape, rng, 1, dtype).requireGrad();
    leaves.push(t);
    return t;
  };
  const y = op(make);
  const r = Tensor.randn(y.shape, new Rng(2), 1, dtype);
  ops.sum(ops.mul(y, r)).backward();
  return { y, grads: leaves.map((t) => t.grad ?? Tensor.zeros(t.shape, dtype)) };
}

describe('ops in float32', () => {
  for (const [name, op] of Object.entries(runs)) {
    it(`${name}: float32 in, float32 out and gradients, close to float64`, () => {
      const single = run(op, 'float32');
      const double = run(op, 'float64');
      assert.equal(single.y.dtype, 'float32');
      assertClose(single.y.data, double.y.data, { rtol: 1e-4, atol: 1e-5 }, `${name} y`);
      single.grads.forEach((g, i) => {
        assert.equal(g.dtype, 'float32');
        assertClose(g.data, double.grads[i].data, { rtol: 1e-3, atol: 1e-4 }, `${name} grad ${i}`);
      });
    });
  }
});
