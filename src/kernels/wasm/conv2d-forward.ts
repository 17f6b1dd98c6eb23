/**
 * The forward convolution of the fast conv2d kernels: im2col + SIMD GEMM (assembly/conv2d.ts),
 * Winograd F(m,3) (assembly/winograd.ts; F(5,3) across images, winograd5.ts) or direct for few
 * input channels (assembly/conv2d-direct.ts), as conv2d-path.ts chooses, ending with an epilogue
 * on each thread's block of output while it is in cache (assembly/lib/relu-pool.ts).
 * conv2dForward (conv2d.ts) runs it with none, conv2dReluPoolForward (conv2d-relu-pool.ts) with
 * ReLU or ReLU and pooling.
 */
import type { Conv2dGeometry } from '../../shape/conv2d.js';
import type { FloatArray } from '../../tensor.js';
import { conv2dPath, lanesAcrossImages, winogradTile, type WinogradTile } from './conv2d-path.js';
import { CONV2D_RECORD, recordValues } from './geometry-records.js';
import type { Marshal } from './marshal.js';

/**
 * What a forward convolution does after y = s * conv(x, w) + b (assembly/lib/relu-pool.ts): nothing,
 * ReLU (in y), or ReLU and 2x2 stride-2 max pooling into z (y then unused).
 */
export const EPILOGUE = { none: 0, relu: 1, reluPool: 2 } as const;
export type Epilogue = (typeof EPILOGUE)[keyof typeof EPILOGUE];

/**
 * Pointers of a forward convolution y = s * conv(x, w) + b per filter: y, x, w, b and s (0:
 * none), z (0 unless pooling).
 */
export interface ConvPointers {
  y: number;
  x: number;
  w: number;
  b: number;
  s: number;
  z: number;
}

/**
 * y = s * conv(x, w) + b by Winograd, then the epilogue; with `transposed`, w is read as (C, F, 3, 3)
 * and flipped. With `weights` (w's array), the transformed filters are kept for the next call
 * with the same weights (weight-cache.ts).
 */
export function winograd(
  m: Marshal,
  tile: WinogradTile,
  p: ConvPointers,
  g: Conv2dGeometry,
  transposed: boolean,
  epilogue: Epilogue,
  weights: FloatArray | null = null,
): void {
  const geometry = m.int32(recordValues(CONV2D_RECORD, g));
  let u = weights === null ? 0 : m.derived.find(m, weights, p.w, `winograd${tile}`);
  if (u === 0) {
    const uBytes = m.call('winogradFilterBytes', geometry, tile);
    u = m.block(uBytes);
    const [filterScratch, filterStride] = m.scratch(m.call('winogradFilterScratchBytes'));
    const filterArgs = [geometry, tile, transposed ? 1 : 0, u, p.w, filterScratch, filterStride];
    m.run('winogradFilters', filterArgs);
    if (weights !== null) m.derived.keep(m, weights, `winograd${tile}`, u, uBytes);
  }
  if (lanesAcrossImages(tile)) {
    // Lanes across images (assembly/winograd5.ts): blocks of tile rows of 8 images.
    const bytes = m.call('winograd5ScratchBytes', geometry, tile, epilogue);
    const [scratch, stride] = m.scratch(bytes);
    const args = [
      geometry,
      tile,
      p.y,
      p.x,
      u,
      p.b,
      p.s,
      epilogue,
      p.z,
      m.counter(),
      scratch,
      stride,
    ];
    const items = m.call('winograd5WorkItems', geometry, tile, epilogue);
    m.run('winograd5Forward', args, Infinity, items);
    return;
  }
  const bytes = m.call('winogradScratchBytes', geometry, tile, epilogue);
  const [scratch, stride] = m.scratch(bytes);
  const args = [geometry, tile, p.y, p.x, u, p.b, p.s, epilogue, p.z, m.counter(), scratch, stride];
  // Threads share (block, filter group) items (assembly/winograd.ts): no more threads than items.
  const items = m.call('winogradWorkItems', geometry, tile, m.threads);
  m.run('winogradForward', args, Infinity, items);
}

/**
 * The forward, by the path conv2d-path.ts chooses, then the epilogue; with `weights`, Winograd
 * keeps the transformed filters for the next call (inference).
 */
export function conv2dInto(
  m: Marshal,
  p: ConvPointers,
  g: Conv2dGeometry,
  epilogue: Epilogue,
  weights: FloatArray | null = null,
): void {
  const path = conv2dPath(g, weights !== null);
  if (path === 'direct') {
    const geometry = m.int32(recordValues(CONV2D_RECORD, g));
    const [scratch, stride] = m.scratch(m.call('conv2dDirectScratchBytes', geometry, epilogue));
    const args = [geometry, p.y, p.x, p.w, p.b, p.s, epilogue, p.z, m.counter(), scratch, stride];
    m.run('conv2dDirectForward', args, g.N * g.F * g.OH * g.OW * g.C * g.KH * g.KW);
    return;
  }
  if (path !== 'im2col') {
    winograd(m, winogradTile(path), p, g, false, epilogue, weights);
    return;
  }
  const geometry = m.int32(recordValues(CONV2D_RECORD, g));
  const [scratch, stride] = m.scratch(m.call('conv2dScratchBytes', geometry, epilogue));
  const args = [geometry, p.y, p.x, p.w, p.b, p.s, epilogue, p.z, scratch, stride];
  const work = g.N * g.F * g.OH * g.OW * (g.C / g.groups) * g.KH * g.KW; // multiply-adds
  m.run('conv2dForward', args, work);
}
