/**
 * Small calls on fewer threads (marshal.ts, threadsForWork): the rule itself, and that a backend
 * which runs small calls on the caller alone gives bitwise what one using every thread gives.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { threadsForWork, WORK_PER_THREAD } from '../../../src/kernels/wasm/marshal.js';
import { createWasmBackend, type WasmBackend } from '../../../src/kernels/wasm/index.js';
import { Rng } from '../../../src/rng.js';

describe('threadsForWork', () => {
  it('one thread per WORK_PER_THREAD of work, at least one, at most those available', () => {
    assert.equal(threadsForWork(0, 4), 1);
    assert.equal(threadsForWork(WORK_PER_THREAD - 1, 4), 1);
    assert.equal(threadsForWork(2 * WORK_PER_THREAD, 4), 2);
    assert.equal(threadsForWork(3.5 * WORK_PER_THREAD, 4), 3);
    assert.equal(threadsForWork(100 * WORK_PER_THREAD, 4), 4);
    assert.equal(threadsForWork(Infinity, 2), 2);
  });

  it('a work per thread of 0 takes every thread', () => {
    assert.equal(threadsForWork(1, 3, 0), 3);
  });
});

describe("smallCalls: 'fewer-threads' against 'all-threads'", () => {
  const backends: WasmBackend[] = [];
  before(async () => {
    backends.push(await createWasmBackend({ threads: 2 }));
    backends.push(await createWasmBackend({ threads: 2, smallCalls: 'all-threads' }));
  });
  after(() => backends.forEach((b) => b.dispose()));

  it('bitwise the same conv2d and ReLU, small and large', (t) => {
    if (backends[0].path.backend !== 'wasm') return t.skip(backends[0].path.description);
    const rng = new Rng(3);
    for (const [C, F, H] of [
      [2, 3, 5],
      [32, 32, 24],
    ]) {
      const x = Float32Array.from({ length: C * H * H }, () => rng.normal());
      const w = Float32Array.from({ length: F * C * 9 }, () => rng.normal());
      const g = {
        ...{ N: 1, C, H, W: H, F, KH: 3, KW: 3, strideH: 1, strideW: 1, padH: 1, padW: 1 },
        ...{ dilationH: 1, dilationW: 1, groups: 1, OH: H, OW: H },
      };
      const [a, b] = backends.map((backend) => {
        const y = new Float32Array(F * H * H);
        backend.kernels.conv2dForward?.(y, x, w, null, g);
        const r = new Float32Array(y.length);
        backend.kernels.reluForward?.(r, y);
        return [y, r];
      });
      assert.deepEqual(a, b, `C ${C} F ${F} ${H}x${H}`);
    }
  });
});
