/**
 * The learning-rate schedules beyond the PyTorch fixtures (torch-golden.test.ts): CosineWarmupLR
 * against hand math, validation, stepping past the end, NaN metrics, and resuming a run from
 * the optimizer's and the schedule's state dicts.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { assertClose } from '../../src/check/compare.js';
import { CosineWarmupLR } from '../../src/optim/cosine-warmup-lr.js';
import type { SchedulableOptimizer } from '../../src/optim/optimizer.js';
import { OneCycleLR } from '../../src/optim/one-cycle-lr.js';
import { ReduceLROnPlateau } from '../../src/optim/reduce-lr-on-plateau.js';
import { SGD } from '../../src/optim/sgd.js';
import { StepLR } from '../../src/optim/step-lr.js';
import { Rng } from '../../src/rng.js';
import { Tensor } from '../../src/tensor.js';

function sgd(lrs: number[], momentum = 0): SGD {
  return new SGD(
    lrs.map((lr) => ({ params: [Tensor.zeros([1], 'float64')], lr })),
    { momentum },
  );
}

describe('CosineWarmupLR against hand math', () => {
  it('warms up linearly from 0, then follows half a cosine to minLr, then stays there', () => {
    const opt = sgd([0.1, 0.02]);
    const schedule = new CosineWarmupLR(opt, { warmupSteps: 4, totalSteps: 12, minLr: [0.01, 0] });
    const lrs = [schedule.getLastLr()];
    for (let t = 1; t <= 14; t++) {
      schedule.step();
      lrs.push(schedule.getLastLr());
    }
    // Cosine phase: 8 steps; at quarter points cos(pi/4) = sqrt(1/2), cos(pi/2) = 0.
    const c = Math.SQRT1_2;
    const expected0 = [
      0,
      0.025,
      0.05,
      0.075,
      0.1,
      0.01 + (0.09 * (1 + Math.cos(Math.PI / 8))) / 2,
      0.01 + (0.09 * (1 + c)) / 2,
      0.01 + (0.09 * (1 + Math.cos((3 * Math.PI) / 8))) / 2,
      0.055,
      0.01 + (0.09 * (1 - Math.cos((3 * Math.PI) / 8))) / 2,
      0.01 + (0.09 * (1 - c)) / 2,
      0.01 + (0.09 * (1 - Math.cos(Math.PI / 8))) / 2,
      0.01,
      0.01,
      0.01,
    ];
    const expected1 = expected0.map((lr) => ((lr - 0.01) / 0.09) * 0.02);
    for (let t = 0; t < 4; t++) expected1[t] = (0.02 * t) / 4;
    assertClose(
      lrs.map((l) => l[0]),
      expected0,
      { rtol: 1e-14, atol: 1e-17 },
      'group 0',
    );
    assertClose(
      lrs.map((l) => l[1]),
      expected1,
      { rtol: 1e-13, atol: 1e-17 },
      'group 1',
    );
    assert.equal(opt.paramGroups[0].lr, lrs[14][0]);
  });

  it('validates its settings', () => {
    const opt = sgd([0.1]);
    assert.throws(
      () => new CosineWarmupLR(opt, { warmupSteps: 10, totalSteps: 10 }),
      /CosineWarmupLR: totalSteps \(10\) must be greater than warmupSteps \(10\)/,
    );
    assert.throws(
      () => new CosineWarmupLR(opt, { warmupSteps: -1, totalSteps: 10 }),
      /CosineWarmupLR: warmupSteps must be an integer >= 0, got -1/,
    );
    assert.throws(
      () => new CosineWarmupLR(opt, { warmupSteps: 1, totalSteps: 10, minLr: 0.5 }),
      /CosineWarmupLR: minLr 0.5 is above param group 0's base lr 0.1/,
    );
    assert.throws(
      () => new CosineWarmupLR(opt, { warmupSteps: 1, totalSteps: 10, minLr: [0, 0] }),
      /CosineWarmupLR: minLr has 2 values, but the optimizer has 1 param groups/,
    );
  });
});

describe('StepLR', () => {
  it('validates its settings', () => {
    assert.throws(
      () => new StepLR(sgd([0.1]), { stepSize: 0 }),
      /StepLR: stepSize must be an integer >= 1, got 0/,
    );
    assert.throws(
      () => new StepLR(sgd([0.1]), { stepSize: 2, gamma: -1 }),
      /StepLR: gamma must be >= 0, got -1/,
    );
  });

  it('getLastLr returns a copy', () => {
    const schedule = new StepLR(sgd([0.1]), { stepSize: 1 });
    schedule.getLastLr()[0] = 5;
    assert.deepEqual(schedule.getLastLr(), [0.1]);
  });
});

describe('OneCycleLR', () => {
  it('validates its settings', () => {
    const opt = sgd([0.1]);
    assert.throws(
      () => new OneCycleLR(opt, { maxLr: 1, totalSteps: 0 }),
      /OneCycleLR: totalSteps must be an integer >= 1, got 0/,
    );
    assert.throws(
      () => new OneCycleLR(opt, { maxLr: 1, totalSteps: 10, pctStart: 1.5 }),
      /OneCycleLR: pctStart must be in \[0, 1\], got 1.5/,
    );
    assert.throws(
      () => new OneCycleLR(opt, { maxLr: [1, 2], totalSteps: 10 }),
      /OneCycleLR: maxLr has 2 values, but the optimizer has 1 param groups/,
    );
    assert.throws(
      () => new OneCycleLR(opt, { maxLr: 1, totalSteps: 10, divFactor: 0 }),
      /OneCycleLR: divFactor must be > 0, got 0/,
    );
    const annealStrategy = JSON.parse('"cosine"');
    assert.throws(
      () => new OneCycleLR(opt, { maxLr: 1, totalSteps: 10, annealStrategy }),
      /OneCycleLR: annealStrategy must be one of 'cos', 'linear', got "cosine"/,
    );
  });

  it('needs an optimizer with momentum to cycle it', () => {
    const groups = [{ lr: 0.1 }];
    const noMomentum: SchedulableOptimizer = {
      name: 'Plain',
      paramGroups: groups,
      getMomentum: () => null,
      setMomentum: () => {
        throw new Error('no momentum');
      },
    };
    assert.throws(
      () => new OneCycleLR(noMomentum, { maxLr: 1, totalSteps: 10 }),
      /OneCycleLR: cycleMomentum needs an optimizer with momentum \(SGD\) or betas \(Adam, AdamW\); Plain has neither/,
    );
    const schedule = new OneCycleLR(noMomentum, { maxLr: 1, totalSteps: 10, cycleMomentum: false });
    // Step 0 of the cosine rise: 1 + (1/25 - 1) / 2 * 2, which rounds to 1/25 + 3.6e-17 as in PyTorch.
    assert.ok(Math.abs(schedule.getLastLr()[0] - 1 / 25) < 1e-16);
    assert.equal(groups[0].lr, schedule.getLastLr()[0]);
  });

  it('allows steps up to totalSteps, as PyTorch does, and throws past it, changing nothing', () => {
    const opt = sgd([0.1], 0.9);
    const schedule = new OneCycleLR(opt, { maxLr: 1, totalSteps: 5 });
    for (let t = 0; t < 5; t++) schedule.step();
    const lr = opt.paramGroups[0].lr;
    const momentum = opt.paramGroups[0].momentum;
    assert.throws(() => schedule.step(), /OneCycleLR: step 6 is past totalSteps = 5/);
    assert.equal(schedule.lastEpoch, 5);
    assert.equal(opt.paramGroups[0].lr, lr);
    assert.equal(opt.paramGroups[0].momentum, momentum);
  });

  it('throws clearly for a phase that spans no steps (PyTorch divides by zero)', () => {
    const opt = sgd([0.1]);
    assert.throws(
      () => new OneCycleLR(opt, { maxLr: 1, totalSteps: 10, pctStart: 0.1, cycleMomentum: false }),
      /OneCycleLR: step 0 falls in phase 1, which spans no steps/,
    );
  });
});

describe('ReduceLROnPlateau', () => {
  it('validates its settings', () => {
    const opt = sgd([0.1]);
    assert.throws(
      () => new ReduceLROnPlateau(opt, { factor: 1 }),
      /ReduceLROnPlateau: factor must be in \[0, 1\), got 1/,
    );
    assert.throws(
      () => new ReduceLROnPlateau(opt, { patience: 1.5 }),
      /ReduceLROnPlateau: patience must be an integer >= 0, got 1.5/,
    );
    const mode = JSON.parse('"minimum"');
    assert.throws(
      () => new ReduceLROnPlateau(opt, { mode }),
      /ReduceLROnPlateau: mode must be one of 'min', 'max', got "minimum"/,
    );
  });

  it('counts a NaN metric as no improvement', () => {
    const opt = sgd([1]);
    const plateau = new ReduceLROnPlateau(opt, { patience: 1, factor: 0.5 });
    plateau.step(1);
    plateau.step(NaN);
    assert.equal(plateau.numBadEpochs, 1);
    plateau.step(NaN);
    assert.deepEqual(plateau.getLastLr(), [0.5]);
    assert.equal(plateau.best, 1);
  });

  it('reports the lr at construction before any step', () => {
    assert.deepEqual(new ReduceLROnPlateau(sgd([0.3, 0.2])).getLastLr(), [0.3, 0.2]);
  });
});

describe('resuming a run: optimizer and schedule state dicts through JSON', () => {
  type Schedule = { step(): void; stateDict(): object; loadStateDict(s: unknown): void };
  const makers: [string, (opt: SGD) => Schedule][] = [
    ['StepLR', (opt) => new StepLR(opt, { stepSize: 3, gamma: 0.5 })],
    ['CosineWarmupLR', (opt) => new CosineWarmupLR(opt, { warmupSteps: 3, totalSteps: 10 })],
    ['OneCycleLR', (opt) => new OneCycleLR(opt, { maxLr: [0.5, 0.2], totalSteps: 10 })],
    [
      'ReduceLROnPlateau',
      (opt) => {
        const plateau = new ReduceLROnPlateau(opt, { patience: 1, factor: 0.5, cooldown: 1 });
        const metrics = [5, 4, 4.5, 4.4, 4.6, 3, 3.1, 3.2, 3.3, 3.4];
        return {
          step: () => plateau.step(metrics[plateau.lastEpoch]),
          stateDict: () => plateau.stateDict(),
          loadStateDict: (s: unknown) => plateau.loadStateDict(s),
        };
      },
    ],
  ];

  for (const [name, make] of makers) {
    it(`${name}: 5 steps, save, restore into fresh objects, 5 more: identical lrs and params`, () => {
      const rng = new Rng(11);
      const ps = [Tensor.randn([4], rng, 1, 'float64'), Tensor.randn([3], rng, 1, 'float64')];
      const build = (params: Tensor[]): SGD =>
        new SGD(
          params.map((p, i) => ({ params: [p], lr: i === 0 ? 0.1 : 0.05 })),
          { momentum: 0.9 },
        );
      const opt = build(ps);
      const schedule = make(opt);
      const train = (o: SGD, s: Schedule, grads: Float64Array[]): void => {
        o.parameters().forEach((p, i) => {
          p.grad = Tensor.from(grads[i], p.shape, 'float64');
        });
        o.step();
        s.step();
      };
      const gradsFor = (): Float64Array[] =>
        ps.map((p) => Float64Array.from({ length: p.size }, () => rng.normal()));
      for (let t = 0; t < 5; t++) train(opt, schedule, gradsFor());

      const saved = JSON.stringify({ opt: opt.stateDict(), schedule: schedule.stateDict() });
      const copies = ps.map((p) => p.clone());
      const resumedOpt = build(copies);
      const resumed = make(resumedOpt);
      const parsed = JSON.parse(saved);
      resumedOpt.loadStateDict(parsed.opt);
      resumed.loadStateDict(parsed.schedule);
      assert.equal(JSON.stringify(resumed.stateDict()), JSON.stringify(schedule.stateDict()));

      for (let t = 0; t < 5; t++) {
        const grads = gradsFor();
        train(opt, schedule, grads);
        train(resumedOpt, resumed, grads);
        assert.deepEqual(
          resumedOpt.paramGroups.map((g) => [g.lr, g.momentum]),
          opt.paramGroups.map((g) => [g.lr, g.momentum]),
        );
      }
      ps.forEach((p, i) => assert.deepEqual(Array.from(copies[i].data), Array.from(p.data)));
    });
  }

  it('rejects a state dict for another schedule or another number of groups', () => {
    const schedule = new StepLR(sgd([0.1, 0.2]), { stepSize: 2 });
    const cosine = new CosineWarmupLR(sgd([0.1, 0.2]), { warmupSteps: 1, totalSteps: 5 });
    assert.throws(
      () => schedule.loadStateDict(cosine.stateDict()),
      /StepLR.loadStateDict: this state dict is for CosineWarmupLR, not StepLR/,
    );
    const other = new StepLR(sgd([0.1]), { stepSize: 2 });
    assert.throws(
      () => schedule.loadStateDict(other.stateDict()),
      /StepLR.loadStateDict: baseLrs has 1 entries, expected 2/,
    );
    const plateau = new ReduceLROnPlateau(sgd([0.1]));
    const sd = JSON.parse(JSON.stringify(plateau.stateDict()));
    assert.equal(sd.best, 'Infinity');
    sd.numBadEpochs = -1;
    assert.throws(
      () => plateau.loadStateDict(sd),
      /ReduceLROnPlateau.loadStateDict: numBadEpochs must be a non-negative integer, got -1/,
    );
  });
});
