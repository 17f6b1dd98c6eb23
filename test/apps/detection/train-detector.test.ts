import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { grayToPng } from '../../../src/apps/detection/coco-folder.js';
import { loadDetector, saveDetector } from '../../../src/apps/detection/detector-files.js';
import { digitDetector } from '../../../src/apps/detection/digit-detector.js';
import { makeScenes } from '../../../src/apps/detection/digit-scenes.js';
import { drawDetections } from '../../../src/apps/detection/draw-detections.js';
import { evaluateDetector } from '../../../src/apps/detection/evaluate-detector.js';
import { sceneArraySource, trainDetector } from '../../../src/apps/detection/train-detector.js';
import { gatherBatch } from '../../../src/data/mnist-digits.js';
import { mnistDataset } from '../../../src/data/load-mnist-digits.js';
import { Tensor } from '../../../src/tensor.js';

const work = mkdtempSync(join(tmpdir(), 'convnet-detect-'));
after(() => rmSync(work, { recursive: true, force: true }));
const digits = gatherBatch(
  mnistDataset().train,
  Array.from({ length: 100 }, (_, i) => i),
);
const sceneOptions = { size: 32, minDigits: 1, maxDigits: 2, minDigitSize: 12, maxDigitSize: 16 };

describe('trainDetector', () => {
  it('lowers the loss of a tiny detector on tiny scenes, and a saved detector reloads exactly', async () => {
    const scenes = makeScenes(digits, 16, sceneOptions);
    const model = digitDetector({ imageSize: 32, width: 8, seed: 1 });
    const history = await trainDetector({
      model,
      train: sceneArraySource(scenes),
      numClasses: 10,
      epochs: 4,
      batchSize: 8,
      lr: 3e-3,
    });
    assert.equal(history.length, 4);
    assert.ok(
      history[3].loss < history[0].loss * 0.8,
      `loss ${history[0].loss} -> ${history[3].loss}`,
    );
    const { metrics, detections } = evaluateDetector(model, scenes, 10, { batchSize: 8 });
    assert.equal(detections.length, 16);
    assert.ok(metrics.ap50 >= 0 && metrics.ap50 <= 1);

    const dir = join(work, 'det');
    await saveDetector(dir, model, {
      classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
      imageSize: [32, 32],
    });
    const { model: back, info } = await loadDetector(dir);
    assert.equal(info.stride, 4);
    const x = Tensor.from(scenes[0].pixels, [1, 1, 32, 32]);
    model.eval();
    const a = model.run(x);
    const b = back.run(x);
    for (const name of ['heatmap', 'size', 'offset'])
      assert.deepEqual(b.get(name)?.data, a.get(name)?.data);
    // Fully convolutional: another size runs.
    assert.deepEqual(back.run(Tensor.zeros([1, 1, 40, 64])).get('heatmap')?.shape, [1, 10, 10, 16]);

    const raster = drawDetections(
      scenes[0].pixels,
      32,
      32,
      detections[0].slice(0, 3),
      info.classNames,
      2,
    );
    assert.deepEqual([raster.width, raster.height], [64, 64]);
  });

  it('names a detector folder that is not one', async () => {
    await assert.rejects(
      loadDetector(join(work, 'missing')),
      /detector\.json: not a detector folder/,
    );
  });
});

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
function convnet(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', import.meta.resolve('tsx'), join(root, 'src', 'cli', 'main.ts'), ...args],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('convnet train --task detection, eval, detect', () => {
  it('trains, evaluates and draws', { timeout: 120_000 }, async () => {
    const out = join(work, 'run');
    const train = await convnet([
      'train',
      '--task',
      'detection',
      '--dataset',
      'digit-scenes',
      '--model',
      'digit-detector',
      '--epochs',
      '1',
      '--batch-size',
      '4',
      '--limit-train',
      '8',
      '--limit-test',
      '4',
      '--out',
      out,
      '--backend',
      'reference',
    ]);
    assert.equal(train.code, 0, train.stderr);
    assert.match(
      train.stdout,
      /test AP@0\.5 \d\.\d{3}, AP@\[\.5:\.95\] \d\.\d{3}; detector saved in /,
    );
    assert.ok(existsSync(join(out, 'detector.json')));
    const evaluated = await convnet([
      'eval',
      '--model',
      out,
      '--limit-test',
      '4',
      '--backend',
      'reference',
    ]);
    assert.equal(evaluated.code, 0, evaluated.stderr);
    assert.match(evaluated.stdout, /AP@0\.5 .* AP@\[\.5:\.95\] /);
    assert.match(evaluated.stdout, /\n9 +(\d\.\d{3}|n\/a)/);
    const png = join(work, 'scene.png');
    const scene = makeScenes(digits, 1, { size: 60, maxDigitSize: 30 })[0];
    writeFileSync(png, grayToPng(scene.pixels, 60, 60));
    const boxes = join(work, 'boxes.png');
    const detected = await convnet([
      'detect',
      '--model',
      out,
      png,
      '--out',
      boxes,
      '--json',
      '--score',
      '0.01',
      '--backend',
      'reference',
    ]);
    assert.equal(detected.code, 0, detected.stderr);
    const json = JSON.parse(detected.stdout) as {
      width: number;
      detections: { className: string; score: number }[];
    };
    assert.equal(json.width, 60);
    assert.ok(json.detections.every((d) => d.score >= 0.01 && /^\d$/.test(d.className)));
    assert.ok(existsSync(boxes));
    const wrong = await convnet(['train', '--model', 'digit-detector', '--epochs', '1']);
    assert.notEqual(wrong.code, 0);
    assert.match(
      wrong.stderr,
      /--model digit-detector is a detector: train it with --task detection/,
    );
  });
});
