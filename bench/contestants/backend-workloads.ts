/**
 * Conv and pool workloads for anything that implements our `Backend` interface (the reference
 * backend, the fast WebAssembly backend): plain Float32Arrays, inputs made once, outputs
 * overwritten on every run.
 */
import type { Backend } from '../../src/kernels/backend.js';
import type { LinearGeometry } from '../../src/shape.js';
import { convGeometry, poolGeometry } from '../workloads.js';
import type { ConvCase, PoolCase } from '../workloads.js';
import { randomFloat32, type Prepared } from './contestant.js';

/** x:(N,C,H,W) w:(F,C,K,K) b:(F) -> y:(N,F,OH,OW); conv2dForward. */
export function backendConvForward(backend: Backend, c: ConvCase): Prepared {
  const g = convGeometry(c);
  const x = randomFloat32(g.N * g.C * g.H * g.W, 1);
  const w = randomFloat32(g.F * g.C * g.KH * g.KW, 2);
  const b = randomFloat32(g.F, 3);
  const y = new Float32Array(g.N * g.F * g.OH * g.OW);
  return { run: () => backend.conv2dForward(y, x, w, b, g) };
}

/** conv2dForward, then dx, dw, db from a fixed dy:(N,F,OH,OW) in one conv2dBackward call (as the conv2d op does). */
export function backendConvForwardBackward(backend: Backend, c: ConvCase): Prepared {
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
      backend.conv2dForward(y, x, w, b, g);
      backend.conv2dBackward(dx, dw, db, dy, x, w, g);
    },
  };
}

/** maxPool2dForward, then maxPool2dBackward from a fixed dy:(N,C,OH,OW). */
export function backendMaxPoolForwardBackward(backend: Backend, p: PoolCase): Prepared {
  const g = poolGeometry(p);
  const x = randomFloat32(g.N * g.C * g.H * g.W, 1);
  const dy = randomFloat32(g.N * g.C * g.OH * g.OW, 4);
  const y = new Float32Array(dy.length);
  const dx = new Float32Array(x.length);
  return {
    run: () => {
      backend.maxPool2dForward(y, x, g);
      backend.maxPool2dBackward(dx, dy, x, g);
    },
  };
}

/**
 * SGEMM through the fully connected layer: linearForward computes y(M,N) = x(M,K)·w(N,K)ᵀ, so B is
 * stored transposed, (N,K). Same FLOPs as C = A·B.
 */
export function backendLinearSgemm(backend: Backend, M: number, N: number, K: number): Prepared {
  const g: LinearGeometry = { N: M, IN: K, OUT: N };
  const a = randomFloat32(M * K, 1);
  const bT = randomFloat32(N * K, 2);
  const c = new Float32Array(M * N);
  return {
    run: () => backend.linearForward(c, a, bT, null, g),
    note: 'A·Bᵀ via linearForward',
  };
}
