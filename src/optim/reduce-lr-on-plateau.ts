/**
 * ReduceLROnPlateau: lowers the lr when a metric (validation loss, accuracy) stops improving,
 * with exactly torch.optim.lr_scheduler.ReduceLROnPlateau's semantics:
 *
 * ```
 * on step(metric):
 *   better = metric < best · (1 - threshold)     (mode 'min', thresholdMode 'rel')
 *            metric < best - threshold           (mode 'min', thresholdMode 'abs')
 *            metric > best · (1 + threshold)     (mode 'max', thresholdMode 'rel')
 *            metric > best + threshold           (mode 'max', thresholdMode 'abs')
 *   if better:  best ← metric;  bad ← 0      else:  bad ← bad + 1
 *   if cooling down:  cooldownCounter ← cooldownCounter - 1;  bad ← 0
 *   if bad > patience:
 *     for each group:  new = max(lr · factor, minLr);  if lr - new > eps:  lr ← new
 *     cooldownCounter ← cooldown;  bad ← 0
 * ```
 *
 * `best` starts at +∞ (min) or -∞ (max). A NaN metric is never better, so it counts as a bad
 * step, as in PyTorch.
 *
 * ```ts
 * const plateau = new ReduceLROnPlateau(opt, { mode: 'min', factor: 0.5, patience: 3 });
 * for (let epoch = 0; epoch < 50; epoch++) {
 *   train(opt);
 *   plateau.step(validationLoss());
 * }
 * ```
 */
import type { JsonObject } from '../io/json.js';
import type { SchedulableOptimizer } from './optimizer.js';
import {
  checkKeys,
  decodeNumber,
  encodeNumber,
  readFiniteNumbers,
  readNonNegativeInteger,
  readObject,
  readString,
  type JsonNumber,
} from './state-json.js';
import { checkChoice, checkInRange, checkInteger, checkNonNegative, perGroup } from './validate.js';

export type PlateauMode = 'min' | 'max';
export type ThresholdMode = 'rel' | 'abs';

export interface ReduceLROnPlateauOptions {
  /** 'min': lower is better (a loss); 'max': higher is better (an accuracy). Default 'min'. */
  mode?: PlateauMode;
  /** New lr = lr · factor, factor in [0, 1); default 0.1. */
  factor?: number;
  /** Bad steps tolerated before the lr is lowered, an integer >= 0; default 10. */
  patience?: number;
  /** How much better counts as better (see thresholdMode); default 1e-4. */
  threshold?: number;
  /** 'rel': relative to best; 'abs': an absolute margin. Default 'rel'. */
  thresholdMode?: ThresholdMode;
  /** Steps to wait after lowering the lr before counting bad steps again; default 0. */
  cooldown?: number;
  /** The lowest lr, one for all groups or one per group; default 0. */
  minLr?: number | readonly number[];
  /** Lowerings smaller than eps are skipped; default 1e-8. */
  eps?: number;
}

export interface ReduceLROnPlateauStateDict extends JsonObject {
  scheduler: 'ReduceLROnPlateau';
  lastEpoch: number;
  best: JsonNumber;
  numBadEpochs: number;
  cooldownCounter: number;
  lastLr: number[];
}

export class ReduceLROnPlateau {
  readonly name = 'ReduceLROnPlateau';
  readonly mode: PlateauMode;
  readonly factor: number;
  readonly patience: number;
  readonly threshold: number;
  readonly thresholdMode: ThresholdMode;
  readonly cooldown: number;
  readonly minLrs: readonly number[];
  readonly eps: number;
  /** Calls to step() so far. */
  lastEpoch = 0;
  /** The best metric seen (±∞ before the first). */
  best: number;
  /** Steps since the metric last improved (reset by a lowering and during cooldown). */
  numBadEpochs = 0;
  /** Steps of cooldown left. */
  cooldownCounter = 0;
  private readonly optimizer: SchedulableOptimizer;
  private lastLr: number[];

  constructor(
    optimizer: SchedulableOptimizer,
    {
      mode = 'min',
      factor = 0.1,
      patience = 10,
      threshold = 1e-4,
      thresholdMode = 'rel',
      cooldown = 0,
      minLr = 0,
      eps = 1e-8,
    }: ReduceLROnPlateauOptions = {},
  ) {
    const where = this.name;
    this.optimizer = optimizer;
    this.mode = checkChoice(mode, 'mode', where, ['min', 'max']);
    this.factor = checkInRange(factor, 'factor', where, 0, 1);
    this.patience = checkInteger(patience, 'patience', where, 0);
    this.threshold = checkNonNegative(threshold, 'threshold', where);
    this.thresholdMode = checkChoice(thresholdMode, 'thresholdMode', where, ['rel', 'abs']);
    this.cooldown = checkInteger(cooldown, 'cooldown', where, 0);
    this.minLrs = perGroup(minLr, optimizer.paramGroups.length, 'minLr', where).map((lr) =>
      checkNonNegative(lr, 'minLr', where),
    );
    this.eps = checkNonNegative(eps, 'eps', where);
    this.best = this.worst();
    this.lastLr = optimizer.paramGroups.map((group) => group.lr);
  }

  private worst(): number {
    return this.mode === 'min' ? Infinity : -Infinity;
  }

  private isBetter(metric: number): boolean {
    const { best, threshold } = this;
    if (this.mode === 'min') {
      return this.thresholdMode === 'rel'
        ? metric < best * (1 - threshold)
        : metric < best - threshold;
    }
    return this.thresholdMode === 'rel'
      ? metric > best * (threshold + 1)
      : metric > best + threshold;
  }

  /** Records one epoch's metric and lowers the lr if it has stopped improving. */
  step(metric: number): void {
    if (typeof metric !== 'number') {
      throw new TypeError(`${this.name}: step(metric) needs a number, got ${typeof metric}`);
    }
    const groups = this.optimizer.paramGroups;
    if (groups.length !== this.minLrs.length) {
      throw new RangeError(
        `${this.name}: the optimizer has ${groups.length} param groups, but the schedule was made for ${this.minLrs.length}`,
      );
    }
    this.lastEpoch += 1;
    if (this.isBetter(metric)) {
      this.best = metric;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs += 1;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0;
    }
    if (this.numBadEpochs > this.patience) {
      groups.forEach((group, g) => {
        const newLr = Math.max(group.lr * this.factor, this.minLrs[g]);
        if (group.lr - newLr > this.eps) group.lr = newLr;
      });
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this.lastLr = groups.map((group) => group.lr);
  }

  /** Each group's lr after the last step (before any step: the lr at construction). */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  stateDict(): ReduceLROnPlateauStateDict {
    return {
      scheduler: this.name,
      lastEpoch: this.lastEpoch,
      best: encodeNumber(this.best),
      numBadEpochs: this.numBadEpochs,
      cooldownCounter: this.cooldownCounter,
      lastLr: [...this.lastLr],
    };
  }

  /** Restores the counters and best metric; does not touch the optimizer (load its state too). */
  loadStateDict(stateDict: unknown): void {
    const where = `${this.name}.loadStateDict`;
    const obj = readObject(stateDict, where);
    checkKeys(
      obj,
      ['scheduler', 'lastEpoch', 'best', 'numBadEpochs', 'cooldownCounter', 'lastLr'],
      where,
    );
    const kind = readString(obj.scheduler, `${where}: scheduler`);
    if (kind !== this.name) {
      throw new TypeError(`${where}: this state dict is for ${kind}, not ${this.name}`);
    }
    const lastEpoch = readNonNegativeInteger(obj.lastEpoch, `${where}: lastEpoch`);
    const best = decodeNumber(obj.best, `${where}: best`);
    const numBadEpochs = readNonNegativeInteger(obj.numBadEpochs, `${where}: numBadEpochs`);
    const cooldownCounter = readNonNegativeInteger(
      obj.cooldownCounter,
      `${where}: cooldownCounter`,
    );
    const lastLr = readFiniteNumbers(obj.lastLr, this.minLrs.length, `${where}: lastLr`);
    this.lastEpoch = lastEpoch;
    this.best = best;
    this.numBadEpochs = numBadEpochs;
    this.cooldownCounter = cooldownCounter;
    this.lastLr = lastLr;
  }
}
