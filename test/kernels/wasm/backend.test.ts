/**
 * The fast backend beyond the kernels' numbers (those are in conformance.test.ts): which path
 * runs, its SGEMM, the fallback to the reference for float64, and labels checked before a
 * kernel that trusts them runs.
 */
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { after, before, describe, it } from 'node:test';
import { compareArrays, formatComparison } from '../../../src/check/compare.js';
import { Rng } from '../../../src/rng.js';
import { crossEntropyGeometry } from '../../..//src/shape/cross-entropy.js';
import { linearGeometry } from '../../..//src/shape/linear.js';
import { pool2dGeometry } from '../../../src/shape/pool2d.js';
import { referenceBackend } from '../../../src/kernels/backend.js';
import { Tensor } from '../../../src/tensor.js';
import { createWasmBackend, type WasmBackend } from '../../../src/kernels/wasm/index.js';
import { THREADS_PER_CORE } from '../../../src/kernels/wasm/platform.js';

let backend: WasmBackend;

before(async () => {
  backend = await createWasmBackend({ threads: 2 });
});

after(() => backend.dispose());

describe('fast backend: path, SGEMM and guards', () => {
  it('reports which path runs', (t) => {
    if (backend.path.backend !== 'wasm') return t.skip(backend.path.description);
    assert.match(
      backend.path.description,
      /^wasm (relaxed-simd|simd), \d threads? \((shared memory|no shared memory)\)$/,
    );
    assert.equal(backend.path.sharedMemory, backend.path.description.endsWith('(shared memory)'));
  });

  it('SGEMM matches a float64 product on sizes that are not multiples of the tile', () => {
    for (const [M, N, K] of [
      [1, 1, 1],
      [5, 9, 3],
      [37, 70, 300],
      [130, 20, 513],
    ]) {
      const rng = new Rng(M * N * K);
      const a = Float32Array.from({ length: M * K }, () => rng.normal());
      const b = Float32Array.from({ length: K * N }, () => rng.normal());
      const c = new Float32Array(M * N).fill(NaN);
      backend.sgemm(c, a, b, M, N, K);
      const want = new Float64Array(M * N);
      for (let i = 0; i < M; i++)
        for (let j = 0; j < N; j++)
          for (let k = 0; k < K; k++) want[i * N + j] += a[i * K + k] * b[k * N + j];
      let scale = 0;
      for (const v of want) scale = Math.max(scale, Math.abs(v));
      const comparison = compareArrays(c, want, { rtol: 1e-4, atol: 1e-4 * scale });
      assert.ok(comparison.ok, formatComparison(`sgemm ${M}x${N}x${K}`, comparison));
    }
  });

  it('falls back to the reference for float64 arrays (gradient checks)', () => {
    const g = linearGeometry([2, 3], [2, 3], null);
    const y = new Float64Array(4);
    const x = Float64Array.from([1, 2, 3, 4, 5, 6]);
    backend.kernels.linearForward?.(y, x, Float64Array.from([1, 0, 0, 0, 1, 0]), null, g);
    assert.deepEqual(Array.from(y), [1, 2, 4, 5]);
  });

  it("writes every value of the 2x2 max pool's dx, which it does not zero first when the windows tile each plane", () => {
    const rng = new Rng(5);
    for (const [N, C, H, W] of [
      [2, 3, 8, 12],
      [1, 2, 7, 10],
    ]) {
      const g = pool2dGeometry([N, C, H, W], { kernelSize: 2 }, 'maxPool2d');
      const x = Float32Array.from({ length: N * C * H * W }, () => rng.normal());
      const dy = Float32Array.from({ length: N * C * g.OH * g.OW }, () => rng.normal());
      // dx in the kernels' memory, so the kernel writes it in place: NaN wherever it would not.
      const dx = backend.resident(() => Tensor.zeros([x.length])).data.fill(NaN);
      backend.kernels.maxPool2dBackward?.(dx, dy, x, g);
      const expected = new Float32Array(x.length);
      referenceBackend.kernels.maxPool2dBackward?.(expected, dy, x, g);
      assert.deepEqual(Array.from(dx), Array.from(expected), `${N}x${C}x${H}x${W}`);
    }
  });

  it('checks labels before the cross-entropy kernel reads them, with the reference message', () => {
    const g = crossEntropyGeometry([4, 3], 4);
    const logits = new Float32Array(12);
    const losses = new Float32Array(4);
    assert.throws(
      () => backend.kernels.crossEntropyForward?.(losses, logits, [0, 1, 3, 0], null, -100, g),
      /label 3 at position 2 is neither a class index in \[0, 3\) nor the ignore index -100/,
    );
    assert.throws(
      () =>
        backend.kernels.crossEntropyBackward?.(
          logits,
          losses,
          logits,
          [0, 1.5, 0, 0],
          null,
          -100,
          g,
        ),
      /label 1.5 at position 1/,
    );
  });
});

describe('fast backend: thread count', () => {
  it('refuses more threads than THREADS_PER_CORE per core, naming the limit, before starting any', async () => {
    const cores = availableParallelism();
    const max = THREADS_PER_CORE * cores;
    for (const threads of [0, 1.5, max + 1, 999]) {
      await assert.rejects(createWasmBackend({ threads }), (error: unknown) => {
        assert.ok(error instanceof RangeError);
        assert.equal(
          error.message,
          `createWasmBackend: threads must be an integer in [1, ${max}] (at most ${THREADS_PER_CORE} x the ${cores} core${cores === 1 ? '' : 's'}), got ${threads}`,
        );
        return true;
      });
    }
  });
});
