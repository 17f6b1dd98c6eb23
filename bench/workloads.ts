/**
 * The workloads of issue 3, with their FLOP conventions:
 *
 *   SGEMM                 C(M,N) = A(M,K)·B(K,N)        flops = 2*M*N*K
 *   conv2d forward        y = conv(x, w) + b              flops = 2*N*F*OH*OW*(C/groups)*KH*KW
 *   conv2d forward+back   y, then dx, dw and db from dy   flops = 3 x forward (dx and dw each cost
 *                                                         one forward; the bias terms are ignored)
 *   max pool fwd+back     y, then dx from dy              no FLOPs: reported in ms only
 *   seed net train        forward, loss, backward, SGD    no FLOPs: images/s and ms per step
 *   seed net infer        forward (eval, no graph)        no FLOPs: images/s and ms per batch
 *   fit step              a preset trained as fit runs    no FLOPs: images/s and ms per step
 *                         it: next DataLoader batch, the library's training step, Adam
 *
 * Every conv case has stride 1 and "same" padding, so OH = H and OW = W. The network workloads
 * (issue 5) run the seed net of src/nn/presets.ts, described once in SEED_NET below so that
 * every contestant builds the same layers.
 */
import { conv2dGeometry } from '../src/shape/conv2d.js';
import { pool2dGeometry } from '../src/shape/pool2d.js';
import type { Conv2dGeometry } from '../src/shape/conv2d.js';
import type { Pool2dGeometry } from '../src/shape/pool2d.js';

/** x:(N,C,H,W) w:(F,C,K,K) b:(F), stride 1, zero padding `pad` on every side. */
export interface ConvCase {
  /** 'a', 'b' or 'c', as in issue 3. */
  readonly id: string;
  readonly N: number;
  readonly C: number;
  readonly H: number;
  readonly W: number;
  readonly F: number;
  readonly K: number;
  readonly pad: number;
}

/** x:(N,C,H,W), max pool with a KxK window and the given stride, no padding. */
export interface PoolCase {
  readonly N: number;
  readonly C: number;
  readonly H: number;
  readonly W: number;
  readonly K: number;
  readonly stride: number;
}

/** The seed net on a batch of N images (SEED_NET gives its layers). */
export interface NetCase {
  readonly N: number;
}

/**
 * The seed net (src/nn/presets.ts), x:(N,C,H,W) with C=1, 28x28, 10 classes:
 *
 *   conv KxK C->F1 pad P, ReLU, maxpool 2 -> (N,F1,14,14)
 *   conv KxK F1->F2 pad P, ReLU, maxpool 2 -> (N,F2,7,7)
 *   flatten -> (N,F2*7*7 = 3136), linear -> HIDDEN, ReLU, linear -> CLASSES
 *   softmax cross-entropy (mean over the batch) when training
 *
 * Training updates every parameter with SGD, learning rate LR, no momentum, no weight decay:
 * the simplest optimizer every library has in the same form.
 */
export const SEED_NET = {
  C: 1,
  H: 28,
  W: 28,
  K: 3,
  pad: 1,
  F1: 32,
  F2: 64,
  pool: 2,
  HIDDEN: 128,
  CLASSES: 10,
  LR: 0.01,
} as const;

/** Inputs of the first linear layer: F2 channels of (H/4)x(W/4) after the two 2x2 pools. */
export const SEED_NET_FLAT =
  SEED_NET.F2 * (SEED_NET.H / SEED_NET.pool ** 2) * (SEED_NET.W / SEED_NET.pool ** 2);

/**
 * The path users run (issue 16): a preset of src/nn/presets.ts trained as `fit` and
 * `convnet train` train it: a DataLoader over IMAGES random 28x28x1 images (shuffled, batch N,
 * normalised with FIT_NORMALIZE), each run the next batch and one training step with Adam
 * (lr FIT_LR): zero the gradients, forward, cross-entropy, backward, update.
 */
export interface FitCase {
  readonly preset: 'seed-net' | 'fashion-net';
  readonly N: number;
  /** Images in the dataset the loader serves (a new shuffled epoch when they run out). */
  readonly images: number;
}

export const FIT_LR = 1e-3;
export const FIT_NORMALIZE = { mean: [0.5], std: [0.25] } as const;
export const FIT_CASES: readonly FitCase[] = [
  { preset: 'seed-net', N: 64, images: 6400 },
  { preset: 'fashion-net', N: 64, images: 6400 },
];

export type Workload =
  | { readonly kind: 'sgemm'; readonly M: number; readonly N: number; readonly K: number }
  | { readonly kind: 'conv2d-forward'; readonly conv: ConvCase }
  | { readonly kind: 'conv2d-forward-backward'; readonly conv: ConvCase }
  | { readonly kind: 'max-pool-forward-backward'; readonly pool: PoolCase }
  | { readonly kind: 'net-train'; readonly net: NetCase }
  | { readonly kind: 'net-infer'; readonly net: NetCase }
  | { readonly kind: 'fit-step'; readonly fit: FitCase };

/** The groups `--only` selects. */
export type WorkloadGroup = 'sgemm' | 'conv' | 'pool' | 'net' | 'fit';

export const CONV_CASES: readonly ConvCase[] = [
  { id: 'a', N: 64, C: 1, H: 28, W: 28, F: 32, K: 3, pad: 1 },
  { id: 'b', N: 64, C: 32, H: 14, W: 14, F: 64, K: 3, pad: 1 },
  { id: 'c', N: 64, C: 3, H: 32, W: 32, F: 32, K: 5, pad: 2 },
];

export const POOL_CASE: PoolCase = { N: 64, C: 32, H: 28, W: 28, K: 2, stride: 2 };

export const SGEMM_SIZES: readonly number[] = [256, 512, 1024];

/** Training batch; inference batches (1: the latency of one image). */
export const TRAIN_BATCH = 64;
export const INFER_BATCHES: readonly number[] = [64, 1];

/** Every workload of the issue, in the order the table prints them. */
export function allWorkloads(): Workload[] {
  const list: Workload[] = SGEMM_SIZES.map((n) => ({ kind: 'sgemm', M: n, N: n, K: n }));
  for (const conv of CONV_CASES) list.push({ kind: 'conv2d-forward', conv });
  for (const conv of CONV_CASES) list.push({ kind: 'conv2d-forward-backward', conv });
  list.push({ kind: 'max-pool-forward-backward', pool: POOL_CASE });
  list.push({ kind: 'net-train', net: { N: TRAIN_BATCH } });
  for (const N of INFER_BATCHES) list.push({ kind: 'net-infer', net: { N } });
  for (const fit of FIT_CASES) list.push({ kind: 'fit-step', fit });
  return list;
}

export function groupOf(w: Workload): WorkloadGroup {
  switch (w.kind) {
    case 'sgemm':
      return 'sgemm';
    case 'conv2d-forward':
    case 'conv2d-forward-backward':
      return 'conv';
    case 'max-pool-forward-backward':
      return 'pool';
    case 'net-train':
    case 'net-infer':
      return 'net';
    case 'fit-step':
      return 'fit';
  }
}

/** Our geometry objects (src/shape.ts) for a case. */
export function convGeometry(c: ConvCase): Conv2dGeometry {
  return conv2dGeometry([c.N, c.C, c.H, c.W], [c.F, c.C, c.K, c.K], { padding: c.pad }, c.F);
}

export function poolGeometry(p: PoolCase): Pool2dGeometry {
  return pool2dGeometry([p.N, p.C, p.H, p.W], { kernelSize: p.K, stride: p.stride }, 'maxPool2d');
}

/** FLOPs of one run, by the conventions above; null where none are defined (pooling, nets). */
export function flopsOf(w: Workload): number | null {
  switch (w.kind) {
    case 'sgemm':
      return 2 * w.M * w.N * w.K;
    case 'conv2d-forward':
      return convForwardFlops(w.conv);
    case 'conv2d-forward-backward':
      return 3 * convForwardFlops(w.conv);
    case 'max-pool-forward-backward':
    case 'net-train':
    case 'net-infer':
    case 'fit-step':
      return null;
  }
}

export function convForwardFlops(c: ConvCase): number {
  const g = convGeometry(c);
  return 2 * g.N * g.F * g.OH * g.OW * (g.C / g.groups) * g.KH * g.KW;
}

/** A short label for tables: 'sgemm 512', 'conv fwd (b)', 'maxpool fwd+bwd', 'train seed-net b64'. */
export function labelOf(w: Workload): string {
  switch (w.kind) {
    case 'sgemm':
      return w.M === w.N && w.N === w.K ? `sgemm ${w.M}` : `sgemm ${w.M}x${w.N}x${w.K}`;
    case 'conv2d-forward':
      return `conv fwd (${w.conv.id})`;
    case 'conv2d-forward-backward':
      return `conv fwd+bwd (${w.conv.id})`;
    case 'max-pool-forward-backward':
      return 'maxpool fwd+bwd';
    case 'net-train':
      return `train seed-net b${w.net.N}`;
    case 'net-infer':
      return `infer seed-net b${w.net.N}`;
    case 'fit-step':
      return `fit ${w.fit.preset} b${w.fit.N}`;
  }
}

/** The shapes in words, for the table's legend and the JSON. */
export function describe(w: Workload): string {
  switch (w.kind) {
    case 'sgemm':
      return `C(${w.M},${w.N}) = A(${w.M},${w.K})·B(${w.K},${w.N}), float32, row-major`;
    case 'conv2d-forward':
    case 'conv2d-forward-backward': {
      const c = w.conv;
      return `N=${c.N} C=${c.C} ${c.H}x${c.W} F=${c.F} ${c.K}x${c.K} pad ${c.pad} stride 1`;
    }
    case 'max-pool-forward-backward': {
      const p = w.pool;
      return `N=${p.N} C=${p.C} ${p.H}x${p.W}, ${p.K}x${p.K} window, stride ${p.stride}`;
    }
    case 'net-train':
      return `seed net, N=${w.net.N} ${seedNetInput()}: forward, cross-entropy, backward, SGD lr ${SEED_NET.LR}`;
    case 'net-infer':
      return `seed net, N=${w.net.N} ${seedNetInput()}: forward only (eval, no graph), logits in JS memory`;
    case 'fit-step':
      return `${w.fit.preset} preset, N=${w.fit.N} ${seedNetInput()}: next DataLoader batch (${w.fit.images} images, shuffled, normalised), training step, Adam lr ${FIT_LR}`;
  }
}

function seedNetInput(): string {
  const { C, H, W } = SEED_NET;
  return `${H}x${W}x${C}`;
}

/** The batch size of a workload, or null when it has none (SGEMM). */
export function batchOf(w: Workload): number | null {
  switch (w.kind) {
    case 'sgemm':
      return null;
    case 'conv2d-forward':
    case 'conv2d-forward-backward':
      return w.conv.N;
    case 'max-pool-forward-backward':
      return w.pool.N;
    case 'net-train':
    case 'net-infer':
      return w.net.N;
    case 'fit-step':
      return w.fit.N;
  }
}

/** Images a network workload processes per run (its batch), or null for the kernel workloads. */
export function imagesOf(w: Workload): number | null {
  if (w.kind === 'fit-step') return w.fit.N;
  return w.kind === 'net-train' || w.kind === 'net-infer' ? w.net.N : null;
}

/** The same workload with batch size n (all but SGEMM): used to probe slow contestants. */
export function withBatch(w: Workload, n: number): Workload {
  switch (w.kind) {
    case 'sgemm':
      return w;
    case 'conv2d-forward':
    case 'conv2d-forward-backward':
      return { kind: w.kind, conv: { ...w.conv, N: n } };
    case 'max-pool-forward-backward':
      return { kind: w.kind, pool: { ...w.pool, N: n } };
    case 'net-train':
    case 'net-infer':
      return { kind: w.kind, net: { N: n } };
    case 'fit-step':
      return { kind: w.kind, fit: { ...w.fit, N: n } };
  }
}
