/**
 * jax-js (`@jax-js/jax`) on its `wasm` device. It generates its kernels at run time; its worker
 * pool needs a global `Worker`, which Node lacks, so in Node it runs one thread.
 *
 * Arrays are reference-counted: every call consumes its arguments, so the runs pass `.ref` and
 * dispose what they get back. Work is lazy, so each run ends with blockUntilReady.
 *
 * Conv is lax.convGeneralDilated in (N,C,H,W) x (F,C,KH,KW), with the bias add under jit.
 * Forward+backward is jit(grad(sum(y * dy))) with respect to x, w and b: the forward, dx, dw and
 * db in one compiled function (the extra y * dy product is N*F*OH*OW multiply-adds, under 1% of
 * the conv). Max pool is lax.reduceWindow with np.max, differentiated the same way.
 *
 * The seed net is written with the same operations; a training step is one jit-compiled function
 * of (params, x, onehot) that takes grad of the mean cross-entropy (nn.logSoftmax) with respect
 * to every parameter and returns the SGD-updated parameters. Inference is jit(forward), and its
 * logits are read back into JS memory.
 */
import type { Array as JaxArray } from '@jax-js/jax';
import {
  heWeights,
  oneHot,
  packageVersion,
  randomFloat32,
  randomLabels,
  Unavailable,
  type Contestant,
} from './contestant.js';
import type { Preparation } from './contestant.js';
import { SEED_NET, SEED_NET_FLAT } from '../workloads.js';
import type { ConvCase, NetCase, PoolCase } from '../workloads.js';

type Jax = typeof import('@jax-js/jax');

let jax: Jax | null = null;
/** 1 in Node; 0 ("its default") where a global Worker lets jax-js start its worker pool. */
let threads = 1;

function loaded(): Jax {
  if (jax === null) throw new Error('jax-js: setup() has not run');
  return jax;
}

function array(j: Jax, length: number, seed: number, shape: number[]): JaxArray {
  return j.numpy.array(randomFloat32(length, seed)).reshape(shape);
}

function conv(j: Jax, x: JaxArray, w: JaxArray, b: JaxArray, c: ConvCase): JaxArray {
  const padding: [number, number][] = [
    [c.pad, c.pad],
    [c.pad, c.pad],
  ];
  return j.lax.convGeneralDilated(x, w, [1, 1], padding).add(b.reshape([1, c.F, 1, 1]));
}

function convInputs(j: Jax, c: ConvCase): { x: JaxArray; w: JaxArray; b: JaxArray; dy: JaxArray } {
  const OH = c.H + 2 * c.pad - c.K + 1;
  const OW = c.W + 2 * c.pad - c.K + 1;
  return {
    x: array(j, c.N * c.C * c.H * c.W, 1, [c.N, c.C, c.H, c.W]),
    w: array(j, c.F * c.C * c.K * c.K, 2, [c.F, c.C, c.K, c.K]),
    b: array(j, c.F, 3, [c.F]),
    dy: array(j, c.N * c.F * OH * OW, 4, [c.N, c.F, OH, OW]),
  };
}

function sgemm(j: Jax, M: number, N: number, K: number): Preparation {
  const a = array(j, M * K, 1, [M, K]);
  const b = array(j, K * N, 2, [K, N]);
  return {
    run: async () => {
      const c = j.numpy.matmul(a.ref, b.ref);
      await j.blockUntilReady(c);
      c.dispose();
    },
    dispose: () => {
      a.dispose();
      b.dispose();
    },
  };
}

function convForward(j: Jax, c: ConvCase): Preparation {
  const { x, w, b, dy } = convInputs(j, c);
  const f = j.jit((x: JaxArray, w: JaxArray, b: JaxArray) => conv(j, x, w, b, c));
  return {
    run: async () => {
      const y = f(x.ref, w.ref, b.ref);
      await j.blockUntilReady(y);
      y.dispose();
    },
    dispose: () => {
      f.dispose();
      for (const a of [x, w, b, dy]) a.dispose();
    },
  };
}

function convForwardBackward(j: Jax, c: ConvCase): Preparation {
  const { x, w, b, dy } = convInputs(j, c);
  const loss = (x: JaxArray, w: JaxArray, b: JaxArray, dy: JaxArray): JaxArray =>
    conv(j, x, w, b, c).mul(dy).sum();
  const g = j.jit(j.grad(loss, { argnums: [0, 1, 2] }));
  return {
    run: async () => {
      const grads = g(x.ref, w.ref, b.ref, dy.ref);
      await j.blockUntilReady(grads);
      for (const a of grads) a.dispose();
    },
    dispose: () => {
      g.dispose();
      for (const a of [x, w, b, dy]) a.dispose();
    },
  };
}

function maxPoolForwardBackward(j: Jax, p: PoolCase): Preparation {
  const OH = Math.floor((p.H - p.K) / p.stride) + 1;
  const OW = Math.floor((p.W - p.K) / p.stride) + 1;
  const x = array(j, p.N * p.C * p.H * p.W, 1, [p.N, p.C, p.H, p.W]);
  const dy = array(j, p.N * p.C * OH * OW, 4, [p.N, p.C, OH, OW]);
  const pool = (t: JaxArray): JaxArray =>
    j.lax.reduceWindow(t, (window) => j.numpy.max(window), [p.K, p.K], [p.stride, p.stride]);
  const g = j.jit(j.grad((t: JaxArray, d: JaxArray) => pool(t).mul(d).sum()));
  return {
    run: async () => {
      const dx = g(x.ref, dy.ref);
      await j.blockUntilReady(dx);
      dx.dispose();
    },
    dispose: () => {
      g.dispose();
      x.dispose();
      dy.dispose();
    },
  };
}

/**
 * The seed net's parameters: filters (F,C,KH,KW), dense weights (IN,OUT). A type, not an
 * interface, so that it is a jax-js JsTree (an object with an implicit index signature).
 */
type JaxSeedNet = {
  w1: JaxArray;
  b1: JaxArray;
  w2: JaxArray;
  b2: JaxArray;
  w3: JaxArray;
  b3: JaxArray;
  w4: JaxArray;
  b4: JaxArray;
};

function jaxSeedNet(j: Jax): JaxSeedNet {
  const { C, K, F1, F2, HIDDEN, CLASSES } = SEED_NET;
  const filter = (from: number, to: number, seed: number): JaxArray =>
    j.numpy.array(heWeights(to * from * K * K, from * K * K, seed)).reshape([to, from, K, K]);
  const dense = (from: number, to: number, seed: number): JaxArray =>
    j.numpy.array(heWeights(from * to, from, seed)).reshape([from, to]);
  const bias = (size: number): JaxArray => j.numpy.zeros([size]);
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

/** x:(N,C,H,W) -> logits:(N,CLASSES). Consumes its arguments, as jax-js functions do. */
function jaxSeedNetForward(j: Jax, p: JaxSeedNet, x: JaxArray): JaxArray {
  const { pad, pool } = SEED_NET;
  const padding: [number, number][] = [
    [pad, pad],
    [pad, pad],
  ];
  const block = (h: JaxArray, w: JaxArray, b: JaxArray, F: number): JaxArray => {
    const y = j.lax.convGeneralDilated(h, w, [1, 1], padding).add(b.reshape([1, F, 1, 1]));
    return j.lax.reduceWindow(j.nn.relu(y), (t) => j.numpy.max(t), [pool, pool], [pool, pool]);
  };
  const N = x.shape[0];
  const features = block(block(x, p.w1, p.b1, SEED_NET.F1), p.w2, p.b2, SEED_NET.F2);
  const hidden = j.nn.relu(j.numpy.matmul(features.reshape([N, SEED_NET_FLAT]), p.w3).add(p.b3));
  return j.numpy.matmul(hidden, p.w4).add(p.b4);
}

function netInputs(j: Jax, n: NetCase): { x: JaxArray; y: JaxArray } {
  const { C, H, W, CLASSES } = SEED_NET;
  return {
    x: j.numpy.array(randomFloat32(n.N * C * H * W, 1)).reshape([n.N, C, H, W]),
    y: j.numpy.array(oneHot(randomLabels(n.N, CLASSES, 5), CLASSES)).reshape([n.N, CLASSES]),
  };
}

function trainNet(j: Jax, n: NetCase): Preparation {
  let params = jaxSeedNet(j);
  const { x, y } = netInputs(j, n);
  const loss = (p: JaxSeedNet, x: JaxArray, y: JaxArray): JaxArray =>
    j.nn
      .logSoftmax(jaxSeedNetForward(j, p, x))
      .mul(y)
      .sum()
      .mul(-1 / n.N);
  const step = j.jit((p: JaxSeedNet, x: JaxArray, y: JaxArray): JaxSeedNet => {
    const grads = j.grad(loss)(j.tree.ref(p), x, y);
    return j.tree.map((w: JaxArray, g: JaxArray) => w.sub(g.mul(SEED_NET.LR)), p, grads);
  });
  return {
    run: async () => {
      params = step(params, x.ref, y.ref);
      await j.blockUntilReady(params);
    },
    dispose: () => {
      step.dispose();
      j.tree.dispose(params);
      x.dispose();
      y.dispose();
    },
  };
}

function inferNet(j: Jax, n: NetCase): Preparation {
  const params = jaxSeedNet(j);
  const { x, y } = netInputs(j, n);
  y.dispose();
  const forward = j.jit((p: JaxSeedNet, x: JaxArray) => jaxSeedNetForward(j, p, x));
  return {
    run: async () => {
      const logits = forward(j.tree.ref(params), x.ref);
      await logits.data();
    },
    dispose: () => {
      forward.dispose();
      j.tree.dispose(params);
      x.dispose();
    },
  };
}

export const jaxJs: Contestant = {
  name: 'jax-js',
  side: 'peer',
  probe: false,
  async setup() {
    const g = globalThis as { navigator?: object };
    g.navigator ??= {};
    jax = await import('@jax-js/jax');
    const devices = await jax.init('wasm');
    if (!devices.includes('wasm')) {
      throw new Unavailable(`no wasm device (init gave ${devices.join(', ')})`);
    }
    jax.defaultDevice('wasm');
    threads = 'Worker' in globalThis ? 0 : 1;
    const pool = threads === 1 ? 'one thread (no global Worker in Node)' : 'its worker pool';
    return `@jax-js/jax ${packageVersion('@jax-js/jax')} 'wasm' device, ${pool}, NCHW`;
  },
  threadCounts: () => [threads],
  activate: () => Promise.resolve(),
  sgemm: (M, N, K) => sgemm(loaded(), M, N, K),
  conv2dForward: (c) => convForward(loaded(), c),
  conv2dForwardBackward: (c) => convForwardBackward(loaded(), c),
  maxPoolForwardBackward: (p) => maxPoolForwardBackward(loaded(), p),
  trainNet: (n) => trainNet(loaded(), n),
  inferNet: (n) => inferNet(loaded(), n),
};
