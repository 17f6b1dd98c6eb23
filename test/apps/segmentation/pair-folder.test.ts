import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { PNG } from 'pngjs';
import { generateDigitMasks } from '../../../src/apps/segmentation/digit-masks.js';
import {
  decodeMaskPng,
  encodeImagePng,
  encodeMaskPng,
} from '../../../src/apps/segmentation/mask-png.js';
import {
  readSegmentationFolder,
  segmentationSetFromFolder,
  writeSegmentationFolder,
} from '../../../src/apps/segmentation/pair-folder.js';
import { InMemoryDataset } from '../../../src/data/dataset.js';
import { Tensor } from '../../../src/tensor.js';
import { indexedPng, vocPalette } from './indexed-png.js';

const root = mkdtempSync(join(tmpdir(), 'seg-folder-'));
after(() => rmSync(root, { recursive: true, force: true }));
let folders = 0;
const fresh = (): string => {
  const dir = join(root, `f${folders++}`);
  mkdirSync(join(dir, 'images'), { recursive: true });
  mkdirSync(join(dir, 'masks'), { recursive: true });
  return dir;
};

function pool(): InMemoryDataset {
  const images = Tensor.zeros([2, 1, 28, 28]);
  for (let r = 5; r < 23; r++) for (let c = 8; c < 20; c++) images.data[r * 28 + c] = 0.9;
  images.data.fill(0.7, 784 + 300, 784 + 500);
  return new InMemoryDataset(images, Int32Array.from([4, 9]), [
    '0',
    '1',
    '2',
    '3',
    '4',
    '5',
    '6',
    '7',
    '8',
    '9',
  ]);
}

describe('segmentation pair folders', () => {
  it('writes a set as PNG pairs and reads it back (masks exactly, pixels to 8 bits)', () => {
    const set = generateDigitMasks(pool(), { count: 5, seed: 1 });
    const dir = join(root, 'roundtrip');
    assert.equal(writeSegmentationFolder(dir, set), 5);
    const folder = readSegmentationFolder(dir);
    assert.deepEqual(folder.classNames, set.classNames);
    assert.deepEqual(
      folder.pairs.map((p) => p.name),
      ['000000', '000001', '000002', '000003', '000004'],
    );
    const back = segmentationSetFromFolder(folder);
    assert.deepEqual(back.masks, set.masks);
    assert.deepEqual(back.imageShape, [1, 64, 84]);
    let worst = 0;
    for (let i = 0; i < set.images.length; i++)
      worst = Math.max(worst, Math.abs(back.images[i] - set.images[i]));
    assert.ok(worst <= 0.5 / 255 + 1e-7, `max pixel difference ${worst}`);
  });

  it('reads indexed-palette masks (VOC layout) as palette indices, 255 kept as ignored', () => {
    const dir = join(root, 'voc');
    mkdirSync(join(dir, 'JPEGImages'), { recursive: true });
    mkdirSync(join(dir, 'SegmentationClass'), { recursive: true });
    const indices = [0, 1, 15, 255, 20, 0];
    writeFileSync(join(dir, 'SegmentationClass', 'a.png'), indexedPng(3, 2, indices, vocPalette()));
    writeFileSync(
      join(dir, 'JPEGImages', 'a.png'),
      encodeImagePng(new Float32Array(18).fill(0.5), [3, 2, 3]),
    );
    // VOC ships images without masks: they are left out.
    writeFileSync(join(dir, 'JPEGImages', 'b.png'), encodeImagePng(new Float32Array(6), [1, 2, 3]));
    const classNames = Array.from({ length: 21 }, (_, k) => `c${k}`);
    const folder = readSegmentationFolder(dir, { channels: 3, classNames });
    assert.equal(folder.pairs.length, 1);
    assert.deepEqual([...folder.pairs[0].mask], indices);
    assert.deepEqual(folder.pairs[0].shape, [3, 2, 3]);
    assert.throws(
      () => readSegmentationFolder(dir, { classNames: classNames.slice(0, 16) }),
      (e: Error) =>
        e.message.includes(join(dir, 'SegmentationClass', 'a.png')) &&
        /value 20 at row 1, column 1/.test(e.message),
    );
  });

  it('reads grayscale masks and infers the classes from the largest value', () => {
    const dir = fresh();
    writeFileSync(join(dir, 'images', 'x.png'), encodeImagePng(new Float32Array(4), [1, 2, 2]));
    writeFileSync(
      join(dir, 'masks', 'x.png'),
      encodeMaskPng(Uint8Array.from([0, 3, 255, 1]), 2, 2),
    );
    const folder = readSegmentationFolder(dir);
    assert.deepEqual(folder.classNames, ['0', '1', '2', '3']);
    assert.deepEqual([...decodeMaskPng(encodeMaskPng(Uint8Array.from([7]), 1, 1), 'm').mask], [7]);
  });

  it('names the file: a mask of another size, a missing mask or image, a value out of range, an RGB mask', () => {
    const image = encodeImagePng(new Float32Array(6), [1, 2, 3]);
    let dir = fresh();
    writeFileSync(join(dir, 'images', 'a.png'), image);
    writeFileSync(join(dir, 'masks', 'a.png'), encodeMaskPng(new Uint8Array(4), 2, 2));
    assert.throws(
      () => readSegmentationFolder(dir),
      (e: Error) =>
        e.message.startsWith(join(dir, 'masks', 'a.png')) &&
        /mask is 2x2 but its image .* is 3x2/.test(e.message),
    );

    dir = fresh();
    writeFileSync(join(dir, 'images', 'a.png'), image);
    assert.throws(
      () => readSegmentationFolder(dir),
      new RegExp(`${join(dir, 'images', 'a.png')}: no mask a.png`),
    );

    dir = fresh();
    writeFileSync(join(dir, 'masks', 'b.png'), encodeMaskPng(new Uint8Array(6), 3, 2));
    assert.throws(
      () => readSegmentationFolder(dir),
      new RegExp(`${join(dir, 'masks', 'b.png')}: no image 'b'`),
    );

    dir = fresh();
    writeFileSync(join(dir, 'images', 'a.png'), image);
    writeFileSync(
      join(dir, 'masks', 'a.png'),
      encodeMaskPng(Uint8Array.from([0, 1, 2, 3, 11, 0]), 3, 2),
    );
    writeFileSync(join(dir, 'classes.json'), JSON.stringify(['background', 'a', 'b', 'c']));
    assert.throws(
      () => readSegmentationFolder(dir),
      (e: Error) =>
        e.message.startsWith(join(dir, 'masks', 'a.png')) &&
        /value 11 at row 1, column 1 is not a class: classes are 0..3/.test(e.message),
    );

    dir = fresh();
    const rgb = new PNG({ width: 3, height: 2 });
    rgb.data.fill(200);
    writeFileSync(join(dir, 'images', 'a.png'), image);
    writeFileSync(join(dir, 'masks', 'a.png'), PNG.sync.write(rgb, { colorType: 2 }));
    assert.throws(
      () => readSegmentationFolder(dir),
      new RegExp(`${join(dir, 'masks', 'a.png')}: a RGB PNG is not a class mask`),
    );

    assert.throws(
      () => readSegmentationFolder(join(root, 'nowhere-here')),
      /not a segmentation folder/,
    );
  });

  it('refuses a training set of mixed sizes, naming the odd image', () => {
    const dir = fresh();
    writeFileSync(join(dir, 'images', 'a.png'), encodeImagePng(new Float32Array(6), [1, 2, 3]));
    writeFileSync(join(dir, 'masks', 'a.png'), encodeMaskPng(new Uint8Array(6), 3, 2));
    writeFileSync(join(dir, 'images', 'b.png'), encodeImagePng(new Float32Array(4), [1, 2, 2]));
    writeFileSync(join(dir, 'masks', 'b.png'), encodeMaskPng(new Uint8Array(4), 2, 2));
    const folder = readSegmentationFolder(dir);
    assert.equal(folder.pairs.length, 2);
    assert.throws(
      () => segmentationSetFromFolder(folder),
      new RegExp(`${join(dir, 'images', 'b.png')}: is 2x2 but`),
    );
  });
});
