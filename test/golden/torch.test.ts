/**
 * Golden tests against PyTorch: the reference kernels must reproduce torch's forward outputs and
 * autograd gradients on the fixtures in fixtures/torch/golden.json.
 *
 * The fixtures are made once, in float64, by scripts/make-torch-fixtures.py (`npm run fixtures`);
 * this test only reads the JSON, so Python is never needed at test time.
 *
 * In float64 the kernels and torch sum the same products in possibly different orders, so they
 * agree to a few ulps: rtol 1e-10, atol 1e-12 leaves wide room for that and none for a wrong
 * index. Each conv case is also run in float32 (inputs rounded from the fixture) and held to
 * rtol 1e-4, atol 1e-5 against the float64 answer.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';

import { assertClose, type Tolerance } from '../../src/check/compare.js';
import {
  avgPool2dBackward,
  avgPool2dForward,
  conv2dForward,
  linearForward,
  maxPool2dBackward,
  maxPool2dForward,
  crossEntropyBackward,
  crossEntropyForward,
  conv2dBackward,
  linearBackward,
} from '../../src/kernels/reference/index.js';
import { conv2dGeometry, conv2dOutputShape, type Conv2dGeometry } from '../../src/shape/conv2d.js';
import { crossEntropyGeometry } from '../../src/shape/cross-entropy.js';
import { linearGeometry } from '../../src/shape/linear.js';
import { pool2dGeometry, pool2dOutputShape } from '../../src/shape/pool2d.js';
import { formatShape, sizeOf, type FloatArray } from '../../src/tensor.js';

// ---- The fixture file's layout (written by scripts/make-torch-fixtures.py) ----

/** A tensor flattened row-major, with its shape. */
interface FixtureArray {
  shape: number[];
  data: number[];
}

type PairValue = [number, number];

interface ConvCase {
  name: string;
  options: { stride: PairValue; padding: PairValue; dilation: PairValue; groups: number };
  x: FixtureArray;
  w: FixtureArray;
  b: FixtureArray | null;
  y: FixtureArray;
  dy: FixtureArray;
  dx: FixtureArray;
  dw: FixtureArray;
  db: FixtureArray | null;
}

interface PoolOptions {
  kernelSize: PairValue;
  stride: PairValue;
  padding: PairValue;
}

interface MaxPoolCase {
  name: string;
  options: PoolOptions;
  x: FixtureArray;
  y: FixtureArray;
  dy: FixtureArray;
  dx: FixtureArray;
}

interface AvgPoolCase extends MaxPoolCase {
  countIncludePad: boolean;
}

interface CrossEntropyCase {
  name: string;
  logits: FixtureArray;
  labels: number[];
  loss: number;
  dlogits: FixtureArray;
}

interface LinearCase {
  name: string;
  x: FixtureArray;
  w: FixtureArray;
  b: FixtureArray | null;
  y: FixtureArray;
  dy: FixtureArray;
  dx: FixtureArray;
  dw: FixtureArray;
  db: FixtureArray | null;
}

interface GoldenFile {
  meta: { generator: string; torch: string; dtype: string; seed: number };
  conv2d: ConvCase[];
  maxPool2d: MaxPoolCase[];
  avgPool2d: AvgPoolCase[];
  crossEntropy: CrossEntropyCase[];
  linear: LinearCase[];
}

const golden = JSON.parse(
  fs.readFileSync(new URL('../../fixtures/torch/golden.json', import.meta.url), 'utf8'),
) as GoldenFile;

const F64: Tolerance = { rtol: 1e-10, atol: 1e-12 };
const F32: Tolerance = { rtol: 1e-4, atol: 1e-5 };

type Ctor = Float32ArrayConstructor | Float64ArrayConstructor;

/** The fixture's data as a typed array, after checking it fills its shape. */
function load(a: FixtureArray, Type: Ctor = Float64Array): FloatArray {
  assert.equal(
    a.data.length,
    sizeOf(a.shape),
    `fixture array of shape ${formatShape(a.shape)} has ${a.data.length} values`,
  );
  return Type.from(a.data);
}

function pairText([a, b]: PairValue): string {
  return a === b ? `${a}` : `(${a},${b})`;
}

function convTitle(c: ConvCase): string {
  const { stride, padding, dilation, groups } = c.options;
  const [F, , KH, KW] = c.w.shape;
  return (
    `${c.name}: x${formatShape(c.x.shape)} ${F} filters ${KH}x${KW}, stride ${pairText(stride)}, ` +
    `padding ${pairText(padding)}, dilation ${pairText(dilation)}, groups ${groups}, ` +
    `${c.b === null ? 'no bias' : 'bias'} -> y${formatShape(c.y.shape)}`
  );
}

function poolTitle(c: MaxPoolCase): string {
  const { kernelSize, stride, padding } = c.options;
  return (
    `${c.name}: x${formatShape(c.x.shape)} kernel ${kernelSize.join('x')}, stride ` +
    `${pairText(stride)}, padding ${pairText(padding)} -> y${formatShape(c.y.shape)}`
  );
}

function convGeometry(c: ConvCase): Conv2dGeometry {
  const g = conv2dGeometry(c.x.shape, c.w.shape, c.options, c.b === null ? null : c.b.shape[0]);
  assert.deepEqual(conv2dOutputShape(g), c.y.shape, 'output shape');
  return g;
}

/** Forward and all gradients of one conv case in the given precision. */
function checkConv(c: ConvCase, Type: Ctor, tol: Tolerance): void {
  const g = convGeometry(c);
  const x = load(c.x, Type);
  const w = load(c.w, Type);
  const b = c.b === null ? null : load(c.b, Type);
  const dy = load(c.dy, Type);

  const y = new Type(c.y.data.length);
  conv2dForward(y, x, w, b, g);
  assertClose(y, c.y.data, tol, 'y');

  const dx = new Type(c.dx.data.length);
  conv2dBackward(dx, null, null, dy, new Float64Array(0), w, g);
  assertClose(dx, c.dx.data, tol, 'dx');

  const dw = new Type(c.dw.data.length);
  conv2dBackward(null, dw, null, dy, x, new Float64Array(0), g);
  assertClose(dw, c.dw.data, tol, 'dw');

  if (c.db !== null) {
    const db = new Type(c.db.data.length);
    conv2dBackward(null, null, db, dy, new Float64Array(0), new Float64Array(0), g);
    assertClose(db, c.db.data, tol, 'db');
  }
}

describe('torch golden fixtures', () => {
  it('has every kind of case', () => {
    assert.equal(golden.meta.dtype, 'float64');
    assert.ok(golden.conv2d.length >= 6);
    assert.ok(golden.maxPool2d.length >= 3);
    assert.ok(golden.avgPool2d.length >= 3);
    assert.ok(golden.crossEntropy.length >= 1);
    assert.ok(golden.linear.length >= 1);
  });
});

describe('conv2d matches torch (float64)', () => {
  for (const c of golden.conv2d) {
    it(convTitle(c), () => checkConv(c, Float64Array, F64));
  }
});

describe('conv2d matches torch (float32, against the float64 fixture)', () => {
  for (const c of golden.conv2d) {
    it(convTitle(c), () => checkConv(c, Float32Array, F32));
  }
});

describe('max_pool2d matches torch (float64)', () => {
  for (const c of golden.maxPool2d) {
    it(poolTitle(c), () => {
      const g = pool2dGeometry(c.x.shape, c.options, 'maxPool2d');
      assert.deepEqual(pool2dOutputShape(g), c.y.shape, 'output shape');
      const x = load(c.x);
      const y = new Float64Array(c.y.data.length);
      maxPool2dForward(y, x, g);
      assertClose(y, c.y.data, F64, 'y');
      const dx = new Float64Array(c.dx.data.length);
      maxPool2dBackward(dx, load(c.dy), x, g);
      assertClose(dx, c.dx.data, F64, 'dx');
    });
  }
});

describe('avg_pool2d matches torch (float64)', () => {
  for (const c of golden.avgPool2d) {
    const mode = { countIncludePad: c.countIncludePad };
    it(`${poolTitle(c)}, countIncludePad ${c.countIncludePad}`, () => {
      const g = pool2dGeometry(c.x.shape, c.options, 'avgPool2d');
      assert.deepEqual(pool2dOutputShape(g), c.y.shape, 'output shape');
      const y = new Float64Array(c.y.data.length);
      avgPool2dForward(y, load(c.x), g, mode);
      assertClose(y, c.y.data, F64, 'y');
      const dx = new Float64Array(c.dx.data.length);
      avgPool2dBackward(dx, load(c.dy), g, mode);
      assertClose(dx, c.dx.data, F64, 'dx');
    });
  }
});

describe('softmax cross-entropy matches torch (float64, mean over the batch)', () => {
  for (const c of golden.crossEntropy) {
    it(`${c.name}: logits${formatShape(c.logits.shape)}, labels [${c.labels.join(',')}]`, () => {
      const g = crossEntropyGeometry(c.logits.shape, c.labels.length);
      const logits = load(c.logits);
      const losses = new Float64Array(g.N);
      const count = crossEntropyForward(losses, logits, c.labels, null, -100, g);
      const loss = losses.reduce((a, b) => a + b, 0) / count;
      assertClose([loss], [c.loss], F64, 'loss');
      // The mean's gradient reaches each row's loss as 1/N.
      const dlosses = new Float64Array(g.N).fill(1 / g.N);
      const dlogits = new Float64Array(c.dlogits.data.length);
      crossEntropyBackward(dlogits, dlosses, logits, c.labels, null, -100, g);
      assertClose(dlogits, c.dlogits.data, F64, 'dlogits');
    });
  }
});

describe('linear matches torch (float64)', () => {
  for (const c of golden.linear) {
    const bias = c.b === null ? 'no bias' : 'bias';
    it(`${c.name}: x${formatShape(c.x.shape)} w${formatShape(c.w.shape)}, ${bias}`, () => {
      const g = linearGeometry(c.x.shape, c.w.shape, c.b === null ? null : c.b.shape[0]);
      assert.deepEqual([g.N, g.OUT], c.y.shape, 'output shape');
      const x = load(c.x);
      const w = load(c.w);
      const dy = load(c.dy);
      const y = new Float64Array(c.y.data.length);
      linearForward(y, x, w, c.b === null ? null : load(c.b), g);
      assertClose(y, c.y.data, F64, 'y');
      const dx = new Float64Array(c.dx.data.length);
      linearBackward(dx, null, null, dy, new Float64Array(0), w, g);
      assertClose(dx, c.dx.data, F64, 'dx');
      const dw = new Float64Array(c.dw.data.length);
      linearBackward(null, dw, null, dy, x, new Float64Array(0), g);
      assertClose(dw, c.dw.data, F64, 'dw');
      if (c.db !== null) {
        const db = new Float64Array(c.db.data.length);
        linearBackward(null, null, db, dy, new Float64Array(0), new Float64Array(0), g);
        assertClose(db, c.db.data, F64, 'db');
      }
    });
  }
});
