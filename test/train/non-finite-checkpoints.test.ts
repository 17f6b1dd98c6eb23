/**
 * Loading a trained model (loadTrainedModel: a checkpoint directory or a model file) and
 * resuming (fit's `resume`, what `convnet train --resume` runs) refuse a checkpoint holding a
 * NaN or an infinity, in its weights or its optimizer state, naming the file and the tensor,
 * before the first step: such a checkpoint is never trained on, nor called intact.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { InMemoryDataset } from '../../src/data/dataset.js';
import { CHECKPOINT_MANIFEST, loadCheckpoint } from '../../src/io/checkpoint.js';
import { decodeSafetensors, encodeSafetensors } from '../../src/io/safetensors.js';
import { Adam } from '../../src/optim/adam.js';
import { fit, type FitOptions } from '../../src/train/fit.js';
import { buildModel, completeModelSpec, modelSpecToJson } from '../../src/io/model-spec.js';
import { loadTrainedModel } from '../../src/train/trained-model.js';
import { unpackOptimizerState } from '../../src/train/training-state.js';
import { MODEL_FILE_FORMAT } from '../../src/io/model-file.js';

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const OPTIONS = { seed: 1, inChannels: 1, numClasses: 2, imageSize: [4, 4] } as const;
const SPEC = completeModelSpec({
  preset: 'seed-net',
  options: OPTIONS,
  classNames: ['a', 'b'],
  normalize: { mean: [0], std: [1] },
  dataset: 'tiny',
});

function tiny(n: number): InMemoryDataset {
  const pixels = Float32Array.from({ length: n * 16 }, (_, i) => (i % 7) / 7);
  const labels = Int32Array.from({ length: n }, (_, i) => i % 2);
  return InMemoryDataset.fromArrays(pixels, [n, 1, 4, 4], labels, ['a', 'b']);
}

function run(out: string, epochs: number): FitOptions {
  const model = buildModel(SPEC);
  return {
    model,
    optimizer: new Adam(model.parameters(), { lr: 1e-3 }),
    train: tiny(8),
    test: tiny(4),
    epochs,
    batchSize: 4,
    out,
    spec: modelSpecToJson(SPEC),
  };
}

/** A checkpoint of one epoch in a new directory. */
async function checkpointDir(): Promise<string> {
  const out = mkdtempSync(join(tmpdir(), 'convnet-resume-'));
  dirs.push(out);
  await fit(run(out, 1));
  return out;
}

/** Replaces a part file and updates the manifest to match, as an older or buggy writer would. */
function replacePart(dir: string, part: string, data: Uint8Array): string {
  const manifestPath = join(dir, CHECKPOINT_MANIFEST);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  const entry = manifest.files[part];
  writeFileSync(join(dir, entry.file), data);
  entry.bytes = data.length;
  entry.sha256 = createHash('sha256').update(data).digest('hex');
  writeFileSync(manifestPath, JSON.stringify(manifest));
  return join(dir, entry.file);
}

describe('resume refuses non-finite checkpoints', () => {
  it('names the weights file and the tensor, and does not call the checkpoint intact', async () => {
    const out = await checkpointDir();
    const file = join(
      out,
      JSON.parse(readFileSync(join(out, CHECKPOINT_MANIFEST), 'utf8')).files.weights.file,
    );
    const { tensors } = decodeSafetensors(readFileSync(file));
    const weight = tensors.get('features.0.weight');
    assert.ok(weight !== undefined);
    weight.data[17] = NaN;
    replacePart(out, 'weights', encodeSafetensors(tensors));
    await assert.rejects(
      async () => fit({ ...run(out, 2), resume: await loadCheckpoint(out) }),
      (error: unknown) =>
        error instanceof Error &&
        error.message ===
          `${file}: tensor features.0.weight has a non-finite value (NaN) at index 17 of 288` &&
        !/intact/.test(error.message),
    );
  });

  it('names the optimizer file and the buffer holding a NaN or an infinity', async () => {
    const out = await checkpointDir();
    const manifest = JSON.parse(readFileSync(join(out, CHECKPOINT_MANIFEST), 'utf8'));
    const optimizer = JSON.parse(readFileSync(join(out, manifest.files.optimizer.file), 'utf8'));
    const packed = optimizer.state[0].expAvgSq;
    const values = new Float32Array(new Uint8Array(Buffer.from(packed.base64, 'base64')).buffer);
    values[5] = Infinity;
    packed.base64 = Buffer.from(values.buffer).toString('base64');
    const file = replacePart(out, 'optimizer', Buffer.from(JSON.stringify(optimizer)));
    const resume = await loadCheckpoint(out);
    await assert.rejects(fit({ ...run(out, 2), resume }), {
      message: `${file}: state[0].expAvgSq has a non-finite value (Infinity) at index 5 of ${values.length}: the checkpoint's optimizer state is not usable`,
    });
  });

  it('refuses unpacked buffers ({ shape, data }) spelling a non-finite value', () => {
    const state = { state: [{ momentum: { shape: [3], data: [1, 'NaN', 2] } }], groups: [] };
    assert.throws(() => unpackOptimizerState(state, 'opt.json'), {
      message: `opt.json: state[0].momentum has a non-finite value (NaN) at index 1 of 3: the checkpoint's optimizer state is not usable`,
    });
  });
});

describe('loadTrainedModel refuses non-finite weights', () => {
  it('in a checkpoint directory and in a model file, naming the file and the tensor', async () => {
    const out = await checkpointDir();
    const manifest = JSON.parse(readFileSync(join(out, CHECKPOINT_MANIFEST), 'utf8'));
    const weightsFile = join(out, manifest.files.weights.file);
    const { tensors } = decodeSafetensors(readFileSync(weightsFile));
    const bias = tensors.get('classifier.3.bias');
    assert.ok(bias !== undefined);
    bias.data[1] = -Infinity;
    replacePart(out, 'weights', encodeSafetensors(tensors));
    await assert.rejects(loadTrainedModel(out), {
      message: `${weightsFile}: tensor classifier.3.bias has a non-finite value (-Infinity) at index 1 of 2`,
    });
    // A model file written before digests existed, holding the same weights.
    const modelFile = join(out, 'old-model.safetensors');
    const spec = JSON.stringify({ preset: 'seed-net', options: OPTIONS });
    writeFileSync(modelFile, encodeSafetensors(tensors, { format: MODEL_FILE_FORMAT, spec }));
    await assert.rejects(loadTrainedModel(modelFile), {
      message: `${modelFile}: tensor classifier.3.bias has a non-finite value (-Infinity) at index 1 of 2`,
    });
  });
});
