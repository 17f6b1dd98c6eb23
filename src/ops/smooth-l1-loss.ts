/**
 * Smooth L1 loss (PyTorch's F.smooth_l1_loss), the box-regression loss of detectors, as an
 * autograd op. Elementwise on same-shape input and target, with d = x - t:
 *
 *   loss = |d| < beta ? 0.5 d^2 / beta : |d| - 0.5 beta
 *   dx   = (|d| < beta ? d / beta : sign(d)) * dloss        dt = -dx
 *
 * beta = 0 gives the L1 loss. reduction 'mean' (default), 'sum' or 'none'.
 */
import { record } from '../autograd.js';
import { getBackend } from '../kernels/backend.js';
import { requireSameShape } from '../shape/shape-error.js';
import { Tensor } from '../tensor.js';
import { gradBuffer } from './grad-buffer.js';
import { checkReduction, reduceLosses, type Reduction } from './loss-reduction.js';

export interface SmoothL1LossOptions {
  /** Where the loss turns from quadratic to linear, >= 0; default 1, as in PyTorch. */
  beta?: number;
  /** Default 'mean'. */
  reduction?: Reduction;
}

export function smoothL1Loss(
  input: Tensor,
  target: Tensor,
  { beta = 1, reduction = 'mean' }: SmoothL1LossOptions = {},
): Tensor {
  checkReduction(reduction, 'smoothL1Loss');
  if (!(beta >= 0 && Number.isFinite(beta))) {
    throw new RangeError(`smoothL1Loss: beta must be a finite number >= 0, got ${beta}`);
  }
  requireSameShape(input.shape, target.shape, 'smoothL1Loss');
  const losses = Tensor.empty(input.shape, input.dtype);
  getBackend().smoothL1LossForward(losses.data, input.data, target.data, beta);
  record('smoothL1Loss', losses, [input, target], (dy) => {
    const dx = gradBuffer(input);
    const dt = gradBuffer(target);
    getBackend().smoothL1LossBackward(
      dx === null ? null : dx.data,
      dt === null ? null : dt.data,
      dy.data,
      input.data,
      target.data,
      beta,
    );
    return [dx, dt];
  });
  return reduceLosses(losses, reduction);
}
