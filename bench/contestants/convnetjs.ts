/**
 * ConvNetJS (npm `convnetjs`, Karpathy's plain-JavaScript library): one image at a time (a `Vol`
 * is one image, (H,W,C) in Float64Arrays; its layers have no batch dimension), one thread. It
 * takes part in the network lines only.
 *
 * The seed net is built from its layer definitions: a conv with activation 'relu' gets a ReLU
 * layer after it, and 'softmax' adds the last fully connected layer and the cross-entropy.
 * Training is its Trainer with method 'sgd', batch_size = the batch, momentum 0 and no weight
 * decay: `train(x, label)` runs the forward and backward of one image and accumulates the
 * gradients, and every batch_size images applies the update with the gradient divided by
 * batch_size, so a run of N calls is one SGD step on the batch's mean loss. Its weights come
 * from its own initialisation (Math.random); the inputs and labels are the harness's.
 */
import { createRequire } from 'node:module';
import { SEED_NET } from '../workloads.js';
import type { NetCase } from '../workloads.js';
import {
  errorMessage,
  packageVersion,
  randomFloat32,
  randomLabels,
  Unavailable,
  type Contestant,
  type Preparation,
} from './contestant.js';

/** The parts of convnetjs's untyped API used here. */
interface Vol {
  w: Float64Array;
}

type LayerDef = Record<string, string | number>;

interface Net {
  makeLayers(defs: LayerDef[]): void;
  forward(x: Vol, isTraining?: boolean): Vol;
}

interface TrainerOptions {
  method: 'sgd';
  learning_rate: number;
  batch_size: number;
  momentum: number;
  l1_decay: number;
  l2_decay: number;
}

interface Trainer {
  train(x: Vol, label: number): { loss: number };
}

interface ConvNetJs {
  Vol: new (sx: number, sy: number, depth: number, fill?: number) => Vol;
  Net: new () => Net;
  Trainer: new (net: Net, options: TrainerOptions) => Trainer;
}

let lib: ConvNetJs | null = null;

function loaded(): ConvNetJs {
  if (lib === null) throw new Error('convnetjs: setup() has not run');
  return lib;
}

function isConvNetJs(value: unknown): value is ConvNetJs {
  const m = value as Partial<Record<keyof ConvNetJs, unknown>> | null;
  return (
    typeof m === 'object' &&
    m !== null &&
    typeof m.Vol === 'function' &&
    typeof m.Net === 'function' &&
    typeof m.Trainer === 'function'
  );
}

/** The seed net (SEED_NET) in convnetjs's layer definitions. */
function seedNet(c: ConvNetJs): Net {
  const { C, H, W, K, pad, F1, F2, pool, HIDDEN, CLASSES } = SEED_NET;
  const net = new c.Net();
  net.makeLayers([
    { type: 'input', out_sx: W, out_sy: H, out_depth: C },
    { type: 'conv', sx: K, filters: F1, stride: 1, pad, activation: 'relu' },
    { type: 'pool', sx: pool, stride: pool },
    { type: 'conv', sx: K, filters: F2, stride: 1, pad, activation: 'relu' },
    { type: 'pool', sx: pool, stride: pool },
    { type: 'fc', num_neurons: HIDDEN, activation: 'relu' },
    { type: 'softmax', num_classes: CLASSES },
  ]);
  return net;
}

/** The batch x:(N,C,H,W) from the harness's generator as N Vols, (H,W,C) each. */
function inputVols(c: ConvNetJs, n: NetCase): Vol[] {
  const { C, H, W } = SEED_NET;
  const x = randomFloat32(n.N * C * H * W, 1);
  const image = C * H * W;
  return Array.from({ length: n.N }, (_, i) => {
    const v = new c.Vol(W, H, C, 0);
    for (let ch = 0; ch < C; ch++) {
      for (let p = 0; p < H * W; p++) v.w[p * C + ch] = x[i * image + ch * H * W + p];
    }
    return v;
  });
}

function trainNet(c: ConvNetJs, n: NetCase): Preparation {
  const net = seedNet(c);
  const trainer = new c.Trainer(net, {
    method: 'sgd',
    learning_rate: SEED_NET.LR,
    batch_size: n.N,
    momentum: 0,
    l1_decay: 0,
    l2_decay: 0,
  });
  const vols = inputVols(c, n);
  const labels = randomLabels(n.N, SEED_NET.CLASSES, 5);
  return {
    run: () => {
      let loss = 0;
      for (let i = 0; i < n.N; i++) loss += trainer.train(vols[i], labels[i]).loss;
      if (!Number.isFinite(loss)) throw new Error(`training step gave a non-finite loss ${loss}`);
    },
    note: 'one image at a time',
  };
}

/** Forward in test mode, image by image; the class probabilities copied out. */
function inferNet(c: ConvNetJs, n: NetCase): Preparation {
  const net = seedNet(c);
  const vols = inputVols(c, n);
  const out = new Float64Array(n.N * SEED_NET.CLASSES);
  return {
    run: () => {
      for (let i = 0; i < n.N; i++) out.set(net.forward(vols[i], false).w, i * SEED_NET.CLASSES);
    },
    note: 'one image at a time',
  };
}

export const convnetjs: Contestant = {
  name: 'convnetjs',
  side: 'peer',
  probe: true,
  setup() {
    let mod: unknown;
    try {
      mod = createRequire(import.meta.url)('convnetjs');
    } catch (e) {
      throw new Unavailable(`convnetjs failed to load: ${errorMessage(e)}`);
    }
    if (!isConvNetJs(mod)) throw new Unavailable('convnetjs has no Vol, Net and Trainer');
    lib = mod;
    return Promise.resolve(
      `convnetjs ${packageVersion('convnetjs')}: plain JS, one image at a time, Float64, one thread`,
    );
  },
  threadCounts: () => [1],
  activate: () => Promise.resolve(),
  trainNet: (n) => trainNet(loaded(), n),
  inferNet: (n) => inferNet(loaded(), n),
};
