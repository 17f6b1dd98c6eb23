/**
 * Golden tests against PyTorch at the module level: seedNet, lenet5 and fashionNet, loaded with
 * the weights torch used (through loadStateDict), must give torch's logits, loss, every
 * parameter gradient, batch norm's updated running statistics, and the parameters after one
 * SGD, Adam and AdamW step; AdaptiveAvgPool2d must give torch's output and input gradient.
 * The fixture is fixtures/torch/modules.json, made by scripts/make-torch-module-fixtures.py;
 * its docstring explains the weight recipe and why large tensors are sampled.
 *
 * Tolerance: float64 throughout, rtol 1e-9 with atol 1e-13. The arithmetic is the same as
 * torch's up to summation order (torch's convolutions go through im2col and a blocked GEMM,
 * ours loop), which moves the last few bits; atol covers gradient entries that nearly cancel
 * (values around 1e-12 whose error is an absolute 1e-17, not a relative one).
 *
 * Dropout cannot match torch's random masks, so fashionNet trains with dropout p = 0 and is
 * evaluated (dropout the identity) with its default p.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, it } from 'node:test';
import { noGrad } from '../../src/autograd.js';
import { assertClose } from '../../src/check/compare.js';
import {
  AdaptiveAvgPool2d,
  fashionNet,
  lenet5,
  seedNet,
  type FashionNetOptions,
  type LeNet5Options,
  type Sequential,
} from '../../src/nn/index.js';
import { crossEntropy } from '../../src/ops/index.js';
import { Adam } from '../../src/optim/adam.js';
import { AdamW } from '../../src/optim/adamw.js';
import { SGD } from '../../src/optim/sgd.js';
import type { Tensor } from '../../src/tensor.js';
import {
  assertMatchesRecord,
  checksums,
  recipeTensor,
  type Recipe,
  type TensorRecord,
} from './recipe.js';

type PresetName = 'seedNet' | 'lenet5' | 'fashionNet';
type FixturePresetOptions = LeNet5Options & FashionNetOptions;

interface ModelCase {
  name: PresetName;
  presetOptions: FixturePresetOptions;
  evalPresetOptions: FixturePresetOptions;
  input: Recipe;
  labels: number[];
  state: (Recipe & { name: string; sum: number; hashDot: number })[];
  eval: { logits: number[] };
  train: {
    logits: number[];
    loss: number;
    grads: Record<string, TensorRecord>;
    buffers: Record<string, TensorRecord>;
  };
  steps: {
    optimizer: 'SGD' | 'Adam' | 'AdamW';
    options: { lr: number; momentum?: number; weightDecay?: number };
    params: Record<string, TensorRecord>;
  }[];
}

interface AdaptiveCase {
  inputShape: number[];
  outputSize: [number, number];
  inputStream: number;
  dyStream: number;
  y: { shape: number[]; data: number[] };
  dx: { shape: number[]; data: number[] };
}

interface ModulesFixture {
  source: string;
  hashStream: number;
  models: ModelCase[];
  adaptiveAvgPool2d: AdaptiveCase[];
}

const fixture: ModulesFixture = JSON.parse(
  fs.readFileSync(new URL('../../fixtures/torch/modules.json', import.meta.url), 'utf8'),
);
const tolerance = { rtol: 1e-9, atol: 1e-13 };

function buildPreset(name: PresetName, options: FixturePresetOptions): Sequential {
  const withDtype = { ...options, dtype: 'float64' as const };
  if (name === 'seedNet') return seedNet(withDtype);
  if (name === 'lenet5') return lenet5(withDtype);
  return fashionNet(withDtype);
}

function makeOptimizer(step: ModelCase['steps'][number], params: Tensor[]): SGD | Adam | AdamW {
  if (step.optimizer === 'SGD') return new SGD(params, step.options);
  if (step.optimizer === 'Adam') return new Adam(params, step.options);
  return new AdamW(params, step.options);
}

function namesOf(record: Record<string, unknown>): string[] {
  return Object.keys(record).sort();
}

describe(`modules match torch.nn (${fixture.source})`, () => {
  for (const c of fixture.models) {
    describe(c.name, () => {
      const state = new Map(c.state.map((s) => [s.name, recipeTensor(s)]));
      const x = recipeTensor(c.input);
      const labels = Int32Array.from(c.labels);

      it('rebuilds torch weights from the recipe, bit for bit', () => {
        for (const s of c.state) {
          const t = state.get(s.name);
          assert.ok(t !== undefined);
          const sums = checksums(t.data, fixture.hashStream);
          assert.ok(Math.abs(sums.sum - s.sum) <= 1e-15 * sums.sumAbs, `${s.name}: sum`);
          assert.ok(Math.abs(sums.hashDot - s.hashDot) <= 1e-15 * sums.hashDotAbs, `${s.name}`);
        }
      });

      it('evaluation: the same logits (batch norm with running statistics, dropout off)', () => {
        const model = buildPreset(c.name, c.evalPresetOptions);
        model.loadStateDict(state);
        model.eval();
        const logits = noGrad(() => model.forward(x));
        assertClose(logits.data, c.eval.logits, tolerance, `${c.name} eval logits`);
      });

      it('training: the same logits, loss, gradients, running statistics and optimizer steps', () => {
        const model = buildPreset(c.name, c.presetOptions);
        model.loadStateDict(state);
        const logits = model.forward(x);
        const loss = crossEntropy(logits, labels);
        loss.backward();
        assertClose(logits.data, c.train.logits, tolerance, `${c.name} logits`);
        assertClose([loss.item()], [c.train.loss], tolerance, `${c.name} loss`);

        const params = model.namedParameters();
        assert.deepEqual(params.map(([n]) => n).sort(), namesOf(c.train.grads));
        for (const [name, p] of params) {
          assert.ok(p.grad !== null, `${name} has a gradient`);
          assertMatchesRecord(
            p.grad,
            c.train.grads[name],
            fixture.hashStream,
            tolerance,
            `d${name}`,
          );
        }
        const buffers = model.namedBuffers();
        assert.deepEqual(buffers.map(([n]) => n).sort(), namesOf(c.train.buffers));
        for (const [name, b] of buffers) {
          assertMatchesRecord(b, c.train.buffers[name], fixture.hashStream, tolerance, name);
        }

        for (const step of c.steps) {
          model.loadStateDict(state); // the starting weights again; the gradients stay
          makeOptimizer(step, model.parameters()).step();
          for (const [name, p] of model.namedParameters()) {
            const label = `${name} after one ${step.optimizer} step`;
            assertMatchesRecord(p, step.params[name], fixture.hashStream, tolerance, label);
          }
        }
      });
    });
  }

  describe('AdaptiveAvgPool2d', () => {
    for (const c of fixture.adaptiveAvgPool2d) {
      it(`(${c.inputShape.join(',')}) -> (${c.outputSize.join(',')}): output and input gradient`, () => {
        const x = recipeTensor({ shape: c.inputShape, stream: c.inputStream, scale: 1, offset: 0 });
        x.requireGrad();
        const y = new AdaptiveAvgPool2d(c.outputSize).forward(x);
        assert.deepEqual([...y.shape], c.y.shape);
        y.backward(recipeTensor({ shape: c.y.shape, stream: c.dyStream, scale: 1, offset: 0 }));
        assertClose(y.data, c.y.data, { rtol: 1e-12, atol: 1e-15 }, 'y');
        assert.ok(x.grad !== null);
        assertClose(x.grad.data, c.dx.data, { rtol: 1e-12, atol: 1e-15 }, 'dx');
      });
    }
  });
});
