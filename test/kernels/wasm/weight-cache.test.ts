/**
 * Arrays derived from weights kept between calls (src/kernels/wasm/weight-cache.ts). The fused
 * inference kernel keeps Winograd's transformed filters: with the same weights it gives bitwise what it gave
 * the first time, and after the weights change in place (an optimizer step) it follows them,
 * within Winograd's tolerance of the reference, never the stale filters. With filters kept, a
 * batch-1 14x14 layer takes Winograd (conv2d-path.ts). Frozen weights (Module.freeze) are compared
 * once per freeze. The linear forward keeps frozen weights packed: bitwise the output of packing
 * them per call, on 1 and 2 threads, and weights thawed and changed are packed again; one to
 * three rows (the few-row kernel) read the same panels and give their rows of a batch bitwise.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { freezeArray, thawArray } from '../../../src/kernels/frozen-arrays.js';
import * as reference from '../../../src/kernels/reference/index.js';
import { conv2dPath, withConv2dPath } from '../../../src/kernels/wasm/conv2d-path.js';
import { createWasmBackend, type WasmBackend } from '../../../src/kernels/wasm/index.js';
import { Rng } from '../../../src/rng.js';
import { conv2dGeometry, conv2dOutputShape } from '../../../src/shape/conv2d.js';
import { linearGeometry } from '../../../src/shape/linear.js';
import { pool2dGeometry } from '../../../src/shape/pool2d.js';
import { Tensor } from '../../../src/tensor.js';

let backend: WasmBackend;

before(async () => {
  backend = await createWasmBackend({ threads: 2 });
});

after(() => backend.dispose());

function maxRelativeDifference(a: Float32Array, b: Float64Array): number {
  const scale = Math.max(1, ...Array.from(b, Math.abs));
  return Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i]))) / scale;
}

/**
 * A resident N x C x H x H input and F 3x3 filters (and a bias, and 2x2 pooling, where asked),
 * run through the fused kernel on F(4,3): `into` writes y, `run` returns a new y, `expected` is
 * the float64 reference of the weights as they are now.
 */
function winogradLayer(
  [N, C, H, F]: readonly number[],
  seed: number,
  { bias = false, pooled = false } = {},
) {
  const g = conv2dGeometry([N, C, H, H], [F, C, 3, 3], { padding: 1 }, F);
  const pool = pooled ? pool2dGeometry(conv2dOutputShape(g), { kernelSize: 2 }, 'maxPool2d') : null;
  const rng = new Rng(seed);
  const t = backend.resident(() => ({
    x: Tensor.randn([N, C, H, H], rng),
    w: Tensor.randn([F, C, 3, 3], rng, 0.2),
    b: bias ? Tensor.randn([F], rng) : null,
  }));
  const side = pooled ? H >> 1 : H;
  const size = N * F * side * side;
  const into = (y: Float32Array): void => {
    const b = t.b?.data ?? null;
    withConv2dPath('winograd4', () =>
      backend.kernels.conv2dReluPoolForward?.(y, t.x.data, t.w.data, b, null, g, pool),
    );
  };
  const run = (): Float32Array => {
    const y = new Float32Array(size);
    into(y);
    return y;
  };
  const expected = (): Float64Array => {
    const y = new Float64Array(size);
    const f64 = (a: ArrayLike<number>) => Float64Array.from(a);
    const b = t.b === null ? null : f64(t.b.data);
    reference.conv2dReluPoolForward(y, f64(t.x.data), f64(t.w.data), b, null, g, pool);
    return y;
  };
  return { w: t.w.data, into, run, expected };
}

describe('Winograd filters kept between fused inference calls', () => {
  it('reuses them while the weights are unchanged and follows weights changed in place', () => {
    const { w, run, expected } = winogradLayer([2, 8, 14, 12], 11, { bias: true, pooled: true });
    const first = run();
    assert.ok(maxRelativeDifference(first, expected()) < 6e-5);
    assert.deepEqual(run(), first, 'the kept filters give the same output');
    w[5] += 0.5; // in place, as an optimizer step does
    const changed = run();
    assert.notDeepEqual(changed, first);
    assert.ok(maxRelativeDifference(changed, expected()) < 6e-5, 'not the stale filters');
  });

  it('checks frozen weights once per freeze, and follows them again once thawed', () => {
    const { w, run, expected } = winogradLayer([1, 8, 12, 16], 13);
    const first = run();
    const original = w[3];
    // Changed before the freeze: the first call under it compares, and follows the change.
    w[3] = original + 0.5;
    freezeArray(w);
    const frozen = run();
    assert.ok(maxRelativeDifference(frozen, expected()) < 6e-5, 'checked under the new freeze');
    assert.notDeepEqual(frozen, first);
    // Written directly while frozen (what freeze() rules out): no longer compared, so not seen.
    w[3] = original;
    assert.deepEqual(run(), frozen, 'frozen weights are not compared on every call');
    thawArray(w);
    assert.deepEqual(run(), first, 'thawed: compared again, and the change followed');
  });

  it('keeps them in resident memory, placed after the call or the step, overwritten in place', () => {
    const [C, H, F] = [16, 10, 24];
    const { w, into } = winogradLayer([1, C, H, F], 12);
    const uBytes = 36 * F * C * 4; // F(4,3): a 6x6 tile per filter and channel
    const y = new Float32Array(F * H * H);
    const run = (): number => {
      const before = backend.copyStats().bytesIn;
      into(y);
      return backend.copyStats().bytesIn - before;
    };
    // Made inside a step that holds tensors: placed when the step ends.
    const resident = backend.residentBytes();
    backend.runStep([], () => {
      Tensor.zeros([4]);
      run();
      assert.equal(backend.residentBytes(), resident, 'no resident memory during the step');
    });
    const placed = backend.residentBytes() - resident;
    assert.ok(placed >= uBytes + w.byteLength, `placed ${placed} bytes`);
    const first = Float32Array.from(y);
    assert.ok(run() < w.byteLength, 'neither U nor the weights copied in again');
    assert.deepEqual(y, first);
    w[7] -= 0.25;
    run();
    assert.notDeepEqual(y, first, 'transformed again');
    assert.equal(backend.residentBytes() - resident, placed, 'overwritten in place');
    assert.ok(run() < w.byteLength);
  });

  it('with filters kept, a batch-1 14x14 layer takes F(4,3); without, im2col', () => {
    const g = conv2dGeometry([1, 32, 14, 14], [64, 32, 3, 3], { padding: 1 }, 64);
    assert.equal(conv2dPath(g), 'im2col');
    assert.equal(conv2dPath(g, true), 'winograd4');
  });
});

describe('the linear forward keeps frozen weights packed', () => {
  // 18 rows (a last row panel of 2) and 37 outputs (a last item of 5 columns): no more row tiles
  // than column tiles, so the GEMM claims columns and can read panels; 600 inputs (three KC
  // blocks, the last short).
  const [N, IN, OUT] = [18, 600, 37];
  const g = linearGeometry([N, IN], [OUT, IN], OUT);
  const rng = new Rng(21);
  const x = Tensor.randn([N, IN], rng).data as Float32Array;
  const w = Tensor.randn([OUT, IN], rng, 0.1).data as Float32Array;
  const b = Tensor.randn([OUT], rng).data as Float32Array;
  const forward = (): Float32Array => {
    const y = new Float32Array(N * OUT);
    backend.kernels.linearForward?.(y, x, w, b, g);
    return y;
  };
  const expected = (): Float64Array => {
    const y = new Float64Array(N * OUT);
    const f64 = (a: ArrayLike<number>) => Float64Array.from(a);
    reference.linearForward(y, f64(x), f64(w), f64(b), g);
    return y;
  };

  it('gives bitwise what packing per call gives, on 1 and 2 threads, and follows a thaw', () => {
    const unfrozen = forward();
    assert.ok(maxRelativeDifference(unfrozen, expected()) < 1e-5);
    freezeArray(w);
    try {
      for (const threads of [1, 2]) {
        backend.setThreads(threads);
        assert.deepEqual(forward(), unfrozen, `packed, then kept (${threads} threads)`);
        assert.deepEqual(forward(), unfrozen, `kept (${threads} threads)`);
      }
    } finally {
      thawArray(w);
      backend.setThreads(2);
    }
    w[4] += 0.5;
    freezeArray(w);
    try {
      const changed = forward();
      assert.notDeepEqual(changed, unfrozen, 'not the stale panels');
      assert.ok(maxRelativeDifference(changed, expected()) < 1e-5);
    } finally {
      thawArray(w);
    }
  });

  it('gives one to three rows bitwise their rows of the batch, from the kept panels', () => {
    // linearForwardFewRowsPacked: groups of three 8-column panels (37 outputs: a group of two,
    // the last of 5 columns), three KC blocks each added to y as the GEMM adds them.
    freezeArray(w);
    try {
      const batch = forward();
      for (const threads of [1, 2]) {
        backend.setThreads(threads);
        for (const rows of [1, 2, 3]) {
          const y = new Float32Array(rows * OUT);
          const few = linearGeometry([rows, IN], [OUT, IN], OUT);
          backend.kernels.linearForward?.(y, x.subarray(0, rows * IN), w, b, few);
          assert.deepEqual(y, batch.subarray(0, rows * OUT), `${rows} rows, ${threads} threads`);
        }
      }
    } finally {
      thawArray(w);
      backend.setThreads(2);
    }
  });
});
