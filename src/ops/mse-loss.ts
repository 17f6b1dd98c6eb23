/**
 * Mean squared error (PyTorch's F.mse_loss) as an autograd op. Elementwise on same-shape input
 * and target:
 *
 *   loss = (x - t)^2        dx = 2 (x - t) * dloss        dt = -dx
 *
 * reduction 'mean' (default), 'sum' or 'none'.
 */
import { record } from '../autograd.js';
import { getBackend } from '../kernels/backend.js';
import { requireSameShape } from '../shape/shape-error.js';
import { Tensor } from '../tensor.js';
import { gradBuffer } from './grad-buffer.js';
import { checkReduction, reduceLosses, type Reduction } from './loss-reduction.js';

export interface MseLossOptions {
  /** Default 'mean'. */
  reduction?: Reduction;
}

export function mseLoss(
  input: Tensor,
  target: Tensor,
  { reduction = 'mean' }: MseLossOptions = {},
): Tensor {
  checkReduction(reduction, 'mseLoss');
  requireSameShape(input.shape, target.shape, 'mseLoss');
  const losses = Tensor.empty(input.shape, input.dtype);
  getBackend().mseLossForward(losses.data, input.data, target.data);
  record('mseLoss', losses, [input, target], (dy) => {
    const dx = gradBuffer(input);
    const dt = gradBuffer(target);
    getBackend().mseLossBackward(
      dx === null ? null : dx.data,
      dt === null ? null : dt.data,
      dy.data,
      input.data,
      target.data,
    );
    return [dx, dt];
  });
  return reduceLosses(losses, reduction);
}
