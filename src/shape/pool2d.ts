/**
 * Pooling geometry (max and average pooling, and global average pooling as one window the
 * size of the input). Output size along one axis is conv2d's without dilation:
 *
 *   OH = floor((H + 2*pad - KH) / stride) + 1
 */
import { convOutputSize } from './conv2d.js';
import { checkPair, formatPair, requireRank, type Pair } from './shape-error.js';
import type { Shape } from './shape.js';

export interface Pool2dOptions {
  kernelSize: Pair;
  /** Default: the kernel size (non-overlapping windows). */
  stride?: Pair;
  /** Default 0. Padding never wins a max and, for average pooling, see countIncludePad. */
  padding?: Pair;
}

/** Pool2dOptions checked, each pair as [height, width], the stride's default filled in. */
export interface Pool2dArgs {
  kernelSize: [number, number];
  stride: [number, number];
  padding: [number, number];
}

export interface Pool2dGeometry {
  N: number;
  C: number;
  H: number;
  W: number;
  KH: number;
  KW: number;
  strideH: number;
  strideW: number;
  padH: number;
  padW: number;
  OH: number;
  OW: number;
}

/**
 * The hyper-parameters of a pooling, checked whatever the input (RangeError): kernel and stride
 * integers >= 1, padding >= 0 and at most half the kernel (as in PyTorch), so that every window
 * holds a real input. The pool ops and the MaxPool2d and AvgPool2d layers all call this.
 */
export function pool2dArgs(
  { kernelSize, stride, padding = 0 }: Pool2dOptions,
  op: string,
): Pool2dArgs {
  const kernel = checkPair(kernelSize, 'kernelSize', op);
  const checkedStride = checkPair(stride ?? kernelSize, 'stride', op);
  const checkedPadding = checkPair(padding, 'padding', op, 0);
  if (2 * checkedPadding[0] > kernel[0] || 2 * checkedPadding[1] > kernel[1]) {
    throw new RangeError(
      `${op}: padding ${formatPair(checkedPadding)} must be at most half the kernel ${formatPair(kernel)}, or a window could hold only padding`,
    );
  }
  return { kernelSize: kernel, stride: checkedStride, padding: checkedPadding };
}

/** Geometry of max or average pooling. x:(N,C,H,W) -> y:(N,C,OH,OW). */
export function pool2dGeometry(
  xShape: Shape,
  options: Pool2dOptions,
  op = 'pool2d',
): Pool2dGeometry {
  requireRank(xShape, 4, 'input', op, '(N,C,H,W)');
  const [N, C, H, W] = xShape;
  const { kernelSize, stride, padding } = pool2dArgs(options, op);
  const [KH, KW] = kernelSize;
  const [strideH, strideW] = stride;
  const [padH, padW] = padding;
  const OH = convOutputSize(H, KH, strideH, padH, 1, 'height', op);
  const OW = convOutputSize(W, KW, strideW, padW, 1, 'width', op);
  return { N, C, H, W, KH, KW, strideH, strideW, padH, padW, OH, OW };
}

/** Global average pooling as one window the size of the input. x:(N,C,H,W) -> y:(N,C,1,1). */
export function globalAvgPool2dGeometry(xShape: Shape): Pool2dGeometry {
  const op = 'globalAvgPool2d';
  requireRank(xShape, 4, 'input', op, '(N,C,H,W)');
  return pool2dGeometry(xShape, { kernelSize: [xShape[2], xShape[3]] }, op);
}

/** The output shape (N,C,OH,OW), for printing a pipeline stage by stage. */
export function pool2dOutputShape(g: Pool2dGeometry): [number, number, number, number] {
  return [g.N, g.C, g.OH, g.OW];
}
