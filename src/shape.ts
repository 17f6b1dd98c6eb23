/**
 * Conv and pool geometry: the one place where output sizes are computed and impossible shapes
 * are rejected. Every kernel takes a geometry object made here, so no kernel ever guesses a size.
 *
 * Output size along one axis (the seed's formula, generalised by dilation):
 *
 *   OH = floor((H + 2*pad - dilation*(KH-1) - 1) / stride) + 1
 *
 * which is the seed's floor((H - HH + 2*pad) / stride) + 1 when dilation = 1.
 */
import { formatShape, type Shape } from './tensor.js';

/** Thrown for any impossible geometry; the message names the offending numbers. */
export class ShapeError extends RangeError {
  override name = 'ShapeError';
}

/** A value given once for both axes, or as [height, width]. */
export type Pair = number | readonly [number, number];

export interface Conv2dOptions {
  /** Step between windows; default 1. */
  stride?: Pair;
  /** Zeros added on each side; default 0. */
  padding?: Pair;
  /** Spacing between kernel taps; default 1. */
  dilation?: Pair;
  /** Channel groups: input and filters split into `groups` independent convolutions; default 1. groups = C gives depthwise. */
  groups?: number;
}

/** Everything a conv2d kernel needs, with output sizes already checked. */
export interface Conv2dGeometry {
  N: number;
  C: number;
  H: number;
  W: number;
  F: number;
  KH: number;
  KW: number;
  strideH: number;
  strideW: number;
  padH: number;
  padW: number;
  dilationH: number;
  dilationW: number;
  groups: number;
  OH: number;
  OW: number;
}

export interface Pool2dOptions {
  kernelSize: Pair;
  /** Default: the kernel size (non-overlapping windows). */
  stride?: Pair;
  /** Default 0. Padding never wins a max and, for average pooling, see countIncludePad. */
  padding?: Pair;
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

/** x:(N,IN) w:(OUT,IN) -> y:(N,OUT) */
export interface LinearGeometry {
  N: number;
  IN: number;
  OUT: number;
}

/** logits:(N,K) labels:(N) */
export interface ClassificationGeometry {
  N: number;
  K: number;
}

function pair(value: Pair, what: string, op: string): [number, number] {
  const [a, b] = typeof value === 'number' ? [value, value] : value;
  if (!Number.isInteger(a) || !Number.isInteger(b)) {
    throw new ShapeError(`${op}: ${what} must be integers, got ${String(value)}`);
  }
  return [a, b];
}

function requireRank(shape: Shape, rank: number, what: string, op: string, letters: string): void {
  if (shape.length !== rank) {
    throw new ShapeError(
      `${op}: ${what} must have ${rank} dimensions ${letters}, got shape ${formatShape(shape)}`,
    );
  }
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 1) {
      throw new ShapeError(
        `${op}: ${what} shape ${formatShape(shape)} must have positive integer sizes`,
      );
    }
  }
}

/**
 * Output size along one axis: floor((size + 2*pad - dilation*(kernel-1) - 1) / stride) + 1.
 * Throws a ShapeError naming the numbers when the (dilated) kernel does not fit the padded input.
 */
export function convOutputSize(
  size: number,
  kernel: number,
  stride: number,
  pad: number,
  dilation = 1,
  axis = 'height',
  op = 'conv2d',
): number {
  if (!Number.isInteger(stride) || stride < 1) {
    throw new ShapeError(`${op}: stride must be an integer >= 1, got ${stride} (${axis})`);
  }
  if (!Number.isInteger(pad) || pad < 0) {
    throw new ShapeError(`${op}: padding must be an integer >= 0, got ${pad} (${axis})`);
  }
  if (!Number.isInteger(dilation) || dilation < 1) {
    throw new ShapeError(`${op}: dilation must be an integer >= 1, got ${dilation} (${axis})`);
  }
  if (!Number.isInteger(kernel) || kernel < 1) {
    throw new ShapeError(`${op}: kernel ${axis} must be an integer >= 1, got ${kernel}`);
  }
  const extent = dilation * (kernel - 1) + 1;
  const padded = size + 2 * pad;
  if (extent > padded) {
    const dilated = dilation > 1 ? ` (dilated extent ${extent})` : '';
    throw new ShapeError(
      `${op}: kernel ${axis} ${kernel}${dilated} is larger than the padded input ${axis} ${padded} (${size} + 2*${pad})`,
    );
  }
  return Math.floor((padded - extent) / stride) + 1;
}

/**
 * Geometry of a convolution. x:(N,C,H,W) w:(F,C/groups,KH,KW) b:(F) -> y:(N,F,OH,OW).
 * Pass biasLength (or null for no bias) to check the bias against the number of filters.
 */
export function conv2dGeometry(
  xShape: Shape,
  wShape: Shape,
  options: Conv2dOptions = {},
  biasLength: number | null = null,
): Conv2dGeometry {
  const op = 'conv2d';
  requireRank(xShape, 4, 'input', op, '(N,C,H,W)');
  requireRank(wShape, 4, 'weight', op, '(F,C/groups,KH,KW)');
  const { stride = 1, padding = 0, dilation = 1, groups = 1 } = options;
  const [N, C, H, W] = xShape;
  const [F, CG, KH, KW] = wShape;
  if (!Number.isInteger(groups) || groups < 1) {
    throw new ShapeError(`${op}: groups must be an integer >= 1, got ${groups}`);
  }
  if (C !== CG * groups) {
    const expected = groups === 1 ? `${CG}` : `${CG * groups} (${CG} per group x ${groups} groups)`;
    throw new ShapeError(`${op}: input has ${C} channels, conv weight expects ${expected}`);
  }
  if (F % groups !== 0) {
    throw new ShapeError(`${op}: ${F} filters cannot be split into ${groups} groups`);
  }
  if (biasLength !== null && biasLength !== F) {
    throw new ShapeError(`${op}: bias has length ${biasLength}, but there are ${F} filters`);
  }
  const [strideH, strideW] = pair(stride, 'stride', op);
  const [padH, padW] = pair(padding, 'padding', op);
  const [dilationH, dilationW] = pair(dilation, 'dilation', op);
  const OH = convOutputSize(H, KH, strideH, padH, dilationH, 'height', op);
  const OW = convOutputSize(W, KW, strideW, padW, dilationW, 'width', op);
  return {
    N,
    C,
    H,
    W,
    F,
    KH,
    KW,
    strideH,
    strideW,
    padH,
    padW,
    dilationH,
    dilationW,
    groups,
    OH,
    OW,
  };
}

/**
 * Geometry of max or average pooling. x:(N,C,H,W) -> y:(N,C,OH,OW).
 * Padding may be at most half the kernel (as in PyTorch), so every window holds a real input.
 */
export function pool2dGeometry(
  xShape: Shape,
  options: Pool2dOptions,
  op = 'pool2d',
): Pool2dGeometry {
  requireRank(xShape, 4, 'input', op, '(N,C,H,W)');
  const [N, C, H, W] = xShape;
  const [KH, KW] = pair(options.kernelSize, 'kernel size', op);
  const [strideH, strideW] = pair(options.stride ?? options.kernelSize, 'stride', op);
  const [padH, padW] = pair(options.padding ?? 0, 'padding', op);
  const OH = convOutputSize(H, KH, strideH, padH, 1, 'height', op);
  const OW = convOutputSize(W, KW, strideW, padW, 1, 'width', op);
  if (2 * padH > KH || 2 * padW > KW) {
    throw new ShapeError(
      `${op}: padding (${padH},${padW}) must be at most half the kernel (${KH},${KW}), or a window could hold only padding`,
    );
  }
  return { N, C, H, W, KH, KW, strideH, strideW, padH, padW, OH, OW };
}

/** Geometry of a fully connected layer. x:(N,IN) w:(OUT,IN) b:(OUT) -> y:(N,OUT). */
export function linearGeometry(
  xShape: Shape,
  wShape: Shape,
  biasLength: number | null = null,
): LinearGeometry {
  const op = 'linear';
  requireRank(xShape, 2, 'input', op, '(N,IN)');
  requireRank(wShape, 2, 'weight', op, '(OUT,IN)');
  const [N, IN] = xShape;
  const [OUT, WIN] = wShape;
  if (IN !== WIN) {
    throw new ShapeError(
      `${op}: input has ${IN} features, weight ${formatShape(wShape)} expects ${WIN}`,
    );
  }
  if (biasLength !== null && biasLength !== OUT) {
    throw new ShapeError(`${op}: bias has length ${biasLength}, but the layer has ${OUT} outputs`);
  }
  return { N, IN, OUT };
}

/** Geometry of a classification loss. logits:(N,K) labels:(N). */
export function classificationGeometry(
  logitsShape: Shape,
  labelCount: number,
): ClassificationGeometry {
  const op = 'softmaxCrossEntropy';
  requireRank(logitsShape, 2, 'logits', op, '(N,K)');
  const [N, K] = logitsShape;
  if (labelCount !== N) {
    throw new ShapeError(`${op}: ${labelCount} labels for a batch of ${N} logit rows`);
  }
  return { N, K };
}

/** Output shapes, for printing a pipeline stage by stage. */
export function conv2dOutputShape(g: Conv2dGeometry): [number, number, number, number] {
  return [g.N, g.F, g.OH, g.OW];
}

export function pool2dOutputShape(g: Pool2dGeometry): [number, number, number, number] {
  return [g.N, g.C, g.OH, g.OW];
}
