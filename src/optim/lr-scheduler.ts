/**
 * The base of the epoch/step-indexed learning-rate schedules (StepLR, CosineWarmupLR,
 * OneCycleLR), shaped like torch.optim.lr_scheduler.LRScheduler.
 *
 * A schedule writes `lr` into every param group of its optimizer. Making one applies the
 * schedule's value for step 0 at once; each `step()` advances one step and applies the next
 * value. Call it after `optimizer.step()`:
 *
 * ```ts
 * const opt = new SGD(params, { lr: 0.1, momentum: 0.9 });
 * const schedule = new StepLR(opt, { stepSize: 30, gamma: 0.1 });
 * for (let epoch = 0; epoch < 90; epoch++) {
 *   trainOneEpoch(opt);   // opt.step() per batch
 *   schedule.step();
 * }
 * ```
 *
 * To resume a run, save both `opt.stateDict()` and `schedule.stateDict()`, build the optimizer
 * and the schedule again with the same settings, and load both. As in PyTorch, the optimizer's
 * state dict carries the current lr (and momentum); the schedule's carries its position
 * (`lastEpoch`) and the base lrs. A schedule's settings (step size, total steps, ...) are not
 * in its state dict: they come from the constructor.
 */
import type { JsonObject } from '../io/json.js';
import type { SchedulableOptimizer } from './optimizer.js';
import {
  checkKeys,
  readFiniteNumbers,
  readNonNegativeInteger,
  readObject,
  readString,
} from './state-json.js';

export interface LRSchedulerStateDict extends JsonObject {
  scheduler: string;
  lastEpoch: number;
  baseLrs: number[];
  lastLr: number[];
}

export abstract class LRScheduler {
  readonly name: string;
  protected readonly optimizer: SchedulableOptimizer;
  /** Each group's lr when the schedule was made (PyTorch's base_lrs). */
  baseLrs: number[];
  /** Steps taken since the schedule was made; 0 right after construction. */
  lastEpoch = 0;
  private lastLr: number[];

  protected constructor(name: string, optimizer: SchedulableOptimizer) {
    this.name = name;
    this.optimizer = optimizer;
    this.baseLrs = optimizer.paramGroups.map((group) => group.lr);
    this.lastLr = [...this.baseLrs];
  }

  /** The lr of each param group at step `epoch` (may read the groups' current lr). */
  protected abstract computeLr(epoch: number): number[];

  /** Sets every group's lr for step `epoch`; if computing it throws, nothing has changed. */
  protected apply(epoch: number): void {
    const groups = this.optimizer.paramGroups;
    if (groups.length !== this.baseLrs.length) {
      throw new RangeError(
        `${this.name}: the optimizer has ${groups.length} param groups, but the schedule was made for ${this.baseLrs.length}`,
      );
    }
    const lrs = this.computeLr(epoch);
    groups.forEach((group, g) => {
      group.lr = lrs[g];
    });
    this.lastEpoch = epoch;
    this.lastLr = [...lrs];
  }

  /** Advances one step and sets the new lr in every param group. */
  step(): void {
    this.apply(this.lastEpoch + 1);
  }

  /** The lr the schedule last set, per param group. */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  stateDict(): LRSchedulerStateDict {
    return {
      scheduler: this.name,
      lastEpoch: this.lastEpoch,
      baseLrs: [...this.baseLrs],
      lastLr: [...this.lastLr],
    };
  }

  /** Restores the position in the schedule; does not touch the optimizer (load its state too). */
  loadStateDict(stateDict: unknown): void {
    const where = `${this.name}.loadStateDict`;
    const obj = readObject(stateDict, where);
    checkKeys(obj, ['scheduler', 'lastEpoch', 'baseLrs', 'lastLr'], where);
    const kind = readString(obj.scheduler, `${where}: scheduler`);
    if (kind !== this.name) {
      throw new TypeError(`${where}: this state dict is for ${kind}, not ${this.name}`);
    }
    const groups = this.optimizer.paramGroups.length;
    const lastEpoch = readNonNegativeInteger(obj.lastEpoch, `${where}: lastEpoch`);
    const baseLrs = readFiniteNumbers(obj.baseLrs, groups, `${where}: baseLrs`);
    const lastLr = readFiniteNumbers(obj.lastLr, groups, `${where}: lastLr`);
    this.lastEpoch = lastEpoch;
    this.baseLrs = baseLrs;
    this.lastLr = lastLr;
  }
}
