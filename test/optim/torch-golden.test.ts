/**
 * Golden tests against PyTorch: the optimizers must reproduce torch.optim's parameter
 * trajectories, and the schedules torch's lr (and momentum) sequences, on the fixtures in
 * fixtures/torch/optim.json (made by scripts/make-torch-optim-fixtures.py; Python is never
 * needed at test time).
 *
 * In float64 the arithmetic is the same as torch's, element by element, up to fused
 * multiply-adds and the last bit of pow/cos: rtol 1e-12. In float32 the parameters, grads and
 * buffers are rounded to float32 and the trajectory is held to rtol 1e-5 against the float64
 * answer.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';

import { assertClose, type Tolerance } from '../../src/check/compare.js';
import { Adam, type AdamOptions } from '../../src/optim/adam.js';
import { AdamW } from '../../src/optim/adamw.js';
import { CosineWarmupLR } from '../../src/optim/cosine-warmup-lr.js';
import { OneCycleLR, type OneCycleLROptions } from '../../src/optim/one-cycle-lr.js';
import {
  ReduceLROnPlateau,
  type ReduceLROnPlateauOptions,
} from '../../src/optim/reduce-lr-on-plateau.js';
import { SGD, type SGDOptions } from '../../src/optim/sgd.js';
import { StepLR, type StepLROptions } from '../../src/optim/step-lr.js';
import { Tensor, type DType } from '../../src/tensor.js';

type OptimizerKind = 'SGD' | 'Adam' | 'AdamW';
type AnyOptimizerOptions = Partial<SGDOptions> & Partial<AdamOptions>;

interface OptimizerCase {
  name: string;
  optimizer: OptimizerKind;
  groups: { params: number[]; options: AnyOptimizerOptions }[];
  /** trajectory[step][param]: the parameter's values after that step. */
  trajectory: number[][][];
}

/** lr[t][group] and momentum[t][group]: right after construction (t = 0) and after each step. */
type ScheduleCase = {
  name: string;
  optimizer: OptimizerKind;
  groups: AnyOptimizerOptions[];
  lr: number[][];
  momentum: number[][];
} & (
  | { scheduler: 'StepLR'; options: StepLROptions }
  | { scheduler: 'OneCycleLR'; options: OneCycleLROptions }
  | { scheduler: 'ReduceLROnPlateau'; options: ReduceLROnPlateauOptions; metrics: number[] }
  | { scheduler: 'CosineAnnealingLR'; options: { totalSteps: number; minLr: number } }
);

interface OptimFixture {
  source: string;
  initial: { shape: number[]; data: number[] }[];
  /** grads[step][param], null where the parameter has no grad at that step. */
  grads: (number[] | null)[][];
  optimizers: OptimizerCase[];
  schedules: ScheduleCase[];
}

const fixture: OptimFixture = JSON.parse(
  fs.readFileSync(new URL('../../fixtures/torch/optim.json', import.meta.url), 'utf8'),
);

function makeOptimizer(
  kind: OptimizerKind,
  groups: { params: Tensor[]; options: AnyOptimizerOptions }[],
): SGD | Adam | AdamW {
  const defaults = groups[0].options;
  const specs = groups.map((g) => ({ ...g.options, params: g.params }));
  if (kind === 'SGD') return new SGD(specs, defaults);
  if (kind === 'Adam') return new Adam(specs, defaults);
  return new AdamW(specs, defaults);
}

function runTrajectory(c: OptimizerCase, dtype: DType, tolerance: Tolerance): void {
  const params = fixture.initial.map((p) => Tensor.from(p.data, p.shape, dtype));
  const opt = makeOptimizer(
    c.optimizer,
    c.groups.map((g) => ({ params: g.params.map((i) => params[i]), options: g.options })),
  );
  fixture.grads.forEach((stepGrads, step) => {
    params.forEach((p, i) => {
      const g = stepGrads[i];
      p.grad = g === null ? null : Tensor.from(g, p.shape, dtype);
    });
    opt.step();
    params.forEach((p, i) => {
      assertClose(
        p.data,
        c.trajectory[step][i],
        tolerance,
        `${c.name} step ${step + 1} param ${i}`,
      );
    });
  });
}

describe(`optimizers match torch.optim (${fixture.source})`, () => {
  it('covers SGD, Adam and AdamW', () => {
    const kinds = new Set(fixture.optimizers.map((c) => c.optimizer));
    assert.deepEqual([...kinds].sort(), ['Adam', 'AdamW', 'SGD']);
    assert.ok(
      fixture.grads.some((step) => step.includes(null)),
      'some steps skip a parameter',
    );
  });
  for (const c of fixture.optimizers) {
    it(`${c.name} in float64`, () => {
      runTrajectory(c, 'float64', { rtol: 1e-12, atol: 1e-15 });
    });
    it(`${c.name} in float32`, () => {
      runTrajectory(c, 'float32', { rtol: 1e-5, atol: 1e-6 });
    });
  }
});

function sequenceOf(c: ScheduleCase): { lr: number[][]; momentum: number[][] } {
  const params = c.groups.map(() => Tensor.zeros([1], 'float64'));
  const opt = makeOptimizer(
    c.optimizer,
    c.groups.map((options, g) => ({ params: [params[g]], options })),
  );
  const momenta = (): number[] => opt.paramGroups.map((_, g) => opt.getMomentum(g));
  let step: (t: number) => void;
  let lastLr: () => number[];
  if (c.scheduler === 'ReduceLROnPlateau') {
    const plateau = new ReduceLROnPlateau(opt, c.options);
    step = (t) => plateau.step(c.metrics[t]);
    lastLr = () => plateau.getLastLr();
  } else {
    const schedule =
      c.scheduler === 'StepLR'
        ? new StepLR(opt, c.options)
        : c.scheduler === 'OneCycleLR'
          ? new OneCycleLR(opt, c.options)
          : new CosineWarmupLR(opt, { warmupSteps: 0, ...c.options });
    step = () => schedule.step();
    lastLr = () => schedule.getLastLr();
  }
  const lr = [lastLr()];
  const momentum = [momenta()];
  for (let t = 1; t < c.lr.length; t++) {
    step(t - 1);
    assert.deepEqual(
      lastLr(),
      opt.paramGroups.map((g) => g.lr),
      'getLastLr() is the groups lr',
    );
    lr.push(lastLr());
    momentum.push(momenta());
  }
  return { lr, momentum };
}

describe('schedules match torch.optim.lr_scheduler', () => {
  for (const c of fixture.schedules) {
    const label =
      c.scheduler === 'CosineAnnealingLR'
        ? `${c.name}: CosineWarmupLR with warmupSteps 0 is CosineAnnealingLR`
        : `${c.name}: ${c.scheduler}`;
    it(label, () => {
      const { lr, momentum } = sequenceOf(c);
      assertClose(lr.flat(), c.lr.flat(), { rtol: 1e-12, atol: 0 }, `${c.name} lr`);
      assertClose(
        momentum.flat(),
        c.momentum.flat(),
        { rtol: 1e-12, atol: 0 },
        `${c.name} momentum`,
      );
    });
  }
});
