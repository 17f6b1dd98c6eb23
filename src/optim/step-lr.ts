/**
 * StepLR: multiplies each group's lr by `gamma` every `stepSize` steps, as
 * torch.optim.lr_scheduler.StepLR does:
 *
 * ```
 * lr_t = lr_{t-1} · γ   if t > 0 and t mod stepSize = 0
 * lr_t = lr_{t-1}       otherwise
 * ```
 *
 * which, with nothing else changing the lr, is lr_t = base_lr · γ^⌊t / stepSize⌋. Like PyTorch's
 * step(), it multiplies the group's current lr (the chainable form), so it composes with other
 * changes to the lr and rounds exactly as PyTorch does.
 *
 * ```ts
 * const schedule = new StepLR(opt, { stepSize: 30, gamma: 0.1 }); // lr 0.1 → 0.01 at 30 → 0.001 at 60
 * ```
 */
import type { SchedulableOptimizer } from './optimizer.js';
import { LRScheduler } from './lr-scheduler.js';
import { checkInteger, checkNonNegative } from './validate.js';

export interface StepLROptions {
  /** Steps between decays, an integer >= 1. */
  stepSize: number;
  /** Multiplicative factor of each decay; default 0.1. */
  gamma?: number;
}

export class StepLR extends LRScheduler {
  readonly stepSize: number;
  readonly gamma: number;

  constructor(optimizer: SchedulableOptimizer, { stepSize, gamma = 0.1 }: StepLROptions) {
    super('StepLR', optimizer);
    this.stepSize = checkInteger(stepSize, 'stepSize', 'StepLR', 1);
    this.gamma = checkNonNegative(gamma, 'gamma', 'StepLR');
    this.apply(0);
  }

  protected computeLr(epoch: number): number[] {
    const decay = epoch > 0 && epoch % this.stepSize === 0;
    return this.optimizer.paramGroups.map((group) => (decay ? group.lr * this.gamma : group.lr));
  }
}
