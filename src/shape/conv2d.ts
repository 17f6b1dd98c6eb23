/**
 * Convolution geometry: output sizes and the checks every conv kernel relies on, so that no
 * kernel ever guesses a size. Output size along one axis (the seed's formula, generalised by
 * dilation):
 *
 *   OH = floor((H + 2*pad - dilation*(KH-1) - 1) / stride) + 1
 *
 * which is the seed's floor((H - HH + 2*pad) / stride) + 1 when dilation = 1.
 */
import { checkInteger, checkPair, requireRank, ShapeError, type Pair } from './shape-error.js';
import type { Shape } from './shape.js';

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

/** Conv2dOptions checked, each pair as [height, width]. */
export interface Conv2dArgs {
  stride: [number, number];
  padding: [number, number];
  dilation: [number, number];
  groups: number;
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

/**
 * The hyper-parameters of a convolution, checked whatever the input (RangeError): stride and
 * dilation integers >= 1, padding >= 0, groups an integer >= 1. The conv ops and the Conv2d and
 * ConvTranspose2d layers all call this, `op` naming the caller.
 */
export function conv2dArgs(
  { stride = 1, padding = 0, dilation = 1, groups = 1 }: Conv2dOptions,
  op: string,
): Conv2dArgs {
  return {
    stride: checkPair(stride, 'stride', op),
    padding: checkPair(padding, 'padding', op, 0),
    dilation: checkPair(dilation, 'dilation', op),
    groups: checkInteger(groups, 'groups', op),
  };
}

/** ShapeError unless both channel counts split into `groups` (conv and transposed conv alike). */
export function checkGroups(
  inChannels: number,
  outChannels: number,
  groups: number,
  op: string,
): void {
  for (const [count, what] of [
    [inChannels, 'input channels'],
    [outChannels, 'output channels'],
  ] as const) {
    if (count % groups !== 0) {
      throw new ShapeError(`${op}: ${count} ${what} cannot be split into ${groups} groups`);
    }
  }
}

/** Rejects (RangeError) a kernel, stride, padding or dilation that no convolution can have. */
export function checkConvAxis(
  kernel: number,
  stride: number,
  pad: number,
  dilation: number,
  axis: string,
  op: string,
): void {
  checkInteger(stride, 'stride', op);
  checkInteger(pad, 'padding', op, 0);
  checkInteger(dilation, 'dilation', op);
  checkInteger(kernel, `kernel ${axis}`, op);
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
  checkConvAxis(kernel, stride, pad, dilation, axis, op);
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
  const { stride, padding, dilation, groups } = conv2dArgs(options, op);
  const [N, C, H, W] = xShape;
  const [F, CG, KH, KW] = wShape;
  if (C !== CG * groups) {
    const expected = groups === 1 ? `${CG}` : `${CG * groups} (${CG} per group x ${groups} groups)`;
    throw new ShapeError(`${op}: input has ${C} channels, conv weight expects ${expected}`);
  }
  checkGroups(C, F, groups, op);
  if (biasLength !== null && biasLength !== F) {
    throw new ShapeError(`${op}: bias has length ${biasLength}, but there are ${F} filters`);
  }
  const [strideH, strideW] = stride;
  const [padH, padW] = padding;
  const [dilationH, dilationW] = dilation;
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

/** The output shape (N,F,OH,OW), for printing a pipeline stage by stage. */
export function conv2dOutputShape(g: Conv2dGeometry): [number, number, number, number] {
  return [g.N, g.F, g.OH, g.OW];
}
