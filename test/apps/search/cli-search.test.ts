/**
 * The search commands end to end, in process on a small subset of the embedded digits (the
 * library pieces have tests of their own): train --task embedding, eval --task retrieval (with
 * an untrained classifier's hidden layer as the baseline, written as a model file: no second
 * training), index, search (exact, --hnsw, a picture), and errors that say what to do, among
 * them each task's model refused by the other's commands. The pgvector path (--store) is left to
 * vector-store.test.ts, which runs the same galleryRows/searchEach against PGlite and over its
 * socket: creating a PGlite folder takes ~15 s on this machine.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { MODEL_FILE_NAME, encodeModelFile } from '../../../src/io/model-file.js';
import { buildPreset } from '../../../src/nn/preset-table.js';
import { loadTrainedModel } from '../../../src/train/trained-model.js';
import { decodePng } from '../../../src/viz/png.js';
import { runConvnet } from '../../cli/run-convnet.js';

const work = mkdtempSync(join(tmpdir(), 'convnet-search-cli-'));
after(() => rmSync(work, { recursive: true, force: true }));

const limits = ['--limit-train', '200', '--limit-test', '40'];
const model = join(work, 'emb');
const image = join(import.meta.dirname, '../../../examples/images/digit-3.png');

describe('convnet train --task embedding, eval --task retrieval, index, search', () => {
  it('trains, evaluates beside the baselines, indexes and searches', async () => {
    const trained = await runConvnet(
      'train',
      '--task',
      'embedding',
      '--loss',
      'triplet',
      '--dim',
      '8',
      '--epochs',
      '1',
      '--batch-size',
      '40',
      '--out',
      model,
      ...limits,
    );
    assert.match(trained, /test P@1 [\d.]+%, MAP@R [\d.]+%/);
    const saved = await loadTrainedModel(model);
    assert.equal(saved.spec.task, 'embedding');
    assert.equal(saved.spec.dataset, 'mnist');
    assert.deepEqual(saved.model.outputShape([3, 1, 28, 28]), [3, 8]);
    assert.ok(existsSync(join(model, 'embedding-run.json')));
    const classifier = join(work, 'cls.safetensors');
    writeFileSync(
      classifier,
      encodeModelFile({ name: 'seed-net', dataset: 'mnist' }, buildPreset('seed-net')),
    );
    const evaluated = JSON.parse(
      await runConvnet(
        'eval',
        '--task',
        'retrieval',
        '--model',
        model,
        '--classifier',
        classifier,
        '--json',
        ...limits,
      ),
    ) as {
      results: { embedding: string; scores: { precisionAt1: number; queries: number } }[];
    };
    assert.deepEqual(
      evaluated.results.map((r) => r.embedding.split(':')[0].split(' (')[0]),
      ['ours', 'raw pixels, L2', 'classifier hidden layer'],
    );
    for (const r of evaluated.results) assert.equal(r.scores.queries, 40);
    const indexed = JSON.parse(
      await runConvnet('index', '--model', model, '--queries', '20', '--json', ...limits),
    ) as Record<string, number>;
    assert.equal(indexed.items, 200);
    assert.ok(indexed.hnswRecallAt10 >= 0.95, `HNSW recall ${indexed.hnswRecallAt10}`);
    const exact = JSON.parse(
      await runConvnet(
        'search',
        '--model',
        model,
        image,
        '--k',
        '4',
        '--json',
        '--out',
        join(work, 'grid.png'),
        '--label',
        '3',
      ),
    ) as { results: { id: number; distance: number }[] };
    assert.equal(exact.results.length, 4);
    const picture = decodePng(readFileSync(join(work, 'grid.png')));
    assert.ok(picture.width > 5 * 28 && picture.height > 28);
    const hnsw = JSON.parse(
      await runConvnet('search', '--model', model, image, '--k', '4', '--json', '--hnsw'),
    ) as { results: { id: number }[] };
    assert.deepEqual(
      hnsw.results.map((r) => r.id),
      exact.results.map((r) => r.id),
    );
  });

  it('errors say what to do', async () => {
    await assert.rejects(
      runConvnet('train', '--task', 'embedding', '--model', 'lenet5'),
      /--model lenet5 is a classifier preset; --task embedding trains embedding-bn-net \(the default\), embedding-net or a graph file/,
    );
    await assert.rejects(
      runConvnet('train', '--dim', '8'),
      /--dim applies to --task embedding only/,
    );
    await assert.rejects(
      runConvnet('search', '--model', join(work, 'nothing'), image),
      /Pass the directory that `convnet train --out DIR` wrote/,
    );
    // Each task's model refused by the other's commands, saying which to use.
    const classifier = join(work, 'refused-cls');
    mkdirSync(classifier);
    writeFileSync(join(classifier, MODEL_FILE_NAME), encodeModelFile({}, buildPreset('seed-net')));
    await assert.rejects(
      runConvnet('search', '--model', classifier, image),
      /holds a classification model \(model\), not an embedding model: convnet index, convnet search and convnet eval --task retrieval take one that convnet train --task embedding wrote/,
    );
    await assert.rejects(runConvnet('index', '--model', classifier), /not an embedding model/);
    await assert.rejects(
      runConvnet('eval', '--model', model),
      /holds an embedding model \(embedding-bn-net\), not a classifier: convnet [a-z]+ classifies images; use convnet search/,
    );
    await assert.rejects(
      runConvnet('predict', '--model', model, image),
      /holds an embedding model \(embedding-bn-net\), not a classifier/,
    );
    await assert.rejects(
      runConvnet('train', '--task', 'embedding', '--image-size', '32'),
      /--image-size applies to image folders only/,
    );
  });
});
