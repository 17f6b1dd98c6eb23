import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { noGrad } from '../../../src/autograd.js';
import {
  cropMaps,
  padImages,
  segmentImage,
  segmentLogits,
} from '../../../src/apps/segmentation/segment.js';
import { loadSegmenter, saveSegmenter } from '../../../src/apps/segmentation/segmenter-model.js';
import { segmenterStride } from '../../../src/apps/segmentation/segmenter-spec.js';
import { unetLite, unetLiteStride } from '../../../src/apps/segmentation/unet-lite.js';
import { encodeModelFile, MODEL_FILE_NAME } from '../../../src/io/model-file.js';
import { buildPreset } from '../../../src/nn/preset-table.js';
import { loadTrainedModel, requireClassifier } from '../../../src/train/trained-model.js';
import { Graph } from '../../../src/nn/graph/graph.js';
import { Rng } from '../../../src/rng.js';
import { Tensor } from '../../../src/tensor.js';

const work = mkdtempSync(join(tmpdir(), 'seg-model-'));
after(() => rmSync(work, { recursive: true, force: true }));

describe('U-Net-lite', () => {
  it('maps (N,C,H,W) to (N,K,H,W) logits through concat skips, for multiples of its stride', () => {
    const model = unetLite({
      numClasses: 5,
      inChannels: 3,
      base: 2,
      depth: 2,
      imageSize: [16, 20],
      up: 'transpose',
    });
    assert.equal(unetLiteStride(2), 4);
    const ops = model.nodes().map((n) => n.op);
    assert.equal(ops.filter((op) => op === 'Concat').length, 2);
    assert.equal(ops.filter((op) => op === 'ConvTranspose2d').length, 2);
    assert.equal(ops.filter((op) => op === 'MaxPool2d').length, 2);
    assert.deepEqual(model.node('skip0').inputs, ['enc0.relu2', 'up0']);
    assert.deepEqual(model.outputShape([2, 3, 16, 20]), [2, 5, 16, 20]);
    assert.deepEqual(model.outputShape([1, 3, 8, 12]), [1, 5, 8, 12]);
    const y = noGrad(() => model.forward(Tensor.uniform([2, 3, 16, 20], new Rng(1))));
    assert.deepEqual(y.shape, [2, 5, 16, 20]);
    assert.throws(() => model.outputShape([1, 3, 10, 20]), /skip0|Concat/);
    assert.throws(() => unetLite({ depth: 0 }), /depth must be an integer in \[1, 5\]/);
    const upsampling = unetLite({ numClasses: 4, base: 2, depth: 3, imageSize: [16, 24] });
    assert.throws(
      () => unetLite({ depth: 3 }),
      /imageSize 64x84 must be multiples of the stride 8/,
    );
    assert.deepEqual(
      upsampling
        .nodes()
        .filter((n) => n.name.startsWith('up2'))
        .map((n) => n.op),
      ['Upsample', 'Conv2d'],
    );
    assert.deepEqual(model.node('skip0').inputs, ['enc0.relu2', 'up0']);
    assert.deepEqual(upsampling.node('skip0').inputs, ['enc0.relu2', 'up0.conv']);
    assert.deepEqual(upsampling.outputShape([1, 1, 16, 24]), [1, 4, 16, 24]);
  });

  it('takes per-level widths, the bottleneck last, and refuses a list of the wrong length', () => {
    const model = unetLite({ numClasses: 3, depth: 2, widths: [4, 6, 10], imageSize: [8, 12] });
    const conv = (name: string): readonly number[] =>
      model.namedParameters().find(([key]) => key === `${name}.weight`)![1].shape;
    assert.deepEqual(conv('enc0.conv1'), [4, 1, 3, 3]);
    assert.deepEqual(conv('enc1.conv2'), [6, 6, 3, 3]);
    assert.deepEqual(conv('bottleneck.conv1'), [10, 6, 3, 3]);
    assert.deepEqual(conv('up1.conv'), [6, 10, 3, 3]);
    assert.deepEqual(conv('dec0.conv1'), [4, 8, 3, 3]);
    assert.deepEqual(model.outputShape([1, 1, 8, 12]), [1, 3, 8, 12]);
    assert.throws(
      () => unetLite({ depth: 2, widths: [4, 8], imageSize: [8, 12] }),
      /widths must give depth \+ 1 = 3 channel counts \(the levels, then the bottleneck\), got 2/,
    );
    assert.throws(
      () => unetLite({ depth: 1, widths: [4, 0], imageSize: [8, 12] }),
      /widths\[1\] must be an integer in \[1, 4096\], got 0/,
    );
  });

  it('is the graph its description rebuilds with the same seed', () => {
    const model = unetLite({ seed: 7, base: 2 });
    const again = Graph.fromSpec(JSON.parse(JSON.stringify(model.spec())), { seed: 7 });
    const a = model.stateDict();
    const b = again.stateDict();
    assert.deepEqual([...a.keys()], [...b.keys()]);
    for (const [name, t] of a) assert.deepEqual(b.get(name)?.data, t.data, name);
    assert.notDeepEqual(
      unetLite({ seed: 8, base: 2 }).stateDict().get('enc0.conv1.weight')?.data,
      a.get('enc0.conv1.weight')?.data,
    );
  });
});

describe('segmenting images of any size', () => {
  it('pads to the stride and crops back: the same logits as running the padded image', () => {
    const model = unetLite({ numClasses: 3, base: 2, seed: 1 });
    model.eval();
    const rng = new Rng(2);
    const x = Float32Array.from({ length: 13 * 18 }, () => rng.next());
    const padded = padImages(x, [1, 1, 13, 18], [16, 20]);
    assert.equal(padded[0 * 20 + 17], x[17]);
    assert.equal(padded[0 * 20 + 18], 0);
    assert.equal(padded[13 * 20], 0);
    const full = noGrad(() => model.forward(new Tensor(padded, [1, 1, 16, 20])));
    const { logits, shape } = segmentLogits(model, x, [1, 1, 13, 18], { stride: 4 });
    assert.deepEqual(shape, [1, 3, 13, 18]);
    assert.deepEqual(logits, cropMaps(full.data, [1, 3, 16, 20], [13, 18]));
    const { mask, probabilities } = segmentImage(model, x, [1, 13, 18], {
      stride: 4,
      probabilities: true,
    });
    assert.equal(mask.length, 13 * 18);
    const classProbabilities: Float32Array = probabilities ?? new Float32Array(0);
    assert.deepEqual(segmentImage(model, x, [1, 13, 18], { stride: 4 }), {
      mask,
      probabilities: null,
      numClasses: 3,
    });
    for (let p = 0; p < 13 * 18; p++) {
      const probs = [0, 1, 2].map((k) => classProbabilities[k * 13 * 18 + p]);
      assert.ok(Math.abs(probs.reduce((s, v) => s + v, 0) - 1) < 1e-5);
      assert.equal(mask[p], probs.indexOf(Math.max(...probs)));
    }
  });
});

describe('segmenter model files', () => {
  it('save and load the graph, weights, task and class names as model.safetensors', async () => {
    const model = unetLite({ numClasses: 3, base: 2, seed: 3 });
    // Running statistics move in training mode, so the buffers must round-trip too.
    noGrad(() => model.forward(Tensor.uniform([2, 1, 8, 8], new Rng(4))));
    const dir = join(work, 'saved');
    const path = await saveSegmenter(dir, model, {
      classNames: ['bg', 'a', 'b'],
      dataset: 'digit-masks',
      seed: 3,
    });
    assert.equal(path, join(dir, MODEL_FILE_NAME));
    const loaded = await loadSegmenter(dir);
    assert.equal(loaded.stride, unetLiteStride());
    assert.deepEqual(
      {
        name: loaded.spec.name,
        task: loaded.spec.task,
        classNames: loaded.spec.classNames,
        dataset: loaded.spec.dataset,
        seed: loaded.spec.seed,
        normalize: loaded.spec.normalize,
      },
      {
        name: 'unet-lite',
        task: 'segmentation',
        classNames: ['bg', 'a', 'b'],
        dataset: 'digit-masks',
        seed: 3,
        normalize: { mean: [0], std: [1] },
      },
    );
    assert.deepEqual(loaded.spec.graph, model.spec());
    for (const [name, t] of model.stateDict())
      assert.deepEqual(loaded.model.stateDict().get(name)?.data, t.data, name);
    model.eval();
    const x = Tensor.uniform([1, 1, 8, 12], new Rng(5));
    assert.deepEqual(
      noGrad(() => loaded.model.forward(x)).data,
      noGrad(() => model.forward(x)).data,
    );
    // Classification commands refuse it, pointing to convnet segment.
    const trained = await loadTrainedModel(dir);
    assert.throws(
      () => requireClassifier(trained, 'predict'),
      /holds a segmentation model \(unet-lite\), not a classifier: convnet predict classifies images; use convnet segment/,
    );
  });

  it('read the stride off the graph: 2^depth, by upsampling or transposed convolution', () => {
    for (const depth of [1, 2, 3]) {
      for (const up of ['upsample', 'transpose'] as const) {
        const graph = unetLite({ numClasses: 2, base: 2, depth, up, imageSize: [16, 16] }).spec();
        assert.equal(segmenterStride(graph), unetLiteStride(depth), `depth ${depth}, ${up}`);
      }
    }
    assert.equal(segmenterStride(buildPreset('seed-net').spec()), 4);
  });

  it('refuse a model of another task, naming the directory and the command to use', async () => {
    const dir = join(work, 'classifier');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dir);
    const net = buildPreset('seed-net');
    writeFileSync(
      join(dir, MODEL_FILE_NAME),
      encodeModelFile({ name: 'seed-net', task: 'classification' }, net),
    );
    await assert.rejects(
      loadSegmenter(dir),
      new RegExp(
        `${join(dir, MODEL_FILE_NAME)} holds a classification model \\(seed-net\\), not a segmenter.*convnet predict`,
      ),
    );
  });
});
