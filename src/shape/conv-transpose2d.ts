/**
 * Transposed convolution geometry (PyTorch's conv_transpose2d: the gradient of conv2d with
 * respect to its input, used as an op). Output size along one axis, the inverse of conv2d's:
 *
 *   OH = (H - 1)*stride - 2*pad + dilation*(KH - 1) + outputPadding + 1
 */
import { checkConvAxis, checkGroups, conv2dArgs, type Conv2dGeometry } from './conv2d.js';
import { checkInteger, checkPair, requireRank, ShapeError, type Pair } from './shape-error.js';
import { formatShape, type Shape } from './shape.js';

export interface ConvTranspose2dOptions {
  /** Step between the input's positions in the output; default 1. */
  stride?: Pair;
  /** Removed from each side of the full output; default 0. */
  padding?: Pair;
  /** Added to one side (bottom, right) of the output, to reach sizes stride alone cannot; default 0. */
  outputPadding?: Pair;
  /** Spacing between kernel taps; default 1. */
  dilation?: Pair;
  /** Channel groups; default 1. */
  groups?: number;
}

/** ConvTranspose2dOptions checked, each pair as [height, width]. */
export interface ConvTranspose2dArgs {
  stride: [number, number];
  padding: [number, number];
  outputPadding: [number, number];
  dilation: [number, number];
  groups: number;
}

/** Everything a transposed conv kernel needs. x:(N,C,H,W) w:(C,F/groups,KH,KW) -> y:(N,F,OH,OW). */
export interface ConvTranspose2dGeometry extends Conv2dGeometry {
  outputPadH: number;
  outputPadW: number;
}

/**
 * RangeError unless outputPadding < stride or outputPadding < dilation (as in PyTorch): output
 * padding only picks among the output sizes that a conv with this geometry maps back to H.
 */
export function checkOutputPadding(
  outputPadding: number,
  stride: number,
  dilation: number,
  axis: string,
  op: string,
): void {
  checkInteger(outputPadding, 'output padding', op, 0);
  if (outputPadding >= stride && outputPadding >= dilation) {
    throw new RangeError(
      `${op}: output padding ${outputPadding} must be smaller than either stride ${stride} or dilation ${dilation} (${axis})`,
    );
  }
}

/**
 * The hyper-parameters of a transposed convolution, checked whatever the input (RangeError):
 * conv2dArgs' checks, and output padding >= 0 and below the stride or the dilation on each
 * axis. The op and the ConvTranspose2d layer both call this.
 */
export function convTranspose2dArgs(
  options: ConvTranspose2dOptions,
  op: string,
): ConvTranspose2dArgs {
  const { stride, padding, dilation, groups } = conv2dArgs(options, op);
  const outputPadding = checkPair(options.outputPadding ?? 0, 'output padding', op, 0);
  checkOutputPadding(outputPadding[0], stride[0], dilation[0], 'height', op);
  checkOutputPadding(outputPadding[1], stride[1], dilation[1], 'width', op);
  return { stride, padding, outputPadding, dilation, groups };
}

/**
 * Output size of a transposed convolution along one axis (the inverse of convOutputSize):
 *
 *   OH = (H - 1)*stride - 2*pad + dilation*(KH - 1) + outputPadding + 1
 *
 * Throws a ShapeError naming the numbers when that is below 1.
 */
export function convTransposeOutputSize(
  size: number,
  kernel: number,
  stride: number,
  pad: number,
  dilation = 1,
  outputPadding = 0,
  axis = 'height',
  op = 'convTranspose2d',
): number {
  checkConvAxis(kernel, stride, pad, dilation, axis, op);
  checkOutputPadding(outputPadding, stride, dilation, axis, op);
  const out = (size - 1) * stride - 2 * pad + dilation * (kernel - 1) + outputPadding + 1;
  if (out < 1) {
    throw new ShapeError(
      `${op}: output ${axis} would be ${out} = (${size}-1)*${stride} - 2*${pad} + ${dilation}*(${kernel}-1) + ${outputPadding} + 1; it must be at least 1`,
    );
  }
  return out;
}

/**
 * Geometry of a transposed convolution. x:(N,C,H,W) w:(C,F/groups,KH,KW) b:(F) ->
 * y:(N,F,OH,OW). Note the weight layout: input channels first, as in PyTorch.
 */
export function convTranspose2dGeometry(
  xShape: Shape,
  wShape: Shape,
  options: ConvTranspose2dOptions = {},
  biasLength: number | null = null,
): ConvTranspose2dGeometry {
  const op = 'convTranspose2d';
  requireRank(xShape, 4, 'input', op, '(N,C,H,W)');
  requireRank(wShape, 4, 'weight', op, '(C,F/groups,KH,KW)');
  const { stride, padding, outputPadding, dilation, groups } = convTranspose2dArgs(options, op);
  const [N, C, H, W] = xShape;
  const [WC, FG, KH, KW] = wShape;
  if (C !== WC) {
    throw new ShapeError(
      `${op}: input has ${C} channels, weight ${formatShape(wShape)} expects ${WC} (the weight is (C,F/groups,KH,KW))`,
    );
  }
  const F = FG * groups;
  checkGroups(C, F, groups, op);
  if (biasLength !== null && biasLength !== F) {
    throw new ShapeError(
      `${op}: bias has length ${biasLength}, but there are ${F} output channels`,
    );
  }
  const [strideH, strideW] = stride;
  const [padH, padW] = padding;
  const [outputPadH, outputPadW] = outputPadding;
  const [dilationH, dilationW] = dilation;
  const OH = convTransposeOutputSize(H, KH, strideH, padH, dilationH, outputPadH, 'height', op);
  const OW = convTransposeOutputSize(W, KW, strideW, padW, dilationW, outputPadW, 'width', op);
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
    outputPadH,
    outputPadW,
  };
}

/**
 * The conv2d whose input gradient this transposed convolution is: its input is our output
 * (C = F, H = OH, W = OW), its filters are our input channels (F = C), its output is our input
 * (OH = H, OW = W), with the same weight (C,F/groups,KH,KW) read as (filters, channels per group,
 * KH, KW) and the same stride, padding, dilation and groups. Output padding only decides the
 * size of its input. Fast kernels run a transposed convolution as that conv2d's kernels.
 */
export function convTranspose2dAsConv(g: ConvTranspose2dGeometry): Conv2dGeometry {
  return {
    N: g.N,
    C: g.F,
    H: g.OH,
    W: g.OW,
    F: g.C,
    KH: g.KH,
    KW: g.KW,
    strideH: g.strideH,
    strideW: g.strideW,
    padH: g.padH,
    padW: g.padW,
    dilationH: g.dilationH,
    dilationW: g.dilationW,
    groups: g.groups,
    OH: g.H,
    OW: g.W,
  };
}
