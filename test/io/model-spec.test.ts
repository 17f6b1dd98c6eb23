import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseJson } from '../../src/io/json.js';
import {
  ModelSpecError,
  buildModel,
  completeModelSpec,
  modelInput,
  modelSpecToJson,
} from '../../src/io/model-spec.js';
import { presetGraph } from '../../src/nn/preset-table.js';

describe('model spec', () => {
  const v1 = {
    format: 'convnet-ts model',
    version: 1,
    preset: 'lenet5',
    options: { seed: 1, inChannels: 3, numClasses: 2, imageSize: [32, 32] },
    classNames: ['cat', 'dog'],
    normalize: { mean: [0.5, 0.4, 0.3], std: [0.2, 0.2, 0.2] },
    dataset: '/data/pets',
  };

  it('reads a version-1 checkpoint spec (a preset) as the preset graph', () => {
    const spec = completeModelSpec(v1, 'm.json');
    assert.equal(spec.name, 'lenet5');
    assert.equal(spec.seed, 1);
    assert.deepEqual(
      spec.graph,
      presetGraph('lenet5', { inChannels: 3, numClasses: 2, imageSize: 32 }),
    );
    assert.deepEqual(modelInput(spec), { inChannels: 3, imageSize: [32, 32] });
    assert.deepEqual(spec.classNames, ['cat', 'dog']);
    assert.equal(spec.dataset, '/data/pets');
  });

  it('round-trips through JSON (version 2)', () => {
    const spec = completeModelSpec(v1, 'm.json');
    const json = modelSpecToJson(spec);
    assert.equal(json.version, 2);
    assert.deepEqual(completeModelSpec(parseJson(JSON.stringify(json)), 'm.json'), spec);
  });

  it("refuses sizes beyond the presets' limits, naming the file and the field", () => {
    assert.throws(
      () =>
        completeModelSpec({ ...v1, options: { ...v1.options, imageSize: [100000, 32] } }, 'm.json'),
      /m\.json: options\.imageSize\[0\] must be at most 1024, got 100000/,
    );
    assert.throws(
      () => completeModelSpec({ ...v1, options: { ...v1.options, inChannels: 1000 } }, 'm.json'),
      /m\.json: options\.inChannels must be at most 64, got 1000/,
    );
  });

  it('names the field of a bad spec, in either version', () => {
    const json = modelSpecToJson(completeModelSpec(v1));
    const bad: [unknown, RegExp][] = [
      [
        { ...v1, preset: 'resnet' },
        /m\.json: unknown preset "resnet" \(known: seed-net, lenet5, fashion-net\)/,
      ],
      [{ ...v1, classNames: ['cat'] }, /classNames must be 2 strings/],
      [{ ...v1, normalize: { mean: [0], std: [1] } }, /normalize.mean must be 3 finite number/],
      [{ ...json, format: 'x' }, /m\.json: format: expected "convnet-ts model", got "x"/],
      [{ ...json, version: 3 }, /m\.json: version: expected 2, got 3/],
      [
        { ...json, normalize: { mean: [0], std: [1] } },
        /normalize must hold 3 mean\(s\) and std\(s\)/,
      ],
      [
        { ...json, normalize: { mean: [0, 0, 0], std: [1, 0, 1] } },
        /normalize\.std\.1: expected a positive number, got 0/,
      ],
      [{ ...json, extra: 1 }, /m\.json: the spec: unknown key\(s\) extra/],
      [
        { ...json, graph: { ...(json.graph as object), outputs: ['nowhere'] } },
        /m\.json: graph: outputs: 'nowhere' is not a node/,
      ],
    ];
    for (const [value, message] of bad) {
      assert.throws(
        () => completeModelSpec(value as never, 'm.json'),
        (error: unknown) => error instanceof ModelSpecError && message.test(error.message),
        `${JSON.stringify(value).slice(0, 80)} should fail with ${message}`,
      );
    }
  });

  it('fills in class names from the outputs, and checks given ones against them', () => {
    const graph = presetGraph('seed-net', { numClasses: 4 });
    const spec = completeModelSpec({ graph });
    assert.deepEqual(spec.classNames, ['0', '1', '2', '3']);
    assert.deepEqual(spec.normalize, { mean: [0], std: [1] });
    assert.throws(
      () => buildModel({ ...spec, classNames: ['a', 'b'] }, 'x.json'),
      /x\.json: classNames has 2 names, but the model has 4 outputs/,
    );
  });
});
