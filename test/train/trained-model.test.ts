/**
 * Evaluating a one-file model (src/train/trained-model.ts): the dataset it was trained on comes
 * from the file; a file that does not say needs one named, and says so.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { encodeModelFile } from '../../src/io/model-file.js';
import { evaluateTrained, loadTrainedModel } from '../../src/train/trained-model.js';
import { buildModel, completeModelSpec, type PresetModelSpec } from '../../src/io/model-spec.js';

const buildModelOf = (spec: PresetModelSpec) => buildModel(completeModelSpec(spec));

const work = mkdtempSync(join(tmpdir(), 'convnet-trained-'));
after(() => rmSync(work, { recursive: true, force: true }));

function modelFile(name: string, spec: PresetModelSpec): string {
  const file = join(work, name);
  writeFileSync(file, encodeModelFile(spec, buildModelOf(spec)));
  return file;
}

describe('evaluating a model file', () => {
  it('evaluates on the dataset the file records, or on the one named', async () => {
    const file = modelFile('recorded.safetensors', {
      preset: 'seed-net',
      options: { seed: 1 },
      dataset: 'mnist',
    });
    const trained = await loadTrainedModel(file);
    assert.equal(trained.spec.dataset, 'mnist');
    const result = await evaluateTrained(trained, { limitTest: 8 });
    assert.equal(result.dataset, 'mnist');
    assert.equal(result.images, 8);
  });

  it('asks for a dataset when the file does not say which one it was trained on', async () => {
    const file = modelFile('silent.safetensors', { preset: 'seed-net', options: { seed: 1 } });
    const trained = await loadTrainedModel(file);
    assert.equal(trained.spec.dataset, null);
    await assert.rejects(
      evaluateTrained(trained, { limitTest: 8 }),
      new RegExp(
        `^Error: ${file} does not say which dataset its model was trained on: name the dataset to evaluate on \\(convnet eval --dataset mnist, fashion-mnist or an image folder\\)$`,
      ),
    );
    assert.equal((await evaluateTrained(trained, { dataset: 'mnist', limitTest: 8 })).images, 8);
  });
});
