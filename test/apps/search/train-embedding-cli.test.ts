/**
 * `convnet train --task embedding` options beyond the loss: `--model my-embedding.json` (any
 * graph with an embedding head trains as the preset does and is saved under its file's name; a
 * graph whose output is not unit vectors, of another input shape, or of another size than --dim
 * is refused, naming the file and what to change), `--augment` and `--flip` (recorded, and each
 * changes what the model sees: other weights than the same run without it), and the recipe's
 * flips, which every dataset but the MNIST digits gets by default.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { embeddingFlip } from '../../../src/cli/train-embedding.js';
import { loadTrainedModel } from '../../../src/train/trained-model.js';
import { runConvnet } from '../../cli/run-convnet.js';

const work = mkdtempSync(join(tmpdir(), 'convnet-embedding-graph-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** A small embedding graph: conv, pool, linear to D, and (unless `normalize` is false) L2. */
function graphFile(name: string, { D = 6, normalize = true, side = 28 } = {}): string {
  const nodes: object[] = [
    { name: 'conv', op: 'Conv2d', config: { inChannels: 1, outChannels: 4, kernelSize: 3 } },
    { name: 'relu', op: 'ReLU' },
    { name: 'pool', op: 'MaxPool2d', config: { kernelSize: 2 } },
    { name: 'flat', op: 'Flatten' },
    { name: 'embed', op: 'Linear', config: { inFeatures: 4 * 13 * 13, outFeatures: D } },
  ];
  if (normalize) nodes.push({ name: 'normalize', op: 'L2Normalize' });
  const path = join(work, `${name}.json`);
  writeFileSync(
    path,
    JSON.stringify({
      format: 'convnet-ts-graph',
      version: 1,
      inputs: [{ name: 'image', shape: [1, side, side] }],
      nodes,
      outputs: [normalize ? 'normalize' : 'embed'],
    }),
  );
  return path;
}

const small = ['--epochs', '1', '--batch-size', '40', '--limit-train', '120', '--limit-test', '40'];

describe('convnet train --task embedding --model <graph file>', () => {
  it('trains the graph and saves it under the file name', async () => {
    const out = join(work, 'run');
    const text = await runConvnet(
      'train',
      '--task',
      'embedding',
      '--model',
      graphFile('tiny-embedding'),
      '--out',
      out,
      ...small,
    );
    assert.match(text, /test P@1 [\d.]+%, MAP@R [\d.]+%/);
    const saved = await loadTrainedModel(out);
    assert.equal(saved.spec.task, 'embedding');
    assert.equal(saved.spec.name, 'tiny-embedding');
    assert.deepEqual(saved.model.outputShape([2, 1, 28, 28]), [2, 6]);
    assert.deepEqual(
      saved.model.nodes().map((n) => n.name),
      ['conv', 'relu', 'pool', 'flat', 'embed', 'normalize'],
    );
  });

  it('refuses a graph without unit-vector output, of another input or of another --dim', async () => {
    const args = ['train', '--task', 'embedding', '--out', join(work, 'refused'), ...small];
    await assert.rejects(
      runConvnet(...args, '--model', graphFile('raw', { normalize: false })),
      /raw\.json: output 'embed' is a Linear node; an embedding model's output must be an L2Normalize node/,
    );
    await assert.rejects(
      runConvnet(...args, '--model', graphFile('big', { side: 32 })),
      /big\.json: input 'image' takes 1x32x32 images, the dataset's are 1x28x28/,
    );
    await assert.rejects(
      runConvnet(...args, '--model', graphFile('six'), '--dim', '8'),
      /six\.json: --dim 8 was given, but the graph's output 'normalize' is 6-d/,
    );
  });

  it('--augment and --flip are recorded and change the weights trained', async () => {
    const trained = async (name: string, flags: string[]) => {
      const out = join(work, name);
      await runConvnet(
        'train',
        '--task',
        'embedding',
        '--dim',
        '4',
        '--out',
        out,
        ...small,
        ...flags,
      );
      const run = JSON.parse(readFileSync(join(out, 'embedding-run.json'), 'utf8')) as {
        config: { augment: boolean; flip: boolean };
      };
      const saved = await loadTrainedModel(out);
      return { config: run.config, weights: Float32Array.from(saved.model.parameters()[0].data) };
    };
    const plain = await trained('plain', []);
    assert.deepEqual([plain.config.augment, plain.config.flip], [false, false], 'MNIST: no flips');
    const augmented = await trained('augmented', ['--augment']);
    assert.equal(augmented.config.augment, true);
    assert.notDeepEqual(augmented.weights, plain.weights);
    const flipped = await trained('flipped', ['--flip']);
    assert.deepEqual([flipped.config.augment, flipped.config.flip], [false, true]);
    assert.notDeepEqual(flipped.weights, plain.weights);
  });

  it('flips as the recipe does on every dataset but the MNIST digits, unless told', () => {
    assert.equal(embeddingFlip(undefined, 'fashion-mnist'), true);
    assert.equal(embeddingFlip(undefined, '/data/photos'), true);
    assert.equal(embeddingFlip(undefined, 'mnist'), false);
    assert.equal(embeddingFlip(false, 'fashion-mnist'), false);
    assert.equal(embeddingFlip(true, 'mnist'), true);
  });

  it('refuses --flip outside --task embedding, naming it', async () => {
    await assert.rejects(
      runConvnet('train', '--flip', '--out', join(work, 'classifier'), ...small),
      /--flip applies to --task embedding only/,
    );
  });
});
