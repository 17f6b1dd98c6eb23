/**
 * Optimizers on the fast backend: the update kernels give bitwise the reference's parameters and
 * state (a few steps of SGD, Adam, AdamW with every option), and on a resident model (as
 * `convnet train` builds it) the state is reserved beside the parameters, so a step inside
 * runStep copies nothing into or out of the kernels' memory, before and after loadStateDict.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  getBackend,
  referenceBackend,
  setBackend,
  type Backend,
} from '../../src/kernels/backend.js';
import { createWasmBackend, type WasmBackend } from '../../src/kernels/wasm/index.js';
import { Adam } from '../../src/optim/adam.js';
import { AdamW } from '../../src/optim/adamw.js';
import type { Optimizer, OptimizerOptions } from '../../src/optim/optimizer.js';
import { SGD } from '../../src/optim/sgd.js';
import { Rng } from '../../src/rng.js';
import { Tensor } from '../../src/tensor.js';

let backend: WasmBackend;
let previous: Backend;

before(async () => {
  previous = getBackend();
  backend = await createWasmBackend({ threads: 2 });
});

after(() => {
  setBackend(previous);
  backend.dispose();
});

type AnyOptimizer = Optimizer<OptimizerOptions, unknown>;

const OPTIMIZERS: [string, (params: Tensor[]) => AnyOptimizer][] = [
  [
    'SGD, momentum, weight decay',
    (p) => new SGD(p, { lr: 0.05, momentum: 0.9, weightDecay: 1e-3 }),
  ],
  ['SGD, Nesterov', (p) => new SGD(p, { lr: 0.05, momentum: 0.8, nesterov: true })],
  ['SGD, dampening', (p) => new SGD(p, { lr: 0.05, momentum: 0.9, dampening: 0.2 })],
  ['Adam, L2 weight decay', (p) => new Adam(p, { lr: 3e-3, weightDecay: 1e-2 })],
  ['AdamW, AMSGrad', (p) => new AdamW(p, { lr: 3e-3, weightDecay: 5e-2, amsgrad: true })],
];

/** Three parameters: sizes below and above the single-thread limit, one of odd length. */
const SHAPES = [[10], [37, 3], [128, 301]];

function makeParams(): Tensor[] {
  const rng = new Rng(7);
  return SHAPES.map((shape) => Tensor.randn(shape, rng));
}

/** Fresh gradients for step `k`, the same on every backend. */
function setGrads(params: Tensor[], k: number): void {
  const rng = new Rng(100 + k);
  for (const p of params) p.grad = Tensor.randn(p.shape, rng, 0.1);
}

function step(optimizer: AnyOptimizer, params: Tensor[], k: number, runStep: boolean): void {
  const body = () => {
    setGrads(params, k);
    optimizer.step();
    optimizer.zeroGrad();
    return 0;
  };
  if (runStep) backend.runStep(params, body);
  else body();
}

function assertBitwise(actual: Tensor[], expected: Tensor[], where: string): void {
  actual.forEach((p, i) => {
    const j = p.data.findIndex((v, k) => !Object.is(v, expected[i].data[k]));
    assert.equal(j, -1, `${where}: parameter ${i} differs first at index ${j}`);
  });
}

describe('optimizers on the fast backend', () => {
  for (const [label, make] of OPTIMIZERS) {
    it(`${label}: bitwise the reference, with no copies on a resident model`, (t) => {
      if (backend.path.backend !== 'wasm' || !backend.path.sharedMemory) {
        return t.skip(`no shared-memory fast backend here: ${backend.path.description}`);
      }
      setBackend(referenceBackend);
      const expectedParams = makeParams();
      const expected = make(expectedParams);
      for (let k = 0; k < 3; k++) step(expected, expectedParams, k, false);

      setBackend(backend);
      const params = backend.resident(makeParams);
      const residentBefore = backend.residentBytes();
      const optimizer = make(params);
      const reservedBytes = backend.residentBytes() - residentBefore;
      assert.ok(reservedBytes > 0, 'the optimizer reserved its state in resident memory');
      step(optimizer, params, 0, true);
      const copies = backend.copyStats();
      for (let k = 1; k < 3; k++) step(optimizer, params, k, true);
      const after = backend.copyStats();
      assert.equal(after.bytesIn - copies.bytesIn, 0, 'bytes copied in by two steps');
      assert.equal(after.bytesOut - copies.bytesOut, 0, 'bytes copied out by two steps');
      assertBitwise(params, expectedParams, label);
      assert.deepEqual(optimizer.stateDict(), expected.stateDict());

      // A state dict loaded into a new optimizer over the same resident parameters lands in its
      // reserved buffers: the next step copies nothing and continues bitwise.
      const resumed = make(params);
      resumed.loadStateDict(JSON.parse(JSON.stringify(optimizer.stateDict())));
      const beforeResumed = backend.copyStats();
      step(resumed, params, 3, true);
      const afterResumed = backend.copyStats();
      assert.equal(afterResumed.bytesIn - beforeResumed.bytesIn, 0, 'bytes copied in after load');
      setBackend(referenceBackend);
      step(expected, expectedParams, 3, false);
      assertBitwise(params, expectedParams, `${label}, resumed`);
      assert.deepEqual(resumed.stateDict(), expected.stateDict());
    });
  }

  it('keeps state in ordinary memory beside parameters that are not resident, with the same values', (t) => {
    if (backend.path.backend !== 'wasm') return t.skip(backend.path.description);
    setBackend(referenceBackend);
    const expectedParams = makeParams();
    const expected = new Adam(expectedParams, { lr: 1e-2 });
    for (let k = 0; k < 2; k++) step(expected, expectedParams, k, false);
    setBackend(backend);
    const params = makeParams();
    const residentBefore = backend.residentBytes();
    const optimizer = new Adam(params, { lr: 1e-2 });
    assert.equal(backend.residentBytes(), residentBefore, 'nothing reserved');
    for (let k = 0; k < 2; k++) step(optimizer, params, k, true);
    assertBitwise(params, expectedParams, 'Adam on ordinary memory');
    assert.deepEqual(optimizer.stateDict(), expected.stateDict());
  });
});
