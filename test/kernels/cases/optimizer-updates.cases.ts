/**
 * Optimizer updates (sgdUpdate, adamUpdate): the fast kernels compute in float64 lanes with the
 * reference's operations in its order, so they are compared bitwise (exact) with the reference
 * run on the same float32 arrays. Lengths around the 2- and 4-element groups, and ones above
 * the single-thread limit (src/kernels/wasm/small-work.ts) that do not divide among threads;
 * every option: momentum or none, first buffer update, dampening, Nesterov, weight decay; Adam
 * and AdamW, AMSGrad, steps 1 and 7.
 */
import type { AdamUpdateOptions } from '../../../src/kernels/reference/adam-update.js';
import type { SgdUpdateOptions } from '../../../src/kernels/reference/sgd-update.js';
import { SMALL_ELEMENTWISE } from '../../../src/kernels/wasm/small-work.js';
import { kernelCase, seeded, values, type KernelCase } from './case.js';

const LENGTHS = [1, 2, 3, 5, 8, 1001, SMALL_ELEMENTWISE + 3, 3 * SMALL_ELEMENTWISE + 1];

const SGD: [string, SgdUpdateOptions][] = [
  ['plain', { lr: 0.1, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, first: false }],
  [
    'momentum, first update, weight decay',
    { lr: 0.05, momentum: 0.9, dampening: 0, weightDecay: 1e-4, nesterov: false, first: true },
  ],
  [
    'momentum, dampening',
    { lr: 0.05, momentum: 0.9, dampening: 0.1, weightDecay: 0, nesterov: false, first: false },
  ],
  [
    'nesterov, weight decay',
    { lr: 0.01, momentum: 0.8, dampening: 0, weightDecay: 5e-3, nesterov: true, first: false },
  ],
];

function sgdCases(n: number): KernelCase[] {
  return SGD.map(([label, options]) =>
    kernelCase(
      'sgdUpdate',
      `${label}, ${n} elements`,
      () => {
        const rng = seeded(n);
        const p = values(rng, n);
        const grad = values(rng, n, 0.1);
        const buffer = options.momentum === 0 ? null : values(rng, n, 0.05);
        return [p, buffer, grad, options];
      },
      { exact: true },
    ),
  );
}

const ADAM_BASE = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8 };

const ADAM: [string, AdamUpdateOptions, boolean][] = [
  ['Adam, step 1', { ...ADAM_BASE, weightDecay: 0, decoupled: false, step: 1 }, false],
  [
    'Adam, L2 weight decay, step 7',
    { ...ADAM_BASE, weightDecay: 0.01, decoupled: false, step: 7 },
    false,
  ],
  ['AdamW, step 7', { ...ADAM_BASE, weightDecay: 0.05, decoupled: true, step: 7 }, false],
  [
    'AdamW, AMSGrad, step 3',
    { ...ADAM_BASE, lr: 3e-3, weightDecay: 0.01, decoupled: true, step: 3 },
    true,
  ],
  [
    'Adam, AMSGrad, betas (0.5, 0.9), step 2',
    { ...ADAM_BASE, beta1: 0.5, beta2: 0.9, weightDecay: 0, decoupled: false, step: 2 },
    true,
  ],
];

function adamCases(n: number): KernelCase[] {
  return ADAM.map(([label, options, amsgrad]) =>
    kernelCase(
      'adamUpdate',
      `${label}, ${n} elements`,
      () => {
        const rng = seeded(n);
        const p = values(rng, n);
        const grad = values(rng, n, 0.1);
        const m = values(rng, n, 0.01);
        // v >= 0, and some elements of vmax above v, some below.
        const v = values(rng, n, 1e-4).map(Math.abs);
        const vmax = amsgrad ? values(rng, n, 1e-4).map(Math.abs) : null;
        if (options.step === 1) {
          m.fill(0);
          v.fill(0);
          vmax?.fill(0);
        }
        return [p, m, v, vmax, grad, options];
      },
      { exact: true },
    ),
  );
}

export const cases: KernelCase[] = LENGTHS.flatMap((n) => [...sgdCases(n), ...adamCases(n)]);
