/**
 * Workloads for anything that implements our `Backend` interface (the reference backend, the
 * fast WebAssembly backend). Kernels: plain Float32Arrays, inputs made once, outputs overwritten
 * on every run. Networks: the library as a user runs it, `seedNet()` through the ops and
 * autograd on that backend, the step inside `runStep` where the backend has one (as `fit` and
 * `evaluate` do).
 */
import { noGrad } from '../../src/autograd.js';
import { setBackend, withReferenceFallback, type Backend } from '../../src/kernels/backend.js';
import { seedNet } from '../../src/nn/presets.js';
import { crossEntropy } from '../../src/ops/cross-entropy.js';
import { SGD } from '../../src/optim/sgd.js';
import type { LinearGeometry } from '../../src/shape/linear.js';
import { Tensor, formatShape } from '../../src/tensor.js';
import { SEED_NET, convGeometry, poolGeometry } from '../workloads.js';
import type { ConvCase, NetCase, PoolCase } from '../workloads.js';
import { randomFloat32, randomLabels, type Prepared } from './contestant.js';

/**
 * The fast backend's `runStep(params, step)`: every tensor the step makes lives in the kernels'
 * memory, and the parameters' gradients are copied out at its end (docs/fast-backend.md).
 */
export type RunStep = <T>(params: Iterable<Tensor>, step: () => T) => T;

/** x:(N,C,H,W) w:(F,C,K,K) b:(F) -> y:(N,F,OH,OW); conv2dForward. */
export function backendConvForward(backend: Backend, c: ConvCase): Prepared {
  const kernels = withReferenceFallback(backend);
  const g = convGeometry(c);
  const x = randomFloat32(g.N * g.C * g.H * g.W, 1);
  const w = randomFloat32(g.F * g.C * g.KH * g.KW, 2);
  const b = randomFloat32(g.F, 3);
  const y = new Float32Array(g.N * g.F * g.OH * g.OW);
  return { run: () => kernels.conv2dForward(y, x, w, b, g) };
}

/** conv2dForward, then dx, dw, db from a fixed dy:(N,F,OH,OW) in one conv2dBackward call (as the conv2d op does). */
export function backendConvForwardBackward(backend: Backend, c: ConvCase): Prepared {
  const kernels = withReferenceFallback(backend);
  const g = convGeometry(c);
  const x = randomFloat32(g.N * g.C * g.H * g.W, 1);
  const w = randomFloat32(g.F * g.C * g.KH * g.KW, 2);
  const b = randomFloat32(g.F, 3);
  const dy = randomFloat32(g.N * g.F * g.OH * g.OW, 4);
  const y = new Float32Array(dy.length);
  const dx = new Float32Array(x.length);
  const dw = new Float32Array(w.length);
  const db = new Float32Array(b.length);
  return {
    run: () => {
      kernels.conv2dForward(y, x, w, b, g);
      kernels.conv2dBackward(dx, dw, db, dy, x, w, g);
    },
  };
}

/** maxPool2dForward, then maxPool2dBackward from a fixed dy:(N,C,OH,OW). */
export function backendMaxPoolForwardBackward(backend: Backend, p: PoolCase): Prepared {
  const kernels = withReferenceFallback(backend);
  const g = poolGeometry(p);
  const x = randomFloat32(g.N * g.C * g.H * g.W, 1);
  const dy = randomFloat32(g.N * g.C * g.OH * g.OW, 4);
  const y = new Float32Array(dy.length);
  const dx = new Float32Array(x.length);
  return {
    run: () => {
      kernels.maxPool2dForward(y, x, g);
      kernels.maxPool2dBackward(dx, dy, x, g);
    },
  };
}

/**
 * SGEMM through the fully connected layer: linearForward computes y(M,N) = x(M,K)·w(N,K)ᵀ, so B is
 * stored transposed, (N,K). Same FLOPs as C = A·B.
 */
export function backendLinearSgemm(backend: Backend, M: number, N: number, K: number): Prepared {
  const kernels = withReferenceFallback(backend);
  const g: LinearGeometry = { N: M, IN: K, OUT: N };
  const a = randomFloat32(M * K, 1);
  const bT = randomFloat32(N * K, 2);
  const c = new Float32Array(M * N);
  return {
    run: () => kernels.linearForward(c, a, bT, null, g),
    note: 'A·Bᵀ via linearForward',
  };
}

/**
 * The seed net (seed 0), checked against SEED_NET, and a random input batch x:(N,C,H,W). Its
 * parameters are resident in the backend's memory where it has one, as `convnet train`, `eval`
 * and `predict` build their models.
 */
function seedNetAndBatch(
  backend: Backend,
  n: NetCase,
): { model: ReturnType<typeof seedNet>; x: Tensor } {
  const { C, H, W, CLASSES } = SEED_NET;
  const build = () => seedNet({ seed: 0, inChannels: C, imageSize: [H, W], numClasses: CLASSES });
  const model = backend.resident === undefined ? build() : backend.resident(build);
  const out = model.outputShape([n.N, C, H, W]);
  if (out.length !== 2 || out[0] !== n.N || out[1] !== CLASSES) {
    throw new Error(`seedNet gives logits ${formatShape(out)}, expected (${n.N},${CLASSES})`);
  }
  return { model, x: new Tensor(randomFloat32(n.N * C * H * W, 1), [n.N, C, H, W]) };
}

/**
 * One training step as `fit` runs it: zero the gradients, forward, cross-entropy (mean), read the
 * loss, backward, SGD step (lr SEED_NET.LR, no momentum), inside runStep when there is one.
 * A non-finite loss fails the row rather than timing a broken step.
 */
export function backendTrainNet(backend: Backend, runStep: RunStep | null, n: NetCase): Prepared {
  const { model, x } = seedNetAndBatch(backend, n);
  const labels = randomLabels(n.N, SEED_NET.CLASSES, 5);
  const params = model.parameters();
  const optimizer = new SGD(params, { lr: SEED_NET.LR });
  const step = (): number => {
    optimizer.zeroGrad();
    const loss = crossEntropy(model.forward(x), labels);
    const value = loss.item();
    loss.backward();
    optimizer.step();
    optimizer.zeroGrad();
    return value;
  };
  return {
    run: () => {
      setBackend(backend);
      const loss = runStep === null ? step() : runStep(params, step);
      if (!Number.isFinite(loss)) throw new Error(`training step gave a non-finite loss ${loss}`);
    },
    note: runStep === null ? undefined : 'in runStep',
  };
}

/**
 * The forward pass as `evaluate` runs it: eval mode, noGrad, inside runStep when there is one;
 * the logits are copied to a JS array (the step's tensors end with it). The model is frozen
 * (Module.freeze), as a program classifying image after image holds it: the fast backend then
 * checks its kept Winograd filters against the weights once, not on every call.
 */
export function backendInferNet(backend: Backend, runStep: RunStep | null, n: NetCase): Prepared {
  const { model, x } = seedNetAndBatch(backend, n);
  model.freeze();
  const logits = new Float32Array(n.N * SEED_NET.CLASSES);
  const forward = (): void => noGrad(() => logits.set(model.forward(x).data));
  return {
    run: () => {
      setBackend(backend);
      if (runStep === null) forward();
      else runStep([], forward);
    },
    note: runStep === null ? undefined : 'in runStep',
  };
}
