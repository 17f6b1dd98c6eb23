/** Batch-norm geometry and hyper-parameters. x:(N,C,H,W), per-channel parameters (C). */
import { requireRank, ShapeError } from './shape-error.js';
import { formatShape, type Shape } from './shape.js';

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
 * RangeError unless eps > 0 and momentum is in [0, 1]; null (the layer's cumulative average)
 * passes. The batchNorm2d op and the BatchNorm2d layer both call this.
 */
export function checkBatchNorm2dArgs(eps: number, momentum: number | null, op: string): void {
  if (!(eps > 0)) throw new RangeError(`${op}: eps must be positive, got ${eps}`);
  if (momentum !== null && !(momentum >= 0 && momentum <= 1)) {
    throw new RangeError(`${op}: momentum must be in [0, 1], got ${momentum}`);
  }
}
