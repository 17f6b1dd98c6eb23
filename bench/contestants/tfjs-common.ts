/**
 * What tfjs-cpu and tfjs-wasm share: TensorFlow.js loaded once, in production mode (no debug
 * checks, no console banners), and the workloads written once against its API. Tensors are in
 * TensorFlow's own layout, x:(N,H,W,C) and w:(KH,KW,C,F); the data are random either way, so the
 * layout changes nothing but the library's access pattern, which is what it would use anyway.
 *
 * Both backends execute eagerly and synchronously in Node (no worker threads), so a kernel has
 * finished when its op returns: the runs need no data download to be complete.
 */
import type { Tensor, Tensor1D, Tensor4D } from '@tensorflow/tfjs';
import { convForwardFlops } from '../workloads.js';
import type { ConvCase, PoolCase } from '../workloads.js';
import { randomFloat32, type Preparation } from './contestant.js';

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
