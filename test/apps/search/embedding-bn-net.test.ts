/**
 * The recipe's embedding preset (embedding-bn-net): its shapes and node chain, unit-length
 * outputs, that training steps lower the ArcFace loss, that a model file round-trips it
 * (running statistics included) to the same outputs in evaluation, and that the CLI trains it by
 * default.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { noGrad } from '../../../src/autograd.js';
import { embeddingBnNet } from '../../../src/apps/search/embedding-bn-net.js';
import { EMBEDDING_BN_NET, EMBEDDING_RECIPE } from '../../../src/apps/search/embedding-recipe.js';
import { ProxyLoss } from '../../../src/apps/search/proxy-loss.js';
import { encodeModelFile, modelFromFile } from '../../../src/io/model-file.js';
import { Adam } from '../../../src/optim/adam.js';
import { Rng } from '../../../src/rng.js';
import { Tensor } from '../../../src/tensor.js';
import { loadTrainedModel } from '../../../src/train/trained-model.js';
import { runConvnet } from '../../cli/run-convnet.js';

const work = mkdtempSync(join(tmpdir(), 'convnet-embedding-bn-'));
after(() => rmSync(work, { recursive: true, force: true }));

function images(n: number, seed: number): Tensor {
  const rng = new Rng(seed);
  return new Tensor(
    Float32Array.from({ length: n * 28 * 28 }, () => rng.next() * 2 - 1),
    [n, 1, 28, 28],
  );
}

describe('embeddingBnNet', () => {
  it("follows the recipe: conv-BN-ReLU-pool stages, the head, unit vectors of the recipe's D", () => {
    const model = embeddingBnNet({ seed: 0 });
    const stages = EMBEDDING_RECIPE.widths.length;
    assert.deepEqual(
      model.nodes().map((n) => n.op),
      [
        ...Array.from({ length: stages }, () => [
          'Conv2d',
          'BatchNorm2d',
          'ReLU',
          'MaxPool2d',
        ]).flat(),
        'Flatten',
        'Linear',
        'ReLU',
        'Linear',
        'L2Normalize',
      ],
    );
    assert.deepEqual(model.outputShape([5, 1, 28, 28]), [5, EMBEDDING_RECIPE.dim]);
    const side = 28 >> stages;
    const last = EMBEDDING_RECIPE.widths[stages - 1];
    assert.deepEqual(model.shapes({ input: [2, 1, 28, 28] }).get('head.0'), [
      2,
      last * side * side,
    ]);
    model.eval();
    const y = noGrad(() => model.forward(images(3, 1)));
    for (let i = 0; i < 3; i++) {
      let norm = 0;
      for (let d = 0; d < EMBEDDING_RECIPE.dim; d++)
        norm += y.data[i * EMBEDDING_RECIPE.dim + d] ** 2;
      assert.ok(Math.abs(norm - 1) < 1e-5, `row ${i} has squared norm ${norm}`);
    }
  });

  it('takes other widths, channels and D, and refuses sizes it cannot take, naming them', () => {
    const model = embeddingBnNet({
      widths: [4, 8],
      hidden: 16,
      dim: 5,
      inChannels: 3,
      imageSize: 12,
    });
    assert.deepEqual(model.outputShape([2, 3, 12, 12]), [2, 5]);
    assert.throws(
      () => embeddingBnNet({ dim: 0 }),
      /embedding-bn-net: dim must be a positive integer, got 0/,
    );
    assert.throws(() => embeddingBnNet({ widths: [] }), /widths must not be empty/);
    assert.throws(
      () => embeddingBnNet({ widths: [4, 2.5] }),
      /widths\[1\] must be a positive integer/,
    );
    assert.throws(
      () => embeddingBnNet({ widths: [4, 4, 4], imageSize: 6 }),
      /6x6 images are too small for 3 stages of 2x2 pooling/,
    );
  });

  it('lowers the ArcFace loss over a few training steps', () => {
    const model = embeddingBnNet({ seed: 2, widths: [4, 8], hidden: 16, dim: 8 });
    const loss = new ProxyLoss(4, 8, { margin: 0.2, scale: 16, seed: 2 });
    const x = images(16, 3);
    const labels = Int32Array.from({ length: 16 }, (_, i) => i % 4);
    const optimizer = new Adam([...model.parameters(), ...loss.parameters()], { lr: 3e-3 });
    model.train();
    const values: number[] = [];
    for (let step = 0; step < 8; step++) {
      optimizer.zeroGrad();
      const l = loss.forward(model.forward(x), labels);
      values.push(l.item());
      l.backward();
      optimizer.step();
    }
    assert.ok(values[7] < values[0] * 0.9, `loss went from ${values[0]} to ${values[7]}`);
  });

  it('round-trips through the model file, running statistics included', () => {
    const model = embeddingBnNet({ seed: 4, widths: [4, 8], hidden: 16, dim: 6 });
    model.train();
    noGrad(() => model.forward(images(8, 5))); // moves the running statistics off their start
    model.eval();
    const x = images(4, 6);
    const before = noGrad(() => model.forward(x));
    const bytes = encodeModelFile({ name: EMBEDDING_BN_NET, task: 'embedding', seed: 4 }, model);
    const loaded = modelFromFile(bytes);
    assert.equal(loaded.spec.name, EMBEDDING_BN_NET);
    assert.equal(loaded.spec.task, 'embedding');
    const after = noGrad(() => loaded.model.forward(x));
    assert.deepEqual(Array.from(after.data), Array.from(before.data));
    const fresh = embeddingBnNet({ seed: 4, widths: [4, 8], hidden: 16, dim: 6 });
    fresh.eval();
    assert.notDeepEqual(Array.from(noGrad(() => fresh.forward(x)).data), Array.from(before.data));
  });

  it('is what convnet train --task embedding trains by default', async () => {
    const out = join(work, 'default');
    await runConvnet(
      'train',
      '--task',
      'embedding',
      '--epochs',
      '1',
      '--batch-size',
      '40',
      '--limit-train',
      '80',
      '--limit-test',
      '40',
      '--out',
      out,
    );
    const saved = await loadTrainedModel(out);
    assert.equal(saved.spec.name, EMBEDDING_BN_NET);
    const run = JSON.parse(readFileSync(join(out, 'embedding-run.json'), 'utf8')) as {
      config: Record<string, unknown>;
    };
    const { model, dim, epochs, batchSize, lr } = run.config;
    assert.deepEqual(
      { model, dim, lr },
      { model: EMBEDDING_BN_NET, dim: EMBEDDING_RECIPE.dim, lr: EMBEDDING_RECIPE.lr },
    );
    assert.deepEqual({ epochs, batchSize }, { epochs: 1, batchSize: 40 });
    assert.equal(saved.spec.task, 'embedding');
    assert.deepEqual(saved.model.outputShape([1, 1, 28, 28]), [1, EMBEDDING_RECIPE.dim]);
  });
});
