import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { ImageError, loadImage, loadImageFolder } from '../../src/data/image-folder.js';

const base = mkdtempSync(join(tmpdir(), 'convnet-images-'));
after(() => rmSync(base, { recursive: true, force: true }));

type Rgb = readonly [number, number, number];

/** RGBA bytes of a w x h image whose pixel (x, y) is colour(x, y), alpha `alpha`. */
function rgba(w: number, h: number, colour: (x: number, y: number) => Rgb, alpha = 255): Buffer {
  const data = Buffer.alloc(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      data.set([...colour(x, y), alpha], (y * w + x) * 4);
    }
  }
  return data;
}

function png(w: number, h: number, colour: (x: number, y: number) => Rgb, alpha = 255): Buffer {
  const image = new PNG({ width: w, height: h });
  image.data = rgba(w, h, colour, alpha);
  return PNG.sync.write(image);
}

function jpg(w: number, h: number, colour: Rgb): Buffer {
  return jpeg.encode({ width: w, height: h, data: rgba(w, h, () => colour) }, 95).data;
}

/** Writes files (path relative to a fresh root -> bytes) and returns the root. */
function tree(name: string, files: Record<string, Uint8Array | string | null>): string {
  const root = join(base, name);
  mkdirSync(root, { recursive: true });
  for (const [path, content] of Object.entries(files)) {
    const full = join(root, path);
    if (content === null) {
      mkdirSync(full, { recursive: true });
      continue;
    }
    mkdirSync(join(full, '..'), { recursive: true });
    writeFileSync(full, content);
  }
  return root;
}

const RED: Rgb = [255, 0, 0];
const GREY: Rgb = [51, 102, 153];

function throwsImageError(fn: () => unknown, message: string): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof ImageError, `an ImageError, got ${String(error)}`);
    assert.equal(error.message, message);
    return true;
  });
}

describe('image folder dataset', () => {
  it('reads root/<class>/* with sorted class names, RGB in [0,1], exact for PNG', () => {
    const gradient = (x: number, y: number): Rgb => [x * 50, y * 60, 7];
    const root = tree('rgb', {
      'dog/b.png': png(3, 2, gradient),
      'dog/a.PNG': png(3, 2, () => GREY),
      'cat/1.png': png(3, 2, () => RED, 128),
      'bird/x.jpeg': jpg(3, 2, GREY),
      'notes.txt': 'a file at the root is not a class',
    });
    const set = loadImageFolder(root);
    assert.deepEqual(set.classNames, ['bird', 'cat', 'dog']);
    assert.deepEqual(set.imageShape, [3, 2, 3]);
    assert.equal(set.length, 4);
    assert.deepEqual(Array.from(set.labels), [0, 1, 2, 2]);
    assert.deepEqual(set.files, [
      join(root, 'bird/x.jpeg'),
      join(root, 'cat/1.png'),
      join(root, 'dog/a.PNG'),
      join(root, 'dog/b.png'),
    ]);
    const image = (i: number): number[] =>
      Array.from(set.images.data.subarray(i * 18, (i + 1) * 18));
    // cat: red with alpha 128; alpha is dropped.
    assert.deepEqual(image(1), [...Array(6).fill(1), ...Array(6).fill(0), ...Array(6).fill(0)]);
    const expectGradient = [
      ...[0, 50, 100, 0, 50, 100].map((v) => v / 255),
      ...[0, 0, 0, 60, 60, 60].map((v) => v / 255),
      ...Array(6).fill(7 / 255),
    ];
    assert.deepEqual(image(3), Array.from(Float32Array.from(expectGradient)));
    // JPEG is lossy: within 3/255 of the encoded colour.
    const jpegPixels = image(0);
    GREY.forEach((v, c) => {
      for (const p of jpegPixels.slice(c * 6, c * 6 + 6))
        assert.ok(Math.abs(p - v / 255) <= 3 / 255, `${p} ~ ${v / 255}`);
    });
  });

  it('converts to grayscale with ITU-R 601 luma and resizes to the requested size', () => {
    const root = tree('gray', {
      'a/1.png': png(8, 6, () => GREY),
      'b/2.jpg': jpg(16, 16, GREY),
      'b/3.png': png(5, 5, () => RED),
    });
    const set = loadImageFolder(root, { channels: 1, size: [4, 2] });
    assert.deepEqual(set.images.shape, [3, 1, 4, 2]);
    const luma = (0.299 * 51 + 0.587 * 102 + 0.114 * 153) / 255;
    for (const v of set.images.data.subarray(0, 8)) assert.ok(Math.abs(v - luma) < 1e-6);
    for (const v of set.images.data.subarray(8, 16)) assert.ok(Math.abs(v - luma) <= 3 / 255);
    for (const v of set.images.data.subarray(16, 24)) assert.ok(Math.abs(v - 0.299) < 1e-6);
    assert.deepEqual(loadImageFolder(root, { channels: 3, size: 7 }).images.shape, [3, 3, 7, 7]);
  });

  it('skips hidden entries, other file types and nested folders, and lists them', () => {
    const root = tree('skips', {
      'a/1.png': png(2, 2, () => RED),
      'a/readme.txt': 'not an image',
      'a/.hidden.png': 'hidden',
      'a/nested': null,
      '.git/x.png': png(2, 2, () => RED),
    });
    writeFileSync(join(root, 'notes.txt'), 'beside the class folders');
    const set = loadImageFolder(root);
    assert.deepEqual(set.classNames, ['a']);
    assert.equal(set.length, 1);
    assert.deepEqual(set.skipped, [
      join(root, 'notes.txt'),
      join(root, 'a/.hidden.png'),
      join(root, 'a/nested'),
      join(root, 'a/readme.txt'),
    ]);
  });

  it('refuses an image that declares more pixels than the budget before decoding it, naming it', () => {
    const big = png(300, 200, () => RED);
    const root = tree('too-large', { 'a/1.png': png(2, 2, () => RED), 'b/big.png': big });
    throwsImageError(
      () => loadImageFolder(root, { size: 2, maxPixels: 50_000 }),
      `${join(root, 'b/big.png')}: a PNG of 300x200 = 60,000 pixels is over the limit of 50,000; not decoded (shrink the image first) (in class folder "b")`,
    );
    assert.equal(loadImageFolder(root, { size: 2, maxPixels: 60_000 }).length, 2);
  });

  it('names a file that is not a readable image, and its class folder', () => {
    const good = png(4, 4, () => RED);
    const cases: [string, Uint8Array | string, string][] = [
      ['text.png', 'hello', 'neither PNG nor JPEG (starts with 68 65 6c 6c)'],
      ['empty.jpg', '', 'neither PNG nor JPEG (starts with nothing)'],
      ['truncated.png', good.subarray(0, good.length - 20), 'corrupt or truncated PNG ('],
      ['truncated.jpg', jpg(16, 16, GREY).subarray(0, 200), 'corrupt or truncated JPEG ('],
    ];
    for (const [name, bytes, reason] of cases) {
      const root = tree(`bad-${name}`, { 'ok/fine.png': good, [`broken/${name}`]: bytes });
      const path = join(root, 'broken', name);
      assert.throws(
        () => loadImageFolder(root),
        (error: unknown) => {
          assert.ok(error instanceof ImageError);
          assert.ok(
            error.message.startsWith(`${path}: not a readable image: ${reason}`),
            error.message,
          );
          assert.ok(error.message.endsWith('(in class folder "broken")'), error.message);
          return true;
        },
      );
    }
  });

  it('rejects an empty root, a missing root, a class without images, and mixed sizes without size', () => {
    const empty = tree('empty', { 'file.png': png(2, 2, () => RED) });
    throwsImageError(
      () => loadImageFolder(empty),
      `${empty}: no class folders; expected one subfolder per class holding its images (root/<class>/*.png|jpg|jpeg)`,
    );
    const missing = join(base, 'does-not-exist');
    assert.throws(
      () => loadImageFolder(missing),
      new RegExp(`^ImageError: ${missing}: cannot read the image folder root \\(ENOENT`),
    );
    const lonely = tree('lonely', { 'a/1.png': png(2, 2, () => RED), 'b/readme.txt': 'x' });
    throwsImageError(
      () => loadImageFolder(lonely),
      `${join(lonely, 'b')}: class "b" has no images (.png, .jpg or .jpeg files)`,
    );
    const mixed = tree('mixed', {
      'a/1.png': png(2, 2, () => RED),
      'b/2.png': png(3, 2, () => RED),
    });
    throwsImageError(
      () => loadImageFolder(mixed),
      `${join(mixed, 'b/2.png')} (class "b") is 3x2 but ${join(mixed, 'a/1.png')} is 2x2; pass size to resize all images to one size`,
    );
  });

  it('loads one image file for prediction, telling the format by content', () => {
    const root = tree('single', { 'really-a-png.jpg': png(2, 3, () => RED) });
    const image = loadImage(join(root, 'really-a-png.jpg'), { channels: 1, size: 4 });
    assert.deepEqual(image.shape, [1, 4, 4]);
    for (const v of image.pixels) assert.ok(Math.abs(v - 0.299) < 1e-6);
    throwsImageError(
      () => loadImage(join(root, 'nope.png')),
      `${join(root, 'nope.png')}: cannot read the file (ENOENT: no such file or directory, open '${join(root, 'nope.png')}')`,
    );
  });
});
