/**
 * Upsampling geometry (nearest and bilinear; it may also shrink, as F.interpolate does).
 * OH = size[0], or OH = floor(H * scaleFactor[0]); likewise OW.
 */
import { checkPair, requireRank, ShapeError, type Pair } from './shape-error.js';
import type { Shape } from './shape.js';

export interface Upsample2dOptions {
  /** The output size (OH, OW). Give this or scaleFactor. */
  size?: Pair;
  /** OH = floor(H * scaleFactor), per axis or for both. Give this or size. */
  scaleFactor?: number | readonly [number, number];
}

/** Upsample2dOptions checked: exactly one of an output size and a pair of scale factors. */
export type Upsample2dTarget =
  | { size: [number, number]; scaleFactor?: undefined }
  | { size?: undefined; scaleFactor: [number, number] };

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

/**
 * The target of an upsampling, checked whatever the input (RangeError): exactly one of size
 * (integers >= 1) and scaleFactor (positive finite numbers). The upsample ops and the Upsample
 * layer both call this.
 */
export function upsample2dTarget(
  { size, scaleFactor }: Upsample2dOptions,
  op: string,
): Upsample2dTarget {
  if ((size === undefined) === (scaleFactor === undefined)) {
    throw new RangeError(`${op}: give exactly one of size and scaleFactor`);
  }
  if (size !== undefined) return { size: checkPair(size, 'size', op) };
  const factors: [number, number] =
    typeof scaleFactor === 'number' ? [scaleFactor, scaleFactor] : [...(scaleFactor ?? [1, 1])];
  for (const factor of factors) {
    if (!Number.isFinite(factor) || factor <= 0) {
      throw new RangeError(`${op}: scale factor must be a positive number, got ${factor}`);
    }
  }
  return { scaleFactor: factors };
}

/** As PyTorch does, an axis whose size does not change is copied as is (scale 1). */
function axisScale(size: number, outSize: number, scale: number): number {
  return size === outSize ? 1 : scale;
}

/** Geometry of nearest or bilinear upsampling. */
export function upsample2dGeometry(
  xShape: Shape,
  options: Upsample2dOptions,
  op = 'upsample2d',
): Upsample2dGeometry {
  requireRank(xShape, 4, 'input', op, '(N,C,H,W)');
  const [N, C, H, W] = xShape;
  const target = upsample2dTarget(options, op);
  if (target.size !== undefined) {
    const [OH, OW] = target.size;
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
  const [factorH, factorW] = target.scaleFactor;
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

/** The output shape (N,C,OH,OW). */
export function upsample2dOutputShape(g: Upsample2dGeometry): [number, number, number, number] {
  return [g.N, g.C, g.OH, g.OW];
}
