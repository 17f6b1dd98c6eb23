/**
 * Classifying image files (src/train/predict.ts): how each model's images are prepared
 * (MNIST-style digits, automatic inversion, letterboxing, stretching as in folder training),
 * and one answer per file, a bad file included.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { PNG } from 'pngjs';
import { FASHION_MNIST_CLASS_NAMES } from '../../src/data/fashion-mnist.js';
import { buildModel, completeModelSpec, type ModelSpec } from '../../src/io/model-spec.js';
import {
  inputStyleOf,
  isPredictionFailure,
  predictFiles,
  prepareImageFile,
} from '../../src/train/predict.js';

const work = mkdtempSync(join(tmpdir(), 'convnet-predict-'));
after(() => rmSync(work, { recursive: true, force: true }));

const DIGITS = Array.from({ length: 10 }, (_, k) => String(k));

interface SpecOverrides {
  inChannels?: number;
  imageSize?: [number, number];
}

function spec(dataset: string, overrides: SpecOverrides = {}): ModelSpec {
  const options = { seed: 1, inChannels: 1, numClasses: 10, imageSize: [28, 28], ...overrides };
  return completeModelSpec({
    preset: 'seed-net',
    options: { ...options, imageSize: [options.imageSize[0], options.imageSize[1]] },
    classNames: dataset === 'fashion-mnist' ? [...FASHION_MNIST_CLASS_NAMES] : [...DIGITS],
    normalize: {
      mean: new Array<number>(options.inChannels).fill(0),
      std: new Array<number>(options.inChannels).fill(1),
    },
    dataset,
  });
}

/** Writes a gray PNG: `background` everywhere, `ink` in the rectangles. */
function writeGray(
  name: string,
  width: number,
  height: number,
  background: number,
  ink: number,
  rectangles: [x: number, y: number, w: number, h: number][],
): string {
  const png = new PNG({ width, height });
  for (let i = 0; i < width * height; i++) {
    const x = i % width;
    const y = Math.floor(i / width);
    const inside = rectangles.some(
      ([x0, y0, w, h]) => x >= x0 && x < x0 + w && y >= y0 && y < y0 + h,
    );
    const v = Math.round(255 * (inside ? ink : background));
    png.data.set([v, v, v, 255], 4 * i);
  }
  const file = join(work, name);
  writeFileSync(file, PNG.sync.write(png));
  return file;
}

/** A 7 of two strokes on a 90x120 canvas. */
const SEVEN: [number, number, number, number][] = [
  [15, 20, 60, 10],
  [55, 20, 10, 80],
];

function maxDifference(a: Float32Array, b: Float32Array): number {
  return Math.max(...a.map((v, i) => Math.abs(v - b[i])));
}

describe('inputStyleOf', () => {
  it('knows the built-in datasets, image folders, and model files by their classes', () => {
    assert.deepEqual(inputStyleOf(spec('mnist')), {
      preparation: 'mnist-digit',
      lightOnDark: true,
    });
    assert.deepEqual(inputStyleOf(spec('fashion-mnist')), {
      preparation: 'fit',
      lightOnDark: true,
    });
    assert.deepEqual(inputStyleOf(spec(join(work, 'photos'), { inChannels: 3 })), {
      preparation: 'stretch',
      lightOnDark: false,
    });
    assert.deepEqual(inputStyleOf(spec('model file')), {
      preparation: 'mnist-digit',
      lightOnDark: true,
    });
    assert.deepEqual(inputStyleOf(spec('model file', { inChannels: 3 })).preparation, 'stretch');
  });
});

describe('prepareImageFile', () => {
  it('makes a black-on-white digit the MNIST digit of its white-on-black twin, and says so', () => {
    const light = writeGray('seven-light.png', 90, 120, 0, 1, SEVEN);
    const dark = writeGray('seven-dark.png', 90, 120, 1, 0, SEVEN);
    const a = prepareImageFile(spec('mnist'), light);
    const b = prepareImageFile(spec('mnist'), dark);
    assert.equal(a.preparation, 'mnist-digit');
    assert.equal(a.inverted, false);
    assert.equal(b.inverted, true);
    assert.match(b.notes.join(), /inverted: the image is dark on light/);
    assert.ok(
      maxDifference(a.pixels, b.pixels) < 1e-5,
      `differ by ${maxDifference(a.pixels, b.pixels)}`,
    );
    // Cropped to the ink and centred: the 7 spans 20 rows of the 28x28 field.
    const rows = Array.from({ length: 28 }, (_, y) => a.pixels.subarray(y * 28, y * 28 + 28));
    assert.equal(rows.filter((r) => r.some((v) => v > 0)).length, 20);
    // invert false leaves it dark on light; invert true inverts a light-on-dark image.
    assert.equal(prepareImageFile(spec('mnist'), dark, { invert: false }).inverted, false);
    assert.equal(prepareImageFile(spec('mnist'), light, { invert: true }).inverted, true);
  });

  it('does not invert for a model trained on an image folder', () => {
    const dark = writeGray('folder-dark.png', 28, 28, 1, 0, [[10, 10, 8, 8]]);
    const prepared = prepareImageFile(spec(join(work, 'folder')), dark);
    assert.equal(prepared.preparation, 'stretch');
    assert.equal(prepared.inverted, false);
    assert.equal(prepared.pixels[0], 1);
  });

  it('letterboxes a wide image for a Fashion-MNIST model instead of stretching it', () => {
    // 56x28, a white 28x28 square in the middle: fitted it is 14 rows high, square, centred.
    const wide = writeGray('wide.png', 56, 28, 0, 1, [[14, 0, 28, 28]]);
    const fitted = prepareImageFile(spec('fashion-mnist'), wide).pixels;
    const bright = (y: number, x: number) => fitted[y * 28 + x] > 0.5;
    assert.ok(
      !bright(3, 14) && bright(14, 14) && !bright(24, 14),
      'rows: padding, square, padding',
    );
    assert.ok(!bright(14, 3) && !bright(14, 24), 'the square is not stretched to the full width');
    // The same file stretched, as folder training would: bright across the middle of every row.
    const stretched = prepareImageFile(spec('fashion-mnist'), wide, { preparation: 'stretch' });
    assert.ok(stretched.pixels[3 * 28 + 14] > 0.5);
  });
});

describe('predictFiles', () => {
  it('answers every file: predictions for the readable ones, the reason for the others', () => {
    const trained = {
      model: buildModel(spec('mnist')),
      spec: spec('mnist'),
      dir: 'in memory',
      config: null,
      epoch: null,
    };
    const good = writeGray(
      'good.png',
      28,
      28,
      0,
      1,
      SEVEN.map(([x, y, w, h]) => [x / 4, y / 5, w / 4, h / 5]),
    );
    const bad = join(work, 'notes.png');
    writeFileSync(bad, 'not an image');
    const missing = join(work, 'missing.png');
    const results = predictFiles(trained, [bad, good, missing, good], { topK: 2 });
    assert.equal(results.length, 4);
    assert.deepEqual(results.map(isPredictionFailure), [true, false, true, false]);
    const [first, second, third, fourth] = results;
    assert.ok(isPredictionFailure(first) && isPredictionFailure(third));
    assert.match(first.error, /notes\.png: not a readable image/);
    assert.match(third.error, /missing\.png/);
    assert.ok(!isPredictionFailure(second) && !isPredictionFailure(fourth));
    assert.equal(second.file, good);
    assert.equal(second.top.length, 2);
    assert.deepEqual(second.top, fourth.top);
    // Only bad files: every answer an error, no throw.
    assert.ok(predictFiles(trained, [bad]).every(isPredictionFailure));
  });
});
