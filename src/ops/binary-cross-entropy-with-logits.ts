/**
 * Binary cross-entropy on logits (PyTorch's F.binary_cross_entropy_with_logits) as an autograd
 * op: sigmoid and log-loss fused so that no logit overflows. Elementwise, with targets t in
 * [0,1] of the logits' shape and an optional weight pw for positive examples:
 *
 *   loss = -(pw * t * log sigmoid(x) + (1 - t) * log(1 - sigmoid(x)))
 *        = (1 - t) * x + (1 + (pw - 1) * t) * (max(-x, 0) + log1p(exp(-|x|)))
 *
 * reduction 'mean' (default), 'sum' or 'none'. Gradients flow to the logits and, if it
 * requires grad, to the target; posWeight is a constant.
 */
import { record } from '../autograd.js';
import { getBackend } from '../kernels/backend.js';
import { broadcastGeometry } from '../shape/broadcast.js';
import { ShapeError, requireSameShape } from '../shape/shape-error.js';
import { Tensor, formatShape } from '../tensor.js';
import { gradBuffer } from './grad-buffer.js';
import { checkReduction, reduceLosses, type Reduction } from './loss-reduction.js';

export interface BinaryCrossEntropyWithLogitsOptions {
  /** Weight of positive examples, broadcastable to the logits (typically one per class, on the last axis). */
  posWeight?: Tensor | null;
  /** Default 'mean'. */
  reduction?: Reduction;
}

const op = 'binaryCrossEntropyWithLogits';

/** posWeight repeated to the logits' shape (the add kernel broadcasts it onto zeros). */
function expandPosWeight(posWeight: Tensor, logits: Tensor): Tensor {
  const g = broadcastGeometry(posWeight.shape, logits.shape, op);
  if (g.shape.length !== logits.rank || g.shape.some((d, i) => d !== logits.shape[i])) {
    throw new ShapeError(
      `${op}: posWeight ${formatShape(posWeight.shape)} does not broadcast to logits ${formatShape(logits.shape)}`,
    );
  }
  const expanded = Tensor.empty(logits.shape, logits.dtype);
  getBackend().addForward(expanded.data, posWeight.data, Tensor.zeros(logits.shape).data, g);
  return expanded;
}

export function binaryCrossEntropyWithLogits(
  logits: Tensor,
  target: Tensor,
  { posWeight = null, reduction = 'mean' }: BinaryCrossEntropyWithLogitsOptions = {},
): Tensor {
  checkReduction(reduction, op);
  requireSameShape(logits.shape, target.shape, op, 'logits', 'target');
  if (posWeight?.requiresGrad === true) {
    throw new Error(`${op}: posWeight is a constant and must not require grad`);
  }
  const pw = posWeight === null ? null : expandPosWeight(posWeight, logits).data;
  const losses = Tensor.empty(logits.shape, logits.dtype);
  getBackend().binaryCrossEntropyWithLogitsForward(losses.data, logits.data, target.data, pw);
  record(op, losses, [logits, target], (dy) => {
    const dx = gradBuffer(logits);
    const dt = gradBuffer(target);
    getBackend().binaryCrossEntropyWithLogitsBackward(
      dx === null ? null : dx.data,
      dt === null ? null : dt.data,
      dy.data,
      logits.data,
      target.data,
      pw,
    );
    return [dx, dt];
  });
  return reduceLosses(losses, reduction);
}
