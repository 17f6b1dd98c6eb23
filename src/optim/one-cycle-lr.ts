/**
 * OneCycleLR (Smith & Topin, "Super-Convergence", 2018), with exactly
 * torch.optim.lr_scheduler.OneCycleLR's semantics, momentum cycling included.
 *
 * With T = totalSteps, p = pctStart, initial_lr = maxLr / divFactor and
 * min_lr = initial_lr / finalDivFactor, the schedule runs through phases, each ending at a step:
 *
 * ```
 * two phases (default):
 *   1. t ∈ [0, pT - 1]:        lr initial_lr → maxLr     momentum maxMomentum → baseMomentum
 *   2. t ∈ [pT - 1, T - 1]:    lr maxLr → min_lr         momentum baseMomentum → maxMomentum
 * threePhase:
 *   1. t ∈ [0, pT - 1]:        lr initial_lr → maxLr     momentum maxMomentum → baseMomentum
 *   2. t ∈ [pT - 1, 2pT - 2]:  lr maxLr → initial_lr     momentum baseMomentum → maxMomentum
 *   3. t ∈ [2pT - 2, T - 1]:   lr initial_lr → min_lr    momentum maxMomentum (constant)
 *
 * within a phase from step s₀ to s₁, with f = (t - s₀) / (s₁ - s₀), going from a to b:
 *   cos:     b + (a - b) / 2 · (1 + cos(π f))
 *   linear:  a + (b - a) · f
 * ```
 *
 * The momentum cycled is SGD's momentum, or Adam/AdamW's β₁ (`cycleMomentum`, on by default as
 * in PyTorch; making the schedule sets it to maxMomentum, so an SGD made with momentum 0 gets
 * momentum). As in PyTorch, steps 0..T are allowed (step T extrapolates the last phase one
 * step); stepping past T throws.
 *
 * ```ts
 * const schedule = new OneCycleLR(opt, { maxLr: 0.1, totalSteps: epochs * batchesPerEpoch });
 * // call schedule.step() after every batch
 * ```
 */
import type { SchedulableOptimizer } from './optimizer.js';
import { LRScheduler } from './lr-scheduler.js';
import {
  checkBoolean,
  checkChoice,
  checkInRange,
  checkInteger,
  checkNonNegative,
  checkPositive,
  perGroup,
} from './validate.js';

export type AnnealStrategy = 'cos' | 'linear';

export interface OneCycleLROptions {
  /** The peak lr, one for all groups or one per group. */
  maxLr: number | readonly number[];
  /** Steps in the cycle, an integer >= 1. */
  totalSteps: number;
  /** Fraction of the cycle spent increasing the lr, in [0, 1]; default 0.3. */
  pctStart?: number;
  /** Default 'cos'. */
  annealStrategy?: AnnealStrategy;
  /** Cycle momentum (SGD) or beta1 (Adam, AdamW) inversely to the lr; default true. */
  cycleMomentum?: boolean;
  /** The lowest momentum, reached at the peak lr; default 0.85. */
  baseMomentum?: number | readonly number[];
  /** The highest momentum, at the start and end; default 0.95. */
  maxMomentum?: number | readonly number[];
  /** initial_lr = maxLr / divFactor; default 25. */
  divFactor?: number;
  /** min_lr = initial_lr / finalDivFactor; default 1e4. */
  finalDivFactor?: number;
  /** Three phases (back down to initial_lr, then annihilate) instead of two; default false. */
  threePhase?: boolean;
}

type LrPoint = 'initial' | 'max' | 'min';
type MomentumPoint = 'max' | 'base';

/** A phase of the cycle: the step it ends at, and what lr and momentum go from and to. */
interface Phase {
  endStep: number;
  lr: readonly [LrPoint, LrPoint];
  momentum: readonly [MomentumPoint, MomentumPoint];
}

function phase(
  endStep: number,
  lr: readonly [LrPoint, LrPoint],
  momentum: readonly [MomentumPoint, MomentumPoint],
): Phase {
  return { endStep, lr, momentum };
}

export class OneCycleLR extends LRScheduler {
  readonly totalSteps: number;
  readonly annealStrategy: AnnealStrategy;
  readonly cycleMomentum: boolean;
  private readonly phases: readonly Phase[];
  private readonly lrs: Readonly<Record<LrPoint, readonly number[]>>;
  private readonly momenta: Readonly<Record<MomentumPoint, readonly number[]>>;

  constructor(
    optimizer: SchedulableOptimizer,
    {
      maxLr,
      totalSteps,
      pctStart = 0.3,
      annealStrategy = 'cos',
      cycleMomentum = true,
      baseMomentum = 0.85,
      maxMomentum = 0.95,
      divFactor = 25,
      finalDivFactor = 1e4,
      threePhase = false,
    }: OneCycleLROptions,
  ) {
    super('OneCycleLR', optimizer);
    const where = 'OneCycleLR';
    const groups = optimizer.paramGroups.length;
    this.totalSteps = checkInteger(totalSteps, 'totalSteps', where, 1);
    checkInRange(pctStart, 'pctStart', where, 0, 1, true);
    this.annealStrategy = checkChoice(annealStrategy, 'annealStrategy', where, ['cos', 'linear']);
    checkPositive(divFactor, 'divFactor', where);
    checkPositive(finalDivFactor, 'finalDivFactor', where);
    this.cycleMomentum = checkBoolean(cycleMomentum, 'cycleMomentum', where);
    checkBoolean(threePhase, 'threePhase', where);

    const max = perGroup(maxLr, groups, 'maxLr', where).map((lr) =>
      checkNonNegative(lr, 'maxLr', where),
    );
    const initial = max.map((lr) => lr / divFactor);
    this.lrs = { initial, max, min: initial.map((lr) => lr / finalDivFactor) };
    this.baseLrs = [...initial];

    const rise = pctStart * this.totalSteps - 1;
    const last = this.totalSteps - 1;
    this.phases = threePhase
      ? [
          phase(rise, ['initial', 'max'], ['max', 'base']),
          phase(2 * pctStart * this.totalSteps - 2, ['max', 'initial'], ['base', 'max']),
          phase(last, ['initial', 'min'], ['max', 'max']),
        ]
      : [
          phase(rise, ['initial', 'max'], ['max', 'base']),
          phase(last, ['max', 'min'], ['base', 'max']),
        ];

    this.momenta = {
      max: perGroup(maxMomentum, groups, 'maxMomentum', where).map((m) =>
        checkNonNegative(m, 'maxMomentum', where),
      ),
      base: perGroup(baseMomentum, groups, 'baseMomentum', where).map((m) =>
        checkNonNegative(m, 'baseMomentum', where),
      ),
    };
    if (this.cycleMomentum) {
      if (groups > 0 && optimizer.getMomentum(0) === null) {
        throw new TypeError(
          `${where}: cycleMomentum needs an optimizer with momentum (SGD) or betas (Adam, AdamW); ${optimizer.name} has neither. Pass cycleMomentum: false`,
        );
      }
      this.momenta.max.forEach((m, g) => optimizer.setMomentum(g, m));
    }
    this.apply(0);
  }

  /** The phase that step `epoch` falls in, and how far through it (0 at its start, 1 at its end). */
  private position(epoch: number): { phase: Phase; fraction: number } {
    if (epoch > this.totalSteps) {
      throw new RangeError(
        `OneCycleLR: step ${epoch} is past totalSteps = ${this.totalSteps}; make the schedule with more steps`,
      );
    }
    // The first phase whose end is not before `epoch`; the last phase extends past its end.
    let index = 0;
    let startStep = 0;
    while (index < this.phases.length - 1 && epoch > this.phases[index].endStep) {
      startStep = this.phases[index].endStep;
      index++;
    }
    const phase = this.phases[index];
    if (phase.endStep === startStep) {
      throw new RangeError(
        `OneCycleLR: step ${epoch} falls in phase ${index + 1}, which spans no steps (it starts and ends at ${startStep}); change pctStart or totalSteps`,
      );
    }
    return { phase, fraction: (epoch - startStep) / (phase.endStep - startStep) };
  }

  private anneal(start: number, end: number, fraction: number): number {
    if (this.annealStrategy === 'linear') return (end - start) * fraction + start;
    return end + ((start - end) / 2) * (Math.cos(Math.PI * fraction) + 1);
  }

  protected computeLr(epoch: number): number[] {
    const { phase, fraction } = this.position(epoch);
    return this.lrs.initial.map((_, g) =>
      this.anneal(this.lrs[phase.lr[0]][g], this.lrs[phase.lr[1]][g], fraction),
    );
  }

  protected override apply(epoch: number): void {
    super.apply(epoch);
    if (!this.cycleMomentum) return;
    const { phase, fraction } = this.position(epoch);
    this.momenta.max.forEach((_, g) => {
      const m = this.anneal(
        this.momenta[phase.momentum[0]][g],
        this.momenta[phase.momentum[1]][g],
        fraction,
      );
      this.optimizer.setMomentum(g, m);
    });
  }
}
