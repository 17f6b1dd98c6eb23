/**
 * fit, evaluate and the training step find the fast backend's runStep through the current
 * backend: the step's tensors must live in the kernels' memory (no copies), not in ordinary
 * memory, which is what a runner that merely calls the step gives.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { getBackend, setBackend, type Backend } from '../../src/kernels/backend.js';
import { createWasmBackend, type WasmBackend } from '../../src/kernels/wasm/index.js';
import { Tensor } from '../../src/tensor.js';
import { currentStepRunner, directStepRunner } from '../../src/train/step-runner.js';

let backend: WasmBackend;
let previous: Backend;

before(async () => {
  previous = getBackend();
  backend = await createWasmBackend({ threads: 2 });
  setBackend(backend);
});

after(() => {
  setBackend(previous);
  backend.dispose();
});

describe('currentStepRunner', () => {
  it("runs steps in the fast backend's memory once it is the current backend", (t) => {
    if (!backend.path.sharedMemory) return t.skip(`no shared memory: ${backend.path.description}`);
    assert.notEqual(currentStepRunner(), directStepRunner);
    const inKernelMemory = currentStepRunner().runStep([], () => {
      const buffer = Tensor.zeros([4]).data.buffer;
      return buffer instanceof SharedArrayBuffer;
    });
    assert.equal(inKernelMemory, true);
  });

  it('calls the step directly on the reference backend', () => {
    setBackend(previous);
    try {
      assert.equal(currentStepRunner(), directStepRunner);
    } finally {
      setBackend(backend);
    }
  });
});
