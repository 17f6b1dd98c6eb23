/**
 * Golden tests against PyTorch for the autograd ops and their new kernels: each case runs
 * through the op (forward, then backward through autograd) and must reproduce torch's output
 * and gradients from fixtures/torch/ops.json.
 *
 * The fixtures are made once, in float64, by scripts/make-torch-op-fixtures.py (run it with
 * /usr/bin/python3); this test only reads the JSON, so Python is never needed at test time.
 * Tolerances as in torch.test.ts: rtol 1e-10, atol 1e-12 in float64.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, it } from 'node:test';

import { assertClose, type Tolerance } from '../../src/check/compare.js';
import {
  batchNorm2d,
  binaryCrossEntropyWithLogits,
  convTranspose2d,
  crossEntropy,
  gelu,
  l2Normalize,
  logSoftmax,
  mseLoss,
  mul,
  silu,
  smoothL1Loss,
  softmax,
  sum,
  upsampleBilinear2d,
  upsampleNearest2d,
  type Reduction,
} from '../../src/ops/index.js';
import { Tensor, formatShape, sizeOf } from '../../src/tensor.js';

// ---- The fixture file's layout (written by scripts/make-torch-op-fixtures.py) ----

interface FixtureArray {
  shape: number[];
  data: number[];
}

type PairValue = [number, number];

interface ConvTransposeCase {
  name: string;
  options: {
    stride: PairValue;
    padding: PairValue;
    outputPadding: PairValue;
    dilation: PairValue;
    groups: number;
  };
  x: FixtureArray;
  w: FixtureArray;
  b: FixtureArray | null;
  y: FixtureArray;
  dy: FixtureArray;
  dx: FixtureArray;
  dw: FixtureArray;
  db: FixtureArray | null;
}

interface UpsampleCase {
  name: string;
  mode: 'nearest' | 'bilinear';
  options: { size?: PairValue; scaleFactor?: PairValue; alignCorners?: boolean };
  x: FixtureArray;
  y: FixtureArray;
  dy: FixtureArray;
  dx: FixtureArray;
}

interface BatchNormCase {
  name: string;
  training: boolean;
  momentum: number;
  eps: number;
  x: FixtureArray;
  weight: FixtureArray | null;
  bias: FixtureArray | null;
  runningMean: FixtureArray;
  runningVar: FixtureArray;
  runningMeanAfter: FixtureArray;
  runningVarAfter: FixtureArray;
  y: FixtureArray;
  dy: FixtureArray;
  dx: FixtureArray;
  dweight: FixtureArray | null;
  dbias: FixtureArray | null;
}

interface CrossEntropyCase {
  name: string;
  logits: FixtureArray;
  labels: FixtureArray;
  weight: FixtureArray | null;
  ignoreIndex: number;
  reduction: Reduction;
  loss: FixtureArray;
  dy: FixtureArray | null;
  dlogits: FixtureArray;
}

interface BceCase {
  name: string;
  logits: FixtureArray;
  target: FixtureArray;
  posWeight: FixtureArray | null;
  reduction: Reduction;
  loss: FixtureArray;
  dy: FixtureArray | null;
  dlogits: FixtureArray;
  dtarget: FixtureArray;
}

interface RegressionCase {
  name: string;
  kind: 'smoothL1' | 'mse';
  beta: number;
  reduction: Reduction;
  x: FixtureArray;
  target: FixtureArray;
  loss: FixtureArray;
  dy: FixtureArray | null;
  dx: FixtureArray;
  dtarget: FixtureArray;
}

interface AlongAxisCase {
  name: string;
  kind: 'softmax' | 'logSoftmax' | 'l2Normalize';
  axis: number;
  x: FixtureArray;
  y: FixtureArray;
  dy: FixtureArray;
  dx: FixtureArray;
}

interface ActivationCase {
  name: string;
  kind: 'gelu' | 'silu';
  x: FixtureArray;
  y: FixtureArray;
  dy: FixtureArray;
  dx: FixtureArray;
}

interface OpsFile {
  meta: { generator: string; torch: string; dtype: string; seed: number };
  convTranspose2d: ConvTransposeCase[];
  upsample: UpsampleCase[];
  batchNorm2d: BatchNormCase[];
  crossEntropy: CrossEntropyCase[];
  binaryCrossEntropyWithLogits: BceCase[];
  regressionLoss: RegressionCase[];
  alongAxis: AlongAxisCase[];
  activation: ActivationCase[];
}

const fixtures = JSON.parse(
  fs.readFileSync(new URL('../../fixtures/torch/ops.json', import.meta.url), 'utf8'),
) as OpsFile;

const F64: Tolerance = { rtol: 1e-10, atol: 1e-12 };

/** A float64 tensor from a fixture array, after checking the data fills the shape. */
function load(a: FixtureArray): Tensor {
  assert.equal(
    a.data.length,
    sizeOf(a.shape),
    `fixture array of shape ${formatShape(a.shape)} has ${a.data.length} values`,
  );
  return Tensor.from(a.data, a.shape, 'float64');
}

function loadLeaf(a: FixtureArray): Tensor {
  return load(a).requireGrad();
}

/** Checks the tensor's shape and values against the fixture. */
function expectTensor(actual: Tensor | null, expected: FixtureArray, label: string): void {
  assert.ok(actual !== null, `${label}: missing`);
  assert.deepEqual(actual.shape, expected.shape, `${label} shape`);
  assertClose(actual.data, expected.data, F64, label);
}

/** Backward as the fixture script ran it: on the scalar loss, or with the stored dy. */
function runBackward(y: Tensor, dy: FixtureArray | null): void {
  if (dy === null) y.backward();
  else sum(mul(y, load(dy))).backward();
}

describe('torch op fixtures', () => {
  it('has every kind of case', () => {
    assert.equal(fixtures.meta.dtype, 'float64');
    assert.ok(fixtures.convTranspose2d.length >= 5);
    assert.ok(fixtures.upsample.some((c) => c.mode === 'nearest'));
    assert.ok(fixtures.upsample.some((c) => c.mode === 'bilinear'));
    assert.ok(fixtures.batchNorm2d.some((c) => c.training));
    assert.ok(fixtures.batchNorm2d.some((c) => !c.training));
    assert.ok(fixtures.crossEntropy.some((c) => c.logits.shape.length === 4));
    assert.ok(fixtures.binaryCrossEntropyWithLogits.some((c) => c.posWeight !== null));
    assert.ok(fixtures.regressionLoss.some((c) => c.kind === 'smoothL1'));
    assert.ok(fixtures.activation.some((c) => c.kind === 'gelu'));
    assert.ok(fixtures.activation.some((c) => c.kind === 'silu'));
  });
});

describe('convTranspose2d matches torch (float64)', () => {
  for (const c of fixtures.convTranspose2d) {
    it(`${c.name}: x${formatShape(c.x.shape)} w${formatShape(c.w.shape)} -> y${formatShape(c.y.shape)}`, () => {
      const x = loadLeaf(c.x);
      const w = loadLeaf(c.w);
      const b = c.b === null ? null : loadLeaf(c.b);
      const y = convTranspose2d(x, w, b, c.options);
      expectTensor(y, c.y, 'y');
      runBackward(y, c.dy);
      expectTensor(x.grad, c.dx, 'dx');
      expectTensor(w.grad, c.dw, 'dw');
      if (b !== null && c.db !== null) expectTensor(b.grad, c.db, 'db');
    });
  }
});

describe('upsampling matches torch (float64)', () => {
  for (const c of fixtures.upsample) {
    it(`${c.mode} ${c.name}: x${formatShape(c.x.shape)} -> y${formatShape(c.y.shape)}`, () => {
      const x = loadLeaf(c.x);
      const y =
        c.mode === 'nearest' ? upsampleNearest2d(x, c.options) : upsampleBilinear2d(x, c.options);
      expectTensor(y, c.y, 'y');
      runBackward(y, c.dy);
      expectTensor(x.grad, c.dx, 'dx');
    });
  }
});

describe('batchNorm2d matches torch (float64)', () => {
  for (const c of fixtures.batchNorm2d) {
    it(`${c.name}: x${formatShape(c.x.shape)}`, () => {
      const x = loadLeaf(c.x);
      const weight = c.weight === null ? null : loadLeaf(c.weight);
      const bias = c.bias === null ? null : loadLeaf(c.bias);
      const runningMean = load(c.runningMean);
      const runningVar = load(c.runningVar);
      const y = batchNorm2d(x, runningMean, runningVar, {
        weight,
        bias,
        training: c.training,
        momentum: c.momentum,
        eps: c.eps,
      });
      expectTensor(y, c.y, 'y');
      expectTensor(runningMean, c.runningMeanAfter, 'running mean');
      expectTensor(runningVar, c.runningVarAfter, 'running var');
      runBackward(y, c.dy);
      expectTensor(x.grad, c.dx, 'dx');
      if (weight !== null && c.dweight !== null) expectTensor(weight.grad, c.dweight, 'dweight');
      if (bias !== null && c.dbias !== null) expectTensor(bias.grad, c.dbias, 'dbias');
    });
  }
});

describe('crossEntropy matches torch (float64)', () => {
  for (const c of fixtures.crossEntropy) {
    it(`${c.name}: logits${formatShape(c.logits.shape)}`, () => {
      const logits = loadLeaf(c.logits);
      const loss = crossEntropy(logits, c.labels.data, {
        weight: c.weight === null ? null : load(c.weight),
        ignoreIndex: c.ignoreIndex,
        reduction: c.reduction,
      });
      expectTensor(loss, c.loss, 'loss');
      runBackward(loss, c.dy);
      expectTensor(logits.grad, c.dlogits, 'dlogits');
    });
  }
});

describe('binaryCrossEntropyWithLogits matches torch (float64)', () => {
  for (const c of fixtures.binaryCrossEntropyWithLogits) {
    it(`${c.name}: logits${formatShape(c.logits.shape)}`, () => {
      const logits = loadLeaf(c.logits);
      const target = loadLeaf(c.target);
      const loss = binaryCrossEntropyWithLogits(logits, target, {
        posWeight: c.posWeight === null ? null : load(c.posWeight),
        reduction: c.reduction,
      });
      expectTensor(loss, c.loss, 'loss');
      runBackward(loss, c.dy);
      expectTensor(logits.grad, c.dlogits, 'dlogits');
      expectTensor(target.grad, c.dtarget, 'dtarget');
    });
  }
});

describe('smoothL1Loss and mseLoss match torch (float64)', () => {
  for (const c of fixtures.regressionLoss) {
    it(`${c.kind} ${c.name}: x${formatShape(c.x.shape)}`, () => {
      const x = loadLeaf(c.x);
      const target = loadLeaf(c.target);
      const loss =
        c.kind === 'smoothL1'
          ? smoothL1Loss(x, target, { beta: c.beta, reduction: c.reduction })
          : mseLoss(x, target, { reduction: c.reduction });
      expectTensor(loss, c.loss, 'loss');
      runBackward(loss, c.dy);
      expectTensor(x.grad, c.dx, 'dx');
      expectTensor(target.grad, c.dtarget, 'dtarget');
    });
  }
});

describe('softmax, logSoftmax and l2Normalize match torch (float64)', () => {
  for (const c of fixtures.alongAxis) {
    it(`${c.kind} ${c.name}`, () => {
      const x = loadLeaf(c.x);
      const y =
        c.kind === 'softmax'
          ? softmax(x, c.axis)
          : c.kind === 'logSoftmax'
            ? logSoftmax(x, c.axis)
            : l2Normalize(x, { axis: c.axis });
      expectTensor(y, c.y, 'y');
      runBackward(y, c.dy);
      expectTensor(x.grad, c.dx, 'dx');
    });
  }
});

describe('gelu and silu match torch (float64)', () => {
  for (const c of fixtures.activation) {
    it(`${c.kind} ${c.name}`, () => {
      const x = loadLeaf(c.x);
      const y = c.kind === 'gelu' ? gelu(x) : silu(x);
      expectTensor(y, c.y, 'y');
      runBackward(y, c.dy);
      expectTensor(x.grad, c.dx, 'dx');
    });
  }
});
