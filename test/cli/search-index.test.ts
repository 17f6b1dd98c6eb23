/**
 * `convnet index --images FOLDER --out INDEX` and `convnet search --index INDEX`, in process on
 * real files in a temporary folder: an untrained embedding model (a model file written here, so
 * no training), a class-per-subfolder folder of embedded MNIST digits as PNGs (one nested a
 * level deeper), and an unlabelled one. Checks the ranked results, the JSON, the picture, the
 * atomic rebuild, and each error: an unreadable image, a wrong size or colour, another model
 * (or dimension), a changed model file, and truncated or corrupt index files.
 */
import assert from 'node:assert/strict';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { embeddingNet } from '../../src/apps/search/embedding-net.js';
import { MANIFEST_FILE, type IndexManifest } from '../../src/apps/search/search-index.js';
import { mnistDataset } from '../../src/data/load-mnist-digits.js';
import { MODEL_FILE_NAME, encodeModelFile } from '../../src/io/model-file.js';
import { createRaster, decodePng, encodePng, setPixel } from '../../src/viz/png.js';
import { runConvnet } from './run-convnet.js';

const work = mkdtempSync(join(tmpdir(), 'convnet-search-index-'));
after(() => rmSync(work, { recursive: true, force: true }));

function writeModel(dir: string, seed: number, dim: number): string {
  mkdirSync(dir, { recursive: true });
  const spec = {
    name: 'embedding-net',
    task: 'embedding' as const,
    seed,
    classNames: Array.from({ length: 10 }, (_, i) => String(i)),
    normalize: { mean: [0.13], std: [0.31] },
    dataset: 'mnist',
  };
  writeFileSync(join(dir, MODEL_FILE_NAME), encodeModelFile(spec, embeddingNet({ seed, dim })));
  return dir;
}

/** A 28x28 grey PNG of embedded MNIST training image i; `colour` tints one pixel red. */
function digitPng(i: number, { size = 28, colour = false } = {}): Uint8Array {
  const { train } = mnistDataset();
  const raster = createRaster(size, size);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const v = y < 28 && x < 28 ? Math.round(255 * train.images.data[i * 784 + y * 28 + x]) : 0;
      setPixel(raster, x, y, [v, v, v]);
    }
  if (colour) setPixel(raster, 3, 3, [255, 0, 0]);
  return encodePng(raster);
}

function put(path: string, bytes: Uint8Array | string): string {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, bytes);
  return path;
}

const model = join(work, 'model');
const other = join(work, 'other');
const small = join(work, 'small');
const images = join(work, 'images');
const index = join(work, 'index');
const classes = ['cat', 'dog', 'owl'];

before(() => {
  writeModel(model, 0, 16);
  writeModel(other, 1, 16);
  writeModel(small, 0, 8);
  // 3 classes x 4 images; one nested deeper; a text file that is skipped.
  for (let i = 0; i < 12; i++) {
    const c = classes[i % 3];
    const name = i === 4 ? join(c, 'deeper', `img-${i}.png`) : join(c, `img-${i}.png`);
    put(join(images, name), digitPng(i));
  }
  put(join(images, 'dog', 'notes.txt'), 'not an image');
});

interface Hit {
  rank: number;
  index: number;
  path: string;
  label: string | null;
  distance: number;
}

describe('convnet index --images, convnet search --index', () => {
  it('indexes a class-per-subfolder folder and searches it', async () => {
    const built = JSON.parse(
      await runConvnet('index', '--model', model, '--images', images, '--out', index, '--json'),
    ) as { items: number; dim: number; labelled: boolean };
    assert.deepEqual([built.items, built.dim, built.labelled], [12, 16, true]);
    const manifest = JSON.parse(readFileSync(join(index, MANIFEST_FILE), 'utf8')) as IndexManifest;
    assert.equal(manifest.model.path, join(model, MODEL_FILE_NAME));
    assert.match(manifest.model.sha256, /^[0-9a-f]{64}$/);
    assert.deepEqual(manifest.classNames, classes);
    const query = join(images, 'dog', 'img-7.png');
    const found = JSON.parse(
      await runConvnet(
        'search',
        '--index',
        index,
        query,
        '--k',
        '5',
        '--json',
        '--out',
        join(work, 'grid.png'),
        '--label',
        'dog',
      ),
    ) as { results: Hit[] };
    assert.equal(found.results.length, 5);
    const [first] = found.results;
    assert.equal(first.path, query);
    assert.equal(first.label, 'dog');
    assert.ok(Math.abs(first.distance) < 1e-5, `distance to itself ${first.distance}`);
    for (let i = 1; i < 5; i++)
      assert.ok(found.results[i].distance >= found.results[i - 1].distance);
    const picture = decodePng(readFileSync(join(work, 'grid.png')));
    assert.ok(picture.width >= 6 * 28, `picture ${picture.width} wide`);
    const nested = JSON.parse(
      await runConvnet(
        'search',
        '--index',
        index,
        join(images, 'dog', 'deeper', 'img-4.png'),
        '--k',
        '1',
        '--json',
        '--hnsw',
      ),
    ) as { results: Hit[] };
    assert.equal(nested.results[0].path, join(images, 'dog', 'deeper', 'img-4.png'));
    const text = await runConvnet('search', '--index', index, query, '--k', '3');
    assert.match(text, /1\. \S+img-7\.png +dog +distance 0\.0000/);
    assert.equal(text.trim().split('\n').length, 4);
  });

  it('indexes an unlabelled folder, and a dataset split, each into its own folder', async () => {
    const flat = join(work, 'flat');
    for (let i = 0; i < 5; i++) put(join(flat, `x${i}.png`), digitPng(20 + i));
    put(join(flat, 'sub', 'y.png'), digitPng(30));
    const out = join(work, 'flat-index');
    const built = JSON.parse(
      await runConvnet('index', '--model', model, '--images', flat, '--out', out, '--json'),
    ) as { items: number; labelled: boolean };
    assert.deepEqual([built.items, built.labelled], [6, false]);
    const found = JSON.parse(
      await runConvnet('search', '--index', out, join(flat, 'x2.png'), '--k', '2', '--json'),
    ) as { results: Hit[] };
    assert.equal(found.results[0].label, null);
    await assert.rejects(
      runConvnet('search', '--index', out, join(flat, 'x2.png'), '--label', 'cat'),
      /--label cat: the index has no labels/,
    );
    const split = join(work, 'test-split');
    const data = JSON.parse(
      await runConvnet(
        'index',
        '--model',
        model,
        '--split',
        'test',
        '--out',
        split,
        '--json',
        '--limit-test',
        '30',
      ),
    ) as { items: number };
    assert.equal(data.items, 30);
    const hits = JSON.parse(
      await runConvnet(
        'search',
        '--index',
        split,
        join(flat, 'x0.png'),
        '--k',
        '2',
        '--json',
        '--out',
        join(work, 'd.png'),
      ),
    ) as { results: Hit[] };
    assert.match(hits.results[0].path, /^mnist:test:\d+$/);
  });

  it('a rebuild replaces the files, leaving only those the new manifest names', async () => {
    const out = join(work, 'rebuilt');
    await runConvnet('index', '--model', model, '--images', images, '--out', out);
    put(join(images, 'owl', 'img-99.png'), digitPng(40));
    await runConvnet('index', '--model', model, '--images', images, '--out', out);
    rmSync(join(images, 'owl', 'img-99.png'));
    const manifest = JSON.parse(readFileSync(join(out, MANIFEST_FILE), 'utf8')) as IndexManifest;
    assert.equal(manifest.count, 13);
    const named = Object.values(manifest.files).flatMap((f) => (f === null ? [] : [f.name]));
    assert.deepEqual(readdirSync(out).sort(), [MANIFEST_FILE, ...named].sort());
  });

  it('refuses bad images, naming the file', async () => {
    const bad = join(work, 'bad');
    put(join(bad, 'a', 'ok.png'), digitPng(1));
    const broken = put(join(bad, 'a', 'broken.png'), 'not a png at all');
    await assert.rejects(
      runConvnet('index', '--model', model, '--images', bad, '--out', join(work, 'x')),
      (e: Error) => e.message.includes(broken) && /not a readable image/.test(e.message),
    );
    rmSync(broken);
    const big = put(join(bad, 'a', 'big.png'), digitPng(2, { size: 32 }));
    await assert.rejects(
      runConvnet('index', '--model', model, '--images', bad, '--out', join(work, 'x')),
      (e: Error) => e.message.startsWith(`${big} is 32x32, but the model takes 28x28 images`),
    );
    const resized = JSON.parse(
      await runConvnet(
        'index',
        '--model',
        model,
        '--images',
        bad,
        '--out',
        join(work, 'x'),
        '--resize',
        '--json',
      ),
    ) as { items: number };
    assert.equal(resized.items, 2);
    rmSync(big);
    const red = put(join(bad, 'a', 'red.png'), digitPng(3, { colour: true }));
    await assert.rejects(
      runConvnet('index', '--model', model, '--images', bad, '--out', join(work, 'x')),
      (e: Error) => e.message.startsWith(`${red} is a colour image, but the model takes grayscale`),
    );
    await assert.rejects(
      runConvnet('index', '--model', model, '--images', join(work, 'nowhere')),
      /nowhere: no such folder/,
    );
    await assert.rejects(
      runConvnet('index', '--model', model, '--images', bad, '--dataset', 'mnist'),
      /--images and --dataset exclude each other/,
    );
    await assert.rejects(
      runConvnet('search', '--index', index, join(bad, 'a', 'red.png')),
      (e: Error) => e.message.startsWith(`${red} is a colour image`),
    );
  });

  it('refuses another model, another dimension, and a model changed since', async () => {
    const query = join(images, 'cat', 'img-0.png');
    await assert.rejects(
      runConvnet('search', '--index', index, '--model', other, query),
      /was made with another model: .*model\.safetensors \(sha256 [0-9a-f]{12}\), not .*other.*; both 16-d\. Search it with the model it was made with, or rebuild it/,
    );
    await assert.rejects(
      runConvnet('search', '--index', index, '--model', small, query),
      /was made with another model: .*the index holds 16-d vectors, the model makes 8-d ones/,
    );
    const changed = join(work, 'changed');
    writeModel(changed, 0, 16);
    const out = join(work, 'changed-index');
    await runConvnet('index', '--model', changed, '--images', images, '--out', out);
    writeModel(changed, 5, 16);
    await assert.rejects(
      runConvnet('search', '--index', out, query),
      /was made with another model/,
    );
    await assert.rejects(
      runConvnet('search', '--model', other, query),
      /holds no search index \(search-index\.json\): build it with convnet index --model/,
    );
  });

  it('refuses a truncated or corrupt index, naming the file', async () => {
    const query = join(images, 'cat', 'img-0.png');
    const copy = join(work, 'damaged');
    await runConvnet('index', '--model', model, '--images', images, '--out', copy);
    const manifest = JSON.parse(readFileSync(join(copy, MANIFEST_FILE), 'utf8')) as IndexManifest;
    const vectors = join(copy, manifest.files.vectors.name);
    const original = readFileSync(vectors);
    truncateSync(vectors, original.length - 10);
    await assert.rejects(runConvnet('search', '--index', copy, query), (e: Error) =>
      e.message.startsWith(
        `${vectors} is ${original.length - 10} bytes, but the index's manifest says ${original.length}: the file is truncated`,
      ),
    );
    const flipped = Uint8Array.from(original);
    flipped[flipped.length - 5] ^= 0xff;
    writeFileSync(vectors, flipped);
    await assert.rejects(runConvnet('search', '--index', copy, query), (e: Error) =>
      e.message.startsWith(`${vectors} does not match the SHA-256`),
    );
    writeFileSync(vectors, original);
    const hnsw = join(copy, manifest.files.hnsw.name);
    truncateSync(hnsw, 100);
    await assert.rejects(runConvnet('search', '--index', copy, query, '--hnsw'), /truncated/);
    writeFileSync(join(copy, MANIFEST_FILE), '{"format": "convnet-ts-search-index", "ver');
    await assert.rejects(
      runConvnet('search', '--index', copy, query),
      /search-index\.json: not a search index manifest/,
    );
    writeFileSync(join(copy, MANIFEST_FILE), JSON.stringify({ ...manifest, dim: -3 }));
    await assert.rejects(
      runConvnet('search', '--index', copy, query),
      /search-index\.json: not a search index manifest: dim: /,
    );
    await assert.rejects(
      runConvnet('search', '--index', join(work, 'images'), query),
      /images is not a search index \(no search-index\.json\)/,
    );
  });
});
