/**
 * What a checkpoint keeps besides the weights: the optimizer's state packed as base64 (exact,
 * NaN and infinities included), the dropout RNGs by module name, the training state's checks,
 * and the model spec's checks.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stringifyJson, parseJson } from '../../src/io/json.js';
import { fashionNet, seedNet } from '../../src/nn/presets.js';
import { Dropout } from '../../src/nn/dropout.js';
import { crossEntropy } from '../../src/ops/index.js';
import { Adam } from '../../src/optim/adam.js';
import { SGD } from '../../src/optim/sgd.js';
import { Rng } from '../../src/rng.js';
import { Tensor } from '../../src/tensor.js';
import type { JsonValue } from '../../src/io/json.js';
import {
  captureRngStates,
  packOptimizerState,
  parseTrainingState,
  restoreRngStates,
  trainingStateToJson,
  unpackOptimizerState,
} from '../../src/train/training-state.js';

function trainedOptimizer(kind: 'adam' | 'sgd') {
  const model = seedNet({ seed: 1, imageSize: 8, numClasses: 3 });
  const optimizer =
    kind === 'adam'
      ? new Adam(model.parameters(), { lr: 1e-2 })
      : new SGD(model.parameters(), { lr: 1e-2, momentum: 0.9 });
  const x = Tensor.randn([4, 1, 8, 8], new Rng(2));
  for (let step = 0; step < 2; step++) {
    optimizer.zeroGrad();
    crossEntropy(model.forward(x), Int32Array.from([0, 1, 2, 0])).backward();
    optimizer.step();
  }
  return { model, optimizer };
}

describe('packOptimizerState', () => {
  for (const kind of ['adam', 'sgd'] as const) {
    it(`round-trips ${kind}'s state exactly through JSON text, and is smaller`, () => {
      const { optimizer } = trainedOptimizer(kind);
      const plain = optimizer.stateDict();
      const packed = packOptimizerState(plain, optimizer.parameters());
      const text = stringifyJson(packed, 'optimizer');
      assert.ok(text.length < JSON.stringify(plain).length / 2, 'packed is smaller');
      assert.deepEqual(unpackOptimizerState(parseJson(text), 'test'), plain);
      // And the optimizer takes it back.
      const { optimizer: other } = trainedOptimizer(kind);
      other.loadStateDict(unpackOptimizerState(parseJson(text), 'test'));
      assert.deepEqual(other.stateDict(), plain);
    });
  }

  it('keeps float64 buffers, and refuses to unpack NaN or infinities, naming the buffer', () => {
    const p = Tensor.zeros([3], 'float64');
    const state = {
      optimizer: 'SGD',
      paramGroups: [],
      state: [{ momentumBuffer: { shape: [3], data: [0.1, -2.5e-300, 0.3] } }, null],
    };
    assert.deepEqual(unpackOptimizerState(packOptimizerState(state, [p]), 'test'), state);
    const bad = {
      ...state,
      state: [{ momentumBuffer: { shape: [3], data: [0.1, 'Infinity', 0.3] } }, null],
    };
    assert.throws(() => unpackOptimizerState(packOptimizerState(bad, [p]), 'opt.json'), {
      message:
        "opt.json: state[0].momentumBuffer has a non-finite value (Infinity) at index 1 of 3: the checkpoint's optimizer state is not usable",
    });
  });
});

describe('RNG states', () => {
  it("restores every dropout layer's RNG by name", () => {
    const model = fashionNet({ seed: 4, imageSize: 8 });
    const saved = JSON.parse(JSON.stringify(captureRngStates(model)));
    assert.deepEqual(Object.keys(saved.modules), ['classifier.1', 'classifier.4']);
    const dropout = model.getSubmodule('classifier.1');
    assert.ok(dropout instanceof Dropout);
    const expected = [dropout.rng.next(), dropout.rng.next()];
    restoreRngStates(model, saved, 'test');
    assert.deepEqual([dropout.rng.next(), dropout.rng.next()], expected);
  });

  it('rejects states for other dropout layers', () => {
    const saved = captureRngStates(fashionNet({ imageSize: 8 }));
    assert.throws(
      () => restoreRngStates(seedNet({ imageSize: 8 }), saved, 'ckpt'),
      /ckpt: the checkpoint has RNG states for dropout layers \[classifier\.1, classifier\.4\], the model has \[\]/,
    );
  });
});

describe('training state', () => {
  it('round-trips and names what is wrong', () => {
    const state = {
      epoch: 2,
      step: 10,
      schedule: null,
      rng: captureRngStates(seedNet({ imageSize: 8 })),
      history: [],
      config: { lr: 0.1 },
    };
    const json = parseJson(stringifyJson(trainingStateToJson(state), 'state'));
    assert.deepEqual(parseTrainingState(json, 'state.json'), state);
    assert.throws(
      () => parseTrainingState(undefined, 's.json'),
      /s\.json: the checkpoint has no training state/,
    );
    assert.throws(
      () => parseTrainingState({ ...trainingStateToJson(state), epoch: -1 }, 's.json'),
      /s\.json: epoch must be a non-negative integer, got -1/,
    );
  });
});
