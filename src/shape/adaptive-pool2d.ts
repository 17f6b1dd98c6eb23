/**
 * Adaptive pooling geometry (PyTorch's AdaptiveAvgPool2d): the output size is given and each
 * output pixel pools its own window. Along one axis, output index i covers the input rows
 *
 *   start(i) = floor(i * H / OH),   end(i) = ceil((i + 1) * H / OH)      (end exclusive)
 *
 * so the windows tile the input, overlapping by at most one row when OH does not divide H.
 * x:(N,C,H,W) -> y:(N,C,OH,OW).
 */
import { checkPair, requireRank, type Pair } from './shape-error.js';
import type { Shape } from './shape.js';

export interface AdaptivePool2dGeometry {
  N: number;
  C: number;
  H: number;
  W: number;
  OH: number;
  OW: number;
}

/** The output size (OH, OW), integers >= 1 (RangeError); the op and the layer both call this. */
export function adaptivePool2dSize(outputSize: Pair, op: string): [number, number] {
  return checkPair(outputSize, 'outputSize', op);
}

export function adaptivePool2dGeometry(
  xShape: Shape,
  outputSize: Pair,
  op = 'adaptiveAvgPool2d',
): AdaptivePool2dGeometry {
  requireRank(xShape, 4, 'input', op, '(N,C,H,W)');
  const [N, C, H, W] = xShape;
  const [OH, OW] = adaptivePool2dSize(outputSize, op);
  return { N, C, H, W, OH, OW };
}

/** The input range [start, end) that adaptive pooling output index i covers along one axis. */
export function adaptiveWindow(i: number, size: number, outSize: number): [number, number] {
  return [Math.floor((i * size) / outSize), Math.ceil(((i + 1) * size) / outSize)];
}
