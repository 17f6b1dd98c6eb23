/**
 * Fusion in evaluation (src/nn/fuse.ts): a Sequential or Graph in eval mode without gradients
 * runs Conv2d [, BatchNorm2d], ReLU [, MaxPool2d] as the fused kernel, with the values the
 * layers give one by one (bitwise; within rounding where a batch norm is folded in); in
 * training, with gradients, with keep: 'all', or where another node reads an intermediate
 * output, the layers run unfused.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { noGrad } from '../../src/autograd.js';
import { referenceBackend, setBackend } from '../../src/kernels/backend.js';
import * as referenceKernels from '../../src/kernels/reference/index.js';
import { GraphBuilder, graphFromSequential } from '../../src/nn/graph/graph-builder.js';
import { assertClose } from '../../src/check/compare.js';
import { conv2dReluPool } from '../../src/ops/conv2d-relu-pool.js';
import {
  Add,
  BatchNorm2d,
  Conv2d,
  Flatten,
  Linear,
  MaxPool2d,
  ReLU,
  Sequential,
  seedNet,
} from '../../src/nn/index.js';
import { Rng } from '../../src/rng.js';
import { Tensor } from '../../src/tensor.js';
import { checkOpGradients } from '../ops/op-gradient.js';
import { mul } from '../../src/ops/mul.js';
import { sum } from '../../src/ops/sum.js';
import { randomArray } from '../helpers.js';

function input(shape: number[], seed = 1): Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return Tensor.from(Float32Array.from(randomArray(new Rng(seed), size)), shape);
}

/** Counts the fused kernel's calls (the reference runs it), with the pool geometry of each. */
function spyOnFusion(): { pools: (number | null)[]; scaled: boolean[] } {
  const seen = { pools: [] as (number | null)[], scaled: [] as boolean[] };
  setBackend({
    name: 'spy',
    kernels: {
      conv2dReluPoolForward(y, x, w, b, s, g, pool) {
        seen.pools.push(pool === null ? null : pool.KH);
        seen.scaled.push(s !== null);
        referenceKernels.conv2dReluPoolForward(y, x, w, b, s, g, pool);
      },
    },
  });
  return seen;
}

/** The model's output from its layers run one at a time (nested Sequentials walked). */
function layerByLayer(model: Sequential, x: Tensor): Tensor {
  let y = x;
  for (const layer of model)
    y = layer instanceof Sequential ? layerByLayer(layer, y) : layer.forward(y);
  return y;
}

afterEach(() => setBackend(referenceBackend));

describe('fusion of Conv2d, ReLU [, MaxPool2d] in evaluation', () => {
  it("a Sequential in eval mode without gradients fuses, with the layers' values", () => {
    const model = seedNet({ seed: 2 }).eval();
    const x = input([3, 1, 28, 28]);
    const seen = spyOnFusion();
    const fused = noGrad(() => model.forward(x));
    assert.deepEqual(seen.pools, [2, 2], 'both conv blocks fused with their pools');
    const plain = noGrad(() => layerByLayer(model, x));
    assert.deepEqual(fused.data, plain.data);
    assert.equal(seen.pools.length, 2, 'layers called one by one do not fuse');
  });

  it('fuses Conv2d + ReLU without a pool, and leaves subclasses and other orders alone', () => {
    const rng = new Rng(4);
    class MyReLU extends ReLU {}
    const model = new Sequential(
      new Conv2d(2, 3, 3, { padding: 1, rng }),
      new ReLU(),
      new Conv2d(3, 3, 3, { rng }),
      new MyReLU(),
      new MaxPool2d(2),
      new ReLU(),
      new Conv2d(3, 2, 1, { rng }),
    ).eval();
    const x = input([2, 2, 9, 9]);
    const seen = spyOnFusion();
    const y = noGrad(() => model.forward(x));
    assert.deepEqual(seen.pools, [null]);
    assert.deepEqual(y.data, noGrad(() => layerByLayer(model, x)).data);
  });

  it('does not fuse in training mode or with gradients on', () => {
    const model = seedNet({ seed: 2 });
    const x = input([2, 1, 28, 28]);
    const seen = spyOnFusion();
    noGrad(() => model.train().forward(x));
    model.eval().forward(x);
    assert.deepEqual(seen.pools, []);
  });

  it('a Graph fuses chains whose intermediates nothing else reads, unless asked to keep all', () => {
    const rng = new Rng(5);
    const b = new GraphBuilder();
    const image = b.input('image', [2, 8, 8]);
    const c1 = b.layer('c1', new Conv2d(2, 4, 3, { padding: 1, rng }), image);
    const r1 = b.layer('r1', new ReLU(), c1);
    const p1 = b.layer('p1', new MaxPool2d(2), r1);
    // c2's output is read twice: its ReLU may not fuse.
    const c2 = b.layer('c2', new Conv2d(4, 4, 3, { padding: 1, rng }), p1);
    const r2 = b.layer('r2', new ReLU(), c2);
    const sum = b.layer('sum', new Add(), r2, c2);
    // r3 is read by the pool and by the output: conv + ReLU fuse, the pool runs alone.
    const c3 = b.layer('c3', new Conv2d(4, 2, 3, { padding: 1, rng }), sum);
    const r3 = b.layer('r3', new ReLU(), c3);
    const p3 = b.layer('p3', new MaxPool2d(2), r3);
    const flat = b.layer('flat', new Flatten(), p3);
    const logits = b.layer('logits', new Linear(8, 3, { rng }), flat);
    const graph = b.build(logits, r3).eval();
    const x = input([2, 2, 8, 8], 7);
    const seen = spyOnFusion();
    const fused = noGrad(() => graph.run(x));
    assert.deepEqual(seen.pools, [2, null]);
    setBackend(referenceBackend);
    const all = noGrad(() => graph.run(x, { keep: 'all' }));
    const names = [
      'image',
      'c1',
      'r1',
      'p1',
      'c2',
      'r2',
      'sum',
      'c3',
      'r3',
      'p3',
      'flat',
      'logits',
    ];
    assert.deepEqual([...all.keys()], names, 'keep: all gives every input and node');
    for (const [name, value] of fused) assert.deepEqual(value.data, all.get(name)?.data, name);
  });

  it('a Graph made from the seed net fuses both conv blocks, with the same logits', () => {
    const model = seedNet({ seed: 3 });
    const graph = graphFromSequential(model, [1, 28, 28]).eval();
    model.eval();
    const x = input([2, 1, 28, 28], 9);
    const seen = spyOnFusion();
    const y = noGrad(() => graph.forward(x));
    assert.deepEqual(seen.pools, [2, 2]);
    setBackend(referenceBackend);
    assert.deepEqual(y.data, noGrad(() => layerByLayer(model, x)).data);
  });
});

/** A batch norm whose statistics and affine parameters are drawn (gamma of both signs). */
function drawnNorm(F: number, rng: Rng): BatchNorm2d {
  const norm = new BatchNorm2d(F);
  for (let f = 0; f < F; f++) {
    norm.runningMean!.data[f] = rng.normal();
    norm.runningVar!.data[f] = 0.1 + 2 * rng.next();
    norm.weight!.data[f] = rng.normal();
    norm.bias!.data[f] = rng.normal();
  }
  return norm;
}

describe('fusion of Conv2d, BatchNorm2d, ReLU [, MaxPool2d] in evaluation', () => {
  it("folds the batch norm into the kernel's scale and shift, with the layers' values", () => {
    const rng = new Rng(6);
    const model = new Sequential(
      new Conv2d(2, 5, 3, { padding: 1, rng }),
      drawnNorm(5, rng),
      new ReLU(),
      new MaxPool2d(2),
      new Conv2d(5, 4, 3, { padding: 1, bias: false, rng }),
      drawnNorm(4, rng),
      new ReLU(),
    ).eval();
    const x = input([2, 2, 10, 10], 3);
    const seen = spyOnFusion();
    const fused = noGrad(() => model.forward(x));
    assert.deepEqual(seen.pools, [2, null]);
    assert.deepEqual(seen.scaled, [true, true]);
    const plain = noGrad(() => layerByLayer(model, x));
    assert.ok(plain.data.some((v) => v > 0) && plain.data.some((v) => v === 0));
    assertClose(fused.data, plain.data, { rtol: 1e-5, atol: 1e-6 }, 'folded batch norm');
  });

  it('leaves a batch norm alone in training mode, without running statistics, or over other channels', () => {
    const rng = new Rng(8);
    const untracked = new BatchNorm2d(3, { trackRunningStats: false });
    const training = drawnNorm(3, rng);
    for (const norm of [untracked, training]) {
      const model = new Sequential(new Conv2d(2, 3, 3, { rng }), norm, new ReLU()).eval();
      if (norm === training) norm.train();
      const seen = spyOnFusion();
      noGrad(() => model.forward(input([1, 2, 6, 6])));
      assert.deepEqual(seen.pools, [], 'a conv followed by that batch norm runs alone');
    }
    const mismatched = new Sequential(new Conv2d(2, 3, 3, { rng }), new BatchNorm2d(4), new ReLU());
    spyOnFusion();
    assert.throws(
      () => noGrad(() => mismatched.eval().forward(input([1, 2, 6, 6]))),
      /3 channels, the layer expects 4/,
    );
  });

  it('the op with a scale runs the differentiable ops when a gradient is recorded', () => {
    const rng = new Rng(9);
    const f64 = (shape: number[], scale = 1) =>
      Tensor.randn(shape, rng, scale, 'float64').requireGrad();
    const [x, w, b, scale] = [f64([2, 3, 6, 6]), f64([4, 3, 3, 3], 0.3), f64([4]), f64([4])];
    const run = () => conv2dReluPool(x, w, b, { padding: 1 }, { kernelSize: 2 }, scale);
    const kernel = noGrad(run);
    assert.ok(kernel.data.some((v) => v > 0) && kernel.data.some((v) => v === 0));
    assertClose(run().data, kernel.data, { rtol: 1e-12, atol: 1e-12 });
    checkOpGradients('conv2dReluPool with a scale', run, { x, w, b, scale }, rng);
    assert.throws(
      () => conv2dReluPool(x, w, b, {}, null, Tensor.ones([3])),
      /scale must be \(F\) = \(4\), one per filter, got shape \(3\)/,
    );
  });
});

describe('a ReLU and a max pool run pool first (training)', () => {
  /** Output and input gradient of model on x, with sum(y * r) as the loss. */
  function outputAndGradient(run: (x: Tensor) => Tensor, x: Tensor, r: Tensor) {
    x.zeroGrad();
    const y = run(x);
    sum(mul(y, r)).backward();
    return { y: Array.from(y.data), dx: Array.from(x.grad?.data ?? []) };
  }

  it("gives the layers' values and gradients bitwise: ties, zeros, -0, negatives, NaN", () => {
    const rng = new Rng(10);
    const pick = [-1, -0, 0, 0.5, 0.5, 1, 2, -2];
    const values = Array.from({ length: 2 * 3 * 6 * 7 }, () => pick[Math.floor(rng.next() * 8)]);
    values[5] = NaN;
    const x = Tensor.from(Float64Array.from(values), [2, 3, 6, 7]).requireGrad();
    for (const pool of [new MaxPool2d(2), new MaxPool2d(3, { stride: 2, padding: 1 })]) {
      const model = new Sequential(new ReLU(), pool);
      const r = Tensor.randn(model.outputShape(x.shape), rng, 1, 'float64');
      const swapped = outputAndGradient((t) => model.forward(t), x, r.clone());
      const plain = outputAndGradient((t) => layerByLayer(model, t), x, r.clone());
      assert.deepEqual(swapped, plain);
      assert.ok(plain.dx.some((v) => v !== 0));
    }
  });

  it("a seed net in training gives the layers' logits and parameter gradients bitwise", () => {
    const x = input([3, 1, 28, 28], 12);
    const run = (forward: (m: Sequential, t: Tensor) => Tensor) => {
      const model = seedNet({ seed: 4 }).train();
      const y = forward(model, x);
      sum(mul(y, y)).backward();
      return [Array.from(y.data), ...model.parameters().map((p) => Array.from(p.grad?.data ?? []))];
    };
    let reluSizes: number[] = [];
    setBackend({
      name: 'spy',
      kernels: {
        reluForward(y, xs) {
          reluSizes.push(xs.length);
          referenceKernels.reluForward(y, xs);
        },
      },
    });
    const swapped = run((m, t) => m.forward(t));
    assert.deepEqual(
      reluSizes,
      [3 * 32 * 14 * 14, 3 * 64 * 7 * 7, 3 * 128],
      'ReLUs on pooled maps',
    );
    reluSizes = [];
    assert.deepEqual(
      swapped,
      run((m, t) => layerByLayer(m, t)),
    );
  });
});

describe('a BatchNorm2d and its ReLU as one op in training', () => {
  it("gives the layers' values, gradients and running statistics bitwise", () => {
    const x = input([4, 2, 8, 8], 13);
    const build = () => {
      const rng = new Rng(14);
      return new Sequential(
        new Conv2d(2, 4, 3, { padding: 1, rng }),
        drawnNorm(4, rng),
        new ReLU(),
        new Conv2d(4, 3, 3, { padding: 1, bias: false, rng }),
        drawnNorm(3, rng),
        new ReLU(),
        new MaxPool2d(2),
        new Flatten(),
        new Linear(48, 5, { rng }),
      ).train();
    };
    const run = (forward: (m: Sequential, t: Tensor) => Tensor) => {
      const model = build();
      const y = forward(model, x);
      sum(mul(y, y)).backward();
      const grads = model.parameters().map((p) => Array.from(p.grad?.data ?? []));
      const buffers = model.buffers().map((b) => Array.from(b.data));
      return { y: Array.from(y.data), grads, buffers };
    };
    let fused = 0;
    setBackend({
      name: 'spy',
      kernels: {
        batchNorm2dReluForwardTrain(...args) {
          fused++;
          referenceKernels.batchNorm2dReluForwardTrain(...args);
        },
      },
    });
    const together = run((m, t) => m.forward(t));
    assert.equal(fused, 2, 'both batch norms ran with their ReLUs');
    const apart = run((m, t) => layerByLayer(m, t));
    assert.equal(fused, 2, 'layers one by one do not fuse');
    assert.deepEqual(together, apart);
  });
});
