/**
 * How a loss op turns its per-element losses into its output, as PyTorch's `reduction`:
 * 'none' keeps them, 'sum' adds them, 'mean' divides the sum by the number of elements (or by
 * a divisor the loss gives, such as cross-entropy's total class weight). Built from the sum,
 * mean and div ops, so the gradient flows back through them.
 */
import { Tensor } from '../tensor.js';
import { div } from './div.js';
import { mean } from './mean.js';
import { sum } from './sum.js';

export type Reduction = 'mean' | 'sum' | 'none';

const reductions: readonly string[] = ['mean', 'sum', 'none'];

export function checkReduction(reduction: string, op: string): void {
  if (!reductions.includes(reduction)) {
    throw new RangeError(`${op}: reduction must be 'mean', 'sum' or 'none', got '${reduction}'`);
  }
}

export function reduceLosses(losses: Tensor, reduction: Reduction, divisor?: number): Tensor {
  if (reduction === 'none') return losses;
  if (reduction === 'sum') return sum(losses);
  return divisor === undefined ? mean(losses) : div(sum(losses), divisor);
}
