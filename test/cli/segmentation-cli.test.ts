/**
 * The segmentation commands, run in process as a user runs them (the program of main.ts): convnet train --task segmentation on a
 * few digit-masks scenes (reference kernels, a 2-channel U-Net-lite), convnet eval of the saved
 * segmenter (digit-masks and a folder of pairs of another size), convnet segment (overlay, raw
 * mask, JSON) on an image of another size, and the errors that say which option is wrong.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { CommanderError } from 'commander';
import { createProgram } from '../../src/cli/program.js';
import { generateDigitMasks } from '../../src/apps/segmentation/digit-masks.js';
import { decodeMaskPng, encodeImagePng } from '../../src/apps/segmentation/mask-png.js';
import { writeSegmentationFolder } from '../../src/apps/segmentation/pair-folder.js';
import { mnistDataset } from '../../src/data/load-mnist-digits.js';
import { decodePng } from '../../src/viz/png.js';

const work = mkdtempSync(join(tmpdir(), 'convnet-seg-cli-'));
after(() => rmSync(work, { recursive: true, force: true }));
interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Text written to a stream that is not a terminal. */
function sink(append: (text: string) => void): NodeJS.WriteStream {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      append(chunk.toString());
      done();
    },
  }) as NodeJS.WriteStream;
}

/**
 * Runs the program of main.ts in this process (spawning tsx costs ~1.5 s a command; cli.test.ts
 * spawns the executable itself): an error becomes one line on stderr and status 1, as main.ts
 * writes it; commander's own errors keep their status.
 */
async function convnet(args: string[]): Promise<Run> {
  const run: Run = { code: 0, stdout: '', stderr: '' };
  const program = createProgram({
    stdout: sink((text) => (run.stdout += text)),
    stderr: sink((text) => (run.stderr += text)),
  }).exitOverride();
  for (const command of program.commands) command.exitOverride();
  try {
    await program.parseAsync(['node', 'convnet', ...args]);
  } catch (error) {
    if (error instanceof CommanderError) {
      run.code = error.exitCode;
    } else {
      run.stderr += `convnet: error: ${error instanceof Error ? error.message : String(error)}\n`;
      run.code = 1;
    }
  }
  return run;
}

const model = join(work, 'seg');
const TRAIN = ['train', '--task', 'segmentation', '--backend', 'reference', '--base', '2'];

describe('convnet segmentation commands', () => {
  let trained: Run;
  before(async () => {
    trained = await convnet([
      ...TRAIN,
      '--train-size',
      '16',
      '--test-size',
      '4',
      '--epochs',
      '1',
      '--batch-size',
      '8',
      '--out',
      model,
    ]);
  });

  it('train --task segmentation saves a segmenter and prints mIoU and per-class IoU', () => {
    assert.equal(trained.code, 0, trained.stderr);
    assert.match(
      trained.stdout,
      /data: digit-masks, 16 training and 4 test images of 84x64, 11 classes/,
    );
    assert.match(trained.stdout, /epoch 1\/1 .* img\/s/);
    assert.match(trained.stdout, /^background +[\d.]+%/m);
    assert.match(
      trained.stdout,
      /test mIoU [\d.]+% after 1 epoch: .* images\/s; segmenter saved in /,
    );
    const history = JSON.parse(readFileSync(join(model, 'history.json'), 'utf8')) as object[];
    assert.equal(history.length, 1);
  });

  it('eval prints mIoU and per-class IoU on digit-masks and on a folder of pairs', async () => {
    const run = await convnet([
      'eval',
      '--model',
      model,
      '--backend',
      'reference',
      '--limit-test',
      '3',
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /dataset: digit-masks, 3 test scenes/);
    assert.match(run.stdout, /mean IoU [\d.]+%, pixel accuracy [\d.]+%/);
    assert.match(run.stdout, /^9 +([\d.]+%|-)/m);
    const digits = mnistDataset().test;
    const odd = generateDigitMasks(digits, { count: 2, height: 37, width: 45, seed: 9 });
    const folder = join(work, 'pairs');
    writeSegmentationFolder(folder, odd);
    const json = await convnet([
      'eval',
      '--model',
      model,
      '--backend',
      'reference',
      '--dataset',
      folder,
      '--json',
    ]);
    assert.equal(json.code, 0, json.stderr);
    const result = JSON.parse(json.stdout) as { meanIoU: number; iou: unknown[]; pixels: number };
    assert.equal(result.iou.length, 11);
    assert.equal(result.pixels, 2 * 37 * 45);
  });

  it('segment writes an overlay with a legend, a raw mask or JSON for an image of another size', async () => {
    const scene = generateDigitMasks(mnistDataset().test, {
      count: 1,
      height: 50,
      width: 70,
      seed: 4,
    });
    const image = join(work, 'scene.png');
    writeFileSync(image, encodeImagePng(scene.images, [1, 50, 70]));
    const overlay = join(work, 'overlay.png');
    const run = await convnet([
      'segment',
      '--model',
      model,
      '--backend',
      'reference',
      image,
      '--out',
      overlay,
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /scene\.png: 70x50, .*%; wrote /);
    const picture = decodePng(readFileSync(overlay));
    assert.ok(picture.width > 70 && picture.height >= 50);
    const raw = join(work, 'mask.png');
    assert.equal(
      (
        await convnet([
          'segment',
          '--model',
          model,
          '--backend',
          'reference',
          image,
          '--raw',
          '--out',
          raw,
        ])
      ).code,
      0,
    );
    const mask = decodeMaskPng(readFileSync(raw), raw, 11);
    assert.deepEqual([mask.width, mask.height], [70, 50]);
    const json = await convnet([
      'segment',
      '--model',
      model,
      '--backend',
      'reference',
      image,
      '--json',
    ]);
    const parsed = JSON.parse(json.stdout) as { mask: number[][]; pixels: number[] };
    assert.equal(parsed.mask.length, 50);
    assert.deepEqual(parsed.mask.flat(), [...mask.mask]);
    assert.equal(
      parsed.pixels.reduce((s, v) => s + v, 0),
      3500,
    );
  });

  it('refuses options of the other task, by name', async () => {
    const sgd = await convnet([...TRAIN, '--optimizer', 'sgd', '--out', join(work, 'x')]);
    assert.notEqual(sgd.code, 0);
    assert.match(sgd.stderr, /--optimizer applies to classification only, not --task segmentation/);
    const unet = await convnet(['train', '--model', 'unet-lite', '--out', join(work, 'y')]);
    assert.match(unet.stderr, /--model unet-lite is a segmentation model: use --task segmentation/);
    const loss = await convnet(['train', '--loss', 'dice', '--out', join(work, 'z')]);
    assert.match(loss.stderr, /--loss applies to --task embedding or --task segmentation only/);
    const dice = await convnet(['train', '--task', 'embedding', '--loss', 'dice']);
    assert.match(dice.stderr, /--loss dice applies to --task segmentation only/);
    const arcface = await convnet([...TRAIN, '--loss', 'arcface', '--out', join(work, 'w')]);
    assert.match(arcface.stderr, /--loss arcface is an embedding loss/);
    const dim = await convnet([...TRAIN, '--dim', '8', '--out', join(work, 'v')]);
    assert.match(dim.stderr, /--dim applies to --task embedding only/);
    const weights = await convnet([...TRAIN, '--class-weights', '1,2', '--out', join(work, 'u')]);
    assert.match(weights.stderr, /--class-weights gives 2 numbers; the dataset has 11 classes/);
    const negative = await convnet([...TRAIN, '--class-weights', '1,-2', '--out', join(work, 't')]);
    assert.match(negative.stderr, /non-negative numbers separated by commas; item 2 is '-2'/);
    const up = await convnet([...TRAIN, '--up', 'bicubic', '--out', join(work, 's')]);
    assert.match(up.stderr, /--up.*bicubic.*transpose, upsample/);
    const classify = await convnet(['train', '--up', 'upsample', '--out', join(work, 'r')]);
    assert.match(classify.stderr, /--up applies to --task segmentation only/);
    const predict = await convnet(['predict', '--model', model, join(work, 'scene.png')]);
    assert.notEqual(predict.code, 0);
    assert.match(
      predict.stderr,
      /holds a segmentation model \(unet-lite\), not a classifier: convnet predict classifies images; use convnet segment/,
    );
    const noOut = await convnet(['segment', '--model', model, 'x.png']);
    assert.match(noOut.stderr, /give --out FILE/);
  });
});
