/**
 * Memory stays flat over a long run on the fast backend: 2,000 forward+backward steps of a small
 * conv net through autograd, with no dispose anywhere. The JS heap (after a full GC) and the
 * WebAssembly memory at step 2,000 must be within 5% of what they were at step 200.
 *
 * The heap is counted without V8's code space: JIT-compiled code comes and goes with
 * optimisation decisions (it moves by 10-30% between samples here) and holds no tensors.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { getBackend, setBackend, type Backend } from '../../src/kernels/backend.js';
import { createWasmBackend, type WasmBackend } from '../../src/kernels/wasm/index.js';
import { conv2d, crossEntropy, flatten, linear, maxPool2d, relu } from '../../src/ops/index.js';
import { Rng } from '../../src/rng.js';
import { Tensor } from '../../src/tensor.js';

v8.setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** Bytes in use on the V8 heap, less the space that holds compiled code. */
function dataHeapBytes(): number {
  let bytes = 0;
  for (const space of v8.getHeapSpaceStatistics()) {
    if (!space.space_name.startsWith('code')) bytes += space.space_used_size;
  }
  return bytes;
}

let backend: WasmBackend | null = null;
let previous: Backend | null = null;
let startError = '';

before(async () => {
  previous = getBackend();
  try {
    backend = await createWasmBackend({ threads: 2 });
    setBackend(backend);
  } catch (error) {
    startError = String(error);
  }
});

after(() => {
  if (previous !== null) setBackend(previous);
  backend?.dispose();
});

describe('fast backend memory over a long run', () => {
  it('heap and wasm memory after 2,000 steps are within 5% of step 200', (t) => {
    if (backend === null) return t.skip(`the wasm backend could not start: ${startError}`);
    const rng = new Rng(1);
    const w1 = Tensor.randn([8, 1, 3, 3], rng, 0.3).requireGrad();
    const b1 = Tensor.zeros([8]).requireGrad();
    const w2 = Tensor.randn([10, 8 * 6 * 6], rng, 0.05).requireGrad();
    const b2 = Tensor.zeros([10]).requireGrad();
    const params = [w1, b1, w2, b2];
    const x = Tensor.randn([16, 1, 12, 12], rng);
    const labels = Int32Array.from({ length: 16 }, (_, i) => i % 10);
    const sample: Record<number, { heap: number; wasm: number }> = {};
    let firstLoss = 0;
    let lastLoss = 0;
    for (let step = 1; step <= 2000; step++) {
      const h = maxPool2d(relu(conv2d(x, w1, b1, { padding: 1 })), { kernelSize: 2 });
      const loss = crossEntropy(linear(flatten(h), w2, b2), labels);
      loss.backward();
      for (const p of params) {
        const grad = p.grad as Tensor;
        for (let i = 0; i < p.size; i++) p.data[i] -= 0.01 * grad.data[i];
        p.zeroGrad();
      }
      if (step === 1) firstLoss = loss.item();
      lastLoss = loss.item();
      if (step === 200 || step === 2000) {
        collectGarbage();
        collectGarbage();
        sample[step] = { heap: dataHeapBytes(), wasm: backend.memoryBytes() };
      }
    }
    t.diagnostic(`loss ${firstLoss.toFixed(3)} -> ${lastLoss.toFixed(3)}`);
    t.diagnostic(
      `heap ${(sample[200].heap / 2 ** 20).toFixed(1)} MiB at step 200, ${(sample[2000].heap / 2 ** 20).toFixed(1)} MiB at step 2000`,
    );
    t.diagnostic(
      `wasm memory ${sample[200].wasm} bytes at step 200, ${sample[2000].wasm} at step 2000`,
    );
    assert.ok(lastLoss < firstLoss, 'the net should learn something');
    assert.ok(
      sample[2000].heap <= sample[200].heap * 1.05,
      `heap grew from ${sample[200].heap} to ${sample[2000].heap}`,
    );
    assert.ok(
      sample[2000].wasm <= sample[200].wasm * 1.05,
      `wasm memory grew from ${sample[200].wasm} to ${sample[2000].wasm}`,
    );
  });

  it('runStep: the same bits as copying, tensors in wasm memory, memory flat, misuse rejected', (t) => {
    if (backend === null) return t.skip(`the wasm backend could not start: ${startError}`);
    const fast = backend;
    const makeParams = () => {
      const rng = new Rng(5);
      return [
        Tensor.randn([6, 2, 3, 3], rng, 0.3).requireGrad(),
        Tensor.zeros([6]).requireGrad(),
        Tensor.randn([5, 6 * 4 * 4], rng, 0.1).requireGrad(),
        Tensor.zeros([5]).requireGrad(),
      ];
    };
    const x = Tensor.randn([4, 2, 8, 8], new Rng(6));
    const labels = [0, 1, 2, 4];
    const train = (params: Tensor[], steps: number, inPlace: boolean): number[] => {
      const losses: number[] = [];
      for (let i = 0; i < steps; i++) {
        const body = () => {
          const [w1, b1, w2, b2] = params;
          const h = maxPool2d(relu(conv2d(x, w1, b1, { padding: 1 })), { kernelSize: 2 });
          const loss = crossEntropy(linear(flatten(h), w2, b2), labels);
          if (inPlace)
            assert.ok(
              h.data.buffer instanceof SharedArrayBuffer,
              'step tensors live in wasm memory',
            );
          loss.backward();
          for (const p of params) {
            const grad = p.grad as Tensor;
            for (let k = 0; k < p.size; k++) p.data[k] -= 0.05 * grad.data[k];
          }
          return loss.item();
        };
        losses.push(inPlace ? fast.runStep(params, body) : body());
        for (const p of params) {
          assert.ok(
            p.grad === null || !(p.grad.data.buffer instanceof SharedArrayBuffer),
            'grads leave wasm memory',
          );
          p.zeroGrad();
        }
      }
      return losses;
    };
    const copied = makeParams();
    const inPlace = makeParams();
    const lossesCopied = train(copied, 5, false);
    const lossesInPlace = train(inPlace, 5, true);
    assert.deepEqual(lossesInPlace, lossesCopied);
    for (let i = 0; i < copied.length; i++) assert.deepEqual(inPlace[i].data, copied[i].data);
    const memory = fast.memoryBytes();
    train(inPlace, 50, true);
    assert.equal(fast.memoryBytes(), memory, 'the step memory is reused, not grown');
    assert.throws(() => fast.runStep([], () => Tensor.zeros([2])), /returned a tensor/);
    assert.throws(() => fast.runStep([], () => fast.runStep([], () => 1)), /cannot be nested/);
  });

  it('runStep: every step tensor starts at zero, though its memory held the last step', (t) => {
    if (backend === null) return t.skip(`the wasm backend could not start: ${startError}`);
    const fast = backend;
    for (let step = 0; step < 3; step++) {
      const sum = fast.runStep([], () => {
        const a = Tensor.zeros([1000]);
        let total = 0;
        for (const v of a.data) total += Math.abs(v);
        a.data.fill(7);
        return total;
      });
      assert.equal(sum, 0, `step ${step}`);
    }
  });

  it('resident tensors: read in place by every call, kept across steps and growth, same results', async (t) => {
    if (backend === null) return t.skip(`the wasm backend could not start: ${startError}`);
    const own = await createWasmBackend({ threads: 2 });
    try {
      const make = () => {
        const rng = new Rng(9);
        return [Tensor.randn([10, 300], rng, 0.1), Tensor.randn([10], rng, 0.1)];
      };
      const [w, b] = own.resident(make);
      const [wPlain, bPlain] = make();
      assert.ok(w.data.buffer instanceof SharedArrayBuffer, 'resident data is in wasm memory');
      assert.equal(own.residentBytes(), 64 * Math.ceil((300 * 10 * 4) / 64) + 64);
      const x = Tensor.randn([3, 300], new Rng(10));
      setBackend(own);
      const before = own.copyStats().bytesIn;
      const y = own.runStep([], () => {
        // A big step first: the memory grows under the resident tensors.
        Tensor.zeros([8 << 20]);
        return Array.from(linear(x, w, b).data);
      });
      const copiedIn = own.copyStats().bytesIn - before;
      assert.equal(copiedIn, 3 * 300 * 4, 'only x was copied in, not the weights');
      const yPlain = Array.from(linear(x, wPlain, bPlain).data);
      assert.deepEqual(y, yPlain);
      assert.deepEqual(Array.from(w.data), Array.from(wPlain.data), 'kept after the memory grew');
      assert.throws(() => own.runStep([], () => own.resident(() => 1)), /inside runStep/);
    } finally {
      setBackend(backend);
      own.dispose();
    }
  });

  it('a disposed backend refuses work instead of waiting for workers that are gone', async () => {
    const short = await createWasmBackend({ threads: 2 });
    short.dispose();
    short.dispose(); // twice is harmless
    assert.throws(
      () => short.kernels.reluForward?.(new Float32Array(4), new Float32Array(4)),
      /called after the backend was disposed/,
    );
  });
});
