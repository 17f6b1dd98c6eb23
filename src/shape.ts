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

/** Rejects a kernel, stride, padding or dilation that no convolution along `axis` can have. */
function checkAxis(
  kernel: number,
  stride: number,
  pad: number,
  dilation: number,
  axis: string,
  op: string,
): void {
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
  checkAxis(kernel, stride, pad, dilation, axis, op);
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

/** Everything a transposed conv kernel needs. x:(N,C,H,W) w:(C,F/groups,KH,KW) -> y:(N,F,OH,OW). */
export interface ConvTranspose2dGeometry extends Conv2dGeometry {
  outputPadH: number;
  outputPadW: number;
}

/**
 * Output size of a transposed convolution along one axis (the inverse of convOutputSize):
 *
 *   OH = (H - 1)*stride - 2*pad + dilation*(KH - 1) + outputPadding + 1
 *
 * outputPadding must be smaller than stride or dilation (as in PyTorch), since it only picks
 * among the output sizes that a conv with this geometry maps back to H.
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
  checkAxis(kernel, stride, pad, dilation, axis, op);
  if (!Number.isInteger(outputPadding) || outputPadding < 0) {
    throw new ShapeError(
      `${op}: output padding must be an integer >= 0, got ${outputPadding} (${axis})`,
    );
  }
  if (outputPadding >= stride && outputPadding >= dilation) {
    throw new ShapeError(
      `${op}: output padding ${outputPadding} must be smaller than either stride ${stride} or dilation ${dilation} (${axis})`,
    );
  }
  const out = (size - 1) * stride - 2 * pad + dilation * (kernel - 1) + outputPadding + 1;
  if (out < 1) {
    throw new ShapeError(
      `${op}: output ${axis} would be ${out} = (${size}-1)*${stride} - 2*${pad} + ${dilation}*(${kernel}-1) + ${outputPadding} + 1; it must be at least 1`,
    );
  }
  return out;
}

/**
 * Geometry of a transposed convolution (PyTorch's conv_transpose2d: the gradient of conv2d
 * with respect to its input, used as an op). x:(N,C,H,W) w:(C,F/groups,KH,KW) b:(F) ->
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
  const { stride = 1, padding = 0, outputPadding = 0, dilation = 1, groups = 1 } = options;
  const [N, C, H, W] = xShape;
  const [WC, FG, KH, KW] = wShape;
  if (!Number.isInteger(groups) || groups < 1) {
    throw new ShapeError(`${op}: groups must be an integer >= 1, got ${groups}`);
  }
  if (C !== WC) {
    throw new ShapeError(
      `${op}: input has ${C} channels, weight ${formatShape(wShape)} expects ${WC} (the weight is (C,F/groups,KH,KW))`,
    );
  }
  if (C % groups !== 0) {
    throw new ShapeError(`${op}: ${C} input channels cannot be split into ${groups} groups`);
  }
  const F = FG * groups;
  if (biasLength !== null && biasLength !== F) {
    throw new ShapeError(
      `${op}: bias has length ${biasLength}, but there are ${F} output channels`,
    );
  }
  const [strideH, strideW] = pair(stride, 'stride', op);
  const [padH, padW] = pair(padding, 'padding', op);
  const [outputPadH, outputPadW] = pair(outputPadding, 'output padding', op);
  const [dilationH, dilationW] = pair(dilation, 'dilation', op);
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

export interface Upsample2dOptions {
  /** The output size (OH, OW). Give this or scaleFactor. */
  size?: Pair;
  /** OH = floor(H * scaleFactor), per axis or for both. Give this or size. */
  scaleFactor?: number | readonly [number, number];
}

/**
 * x:(N,C,H,W) -> y:(N,C,OH,OW). scaleH and scaleW are input pixels per output pixel, as
 * PyTorch uses them: 1/scaleFactor when a scale factor is given, H/OH when a size is, and 1
 * along an axis whose size does not change.
 */
export interface Upsample2dGeometry {
  N: number;
  C: number;
  H: number;
  W: number;
  OH: number;
  OW: number;
  scaleH: number;
  scaleW: number;
}

/** As PyTorch does, an axis whose size does not change is copied as is (scale 1). */
function axisScale(size: number, outSize: number, scale: number): number {
  return size === outSize ? 1 : scale;
}

/** Geometry of nearest or bilinear upsampling (it may also shrink, as F.interpolate does). */
export function upsample2dGeometry(
  xShape: Shape,
  options: Upsample2dOptions,
  op = 'upsample2d',
): Upsample2dGeometry {
  requireRank(xShape, 4, 'input', op, '(N,C,H,W)');
  const [N, C, H, W] = xShape;
  const { size, scaleFactor } = options;
  if ((size === undefined) === (scaleFactor === undefined)) {
    throw new ShapeError(`${op}: give exactly one of size and scaleFactor`);
  }
  if (size !== undefined) {
    const [OH, OW] = pair(size, 'size', op);
    if (OH < 1 || OW < 1) {
      throw new ShapeError(`${op}: output size must be at least 1, got (${OH},${OW})`);
    }
    return {
      N,
      C,
      H,
      W,
      OH,
      OW,
      scaleH: axisScale(H, OH, H / OH),
      scaleW: axisScale(W, OW, W / OW),
    };
  }
  const [factorH, factorW] =
    typeof scaleFactor === 'number' ? [scaleFactor, scaleFactor] : (scaleFactor ?? [1, 1]);
  for (const factor of [factorH, factorW]) {
    if (!Number.isFinite(factor) || factor <= 0) {
      throw new ShapeError(`${op}: scale factor must be a positive number, got ${factor}`);
    }
  }
  const OH = Math.floor(H * factorH);
  const OW = Math.floor(W * factorW);
  if (OH < 1 || OW < 1) {
    throw new ShapeError(
      `${op}: scale factor (${factorH},${factorW}) maps input (${H},${W}) to an empty output (${OH},${OW})`,
    );
  }
  return {
    N,
    C,
    H,
    W,
    OH,
    OW,
    scaleH: axisScale(H, OH, 1 / factorH),
    scaleW: axisScale(W, OW, 1 / factorW),
  };
}

export function upsample2dOutputShape(g: Upsample2dGeometry): [number, number, number, number] {
  return [g.N, g.C, g.OH, g.OW];
}

/** A tensor seen as (outer, size, inner) around one axis: softmax, normalisation, concat. */
export interface AxisGeometry {
  outer: number;
  size: number;
  inner: number;
}

/** The axis as a non-negative index; -1 is the last. */
export function normalizeAxis(axis: number, rank: number, op: string): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new ShapeError(
      `${op}: axis ${axis} is out of range for a tensor of rank ${rank} (valid: ${-rank} to ${rank - 1})`,
    );
  }
  return axis < 0 ? axis + rank : axis;
}

/** shape seen as (product of the dims before axis, shape[axis], product of the dims after). */
export function axisGeometry(shape: Shape, axis: number, op: string): AxisGeometry {
  const a = normalizeAxis(axis, shape.length, op);
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < a; i++) outer *= shape[i];
  for (let i = a + 1; i < shape.length; i++) inner *= shape[i];
  return { outer, size: shape[a], inner };
}

/** Row-major strides of a shape: how far one step along each axis moves in the flat data. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = stride;
    stride *= shape[i];
  }
  return strides;
}

/**
 * Two operands broadcast against each other (numpy rules): shapes are aligned at their last
 * axis, and along each axis the sizes must be equal or one of them 1 (a missing axis counts as
 * 1). aStrides and bStrides have the output's rank and are 0 along axes an operand is repeated
 * on, so out index (i0, i1, ...) reads a at sum_k i_k * aStrides[k].
 */
export interface BroadcastGeometry {
  shape: number[];
  size: number;
  aStrides: number[];
  bStrides: number[];
}

/** Strides of `shape` inside an output of rank `rank`, 0 where the operand is broadcast. */
function broadcastStrides(shape: Shape, out: Shape): number[] {
  const own = stridesOf(shape);
  const offset = out.length - shape.length;
  return out.map((d, k) => (k < offset || shape[k - offset] !== d ? 0 : own[k - offset]));
}

export function broadcastGeometry(aShape: Shape, bShape: Shape, op: string): BroadcastGeometry {
  const rank = Math.max(aShape.length, bShape.length);
  const shape = new Array<number>(rank);
  for (let k = 0; k < rank; k++) {
    const a = aShape[aShape.length - rank + k] ?? 1;
    const b = bShape[bShape.length - rank + k] ?? 1;
    if (a !== b && a !== 1 && b !== 1) {
      throw new ShapeError(
        `${op}: cannot broadcast ${formatShape(aShape)} with ${formatShape(bShape)}`,
      );
    }
    shape[k] = a === 1 ? b : a;
  }
  let size = 1;
  for (const d of shape) size *= d;
  return {
    shape,
    size,
    aStrides: broadcastStrides(aShape, shape),
    bStrides: broadcastStrides(bShape, shape),
  };
}

/**
 * A sum or mean over some axes of x. keptShape is x's shape with the reduced axes set to 1;
 * outStrides (one per axis of x, 0 on reduced axes) map an index of x to the flat index of the
 * output element it is reduced into; count is how many elements of x each output gathers.
 */
export interface ReduceGeometry {
  shape: number[];
  size: number;
  keptShape: number[];
  outSize: number;
  outStrides: number[];
  count: number;
  /** The reduced axes, ascending, non-negative. */
  axes: number[];
}

/** axes null: every axis (the result holds one element). */
export function reduceGeometry(
  xShape: Shape,
  axes: number | readonly number[] | null,
  op: string,
): ReduceGeometry {
  const rank = xShape.length;
  const list = axes === null ? xShape.map((_, i) => i) : typeof axes === 'number' ? [axes] : axes;
  const reduced = new Set<number>();
  for (const axis of list) {
    const a = normalizeAxis(axis, rank, op);
    if (reduced.has(a)) throw new ShapeError(`${op}: axis ${axis} is given twice`);
    reduced.add(a);
  }
  const keptShape = xShape.map((d, i) => (reduced.has(i) ? 1 : d));
  const kept = stridesOf(keptShape);
  let size = 1;
  let outSize = 1;
  for (let i = 0; i < rank; i++) {
    size *= xShape[i];
    outSize *= keptShape[i];
  }
  return {
    shape: [...xShape],
    size,
    keptShape,
    outSize,
    outStrides: kept.map((s, i) => (reduced.has(i) ? 0 : s)),
    count: outSize === 0 ? 0 : size / outSize,
    axes: [...reduced].sort((p, q) => p - q),
  };
}

/**
 * A permutation of axes: y's axis k is x's axis axes[k]. xStrides[k] is x's stride along the
 * axis that becomes y's axis k, so y index (i0, i1, ...) reads x at sum_k i_k * xStrides[k].
 */
export interface PermuteGeometry {
  shape: number[];
  outShape: number[];
  size: number;
  xStrides: number[];
}

export function permuteGeometry(
  xShape: Shape,
  axes: readonly number[],
  op = 'permute',
): PermuteGeometry {
  const rank = xShape.length;
  if (axes.length !== rank) {
    throw new ShapeError(
      `${op}: ${axes.length} axes [${axes.join(',')}] for a tensor of shape ${formatShape(xShape)}; give all ${rank}`,
    );
  }
  const order = axes.map((a) => normalizeAxis(a, rank, op));
  if (new Set(order).size !== rank) {
    throw new ShapeError(`${op}: axes [${axes.join(',')}] are not a permutation of 0..${rank - 1}`);
  }
  const strides = stridesOf(xShape);
  return {
    shape: [...xShape],
    outShape: order.map((a) => xShape[a]),
    size: xShape.reduce((p, d) => p * d, 1),
    xStrides: order.map((a) => strides[a]),
  };
}

/**
 * Concatenation along one axis: every input is seen as (outer, sizes[i], inner), the output as
 * (outer, total, inner) with total = sum of sizes.
 */
export interface ConcatGeometry {
  outer: number;
  inner: number;
  sizes: number[];
  total: number;
  shape: number[];
}

export function concatGeometry(
  shapes: readonly Shape[],
  axis: number,
  op = 'concat',
): ConcatGeometry {
  if (shapes.length === 0) throw new ShapeError(`${op}: needs at least one tensor`);
  const first = shapes[0];
  const a = normalizeAxis(axis, first.length, op);
  for (let i = 1; i < shapes.length; i++) {
    const s = shapes[i];
    if (s.length !== first.length || s.some((d, k) => k !== a && d !== first[k])) {
      const expected = first.map((d, k) => (k === a ? '*' : `${d}`)).join(',');
      throw new ShapeError(
        `${op}: input ${i} has shape ${formatShape(s)}, expected (${expected}) to match input 0 on every axis but ${a}`,
      );
    }
  }
  const { outer, inner } = axisGeometry(first, a, op);
  const sizes = shapes.map((s) => s[a]);
  const total = sizes.reduce((p, d) => p + d, 0);
  return { outer, inner, sizes, total, shape: first.map((d, k) => (k === a ? total : d)) };
}

/** a:(M,K) b:(K,N) -> y:(M,N); here N is a matrix's column count, not the batch size. */
export interface MatmulGeometry {
  M: number;
  K: number;
  N: number;
}

export function matmulGeometry(aShape: Shape, bShape: Shape): MatmulGeometry {
  const op = 'matmul';
  if (aShape.length !== 2 || bShape.length !== 2) {
    throw new ShapeError(
      `${op}: needs two matrices, got shapes ${formatShape(aShape)} and ${formatShape(bShape)}`,
    );
  }
  const [M, K] = aShape;
  const [KB, N] = bShape;
  if (K !== KB) {
    throw new ShapeError(
      `${op}: cannot multiply ${formatShape(aShape)} by ${formatShape(bShape)}: inner sizes ${K} and ${KB} differ`,
    );
  }
  return { M, K, N };
}

/** x:(N,C,H,W), per-channel parameters (C). */
export interface BatchNorm2dGeometry {
  N: number;
  C: number;
  H: number;
  W: number;
}

/** Checks x and that every per-channel parameter given (name: length) has C entries. */
export function batchNorm2dGeometry(
  xShape: Shape,
  channelParams: Readonly<Record<string, number | null>> = {},
): BatchNorm2dGeometry {
  const op = 'batchNorm2d';
  requireRank(xShape, 4, 'input', op, '(N,C,H,W)');
  const [N, C, H, W] = xShape;
  for (const [name, length] of Object.entries(channelParams)) {
    if (length !== null && length !== C) {
      throw new ShapeError(
        `${op}: ${name} has ${length} entries, but the input ${formatShape(xShape)} has ${C} channels`,
      );
    }
  }
  return { N, C, H, W };
}

/**
 * Cross-entropy over classes on axis 1: logits (N,K) with labels (N), or per-position logits
 * (N,K,d1,d2,...) with labels (N,d1,d2,...). S = d1*d2*... (1 for plain classification).
 */
export interface CrossEntropyGeometry {
  N: number;
  K: number;
  S: number;
}

export function crossEntropyGeometry(
  logitsShape: Shape,
  labelCount: number,
  weightLength: number | null = null,
  op = 'crossEntropy',
): CrossEntropyGeometry {
  if (logitsShape.length < 2) {
    throw new ShapeError(
      `${op}: logits must be (N,K) or (N,K,d1,...), got shape ${formatShape(logitsShape)}`,
    );
  }
  const [N, K] = logitsShape;
  const positions = logitsShape.slice(2);
  const S = positions.reduce((p, d) => p * d, 1);
  if (labelCount !== N * S) {
    const expected = [N, ...positions];
    throw new ShapeError(
      `${op}: ${labelCount} labels for logits ${formatShape(logitsShape)}; expected ${N * S}, one per entry of ${formatShape(expected)}`,
    );
  }
  if (weightLength !== null && weightLength !== K) {
    throw new ShapeError(`${op}: class weights have ${weightLength} entries for ${K} classes`);
  }
  return { N, K, S };
}

/** Throws unless the two shapes are equal; names the op and both operands. */
export function requireSameShape(
  aShape: Shape,
  bShape: Shape,
  op: string,
  aName = 'input',
  bName = 'target',
): void {
  if (aShape.length !== bShape.length || aShape.some((d, i) => d !== bShape[i])) {
    throw new ShapeError(
      `${op}: ${aName} ${formatShape(aShape)} and ${bName} ${formatShape(bShape)} must have the same shape`,
    );
  }
}

/**
 * Adaptive pooling (PyTorch's AdaptiveAvgPool2d): the output size is given and each output
 * pixel pools its own window. Along one axis, output index i covers the input rows
 *
 *   start(i) = floor(i * H / OH),   end(i) = ceil((i + 1) * H / OH)      (end exclusive)
 *
 * so the windows tile the input, overlapping by at most one row when OH does not divide H.
 * x:(N,C,H,W) -> y:(N,C,OH,OW).
 */
export interface AdaptivePool2dGeometry {
  N: number;
  C: number;
  H: number;
  W: number;
  OH: number;
  OW: number;
}

export function adaptivePool2dGeometry(
  xShape: Shape,
  outputSize: Pair,
  op = 'adaptiveAvgPool2d',
): AdaptivePool2dGeometry {
  requireRank(xShape, 4, 'input', op, '(N,C,H,W)');
  const [N, C, H, W] = xShape;
  const [OH, OW] = pair(outputSize, 'output size', op);
  if (OH < 1 || OW < 1) {
    throw new ShapeError(`${op}: output size must be at least 1, got (${OH},${OW})`);
  }
  return { N, C, H, W, OH, OW };
}

/** The input range [start, end) that adaptive pooling output index i covers along one axis. */
export function adaptiveWindow(i: number, size: number, outSize: number): [number, number] {
  return [Math.floor((i * size) / outSize), Math.ceil(((i + 1) * size) / outSize)];
}
