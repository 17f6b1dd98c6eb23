/**
 * The fast backend where SharedArrayBuffer does not exist at all, as in a web page that is not
 * cross-origin isolated: it must start on one thread with plain memory and compute what the
 * reference computes. (Node always has SharedArrayBuffer, so the test removes it.)
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertClose } from '../../../src/check/compare.js';
import { withReferenceFallback } from '../../../src/kernels/backend.js';
import { conv2dForward } from '../../../src/kernels/reference/conv2d.js';
import { createWasmBackend, type WasmBackend } from '../../../src/kernels/wasm/index.js';
import { Rng } from '../../../src/rng.js';
import { conv2dGeometry, conv2dOutputShape } from '../../../src/shape/conv2d.js';
import { sizeOf } from '../../../src/tensor.js';

describe('wasm backend without SharedArrayBuffer', () => {
  const saved = Object.getOwnPropertyDescriptor(globalThis, 'SharedArrayBuffer');
  let backend: WasmBackend;

  before(async () => {
    assert.ok(Reflect.deleteProperty(globalThis, 'SharedArrayBuffer'));
    assert.equal(typeof globalThis.SharedArrayBuffer, 'undefined');
    backend = await createWasmBackend({ threads: 4 });
  });

  after(() => {
    backend?.dispose();
    if (saved !== undefined) Object.defineProperty(globalThis, 'SharedArrayBuffer', saved);
  });

  it('starts on one thread with plain memory', (t) => {
    if (backend.path.backend === 'reference') return t.skip('this engine has no WebAssembly SIMD');
    assert.equal(backend.path.threads, 1);
    assert.equal(backend.path.sharedMemory, false);
    assert.match(backend.path.description, /1 thread \(no shared memory\)$/);
  });

  it('computes a convolution as the reference does', () => {
    const rng = new Rng(3);
    const g = conv2dGeometry([2, 3, 9, 7], [5, 3, 3, 3], { stride: 2, padding: 1 }, 5);
    const x = Float32Array.from({ length: 2 * 3 * 9 * 7 }, () => rng.normal());
    const w = Float32Array.from({ length: 5 * 3 * 3 * 3 }, () => rng.normal());
    const b = Float32Array.from({ length: 5 }, () => rng.normal());
    const size = sizeOf(conv2dOutputShape(g));
    const fast = new Float32Array(size);
    const expected = new Float64Array(size);
    withReferenceFallback(backend).conv2dForward(fast, x, w, b, g);
    conv2dForward(expected, Float64Array.from(x), Float64Array.from(w), Float64Array.from(b), g);
    assertClose(fast, expected, { rtol: 1e-4, atol: 1e-5 }, 'conv2d forward, no SharedArrayBuffer');
  });
});
