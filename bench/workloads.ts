/**
 * The workloads of issue 3, with their FLOP conventions:
 *
 *   SGEMM                 C(M,N) = A(M,K)·B(K,N)        flops = 2*M*N*K
 *   conv2d forward        y = conv(x, w) + b              flops = 2*N*F*OH*OW*(C/groups)*KH*KW
 *   conv2d forward+back   y, then dx, dw and db from dy   flops = 3 x forward (dx and dw each cost
 *                                                         one forward; the bias terms are ignored)
 *   max pool fwd+back     y, then dx from dy              no FLOPs: reported in ms only
 *
 * Every conv case has stride 1 and "same" padding, so OH = H and OW = W.
 */
import { conv2dGeometry, pool2dGeometry } from '../src/shape.js';
import type { Conv2dGeometry, Pool2dGeometry } from '../src/shape.js';

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

export type Workload =
  | { readonly kind: 'sgemm'; readonly M: number; readonly N: number; readonly K: number }
  | { readonly kind: 'conv2d-forward'; readonly conv: ConvCase }
  | { readonly kind: 'conv2d-forward-backward'; readonly conv: ConvCase }
  | { readonly kind: 'max-pool-forward-backward'; readonly pool: PoolCase };

/** The groups `--only` selects. */
export type WorkloadGroup = 'sgemm' | 'conv' | 'pool';

export const CONV_CASES: readonly ConvCase[] = [
  { id: 'a', N: 64, C: 1, H: 28, W: 28, F: 32, K: 3, pad: 1 },
  { id: 'b', N: 64, C: 32, H: 14, W: 14, F: 64, K: 3, pad: 1 },
  { id: 'c', N: 64, C: 3, H: 32, W: 32, F: 32, K: 5, pad: 2 },
];

export const POOL_CASE: PoolCase = { N: 64, C: 32, H: 28, W: 28, K: 2, stride: 2 };

export const SGEMM_SIZES: readonly number[] = [256, 512, 1024];

/** Every workload of the issue, in the order the table prints them. */
export function allWorkloads(): Workload[] {
  const list: Workload[] = SGEMM_SIZES.map((n) => ({ kind: 'sgemm', M: n, N: n, K: n }));
  for (const conv of CONV_CASES) list.push({ kind: 'conv2d-forward', conv });
  for (const conv of CONV_CASES) list.push({ kind: 'conv2d-forward-backward', conv });
  list.push({ kind: 'max-pool-forward-backward', pool: POOL_CASE });
  return list;
}

export function groupOf(w: Workload): WorkloadGroup {
  if (w.kind === 'sgemm') return 'sgemm';
  if (w.kind === 'max-pool-forward-backward') return 'pool';
  return 'conv';
}

/** Our geometry objects (src/shape.ts) for a case. */
export function convGeometry(c: ConvCase): Conv2dGeometry {
  return conv2dGeometry([c.N, c.C, c.H, c.W], [c.F, c.C, c.K, c.K], { padding: c.pad }, c.F);
}

export function poolGeometry(p: PoolCase): Pool2dGeometry {
  return pool2dGeometry([p.N, p.C, p.H, p.W], { kernelSize: p.K, stride: p.stride }, 'maxPool2d');
}

/** FLOPs of one run, by the conventions above; null where none are defined (pooling). */
export function flopsOf(w: Workload): number | null {
  switch (w.kind) {
    case 'sgemm':
      return 2 * w.M * w.N * w.K;
    case 'conv2d-forward':
      return convForwardFlops(w.conv);
    case 'conv2d-forward-backward':
      return 3 * convForwardFlops(w.conv);
    case 'max-pool-forward-backward':
      return null;
  }
}

export function convForwardFlops(c: ConvCase): number {
  const g = convGeometry(c);
  return 2 * g.N * g.F * g.OH * g.OW * (g.C / g.groups) * g.KH * g.KW;
}

/** A short label for tables: 'sgemm 512', 'conv fwd (b)', 'maxpool fwd+bwd'. */
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
  }
}

/** The batch size of a workload, or null when it has none (SGEMM). */
export function batchOf(w: Workload): number | null {
  if (w.kind === 'sgemm') return null;
  return w.kind === 'max-pool-forward-backward' ? w.pool.N : w.conv.N;
}

/** The same workload with batch size n (conv and pool only): used to probe slow contestants. */
export function withBatch(w: Workload, n: number): Workload {
  switch (w.kind) {
    case 'sgemm':
      return w;
    case 'conv2d-forward':
    case 'conv2d-forward-backward':
      return { kind: w.kind, conv: { ...w.conv, N: n } };
    case 'max-pool-forward-backward':
      return { kind: w.kind, pool: { ...w.pool, N: n } };
  }
}
