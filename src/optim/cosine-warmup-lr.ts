/**
 * CosineWarmupLR: a linear warm-up from 0 to each group's base lr over `warmupSteps` steps, then
 * a cosine decay (half a period) from the base lr down to `minLr` at `totalSteps`:
 *
 * ```
 * lr_t = base_lr · t / W                                          for 0 <= t < W
 * lr_t = minLr + (base_lr - minLr) · (1 + cos(π (t - W) / (T - W))) / 2    for W <= t <= T
 * lr_t = minLr                                                    for t > T
 * ```
 *
 * with W = warmupSteps, T = totalSteps and t the step (0 right after construction). With
 * minLr = 0 this is Hugging Face transformers' get_cosine_schedule_with_warmup; with W = 0 it
 * is PyTorch's CosineAnnealingLR (T_max = T, eta_min = minLr) in closed form. PyTorch has no
 * single schedule for both; note that step 0 of the warm-up has lr 0 (Adam still accumulates its
 * moments then), and the peak, base_lr, is reached at t = W.
 *
 * ```ts
 * const schedule = new CosineWarmupLR(opt, { warmupSteps: 500, totalSteps: 10_000, minLr: 1e-5 });
 * ```
 */
import type { SchedulableOptimizer } from './optimizer.js';
import { LRScheduler } from './lr-scheduler.js';
import { checkInteger, checkNonNegative, perGroup } from './validate.js';

export interface CosineWarmupLROptions {
  /** Steps of linear warm-up W, an integer >= 0 (0: no warm-up). */
  warmupSteps: number;
  /** The step T at which the lr reaches minLr, an integer > warmupSteps. */
  totalSteps: number;
  /** The final lr, one for all groups or one per group, at most each group's base lr; default 0. */
  minLr?: number | readonly number[];
}

export class CosineWarmupLR extends LRScheduler {
  readonly warmupSteps: number;
  readonly totalSteps: number;
  readonly minLrs: readonly number[];

  constructor(
    optimizer: SchedulableOptimizer,
    { warmupSteps, totalSteps, minLr = 0 }: CosineWarmupLROptions,
  ) {
    super('CosineWarmupLR', optimizer);
    const where = 'CosineWarmupLR';
    this.warmupSteps = checkInteger(warmupSteps, 'warmupSteps', where, 0);
    this.totalSteps = checkInteger(totalSteps, 'totalSteps', where, 1);
    if (this.totalSteps <= this.warmupSteps) {
      throw new RangeError(
        `${where}: totalSteps (${totalSteps}) must be greater than warmupSteps (${warmupSteps})`,
      );
    }
    this.minLrs = perGroup(minLr, this.baseLrs.length, 'minLr', where).map((value, g) => {
      checkNonNegative(value, 'minLr', where);
      if (value > this.baseLrs[g]) {
        throw new RangeError(
          `${where}: minLr ${value} is above param group ${g}'s base lr ${this.baseLrs[g]}`,
        );
      }
      return value;
    });
    this.apply(0);
  }

  protected computeLr(epoch: number): number[] {
    const { warmupSteps: w, totalSteps: t } = this;
    return this.baseLrs.map((baseLr, g) => {
      const minLr = this.minLrs[g];
      if (epoch < w) return (baseLr * epoch) / w;
      if (epoch >= t) return minLr;
      const progress = (epoch - w) / (t - w);
      return minLr + ((baseLr - minLr) * (1 + Math.cos(Math.PI * progress))) / 2;
    });
  }
}
