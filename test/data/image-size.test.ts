/**
 * Image sizes read from header bytes (src/data/image-size.ts), and decompression bombs refused
 * before decoding: a small PNG that declares 20000x20000 pixels never reaches the decoder.
 */
import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import { describe, it } from 'node:test';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { ImageError, decodeImage, imageFromBytes } from '../../src/data/image-folder.js';
import {
  ImageTooLargeError,
  MAX_IMAGE_PIXELS,
  checkImageSize,
  readImageHeader,
} from '../../src/data/image-size.js';

function png(width: number, height: number): Uint8Array {
  const image = new PNG({ width, height });
  image.data.fill(200);
  return PNG.sync.write(image);
}

function jpg(width: number, height: number): Uint8Array {
  const data = Buffer.alloc(width * height * 4, 128);
  return jpeg.encode({ width, height, data }, 90).data;
}

/** A PNG whose IHDR declares width x height, with one tiny compressed IDAT: a bomb's header. */
function bombPng(width: number, height: number): Uint8Array {
  const chunk = (type: string, data: Buffer): Buffer => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    return Buffer.concat([length, Buffer.from(type, 'latin1'), data, Buffer.alloc(4)]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(1024))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A JPEG's bytes with the start-of-frame size rewritten to width x height. */
function withJpegSize(bytes: Uint8Array, width: number, height: number): Uint8Array {
  const out = Uint8Array.from(bytes);
  for (let i = 2; i + 8 < out.length; i++) {
    if (out[i] === 0xff && out[i + 1] === 0xc0) {
      out[i + 5] = height >> 8;
      out[i + 6] = height & 255;
      out[i + 7] = width >> 8;
      out[i + 8] = width & 255;
      return out;
    }
  }
  throw new Error('no SOF0 segment');
}

describe('image headers', () => {
  it('reads the size of PNG and JPEG files without decoding them', () => {
    assert.deepEqual(readImageHeader(png(7, 3)), { format: 'PNG', width: 7, height: 3 });
    assert.deepEqual(readImageHeader(jpg(5, 9)), { format: 'JPEG', width: 5, height: 9 });
    assert.deepEqual(readImageHeader(bombPng(20000, 20000)), {
      format: 'PNG',
      width: 20000,
      height: 20000,
    });
    assert.equal(readImageHeader(new Uint8Array([1, 2, 3])), null);
    assert.equal(readImageHeader(png(7, 3).subarray(0, 20)), null);
    assert.equal(readImageHeader(jpg(5, 9).subarray(0, 6)), null);
  });

  it('refuses a PNG or JPEG over the pixel budget before decoding, naming the file and the size', () => {
    const started = performance.now();
    assert.throws(
      () => decodeImage(bombPng(20000, 20000), 'bomb.png'),
      (error: unknown) => {
        assert.ok(error instanceof ImageError, String(error));
        assert.equal(
          error.message,
          `bomb.png: a PNG of 20000x20000 = 400,000,000 pixels is over the limit of ${MAX_IMAGE_PIXELS.toLocaleString('en-US')}; not decoded (shrink the image first)`,
        );
        return true;
      },
    );
    assert.ok(performance.now() - started < 1000, 'refused at once, not decoded');
    const bigJpeg = withJpegSize(jpg(16, 16), 10000, 8000);
    assert.throws(
      () => imageFromBytes(bigJpeg, 'photo.jpg', { size: 28 }),
      /^ImageError: photo\.jpg: a JPEG of 10000x8000 = 80,000,000 pixels is over the limit/,
    );
    assert.throws(() => checkImageSize(png(10, 10), 'small.png', 99), ImageTooLargeError);
    assert.deepEqual(checkImageSize(png(10, 10), 'small.png', 100), {
      format: 'PNG',
      width: 10,
      height: 10,
    });
    assert.equal(decodeImage(png(10, 10), 'ok.png', 100).width, 10);
  });
});
