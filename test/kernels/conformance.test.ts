/**
 * One suite, every backend: each case runs on the fast backend in float32 and on the reference
 * in float64 (from the same float32-rounded inputs), and the two must agree to a relative error
 * of 1e-4 of the output's scale. Failures name the max difference and the first bad index.
 * A backend that cannot start here is skipped with its reason printed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { compareArrays, formatComparison } from '../../src/check/compare.js';
import type { Backend } from '../../src/kernels/backend.js';
import { referenceBackend } from '../../src/kernels/reference/index.js';
import { createWasmBackend, type WasmBackend } from '../../src/kernels/wasm/index.js';
import { Rng } from '../../src/rng.js';
import { batchNorm2dGeometry } from '../../src/shape/batch-norm2d.js';
import { conv2dGeometry, type Conv2dGeometry, type Conv2dOptions } from '../../src/shape/conv2d.js';
import { linearGeometry } from '../../src/shape/linear.js';
import { pool2dGeometry, type Pool2dGeometry, type Pool2dOptions } from '../../src/shape/pool2d.js';
import { classificationGeometry } from '../../src/shape/softmax-cross-entropy.js';
import { sizeOf, type Shape } from '../../src/tensor.js';

const RTOL = 1e-4;

/** Fast output vs float64 reference: |a - e| <= 1e-4 * (|e| + max|e|) elementwise. */
function expectClose(label: string, actual: Float32Array, expected: Float64Array): void {
  let scale = 0;
  for (const v of expected) if (Number.isFinite(v)) scale = Math.max(scale, Math.abs(v));
  const c = compareArrays(actual, expected, { rtol: RTOL, atol: RTOL * scale, equalNaN: true });
  assert.ok(c.ok, formatComparison(label, c));
}

/** Elementwise Object.is: the same values, with NaN equal to NaN whatever its bit pattern. */
function assertSameValues(actual: Float32Array, expected: Float32Array, label: string): void {
  assert.equal(actual.length, expected.length, label);
  for (let i = 0; i < actual.length; i++) {
    if (!Object.is(actual[i], expected[i])) {
      assert.fail(
        `${label}: first difference at index ${i}: got ${actual[i]}, expected ${expected[i]}`,
      );
    }
  }
}

function random32(rng: Rng, n: number): Float32Array {
  return Float32Array.from({ length: n }, () => rng.normal());
}

interface ConvResult {
  y: Float32Array;
  dx: Float32Array;
  dw: Float32Array;
  db: Float32Array;
}

function runConv(
  backend: Backend,
  g: Conv2dGeometry,
  x: Float32Array,
  w: Float32Array,
  b: Float32Array,
  dy: Float32Array,
): ConvResult {
  const out = {
    y: new Float32Array(g.N * g.F * g.OH * g.OW),
    dx: new Float32Array(x.length),
    dw: new Float32Array(w.length),
    db: new Float32Array(b.length),
  };
  backend.conv2dForward(out.y, x, w, b, g);
  backend.conv2dBackwardInput(out.dx, dy, w, g);
  backend.conv2dBackwardWeight(out.dw, dy, x, g);
  backend.conv2dBackwardBias(out.db, dy, g);
  // The fused call gives the same bits, and skips what is null.
  const fused = {
    dx: new Float32Array(x.length),
    dw: new Float32Array(w.length),
    db: new Float32Array(b.length),
  };
  backend.conv2dBackward(fused.dx, fused.dw, fused.db, dy, x, w, g);
  assert.deepEqual(fused, { dx: out.dx, dw: out.dw, db: out.db }, `${backend.name} conv2dBackward`);
  const onlyWeight = new Float32Array(w.length);
  backend.conv2dBackward(null, onlyWeight, null, dy, x, w, g);
  assert.deepEqual(onlyWeight, out.dw, `${backend.name} conv2dBackward (dw only)`);
  return out;
}

/** The fast conv against the float64 reference, forward and all three gradients. */
function checkConv(
  backend: Backend,
  xShape: Shape,
  wShape: Shape,
  options: Conv2dOptions,
  seed: number,
): ConvResult {
  const g = conv2dGeometry(xShape, wShape, options, wShape[0]);
  const rng = new Rng(seed);
  const x = random32(rng, sizeOf(xShape));
  const w = random32(rng, sizeOf(wShape));
  const b = random32(rng, wShape[0]);
  const dy = random32(rng, g.N * g.F * g.OH * g.OW);
  const fast = runConv(backend, g, x, w, b, dy);
  const ref = {
    y: new Float64Array(fast.y.length),
    dx: new Float64Array(x.length),
    dw: new Float64Array(w.length),
    db: new Float64Array(b.length),
  };
  const [x64, w64, b64, dy64] = [x, w, b, dy].map((a) => Float64Array.from(a));
  referenceBackend.conv2dForward(ref.y, x64, w64, b64, g);
  referenceBackend.conv2dBackwardInput(ref.dx, dy64, w64, g);
  referenceBackend.conv2dBackwardWeight(ref.dw, dy64, x64, g);
  referenceBackend.conv2dBackwardBias(ref.db, dy64, g);
  for (const key of ['y', 'dx', 'dw', 'db'] as const)
    expectClose(`${backend.name} conv2d ${key}`, fast[key], ref[key]);
  return fast;
}

function checkPool(
  backend: Backend,
  xShape: Shape,
  options: Pool2dOptions,
  seed: number,
  values?: Float32Array,
): void {
  const g: Pool2dGeometry = pool2dGeometry(xShape, options);
  const rng = new Rng(seed);
  const x = values ?? random32(rng, sizeOf(xShape));
  const dy = random32(rng, g.N * g.C * g.OH * g.OW);
  const y = new Float32Array(dy.length);
  const dx = new Float32Array(x.length);
  const yRef = new Float32Array(dy.length);
  const dxRef = new Float32Array(x.length);
  // Max pooling only selects and adds: the fast result must equal the float32 reference exactly.
  backend.maxPool2dForward(y, x, g);
  backend.maxPool2dBackward(dx, dy, x, g);
  referenceBackend.maxPool2dForward(yRef, x, g);
  referenceBackend.maxPool2dBackward(dxRef, dy, x, g);
  assertSameValues(y, yRef, `${backend.name} maxPool2d forward`);
  assertSameValues(dx, dxRef, `${backend.name} maxPool2d backward`);
  for (const countIncludePad of [true, false]) {
    const avg = new Float32Array(dy.length);
    const davg = new Float32Array(x.length);
    backend.avgPool2dForward(avg, x, g, { countIncludePad });
    backend.avgPool2dBackward(davg, dy, g, { countIncludePad });
    const avg64 = new Float64Array(dy.length);
    const davg64 = new Float64Array(x.length);
    referenceBackend.avgPool2dForward(avg64, Float64Array.from(x), g, { countIncludePad });
    referenceBackend.avgPool2dBackward(davg64, Float64Array.from(dy), g, { countIncludePad });
    expectClose(
      `${backend.name} avgPool2d forward (countIncludePad ${countIncludePad})`,
      avg,
      avg64,
    );
    expectClose(
      `${backend.name} avgPool2d backward (countIncludePad ${countIncludePad})`,
      davg,
      davg64,
    );
  }
}

/** The shared grid: every kind of geometry a fast kernel can get wrong. */
const convGrid: { name: string; x: Shape; w: Shape; options: Conv2dOptions }[] = [
  {
    name: '3x3 pad 1 (the seed layer)',
    x: [4, 1, 28, 28],
    w: [8, 1, 3, 3],
    options: { padding: 1 },
  },
  {
    name: 'stride 2, padding 1',
    x: [3, 3, 11, 11],
    w: [5, 3, 3, 3],
    options: { stride: 2, padding: 1 },
  },
  { name: 'dilation 2', x: [2, 3, 12, 10], w: [4, 3, 3, 3], options: { dilation: 2, padding: 2 } },
  { name: 'groups 2', x: [2, 6, 9, 9], w: [10, 3, 3, 3], options: { groups: 2, padding: 1 } },
  { name: 'depthwise', x: [2, 5, 8, 7], w: [5, 1, 3, 3], options: { groups: 5, padding: 1 } },
  { name: '1x1 kernel (direct GEMM path)', x: [3, 7, 5, 6], w: [9, 7, 1, 1], options: {} },
  { name: '1x1 kernel, stride 2', x: [2, 4, 7, 7], w: [3, 4, 1, 1], options: { stride: 2 } },
  {
    name: 'odd sizes, channels not multiples of 4 or 8',
    x: [5, 3, 13, 11],
    w: [7, 3, 5, 3],
    options: { padding: [2, 1] },
  },
  {
    name: 'N = 1 (filters split across threads)',
    x: [1, 6, 10, 10],
    w: [13, 6, 3, 3],
    options: { padding: 1 },
  },
  {
    name: 'non-square kernel, per-axis stride and padding',
    x: [3, 2, 9, 14],
    w: [6, 2, 2, 5],
    options: { stride: [1, 3], padding: [0, 2] },
  },
  { name: 'kernel as large as the input', x: [2, 3, 5, 5], w: [4, 3, 5, 5], options: {} },
  {
    name: 'K larger than one cache block (C*KH*KW = 300)',
    x: [2, 12, 8, 8],
    w: [17, 12, 5, 5],
    options: { padding: 2 },
  },
  { name: 'N not divisible by the thread count', x: [7, 2, 6, 6], w: [3, 2, 3, 3], options: {} },
];

const poolGrid: { name: string; x: Shape; options: Pool2dOptions }[] = [
  { name: '2x2 stride 2 (the SIMD path)', x: [3, 4, 28, 28], options: { kernelSize: 2 } },
  {
    name: '2x2 stride 2, odd input and widths not multiples of 4',
    x: [2, 3, 11, 13],
    options: { kernelSize: 2 },
  },
  {
    name: '3x3 stride 2 padding 1 (overlapping windows)',
    x: [2, 3, 9, 9],
    options: { kernelSize: 3, stride: 2, padding: 1 },
  },
  {
    name: 'non-square kernel and stride',
    x: [1, 2, 7, 10],
    options: { kernelSize: [3, 2], stride: [1, 2], padding: [1, 0] },
  },
  { name: '3x3 stride 1', x: [2, 2, 6, 6], options: { kernelSize: 3, stride: 1 } },
];

interface Contender {
  name: string;
  backend: WasmBackend | null;
  reason: string;
}

const contenders: Contender[] = [];

before(async () => {
  for (const [threads, sharedMemory] of [
    [1, true],
    [2, true],
    [3, true],
    [1, false], // the path of a page without cross-origin isolation: plain memory, one thread
  ] as const) {
    try {
      const backend = await createWasmBackend({ threads, sharedMemory });
      contenders.push({ name: `${backend.path.description}`, backend, reason: '' });
    } catch (error) {
      contenders.push({ name: `wasm, ${threads} threads`, backend: null, reason: String(error) });
    }
  }
});

after(() => {
  for (const c of contenders) c.backend?.dispose();
});

function eachBackend(
  run: (backend: WasmBackend) => void,
): (t: { skip(reason: string): void; diagnostic(message: string): void }) => void {
  return (t) => {
    for (const c of contenders) {
      if (c.backend === null) {
        t.diagnostic(`skipped ${c.name}: ${c.reason}`);
        continue;
      }
      run(c.backend);
    }
    if (contenders.every((c) => c.backend === null))
      t.skip(`no fast backend could start: ${contenders[0]?.reason}`);
  };
}

describe('fast backend conformance: conv2d', () => {
  for (const [i, c] of convGrid.entries()) {
    it(
      c.name,
      eachBackend((backend) => void checkConv(backend, c.x, c.w, c.options, 100 + i)),
    );
  }

  it('is bitwise identical for 1, 2 and 3 threads', () => {
    const results = contenders
      .filter((c) => c.backend !== null)
      .map((c) =>
        checkConv(
          c.backend as WasmBackend,
          [5, 6, 13, 11],
          [10, 3, 3, 3],
          { groups: 2, padding: 1, stride: [2, 1] },
          7,
        ),
      );
    for (const r of results.slice(1)) {
      for (const key of ['y', 'dx', 'dw', 'db'] as const)
        assert.deepEqual(r[key], results[0][key], key);
    }
  });

  it('property: random geometries agree with the reference', () => {
    const backend = contenders.find((c) => c.backend !== null)?.backend;
    if (backend === undefined || backend === null) return;
    fc.assert(
      fc.property(
        fc.record({
          N: fc.integer({ min: 1, max: 3 }),
          groups: fc.integer({ min: 1, max: 3 }),
          cPerGroup: fc.integer({ min: 1, max: 4 }),
          fPerGroup: fc.integer({ min: 1, max: 5 }),
          H: fc.integer({ min: 1, max: 12 }),
          W: fc.integer({ min: 1, max: 12 }),
          KH: fc.integer({ min: 1, max: 4 }),
          KW: fc.integer({ min: 1, max: 4 }),
          stride: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
          padding: fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 })),
          dilation: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })),
          seed: fc.integer({ min: 0, max: 1 << 30 }),
        }),
        (p) => {
          const x = [p.N, p.groups * p.cPerGroup, p.H, p.W];
          const w = [p.groups * p.fPerGroup, p.cPerGroup, p.KH, p.KW];
          const options = {
            stride: p.stride,
            padding: p.padding,
            dilation: p.dilation,
            groups: p.groups,
          };
          const fits = [0, 1].every(
            (axis) =>
              p.dilation[axis] * ([p.KH, p.KW][axis] - 1) + 1 <=
              [p.H, p.W][axis] + 2 * p.padding[axis],
          );
          fc.pre(fits);
          checkConv(backend, x, w, options, p.seed);
        },
      ),
      { numRuns: 60, seed: 42 },
    );
  });
});

describe('fast backend conformance: pooling', () => {
  for (const [i, c] of poolGrid.entries()) {
    it(
      c.name,
      eachBackend((backend) => checkPool(backend, c.x, c.options, 200 + i)),
    );
  }

  it(
    'max pool: ties go to the first maximum, NaN wins, padding never wins',
    eachBackend((backend) => {
      // Every 2x2 window has ties or NaN; exercises the SIMD path (8 windows per row) and the tail.
      const W = 18;
      const values = Float32Array.from(
        { length: 2 * 4 * W },
        (_, i) => [1, 1, 2, 2, -3, NaN, 0, -0][i % 8],
      );
      checkPool(backend, [1, 2, 4, W], { kernelSize: 2 }, 5, values);
      // 7 windows a row: four in SIMD lanes, three in the scalar tail, NaN among them.
      checkPool(backend, [1, 2, 5, 14], { kernelSize: 2 }, 7, values.slice(0, 2 * 5 * 14));
      checkPool(
        backend,
        [1, 2, 4, W],
        { kernelSize: 3, stride: 2, padding: 1 },
        6,
        values.map((v) => -Math.abs(v) - 1),
      );
    }),
  );

  it('property: random pool geometries agree with the reference', () => {
    const backend = contenders.find((c) => c.backend !== null)?.backend;
    if (backend === undefined || backend === null) return;
    fc.assert(
      fc.property(
        fc.record({
          N: fc.integer({ min: 1, max: 3 }),
          C: fc.integer({ min: 1, max: 4 }),
          H: fc.integer({ min: 1, max: 13 }),
          W: fc.integer({ min: 1, max: 13 }),
          K: fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 })),
          stride: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
          pad: fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 })),
          seed: fc.integer({ min: 0, max: 1 << 30 }),
        }),
        (p) => {
          fc.pre(
            2 * p.pad[0] <= p.K[0] &&
              2 * p.pad[1] <= p.K[1] &&
              p.K[0] <= p.H + 2 * p.pad[0] &&
              p.K[1] <= p.W + 2 * p.pad[1],
          );
          checkPool(
            backend,
            [p.N, p.C, p.H, p.W],
            { kernelSize: p.K, stride: p.stride, padding: p.pad },
            p.seed,
          );
        },
      ),
      { numRuns: 80, seed: 43 },
    );
  });
});

describe('fast backend conformance: ReLU, linear, softmax cross-entropy', () => {
  it(
    'ReLU forward and backward, lengths not multiples of 4, NaN and zeros',
    eachBackend((backend) => {
      for (const n of [1, 7, 64, 1001]) {
        const rng = new Rng(n);
        const x = random32(rng, n);
        if (n > 4) x.set([0, -0, NaN], 1);
        const dy = random32(rng, n);
        const y = new Float32Array(n);
        const dx = new Float32Array(n);
        const yRef = new Float32Array(n);
        const dxRef = new Float32Array(n);
        backend.reluForward(y, x);
        backend.reluBackward(dx, dy, x);
        referenceBackend.reluForward(yRef, x);
        referenceBackend.reluBackward(dxRef, dy, x);
        assert.deepEqual(y, yRef);
        assert.deepEqual(dx, dxRef);
      }
    }),
  );

  it(
    'linear forward and backward on shapes that are not multiples of the tile',
    eachBackend((backend) => {
      for (const [N, IN, OUT, seed] of [
        [1, 5, 3, 1],
        [7, 33, 10, 2],
        [64, 300, 17, 3],
        [3, 1, 1, 4],
        [2, 3136, 128, 5], // one of the seed net's layers, below the GEMM's 4 rows
        [4, 70, 9, 6],
      ]) {
        const g = linearGeometry([N, IN], [OUT, IN], OUT);
        const rng = new Rng(seed);
        const x = random32(rng, N * IN);
        const w = random32(rng, OUT * IN);
        const b = random32(rng, OUT);
        const dy = random32(rng, N * OUT);
        const got = {
          y: new Float32Array(N * OUT),
          dx: new Float32Array(N * IN),
          dw: new Float32Array(OUT * IN),
          db: new Float32Array(OUT),
        };
        backend.linearForward(got.y, x, w, b, g);
        backend.linearBackwardInput(got.dx, dy, w, g);
        backend.linearBackwardWeight(got.dw, dy, x, g);
        backend.linearBackwardBias(got.db, dy, g);
        const fused = {
          dx: new Float32Array(N * IN),
          dw: new Float32Array(OUT * IN),
          db: new Float32Array(OUT),
        };
        backend.linearBackward(fused.dx, fused.dw, fused.db, dy, x, w, g);
        assert.deepEqual(fused, { dx: got.dx, dw: got.dw, db: got.db }, 'linearBackward');
        const want = {
          y: new Float64Array(N * OUT),
          dx: new Float64Array(N * IN),
          dw: new Float64Array(OUT * IN),
          db: new Float64Array(OUT),
        };
        const [x64, w64, b64, dy64] = [x, w, b, dy].map((a) => Float64Array.from(a));
        referenceBackend.linearForward(want.y, x64, w64, b64, g);
        referenceBackend.linearBackwardInput(want.dx, dy64, w64, g);
        referenceBackend.linearBackwardWeight(want.dw, dy64, x64, g);
        referenceBackend.linearBackwardBias(want.db, dy64, g);
        for (const key of ['y', 'dx', 'dw', 'db'] as const)
          expectClose(`${backend.name} linear ${key} (${N},${IN},${OUT})`, got[key], want[key]);
        const yNoBias = new Float32Array(N * OUT);
        const wantNoBias = new Float64Array(N * OUT);
        backend.linearForward(yNoBias, x, w, null, g);
        referenceBackend.linearForward(wantNoBias, x64, w64, null, g);
        expectClose(
          `${backend.name} linear y without bias (${N},${IN},${OUT})`,
          yNoBias,
          wantNoBias,
        );
      }
    }),
  );

  it(
    'softmax cross-entropy, including logits of +-1e4 and bad labels',
    eachBackend((backend) => {
      const g = classificationGeometry([4, 3], 4);
      const logits = Float32Array.from([1, 2, 3, 1e4, -1e4, 0, 0.5, 0.5, 0.5, -2, 7, 1]);
      const labels = Int32Array.from([2, 1, 0, 1]);
      const loss = backend.softmaxCrossEntropyForward(logits, labels, g);
      const lossRef = referenceBackend.softmaxCrossEntropyForward(
        Float64Array.from(logits),
        labels,
        g,
      );
      assert.ok(Math.abs(loss - lossRef) <= 1e-6 * Math.abs(lossRef), `loss ${loss} vs ${lossRef}`);
      const d = new Float32Array(12);
      const dRef = new Float64Array(12);
      backend.softmaxCrossEntropyBackward(d, logits, labels, g, 2);
      referenceBackend.softmaxCrossEntropyBackward(dRef, Float64Array.from(logits), labels, g, 2);
      expectClose('dlogits', d, dRef);
      assert.throws(
        () => backend.softmaxCrossEntropyForward(logits, [0, 1, 3, 0], g),
        /label 3 at batch index 2/,
      );
    }),
  );

  it(
    'falls back to the reference for float64 arrays (gradient checks)',
    eachBackend((backend) => {
      const g = linearGeometry([2, 3], [2, 3], null);
      const y = new Float64Array(4);
      backend.linearForward(
        y,
        Float64Array.from([1, 2, 3, 4, 5, 6]),
        Float64Array.from([1, 0, 0, 0, 1, 0]),
        null,
        g,
      );
      assert.deepEqual(Array.from(y), [1, 2, 4, 5]);
    }),
  );
});

describe('fast backend conformance: batch norm', () => {
  // [N, C, H, W, offset]: planes not multiples of 4, C not divisible by the threads, a channel
  // far from zero (the variance must not cancel), and a single image.
  const cases: [number, number, number, number, number][] = [
    [2, 3, 5, 7, 0],
    [4, 5, 7, 7, 100],
    [1, 2, 3, 1, 0],
    [16, 8, 14, 14, 0],
    [3, 1, 1, 2, -3],
  ];
  const floats = (n: number) => ({ f32: new Float32Array(n), f64: new Float64Array(n) });

  it(
    'training and evaluation, forward and backward, with and without the affine part',
    eachBackend((backend) => {
      for (const [i, [N, C, H, W, offset]] of cases.entries()) {
        const g = batchNorm2dGeometry([N, C, H, W]);
        const rng = new Rng(40 + i);
        const size = N * C * H * W;
        const x = random32(rng, size).map((v) => v + offset);
        const dy = random32(rng, size);
        const runningMean = random32(rng, C);
        const runningVar = random32(rng, C).map((v) => Math.abs(v) + 0.5);
        for (const affine of [true, false]) {
          const gamma = affine ? random32(rng, C) : null;
          const beta = affine ? random32(rng, C) : null;
          const [gamma64, beta64] = [gamma, beta].map((a) =>
            a === null ? null : Float64Array.from(a),
          );
          const label = `case ${i} (${N},${C},${H},${W})${affine ? '' : ' no affine'}`;
          const eps = 1e-5;
          const y = floats(size);
          const mean = floats(C);
          const variance = floats(C);
          backend.batchNorm2dForwardTrain(y.f32, mean.f32, variance.f32, x, gamma, beta, eps, g);
          referenceBackend.batchNorm2dForwardTrain(
            y.f64,
            mean.f64,
            variance.f64,
            Float64Array.from(x),
            gamma64,
            beta64,
            eps,
            g,
          );
          expectClose(`${label} train y`, y.f32, y.f64);
          expectClose(`${label} batch mean`, mean.f32, mean.f64);
          expectClose(`${label} batch var`, variance.f32, variance.f64);

          const dx = floats(size);
          const dgamma = floats(C);
          const dbeta = floats(C);
          // The reference backward reads the same float32 statistics the fast one saved.
          const [mean64, var64] = [mean.f32, variance.f32].map((a) => Float64Array.from(a));
          backend.batchNorm2dBackwardTrain(
            dx.f32,
            affine ? dgamma.f32 : null,
            affine ? dbeta.f32 : null,
            dy,
            x,
            gamma,
            mean.f32,
            variance.f32,
            eps,
            g,
          );
          referenceBackend.batchNorm2dBackwardTrain(
            dx.f64,
            dgamma.f64,
            dbeta.f64,
            Float64Array.from(dy),
            Float64Array.from(x),
            gamma64,
            mean64,
            var64,
            eps,
            g,
          );
          expectClose(`${label} train dx`, dx.f32, dx.f64);
          if (affine) {
            expectClose(`${label} train dgamma`, dgamma.f32, dgamma.f64);
            expectClose(`${label} train dbeta`, dbeta.f32, dbeta.f64);
          }
          // Only the parameter gradients (dx not needed, as for a network's first layer).
          const dgammaOnly = new Float32Array(C);
          backend.batchNorm2dBackwardTrain(
            null,
            dgammaOnly,
            null,
            dy,
            x,
            gamma,
            mean.f32,
            variance.f32,
            eps,
            g,
          );
          expectClose(`${label} train dgamma alone`, dgammaOnly, dgamma.f64);

          const yEval = floats(size);
          backend.batchNorm2dForwardEval(
            yEval.f32,
            x,
            runningMean,
            runningVar,
            gamma,
            beta,
            eps,
            g,
          );
          referenceBackend.batchNorm2dForwardEval(
            yEval.f64,
            Float64Array.from(x),
            Float64Array.from(runningMean),
            Float64Array.from(runningVar),
            gamma64,
            beta64,
            eps,
            g,
          );
          expectClose(`${label} eval y`, yEval.f32, yEval.f64);
          const dxEval = floats(size);
          const dgammaEval = floats(C);
          const dbetaEval = floats(C);
          backend.batchNorm2dBackwardEval(
            dxEval.f32,
            dgammaEval.f32,
            dbetaEval.f32,
            dy,
            x,
            runningMean,
            runningVar,
            gamma,
            eps,
            g,
          );
          referenceBackend.batchNorm2dBackwardEval(
            dxEval.f64,
            dgammaEval.f64,
            dbetaEval.f64,
            Float64Array.from(dy),
            Float64Array.from(x),
            Float64Array.from(runningMean),
            Float64Array.from(runningVar),
            gamma64,
            eps,
            g,
          );
          expectClose(`${label} eval dx`, dxEval.f32, dxEval.f64);
          expectClose(`${label} eval dgamma`, dgammaEval.f32, dgammaEval.f64);
          expectClose(`${label} eval dbeta`, dbetaEval.f32, dbetaEval.f64);
        }
      }
    }),
  );
});

describe('fast backend: path and SGEMM', () => {
  it(
    'reports which path runs',
    eachBackend((backend) => {
      assert.equal(backend.path.backend, 'wasm');
      assert.match(
        backend.path.description,
        /^wasm (relaxed-simd|simd), \d threads? \((shared memory|no shared memory)\)$/,
      );
      assert.equal(backend.path.sharedMemory, backend.path.description.endsWith('(shared memory)'));
      if (!backend.path.sharedMemory) assert.equal(backend.path.threads, 1);
    }),
  );

  it(
    'SGEMM matches a float64 product on sizes that are not multiples of the tile',
    eachBackend((backend) => {
      for (const [M, N, K] of [
        [1, 1, 1],
        [5, 9, 3],
        [37, 70, 300],
        [130, 20, 513],
      ]) {
        const rng = new Rng(M * N * K);
        const a = random32(rng, M * K);
        const b = random32(rng, K * N);
        const c = new Float32Array(M * N).fill(NaN);
        backend.sgemm(c, a, b, M, N, K);
        const want = new Float64Array(M * N);
        for (let i = 0; i < M; i++)
          for (let j = 0; j < N; j++)
            for (let k = 0; k < K; k++) want[i * N + j] += a[i * K + k] * b[k * N + j];
        expectClose(`sgemm ${M}x${N}x${K}`, c, want);
      }
    }),
  );
});
