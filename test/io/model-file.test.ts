import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { noGrad } from '../../src/autograd.js';
import {
  MODEL_FILE_FORMAT,
  ModelFileError,
  decodeModelFile,
  encodeModelFile,
  modelFromFile,
} from '../../src/io/model-file.js';
import {
  SafetensorsError,
  decodeSafetensors,
  encodeSafetensors,
} from '../../src/io/safetensors.js';
import { getBackend, setBackend } from '../../src/kernels/backend.js';
import { createWasmBackend } from '../../src/kernels/wasm/index.js';
import { fashionNet, lenet5, seedNet } from '../../src/nn/presets.js';
import type { Layer } from '../../src/nn/module.js';
import { buildModel, completeModelSpec } from '../../src/io/model-spec.js';
import { presetGraph } from '../../src/nn/preset-table.js';
import { Rng } from '../../src/rng.js';
import { Tensor } from '../../src/tensor.js';

function assertSameState(actual: Layer, expected: Layer): void {
  const a = actual.stateDict();
  const e = expected.stateDict();
  assert.deepEqual([...a.keys()], [...e.keys()]);
  for (const [name, tensor] of e) {
    assert.deepEqual(a.get(name)?.shape, tensor.shape, name);
    assert.deepEqual(a.get(name)?.data, tensor.data, name);
  }
}

/** A model file whose metadata is given as is, with seedNet's weights. */
function fileWithMetadata(metadata: Record<string, string>, model = seedNet()): Uint8Array {
  return encodeSafetensors(model.stateDict(), metadata);
}

function specMetadata(spec: unknown): Record<string, string> {
  return { format: MODEL_FILE_FORMAT, spec: JSON.stringify(spec) };
}

describe('model file', () => {
  it('writes the spec with its defaults filled in and the stateDict as tensors', () => {
    const model = seedNet({ seed: 3 });
    const bytes = encodeModelFile({ preset: 'seed-net', options: { seed: 3 } }, model);
    const { metadata, tensors } = decodeSafetensors(bytes);
    assert.deepEqual(Object.keys(metadata).sort(), ['format', 'sha256', 'spec']);
    assert.match(metadata.sha256, /^[0-9a-f]{64}$/);
    assert.equal(metadata.format, 'convnet-ts-model');
    assert.deepEqual(JSON.parse(metadata.spec), {
      format: 'convnet-ts model',
      version: 2,
      name: 'seed-net',
      task: 'classification',
      seed: 3,
      classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
      normalize: { mean: [0], std: [1] },
      dataset: null,
      graph: JSON.parse(JSON.stringify(presetGraph('seed-net'))),
    });
    assert.deepEqual([...tensors.keys()].sort(), [...model.stateDict().keys()].sort());
  });

  it('reads back the same spec and weights, and the same model', () => {
    const model = seedNet({ seed: 4 });
    // Train-like change: the file must hold the current weights, not the seed's.
    for (const p of model.parameters()) p.data[0] += 0.5;
    const bytes = encodeModelFile({ preset: 'seed-net', options: { seed: 4 } }, model);
    const decoded = decodeModelFile(bytes, { source: 'digits.safetensors' });
    assert.equal(decoded.spec.name, 'seed-net');
    assert.equal(decoded.spec.seed, 4);
    const loaded = modelFromFile(bytes);
    assert.equal(loaded.model.training, false);
    assertSameState(loaded.model, model);
    const x = Tensor.randn([2, 1, 28, 28], new Rng(1));
    model.eval();
    const expected = noGrad(() => model.forward(x));
    const actual = noGrad(() => loaded.model.forward(x));
    assert.deepEqual(actual.data, expected.data);
  });

  it("builds the parameters in the fast backend's resident memory only when asked", async () => {
    const backend = await createWasmBackend({ threads: 1 });
    const previous = getBackend();
    try {
      setBackend(backend);
      const model = seedNet({ seed: 4 });
      const bytes = encodeModelFile({ preset: 'seed-net', options: { seed: 4 } }, model);
      const inWasm = (m: Layer) =>
        m.parameters().map((p) => p.data.buffer instanceof SharedArrayBuffer);
      const plain = modelFromFile(bytes).model;
      assert.ok(
        inWasm(plain).every((b) => !b),
        'by default, ordinary memory',
      );
      assert.equal(backend.residentBytes(), 0);
      const resident = modelFromFile(bytes, { resident: true }).model;
      assert.ok(
        inWasm(resident).every((b) => b),
        "resident: in the kernels' memory",
      );
      assert.ok(backend.residentBytes() >= 4 * 421_642);
      assertSameState(resident, model);
      const x = Tensor.randn([2, 1, 28, 28], new Rng(1));
      const expected = noGrad(() => plain.forward(x));
      const actual = noGrad(() => resident.forward(x));
      assert.deepEqual(actual.data, expected.data);
    } finally {
      setBackend(previous);
      backend.dispose();
    }
  });

  it('is deterministic: the same model gives the same bytes', () => {
    const spec = { preset: 'seed-net', options: { seed: 5 } } as const;
    assert.deepEqual(
      encodeModelFile(spec, seedNet({ seed: 5 })),
      encodeModelFile(spec, seedNet({ seed: 5 })),
    );
  });

  it('keeps lenet5 and fashion-net options, buffers, class names and normalisation', () => {
    const lenet = lenet5({
      seed: 1,
      activation: 'tanh',
      pooling: 'avg',
      numClasses: 3,
      imageSize: 32,
    });
    const lenetSpec = {
      preset: 'lenet5',
      options: { seed: 1, activation: 'tanh', pooling: 'avg', numClasses: 3, imageSize: 32 },
      classNames: ['cat', 'dog', 'bird'],
      normalize: { mean: [0.5], std: [0.25] },
    } as const;
    const lenetFile = modelFromFile(encodeModelFile(lenetSpec, lenet));
    assert.deepEqual(lenetFile.spec, {
      name: 'lenet5',
      task: 'classification',
      graph: presetGraph('lenet5', {
        activation: 'tanh',
        pooling: 'avg',
        numClasses: 3,
        imageSize: 32,
      }),
      seed: 1,
      classNames: ['cat', 'dog', 'bird'],
      normalize: { mean: [0.5], std: [0.25] },
      dataset: null,
    });
    assert.deepEqual(
      lenetFile.spec.graph.nodes.filter((n) => n.op === 'AvgPool2d' || n.op === 'Tanh').length,
      6,
    );
    assertSameState(lenetFile.model, lenet);

    const fashion = fashionNet({ seed: 2, dropout: 0.1, inChannels: 3 });
    const bn = fashion.stateDict();
    assert.ok([...bn.keys()].some((k) => k.endsWith('runningMean')));
    const fashionFile = modelFromFile(
      encodeModelFile(
        { preset: 'fashion-net', options: { seed: 2, dropout: 0.1, inChannels: 3 } },
        fashion,
      ),
    );
    const dropouts = fashionFile.spec.graph.nodes.filter((node) => node.op === 'Dropout');
    assert.deepEqual(
      dropouts.map((node) => node.config),
      [{ p: 0.1 }, { p: 0.1 }],
    );
    assertSameState(fashionFile.model, fashion);
  });

  it('refuses to write a model that is not the spec’s preset', () => {
    assert.throws(
      () => encodeModelFile({ preset: 'seed-net' }, lenet5()),
      (error: unknown) =>
        error instanceof ModelFileError &&
        /encodeModelFile: the model does not fit the spec's graph: loadStateDict: features\.0\.weight has shape \(32,1,3,3\), the checkpoint has \(6,1,5,5\)/.test(
          error.message,
        ),
    );
    assert.throws(
      () => encodeModelFile({ preset: 'seed-net', options: { numClasses: 5 } }, seedNet()),
      /classifier\.3\.weight has shape \(5,128\), the checkpoint has \(10,128\)/,
    );
  });

  it('names the field of a bad spec', () => {
    const cases: [unknown, RegExp][] = [
      [{ preset: 'resnet' }, /unknown preset "resnet" \(known: seed-net, lenet5, fashion-net\)/],
      [
        { preset: 'seed-net', options: { dropout: 0.5 } },
        /options of seed-net has unknown key\(s\) dropout/,
      ],
      [{ preset: 'seed-net', extra: 1 }, /the spec has unknown key\(s\) extra/],
      [{ preset: 'seed-net', options: { seed: 1.5 } }, /options.seed must be an integer, got 1.5/],
      [
        { preset: 'seed-net', options: { inChannels: 0 } },
        /options.inChannels must be a positive integer/,
      ],
      [
        { preset: 'seed-net', options: { imageSize: [28] } },
        /options.imageSize must be \[height, width\]/,
      ],
      [
        { preset: 'seed-net', options: { imageSize: [100000, 28] } },
        /options.imageSize\[0\] must be at most 1024, got 100000/,
      ],
      [
        { preset: 'seed-net', options: { imageSize: 1e9 } },
        /options.imageSize must be at most 1024, got 1000000000/,
      ],
      [
        { preset: 'seed-net', options: { inChannels: 65 } },
        /options.inChannels must be at most 64, got 65/,
      ],
      [
        { preset: 'seed-net', options: { numClasses: 100001 } },
        /options.numClasses must be at most 100000, got 100001/,
      ],
      [
        { preset: 'lenet5', options: { activation: 'gelu' } },
        /options.activation must be 'relu' or 'tanh'/,
      ],
      [
        { preset: 'fashion-net', options: { dropout: 1 } },
        /options.dropout must be a number in \[0, 1\)/,
      ],
      [{ preset: 'seed-net', classNames: ['a'] }, /classNames must be 10 strings/],
      [
        { preset: 'seed-net', normalize: { mean: [0.1, 0.2], std: [1] } },
        /normalize.mean must be 1 finite number/,
      ],
      [
        { preset: 'seed-net', normalize: { mean: [0.1], std: [0] } },
        /normalize.std must be positive/,
      ],
    ];
    for (const [spec, message] of cases) {
      assert.throws(
        () => decodeModelFile(fileWithMetadata(specMetadata(spec)), { source: 'bad.safetensors' }),
        (error: unknown) =>
          error instanceof ModelFileError &&
          error.source === 'bad.safetensors' &&
          error.message.startsWith('bad.safetensors: spec: ') &&
          message.test(error.message),
        JSON.stringify(spec),
      );
    }
    assert.throws(
      () => completeModelSpec({ preset: 'seed-net', options: { numClasses: -1 } }),
      /model spec: options.numClasses must be a positive integer, got -1/,
    );
  });

  it('rejects files that are not model files, with the reason', () => {
    const source = 'weights.safetensors';
    assert.throws(
      () => decodeModelFile(encodeSafetensors(seedNet().stateDict()), { source }),
      /weights.safetensors: not a convnet-ts model file: its __metadata__ format is none, expected "convnet-ts-model"/,
    );
    assert.throws(
      () => decodeModelFile(fileWithMetadata({ format: 'pytorch' }), { source }),
      /format is "pytorch"/,
    );
    assert.throws(
      () => decodeModelFile(fileWithMetadata({ format: MODEL_FILE_FORMAT }), { source }),
      /its __metadata__ has no "spec"/,
    );
    assert.throws(
      () =>
        decodeModelFile(fileWithMetadata({ format: MODEL_FILE_FORMAT, spec: '{"preset":' }), {
          source,
        }),
      /the spec in its __metadata__ is not valid JSON: invalid JSON at line 1/,
    );
    const truncated = encodeModelFile({ preset: 'seed-net' }, seedNet()).subarray(0, 100);
    assert.throws(
      () => decodeModelFile(truncated, { source }),
      (error: unknown) => error instanceof SafetensorsError && error.source === source,
    );
  });

  it('rejects weights that do not fit the spec, naming them', () => {
    const bytes = fileWithMetadata(
      specMetadata({ preset: 'seed-net', options: { numClasses: 5 } }),
    );
    assert.throws(
      () => modelFromFile(bytes, { source: 'five.safetensors' }),
      (error: unknown) =>
        error instanceof ModelFileError &&
        /five.safetensors: the weights do not fit the spec's graph: .*classifier\.3\.bias has shape \(5\), the checkpoint has \(10\)/.test(
          error.message,
        ),
    );
  });

  it('refuses a file whose weights, layout or spec changed after writing, naming the file', () => {
    const original = encodeModelFile({ preset: 'seed-net', options: { seed: 2 } }, seedNet());
    const source = 'runs/x/model.safetensors';
    const header = new TextDecoder().decode(original.subarray(0, 4000));
    const edits: [string, (bytes: Uint8Array) => void][] = [
      ['a weight byte', (bytes) => (bytes[bytes.length - 3] ^= 0x01)],
      ['a dtype letter (F32 -> I32)', (bytes) => (bytes[header.indexOf('"F32"') + 1] = 0x49)],
      ['the spec (seed 2 -> 3)', (bytes) => (bytes[header.indexOf('seed\\":2') + 7] = 0x33)],
    ];
    for (const [what, edit] of edits) {
      const bytes = original.slice();
      edit(bytes);
      assert.notDeepEqual(bytes, original, what);
      assert.throws(
        () => modelFromFile(bytes, { source }),
        (error: unknown) =>
          error instanceof ModelFileError &&
          /^runs\/x\/model\.safetensors: its contents do not match the SHA-256 in its __metadata__ \(recorded [0-9a-f]{64}, computed [0-9a-f]{64}\): the file is corrupt or was modified$/.test(
            error.message,
          ),
        what,
      );
    }
    assert.match(modelFromFile(original).digest ?? '', /^[0-9a-f]{64}$/);
  });

  it('still reads files written before the digest, unchecked (digest null)', () => {
    const model = seedNet({ seed: 6 });
    const bytes = fileWithMetadata(specMetadata({ preset: 'seed-net' }), model);
    const loaded = modelFromFile(bytes);
    assert.equal(loaded.digest, null);
    assertSameState(loaded.model, model);
  });

  it('refuses unknown metadata keys and a malformed digest', () => {
    const metadata = specMetadata({ preset: 'seed-net' });
    assert.throws(
      () => decodeModelFile(fileWithMetadata({ ...metadata, sha25X: 'a' }), { source: 'k.st' }),
      /^ModelFileError: k\.st: its __metadata__ has unknown key\(s\) "sha25X" \(known: format, spec, sha256\)$/,
    );
    assert.throws(
      () => decodeModelFile(fileWithMetadata({ ...metadata, sha256: 'abc' }), { source: 'k.st' }),
      /^ModelFileError: k\.st: the sha256 in its __metadata__ must be 64 lower-case hex digits, got "abc"$/,
    );
  });

  it('refuses non-finite weights on reading and on writing, naming the file and the tensor', () => {
    for (const bad of [NaN, Infinity, -Infinity]) {
      const model = seedNet();
      const weight = model.namedParameters().find(([name]) => name === 'features.0.weight');
      assert.ok(weight !== undefined);
      weight[1].data[17] = bad;
      const bytes = fileWithMetadata(specMetadata({ preset: 'seed-net' }), model);
      const message = `runs/x/model.safetensors: tensor features.0.weight has a non-finite value (${bad}) at index 17 of 288`;
      assert.throws(
        () => modelFromFile(bytes, { source: 'runs/x/model.safetensors' }),
        (error: unknown) => error instanceof ModelFileError && error.message === message,
      );
      assert.throws(
        () => encodeModelFile({ preset: 'seed-net' }, model),
        (error: unknown) =>
          error instanceof ModelFileError &&
          error.message.startsWith(
            `encodeModelFile: tensor features.0.weight has a non-finite value (${bad}) at index 17`,
          ),
      );
    }
  });

  it('names the file when its spec is too small an image for the preset', () => {
    const bytes = fileWithMetadata(
      specMetadata({ preset: 'seed-net', options: { imageSize: [1, 1] } }),
    );
    assert.throws(
      () => modelFromFile(bytes, { source: 'tiny.safetensors' }),
      (error: unknown) =>
        error instanceof ModelFileError &&
        /^tiny\.safetensors: spec: seedNet: imageSize \(1,1\) is too small for its layers/.test(
          error.message,
        ),
    );
  });

  it('builds the spec’s preset with the preset’s own options', () => {
    const model = buildModel(
      completeModelSpec({ preset: 'lenet5', options: { seed: 7, activation: 'tanh' } }),
    );
    assert.match(model.toString(), /Tanh/);
    assertSameState(model, lenet5({ seed: 7, activation: 'tanh' }));
  });
});
