import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { IdxError, encodeIdx, parseIdx, readIdxDataset, readIdxFile } from '../../src/data/idx.js';
import type { IdxArray } from '../../src/data/idx.js';

const dir = mkdtempSync(join(tmpdir(), 'convnet-idx-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

/** n images of h x w, pixel (i, p) = (i * 7 + p) mod 256; labels i mod classes. */
function images(n: number, h: number, w: number): IdxArray {
  const data = new Uint8Array(n * h * w);
  for (let i = 0; i < data.length; i++)
    data[i] = (Math.floor(i / (h * w)) * 7 + (i % (h * w))) % 256;
  return { type: 'uint8', shape: [n, h, w], data };
}

function labels(n: number, classes: number): IdxArray {
  return { type: 'uint8', shape: [n], data: Uint8Array.from({ length: n }, (_, i) => i % classes) };
}

describe('IDX reader', () => {
  it('reads raw and gzipped files to the same array, in host byte order for every type', () => {
    const cases: IdxArray[] = [
      images(3, 4, 5),
      { type: 'int8', shape: [4], data: Int8Array.from([-128, -1, 0, 127]) },
      { type: 'int16', shape: [2, 2], data: Int16Array.from([-32768, -2, 258, 32767]) },
      { type: 'int32', shape: [3], data: Int32Array.from([-(2 ** 31), 65536 + 2, 2 ** 31 - 1]) },
      { type: 'float32', shape: [2], data: Float32Array.from([1.5, -0.25]) },
      { type: 'float64', shape: [1, 2], data: Float64Array.from([Math.PI, -1e300]) },
    ];
    for (const array of cases) {
      const bytes = encodeIdx(array);
      for (const [name, content] of [
        [`${array.type}.idx`, bytes],
        [`${array.type}.idx.gz`, gzipSync(bytes)],
      ] as const) {
        const read = readIdxFile(write(name, content));
        assert.equal(read.type, array.type);
        assert.deepEqual(read.shape, array.shape);
        assert.deepEqual(Array.from(read.data), Array.from(array.data), name);
        assert.equal(read.data.constructor, array.data.constructor, `${name}: a plain typed array`);
      }
    }
  });

  it('decodes a known big-endian header byte for byte', () => {
    const bytes = Uint8Array.from([0, 0, 0x0b, 1, 0, 0, 0, 2, 0x01, 0x02, 0xff, 0xfe]);
    const read = parseIdx(bytes, 'known.idx');
    assert.deepEqual(read, { type: 'int16', shape: [2], data: Int16Array.from([258, -2]) });
  });

  const good = encodeIdx(images(2, 3, 3));
  const rejections: [string, Uint8Array, RegExp][] = [
    [
      'bad-magic.idx',
      Uint8Array.from([0x12, 0x34, 8, 1, 0, 0, 0, 0]),
      /bad-magic\.idx: bad magic number: expected 0x00 0x00 <type> <dims>, got 0x12 0x34/,
    ],
    [
      'unknown-type.idx',
      Uint8Array.from([0, 0, 0x07, 1, 0, 0, 0, 0]),
      /unknown-type\.idx: unsupported data type 0x07/,
    ],
    [
      'no-dims.idx',
      Uint8Array.from([0, 0, 8, 0]),
      /no-dims\.idx: the header declares 0 dimensions/,
    ],
    ['tiny.idx', Uint8Array.from([0, 0]), /tiny\.idx: truncated: 2 bytes is too short/],
    [
      'short-header.idx',
      Uint8Array.from([0, 0, 8, 3, 0, 0, 0, 2]),
      /short-header\.idx: truncated header: 3 dimensions need 16 bytes, got 8/,
    ],
    [
      'truncated.idx',
      good.subarray(0, good.length - 5),
      /truncated\.idx: truncated: a uint8 array of shape \(2,3,3\) needs 34 bytes, got 29/,
    ],
    [
      'trailing.idx',
      Uint8Array.from([...good, 1, 2, 3]),
      /trailing\.idx: 3 trailing bytes after the data \(expected 34 bytes .* got 37\)/,
    ],
    [
      'truncated.idx.gz',
      gzipSync(good).subarray(0, 20),
      /truncated\.idx\.gz: corrupt or truncated gzip data \(unexpected end of file\)/,
    ],
    [
      'corrupt.idx.gz',
      Uint8Array.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xde, 0xad, 0xbe, 0xef]),
      /corrupt\.idx\.gz: corrupt or truncated gzip data/,
    ],
    [
      'gzipped-truncated.idx.gz',
      gzipSync(good.subarray(0, 30)),
      /gzipped-truncated\.idx\.gz: truncated: .* needs 34 bytes, got 30/,
    ],
  ];
  for (const [name, bytes, message] of rejections) {
    it(`rejects ${name} with an IdxError naming the file`, () => {
      const path = write(name, bytes);
      assert.throws(
        () => readIdxFile(path),
        (error: unknown) =>
          error instanceof IdxError &&
          message.test(error.message) &&
          error.message.startsWith(path),
      );
    });
  }

  it('rejects a gzip bomb over maxBytes and a missing file', () => {
    const path = write('big.idx.gz', gzipSync(new Uint8Array(1 << 20)));
    assert.throws(
      () => readIdxFile(path, { maxBytes: 1000 }),
      /big\.idx\.gz: gzip data inflates to more than the limit of 1000 bytes/,
    );
    assert.throws(
      () => readIdxFile(join(dir, 'nope.idx')),
      /nope\.idx: cannot read the file \(ENOENT/,
    );
  });
});

describe('IDX images + labels dataset', () => {
  it('reads images as (N,1,H,W) in [0,1] with their labels', () => {
    const imagesPath = write('imgs.idx.gz', gzipSync(encodeIdx(images(5, 2, 3))));
    const labelsPath = write('lbls.idx', encodeIdx(labels(5, 3)));
    const set = readIdxDataset(imagesPath, labelsPath, { classNames: ['a', 'b', 'c'] });
    assert.equal(set.length, 5);
    assert.deepEqual(set.imageShape, [1, 2, 3]);
    assert.deepEqual(set.images.shape, [5, 1, 2, 3]);
    assert.deepEqual(Array.from(set.labels), [0, 1, 2, 0, 1]);
    assert.deepEqual(set.classNames, ['a', 'b', 'c']);
    const expected = Array.from(images(5, 2, 3).data, (v) => v / 255);
    assert.deepEqual(Array.from(set.images.data), Array.from(Float32Array.from(expected)));
    const unnamed = readIdxDataset(imagesPath, labelsPath);
    assert.deepEqual(unnamed.classNames, ['0', '1', '2']);
  });

  it('names both files when the label count differs from the image count', () => {
    const imagesPath = write('five.idx', encodeIdx(images(5, 2, 2)));
    const labelsPath = write('four.idx', encodeIdx(labels(4, 2)));
    assert.throws(
      () => readIdxDataset(imagesPath, labelsPath),
      (error: unknown) =>
        error instanceof IdxError &&
        error.message ===
          `${labelsPath} holds 4 labels but ${imagesPath} holds 5 images; they must match`,
    );
  });

  it('names the images file when it holds no images, or images of no pixels', () => {
    const labelsPath = write('no-labels.idx', encodeIdx(labels(0, 2)));
    const cases: [string, IdxArray, string][] = [
      ['empty.idx', images(0, 28, 28), 'holds 0 images of 28x28 pixels (shape (0,28,28))'],
      ['no-rows.idx', images(0, 0, 28), 'holds 0 images of 0x28 pixels (shape (0,0,28))'],
    ];
    for (const [name, array, problem] of cases) {
      const imagesPath = write(name, encodeIdx(array));
      for (const classNames of [undefined, ['a', 'b']]) {
        assert.throws(
          () => readIdxDataset(imagesPath, labelsPath, { classNames }),
          (error: unknown) =>
            error instanceof IdxError &&
            error.message ===
              `${imagesPath}: ${problem}; a dataset needs at least one image of at least 1x1`,
        );
      }
    }
    const thin = write('thin.idx', encodeIdx(images(2, 28, 0)));
    assert.throws(
      () => readIdxDataset(thin, write('two.idx', encodeIdx(labels(2, 2)))),
      new RegExp(`^IdxError: ${thin.replace(/[.\\/]/g, '\\$&')}: holds 2 images of 28x0 pixels`),
    );
  });

  it('rejects labels out of range, non-byte images, and wrong ranks', () => {
    const imagesPath = write('ok-images.idx', encodeIdx(images(4, 2, 2)));
    const labelsPath = write('range.idx', encodeIdx(labels(4, 4)));
    assert.throws(
      () => readIdxDataset(imagesPath, labelsPath, { classNames: ['a', 'b', 'c'] }),
      /range\.idx: label 3 at index 3 is outside \[0, 3\) for 3 classes/,
    );
    const negative = write(
      'negative.idx',
      encodeIdx({ type: 'int8', shape: [4], data: Int8Array.from([0, 1, -1, 0]) }),
    );
    assert.throws(
      () => readIdxDataset(imagesPath, negative),
      /negative\.idx: label -1 at index 2 is outside/,
    );
    const floats = write(
      'float-images.idx',
      encodeIdx({ type: 'float32', shape: [1, 1, 1], data: Float32Array.from([0.5]) }),
    );
    assert.throws(
      () => readIdxDataset(floats, labelsPath),
      /float-images\.idx: images must be unsigned bytes \(type 0x08\), got float32/,
    );
    const flat = write('flat-images.idx', encodeIdx(labels(4, 2)));
    assert.throws(
      () => readIdxDataset(flat, labelsPath),
      /flat-images\.idx: images must have 3 dimensions \(N,H,W\), got 1: \(4\)/,
    );
    assert.throws(
      () => readIdxDataset(imagesPath, imagesPath),
      /ok-images\.idx: labels must have 1 dimension \(N\), got 3/,
    );
  });
});
