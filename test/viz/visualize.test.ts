import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PNG } from 'pngjs';
import '../../src/kernels/reference/index.js';
import { loadMnistDigits } from '../../src/data/load-mnist-digits.js';
import { Conv2d } from '../../src/nn/conv2d.js';
import { Flatten } from '../../src/nn/flatten.js';
import { Linear } from '../../src/nn/linear.js';
import { seedNet } from '../../src/nn/presets.js';
import { Sequential } from '../../src/nn/sequential.js';
import { ShapeError } from '../../src/shape/shape-error.js';
import { Tensor } from '../../src/tensor.js';
import { DEFAULT_TRAIN_CONFIG } from '../../src/train/recipe.js';
import { trainRun } from '../../src/train/run.js';
import {
  formatVisualization,
  visualizeCheckpoint,
  writeTrainRunReport,
} from '../../src/viz/cli-visualize.js';
import { decodePng } from '../../src/viz/png.js';
import { REPORT_FILES } from '../../src/viz/report.js';
import { FILTERS_FILE, PROBABILITIES_FILE, visualizeModel } from '../../src/viz/visualize.js';
import { distinctColors, readPng, tempDir } from './helpers.js';

/** The first MNIST digit of a class, (1,1,28,28) in [0,1]. */
function digit(label: number): Tensor {
  const digits = loadMnistDigits();
  const k = digits.labels.indexOf(label);
  return new Tensor(digits.images.data.slice(k * 784, (k + 1) * 784), [1, 1, 28, 28]);
}

describe('visualizeModel', () => {
  it("writes every layer's maps, the filters and the probabilities of seedNet on a digit", async () => {
    const dir = join(tempDir(), 'out');
    const classNames = Array.from({ length: 10 }, (_, k) => `digit ${k}`);
    const result = await visualizeModel({
      model: seedNet(),
      image: digit(7),
      classNames,
      outDir: dir,
    });
    const names = result.files.map((f) => f.path.slice(dir.length + 1));
    assert.deepEqual(names, [
      'feature-maps-features.0.png',
      'feature-maps-features.1.png',
      'feature-maps-features.2.png',
      'feature-maps-features.3.png',
      'feature-maps-features.4.png',
      'feature-maps-features.5.png',
      // classifier.0 is Flatten: its output is features.5's maps in a row, not drawn again.
      'feature-maps-classifier.1.png',
      'feature-maps-classifier.2.png',
      'feature-maps-classifier.3.png',
      FILTERS_FILE,
      PROBABILITIES_FILE,
    ]);
    assert.deepEqual(readdirSync(dir).sort(), [...names].sort(), 'no temp files left');
    for (const file of result.files) {
      const bytes = readFileSync(file.path);
      assert.equal(bytes.byteLength, file.bytes);
      const image = decodePng(bytes);
      assert.ok(distinctColors(image) > 2, `${file.path} is not constant`);
    }
    // Grid layout read back from the sizes: 32 maps of 28x28 at scale 3 in 8 columns, 4 rows.
    const conv = readPng(result.files[0].path);
    assert.equal(conv.width, 2 * 8 + 8 * 84 + 7 * 2);
    const pool = readPng(result.files[5].path);
    assert.equal(pool.width, 2 * 8 + 8 * 84 + 7 * 2, '64 maps of 7x7 at scale 12 in 8 columns');
    assert.equal(pool.height - conv.height, 4 * 86, 'twice the rows of the first layer');

    assert.equal(result.layers.length, 10);
    assert.deepEqual(result.layers[6], {
      name: 'classifier.0',
      type: 'Flatten',
      shape: [1, 64 * 7 * 7],
      file: null,
    });
    assert.deepEqual(result.layers[2], {
      name: 'features.2',
      type: 'MaxPool2d',
      shape: [1, 32, 14, 14],
      file: join(dir, 'feature-maps-features.2.png'),
    });
    assert.equal(result.probabilities.length, 10);
    assert.ok(Math.abs(result.probabilities.reduce((a, b) => a + b, 0) - 1) < 1e-5);
    assert.equal(result.prediction.className, classNames[result.prediction.classIndex]);
  });

  it('names the layer when the image does not fit the model, and writes nothing', async () => {
    const dir = join(tempDir(), 'never');
    await assert.rejects(
      visualizeModel({
        model: seedNet(),
        image: Tensor.zeros([1, 3, 28, 28]),
        classNames: Array.from({ length: 10 }, String),
        outDir: dir,
      }),
      (error: unknown) =>
        error instanceof ShapeError &&
        /layer features\.0 \(Conv2d\): input has 3 channels/.test(error.message),
    );
    await assert.rejects(
      visualizeModel({
        model: seedNet(),
        image: Tensor.zeros([1, 1, 20, 20]),
        classNames: Array.from({ length: 10 }, String),
        outDir: dir,
      }),
      /layer classifier\.1 \(Linear\)/,
    );
    await assert.rejects(
      visualizeModel({
        model: seedNet(),
        image: Tensor.zeros([28, 28]),
        classNames: [],
        outDir: dir,
      }),
      /one image \(1,C,H,W\), got \(28,28\)/,
    );
    await assert.rejects(
      visualizeModel({ model: seedNet(), image: digit(1), classNames: ['a', 'b'], outDir: dir }),
      /the model outputs \(1,10\) for one image, but 2 class names were given/,
    );
    assert.throws(() => readdirSync(dir), /ENOENT/);
  });

  it('skips filters.png for a model without a convolution', async () => {
    const dir = tempDir();
    const model = new Sequential(new Flatten(), new Linear(4, 3));
    const result = await visualizeModel({
      model,
      image: Tensor.ones([1, 1, 2, 2]),
      classNames: ['a', 'b', 'c'],
      outDir: dir,
    });
    assert.deepEqual(
      result.files.map((f) => f.path.slice(dir.length + 1)),
      ['feature-maps-1.png', PROBABILITIES_FILE],
    );
  });

  it('draws RGB filters for a 3-channel model', async () => {
    const dir = tempDir();
    const model = new Sequential(new Conv2d(3, 4, 3), new Flatten(), new Linear(4 * 4 * 4, 2));
    const image = Tensor.from(
      Array.from({ length: 3 * 36 }, (_, i) => (i * 7) % 11),
      [1, 3, 6, 6],
    );
    const result = await visualizeModel({ model, image, classNames: ['x', 'y'], outDir: dir });
    const filters = readPng(join(dir, FILTERS_FILE));
    const coloured = Array.from({ length: filters.width * filters.height }, (_, p) => p).some(
      (p) =>
        filters.data[4 * p] !== filters.data[4 * p + 1] ||
        filters.data[4 * p + 1] !== filters.data[4 * p + 2],
    );
    assert.ok(coloured, 'colour filters');
    assert.equal(result.files.length, 4, 'conv maps, scores (no Flatten), filters, probabilities');
  });
});

describe('visualizeCheckpoint and writeTrainRunReport', () => {
  it('trains a small model, writes its report, and visualises a digit file with it', async () => {
    const root = tempDir();
    const out = join(root, 'run');
    const run = await trainRun({
      config: {
        ...DEFAULT_TRAIN_CONFIG,
        model: 'lenet5',
        epochs: 2,
        batchSize: 32,
        limitTrain: 64,
        limitTest: 32,
      },
      out,
    });
    const reportFiles = await writeTrainRunReport(run);
    assert.deepEqual(
      reportFiles.map((f) => f.path),
      [REPORT_FILES.curves, REPORT_FILES.confusion, REPORT_FILES.html].map((name) =>
        join(out, name),
      ),
    );
    const html = readFileSync(join(out, REPORT_FILES.html), 'utf8');
    assert.match(html, /<h1>Training report: lenet5 on mnist<\/h1>/);
    assert.match(html, /<tr><th>limitTrain<\/th><td>64<\/td><\/tr>/);
    // MNIST is one channel, whatever the config's folder-only `channels` default says.
    assert.equal(run.config.channels, 3);
    assert.match(html, /<tr><th>channels<\/th><td>1<\/td><\/tr>/);
    assert.match(html, /After epoch 2:/);

    // An image file as a user would give it: an 8-bit grayscale PNG of a digit.
    const png = new PNG({ width: 28, height: 28 });
    const seven = digit(7);
    for (let p = 0; p < 784; p++) {
      const v = Math.round(255 * seven.data[p]);
      png.data.set([v, v, v, 255], 4 * p);
    }
    const imageFile = join(root, 'seven.png');
    writeFileSync(imageFile, PNG.sync.write(png));

    const visualsDir = join(root, 'visuals');
    const result = await visualizeCheckpoint({ model: out, image: imageFile, out: visualsDir });
    assert.equal(result.modelTitle, 'lenet5 (epoch 2)');
    assert.equal(result.layers[0].name, 'features.0');
    assert.ok(result.files.some((f) => f.path === join(visualsDir, FILTERS_FILE)));
    const filters = readPng(join(visualsDir, FILTERS_FILE));
    assert.ok(distinctColors(filters) > 2);
    const text = formatVisualization(result);
    assert.match(
      text,
      new RegExp(
        `^${imageFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: \\d \\(\\d+\\.\\d\\d%\\) by lenet5 \\(epoch 2\\)`,
      ),
    );
    assert.match(text, /probabilities\.png {2}\d+\.\d KiB/);
    await assert.rejects(
      visualizeCheckpoint({ model: join(root, 'missing'), image: imageFile, out: visualsDir }),
      /checkpoint/,
    );
  });
});
