/**
 * What tfjs-cpu and tfjs-wasm share: TensorFlow.js loaded once, in production mode (no debug
 * checks, no console banners), and the workloads written once against its API. Tensors are in
 * TensorFlow's own layout, x:(N,H,W,C) and w:(KH,KW,C,F); the data are random either way, so the
 * layout changes nothing but the library's access pattern, which is what it would use anyway.
 *
 * Both backends execute eagerly and synchronously in Node (no worker threads), so a kernel has
 * finished when its op returns: the runs need no data download to be complete.
 */
import type { Rank, Tensor, Tensor1D, Tensor4D, Variable } from '@tensorflow/tfjs';
import { SEED_NET, SEED_NET_FLAT, convForwardFlops } from '../workloads.js';
import type { ConvCase, NetCase, PoolCase } from '../workloads.js';
import {
  errorMessage,
  heWeights,
  oneHot,
  randomFloat32,
  randomLabels,
  type Preparation,
} from './contestant.js';

export type Tf = typeof import('@tensorflow/tfjs');

let loading: Promise<Tf> | null = null;

/** The one TensorFlow.js instance both contestants use. */
export function loadTf(): Promise<Tf> {
  loading ??= import('@tensorflow/tfjs').then((tf) => {
    tf.enableProdMode();
    return tf;
  });
  return loading;
}

/** A tensor tf.grads hands back as Tensor, checked to be rank 4. */
function rank4(t: Tensor): Tensor4D {
  if (t.rank !== 4) throw new RangeError(`expected a rank-4 tensor, got shape [${t.shape}]`);
  return t as Tensor4D;
}

/** The kernels a workload needs that `backend` has not registered. */
function missingKernels(tf: Tf, backend: string, kernels: readonly string[]): string[] {
  return kernels.filter((k) => tf.getKernel(k, backend) === undefined);
}

export function tfSgemm(tf: Tf, M: number, N: number, K: number): Preparation {
  const a = tf.tensor2d(randomFloat32(M * K, 1), [M, K]);
  const b = tf.tensor2d(randomFloat32(K * N, 2), [K, N]);
  return {
    run: () => tf.matMul(a, b).dispose(),
    dispose: () => tf.dispose([a, b]),
  };
}

interface ConvTensors {
  x: Tensor4D;
  w: Tensor4D;
  b: Tensor1D;
  dy: Tensor4D;
}

function convTensors(tf: Tf, c: ConvCase): ConvTensors {
  const OH = c.H + 2 * c.pad - c.K + 1;
  const OW = c.W + 2 * c.pad - c.K + 1;
  return {
    x: tf.tensor4d(randomFloat32(c.N * c.H * c.W * c.C, 1), [c.N, c.H, c.W, c.C]),
    w: tf.tensor4d(randomFloat32(c.K * c.K * c.C * c.F, 2), [c.K, c.K, c.C, c.F]),
    b: tf.tensor1d(randomFloat32(c.F, 3)),
    dy: tf.tensor4d(randomFloat32(c.N * OH * OW * c.F, 4), [c.N, OH, OW, c.F]),
  };
}

/** y = conv(x, w) + b as one fused op (what tfjs layers run). */
export function tfConvForward(tf: Tf, c: ConvCase): Preparation {
  const { x, w, b, dy } = convTensors(tf, c);
  return {
    run: () => tf.fused.conv2d({ x, filter: w, strides: 1, pad: c.pad, bias: b }).dispose(),
    dispose: () => tf.dispose([x, w, b, dy]),
  };
}

/**
 * y, dx, dw and db through tf.grads. Where the backend lacks Conv2DBackpropFilter (tfjs-wasm),
 * tf.grads throws, so the run does what it can: the forward, dx (conv2dTranspose, the
 * Conv2DBackpropInput kernel) and db (a sum), and the row is marked partial.
 */
export function tfConvForwardBackward(tf: Tf, backend: string, c: ConvCase): Preparation {
  const need = ['FusedConv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter', 'Sum'];
  const missing = missingKernels(tf, backend, need);
  if (missing.includes('FusedConv2D') || missing.includes('Conv2DBackpropInput')) {
    return { unsupported: `no ${missing.join(', ')} kernel in tfjs-${backend}` };
  }
  const t = convTensors(tf, c);
  const dispose = (): void => tf.dispose([t.x, t.w, t.b, t.dy]);
  const forward = (x: Tensor4D, w: Tensor4D, b: Tensor): Tensor4D =>
    tf.fused.conv2d({ x, filter: w, strides: 1, pad: c.pad, bias: b });
  if (missing.length === 0) {
    const grads = tf.grads((x, w, b) => forward(rank4(x), rank4(w), b));
    return {
      run: () => tf.tidy(() => void grads([t.x, t.w, t.b], t.dy)),
      dispose,
    };
  }
  return {
    run: () =>
      tf.tidy(() => {
        forward(t.x, t.w, t.b);
        tf.conv2dTranspose(t.dy, t.w, [c.N, c.H, c.W, c.C], 1, c.pad);
        tf.sum(t.dy, [0, 1, 2]);
      }),
    dispose,
    partial: {
      missing: `no dw: ${missing.join(', ')} not registered in tfjs-${backend}`,
      flops: 2 * convForwardFlops(c),
    },
  };
}

/** y = maxPool(x), dx from dy, through tf.grads (MaxPool and MaxPoolGrad kernels). */
export function tfMaxPoolForwardBackward(tf: Tf, backend: string, p: PoolCase): Preparation {
  const missing = missingKernels(tf, backend, ['MaxPool', 'MaxPoolGrad']);
  if (missing.length > 0)
    return { unsupported: `no ${missing.join(', ')} kernel in tfjs-${backend}` };
  const OH = Math.floor((p.H - p.K) / p.stride) + 1;
  const OW = Math.floor((p.W - p.K) / p.stride) + 1;
  const x = tf.tensor4d(randomFloat32(p.N * p.H * p.W * p.C, 1), [p.N, p.H, p.W, p.C]);
  const dy = tf.tensor4d(randomFloat32(p.N * OH * OW * p.C, 4), [p.N, OH, OW, p.C]);
  const grads = tf.grads((t) => tf.maxPool(rank4(t), p.K, p.stride, 'valid'));
  return {
    run: () => tf.tidy(() => void grads([x], dy)),
    dispose: () => tf.dispose([x, dy]),
  };
}

/** The seed net's parameters as variables: filters (KH,KW,C,F), dense weights (IN,OUT). */
interface TfSeedNet {
  w1: Variable<Rank.R4>;
  b1: Variable<Rank.R1>;
  w2: Variable<Rank.R4>;
  b2: Variable<Rank.R1>;
  w3: Variable<Rank.R2>;
  b3: Variable<Rank.R1>;
  w4: Variable<Rank.R2>;
  b4: Variable<Rank.R1>;
}

function tfSeedNet(tf: Tf): TfSeedNet {
  const { C, K, F1, F2, HIDDEN, CLASSES } = SEED_NET;
  const filter = (from: number, to: number, seed: number): Variable<Rank.R4> =>
    tf.variable(tf.tensor4d(heWeights(K * K * from * to, K * K * from, seed), [K, K, from, to]));
  const dense = (from: number, to: number, seed: number): Variable<Rank.R2> =>
    tf.variable(tf.tensor2d(heWeights(from * to, from, seed), [from, to]));
  const bias = (size: number): Variable<Rank.R1> => tf.variable(tf.zeros([size]));
  return {
    w1: filter(C, F1, 11),
    b1: bias(F1),
    w2: filter(F1, F2, 12),
    b2: bias(F2),
    w3: dense(SEED_NET_FLAT, HIDDEN, 13),
    b3: bias(HIDDEN),
    w4: dense(HIDDEN, CLASSES, 14),
    b4: bias(CLASSES),
  };
}

/**
 * x:(N,H,W,C) -> logits:(N,CLASSES), as tf.layers would run it: conv with bias and ReLU fused
 * (tfjs unfuses them when recording gradients), max pool, dense layers as fused matMul.
 */
function tfSeedNetForward(tf: Tf, p: TfSeedNet, x: Tensor4D): Tensor {
  const { pad, pool } = SEED_NET;
  const block = (h: Tensor4D, filter: Tensor4D, bias: Tensor1D): Tensor4D =>
    tf.maxPool(
      tf.fused.conv2d({ x: h, filter, strides: 1, pad, bias, activation: 'relu' }),
      pool,
      pool,
      'valid',
    );
  const features = block(block(x, p.w1, p.b1), p.w2, p.b2);
  const flat = tf.reshape<Rank.R2>(features, [x.shape[0], SEED_NET_FLAT]);
  const hidden = tf.fused.matMul({ a: flat, b: p.w3, bias: p.b3, activation: 'relu' });
  return tf.fused.matMul({ a: hidden, b: p.w4, bias: p.b4 });
}

function netInput(tf: Tf, n: NetCase): Tensor4D {
  const { C, H, W } = SEED_NET;
  return tf.tensor4d(randomFloat32(n.N * H * W * C, 1), [n.N, H, W, C]);
}

/** Kernels whose absence stops a conv net from training (the weight and input gradients). */
const TRAINING_KERNELS = ['Conv2DBackpropFilter', 'Conv2DBackpropInput', 'MaxPoolGrad'];

/**
 * One SGD step (tf.train.sgd, lr SEED_NET.LR) on the mean softmax cross-entropy through
 * optimizer.minimize, which computes every variable's gradient and applies it. Where the backend
 * lacks a gradient kernel, a trial step outside the timed region confirms that it cannot train,
 * and the row is unsupported with the library's own error.
 */
export function tfTrainNet(tf: Tf, backend: string, n: NetCase): Preparation {
  const p = tfSeedNet(tf);
  const x = netInput(tf, n);
  const y = tf.tensor2d(oneHot(randomLabels(n.N, SEED_NET.CLASSES, 5), SEED_NET.CLASSES), [
    n.N,
    SEED_NET.CLASSES,
  ]);
  const optimizer = tf.train.sgd(SEED_NET.LR);
  const variables = Object.values(p);
  const dispose = (): void => {
    tf.dispose([...variables, x, y]);
    optimizer.dispose();
  };
  const step = (): void =>
    void optimizer.minimize(
      () => tf.losses.softmaxCrossEntropy(y, tfSeedNetForward(tf, p, x)),
      false,
      variables,
    );
  const missing = missingKernels(tf, backend, TRAINING_KERNELS);
  if (missing.length > 0) {
    try {
      step();
    } catch (e) {
      dispose();
      return {
        unsupported: `cannot train: no ${missing.join(', ')} kernel in tfjs-${backend} (a trial step throws "${errorMessage(e)}")`,
      };
    }
  }
  return { run: step, dispose };
}

/** The forward pass inside tf.tidy; dataSync brings the logits to JS memory. */
export function tfInferNet(tf: Tf, n: NetCase): Preparation {
  const p = tfSeedNet(tf);
  const x = netInput(tf, n);
  return {
    run: () => tf.tidy(() => void tfSeedNetForward(tf, p, x).dataSync()),
    dispose: () => tf.dispose([...Object.values(p), x]),
  };
}
