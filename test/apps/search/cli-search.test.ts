/**
 * The search commands end to end, in process on a subset of the embedded digits: train
 * --task embedding, eval --task retrieval (with a classifier baseline), index (with an embedded
 * pgvector store), search (exact, --hnsw, --store, a picture), and errors that say what to do.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Writable } from 'node:stream';
import { createProgram } from '../../../src/cli/program.js';
import { decodePng } from '../../../src/viz/png.js';

const work = mkdtempSync(join(tmpdir(), 'convnet-search-cli-'));
after(() => rmSync(work, { recursive: true, force: true }));

async function convnet(...args: string[]): Promise<string> {
  let text = '';
  // The commands write text only; a plain Writable stands in for the terminal (not a TTY).
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  }) as NodeJS.WriteStream;
  const program = createProgram({ stdout: sink, stderr: sink }).exitOverride();
  await program.parseAsync(['node', 'convnet', ...args]);
  return text;
}

const limits = ['--limit-train', '400', '--limit-test', '100'];
const model = join(work, 'emb');
const image = join(import.meta.dirname, '../../../examples/images/digit-3.png');

describe('convnet train --task embedding, eval --task retrieval, index, search', () => {
  it('trains, evaluates beside the baselines, indexes and searches', async () => {
    const trained = await convnet(
      'train',
      '--task',
      'embedding',
      '--loss',
      'triplet',
      '--dim',
      '16',
      '--epochs',
      '1',
      '--batch-size',
      '50',
      '--out',
      model,
      ...limits,
    );
    assert.match(trained, /test P@1 [\d.]+%, MAP@R [\d.]+%/);
    assert.ok(existsSync(join(model, 'embedding.safetensors')));
    const classifier = join(work, 'cls');
    await convnet('train', '--epochs', '1', '--out', classifier, ...limits);
    const evaluated = JSON.parse(
      await convnet(
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
    for (const r of evaluated.results) assert.equal(r.scores.queries, 100);
    const indexed = JSON.parse(
      await convnet(
        'index',
        '--model',
        model,
        '--store',
        join(model, 'pg'),
        '--queries',
        '50',
        '--json',
        ...limits,
      ),
    ) as Record<string, number>;
    assert.equal(indexed.gallery, 400);
    assert.ok(indexed.hnswRecallAt10 >= 0.95, `HNSW recall ${indexed.hnswRecallAt10}`);
    assert.ok(indexed.storeRecallAt10 >= 0.9, `store recall ${indexed.storeRecallAt10}`);
    const exact = JSON.parse(
      await convnet(
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
    const stored = JSON.parse(
      await convnet(
        'search',
        '--model',
        model,
        image,
        '--k',
        '4',
        '--json',
        '--store',
        join(model, 'pg'),
      ),
    ) as { results: { id: number }[] };
    const hnsw = JSON.parse(
      await convnet('search', '--model', model, image, '--k', '4', '--json', '--hnsw'),
    ) as { results: { id: number }[] };
    assert.deepEqual(
      hnsw.results.map((r) => r.id),
      exact.results.map((r) => r.id),
    );
    assert.deepEqual(
      stored.results.map((r) => r.id),
      exact.results.map((r) => r.id),
    );
  });

  it('errors say what to do', async () => {
    await assert.rejects(
      convnet('train', '--task', 'embedding', '--model', 'lenet5'),
      /--model applies to --task classification only/,
    );
    await assert.rejects(convnet('train', '--dim', '8'), /--dim apply to --task embedding only/);
    await assert.rejects(
      convnet('search', '--model', join(work, 'nothing'), image),
      /embedding\.safetensors does not exist: --model takes the directory that convnet train --task embedding/,
    );
  });
});
