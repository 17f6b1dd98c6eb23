/**
 * Fuzzing the image decoder that image folders, predict and visualize read through: valid PNG
 * and JPEG files are mutated (random bytes, truncations, and edits of the declared size in the
 * PNG IHDR or the JPEG start-of-frame), and every input must end either in an ImageError whose
 * message starts with the file's name, or in a decoded image whose size matches its pixels and
 * stays within the pixel budget. Bounded: fast-check's fixed seed, 400 inputs per format, a
 * small pixel budget so that a declared size can never make the decoder allocate much.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { ImageError, decodeImage } from '../../src/data/image-folder.js';

const SEED = 15;
const NAME = 'class-a/picture';
/** 4 megapixels: a declared size above it is refused before decoding. */
const BUDGET = 4_000_000;

function pixels(width: number, height: number): Buffer {
  const data = Buffer.alloc(width * height * 4);
  for (let i = 0; i < data.length; i++) data[i] = (i * 37) % 256;
  return data;
}

const PNG_FILE = PNG.sync.write(
  Object.assign(new PNG({ width: 13, height: 9 }), { data: pixels(13, 9) }),
);
const JPEG_FILE = jpeg.encode({ width: 16, height: 12, data: pixels(16, 12) }, 90).data;

/** Byte offsets of the declared width and height (two 32-bit fields in the PNG IHDR). */
const PNG_SIZE_AT = 16;
/** The JPEG start-of-frame's height and width (two 16-bit fields after its marker). */
function jpegSizeAt(bytes: Uint8Array): number {
  for (let i = 2; i + 9 < bytes.length; i++) {
    if (bytes[i] === 0xff && bytes[i + 1] >= 0xc0 && bytes[i + 1] <= 0xc2) return i + 5;
  }
  throw new Error('test JPEG has no start-of-frame');
}

type Mutation =
  | { kind: 'bytes'; edits: { at: number; value: number }[] }
  | { kind: 'truncate'; at: number }
  | { kind: 'size'; values: number[] };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constant('bytes' as const),
    edits: fc.array(fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }), {
      minLength: 1,
      maxLength: 6,
    }),
  }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('size' as const),
    values: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 8, maxLength: 8 }),
  }),
);

function mutate(original: Uint8Array, m: Mutation, sizeAt: number, sizeBytes: number): Uint8Array {
  const bytes = Uint8Array.from(original);
  if (m.kind === 'truncate') return bytes.subarray(0, m.at % bytes.length);
  if (m.kind === 'bytes') {
    for (const { at, value } of m.edits) bytes[at % bytes.length] = value;
    return bytes;
  }
  bytes.set(m.values.slice(0, sizeBytes), sizeAt);
  return bytes;
}

function checkOutcome(bytes: Uint8Array): void {
  const start = performance.now();
  try {
    const image = decodeImage(bytes, NAME, BUDGET);
    assert.ok(image.width >= 1 && image.height >= 1);
    assert.ok(image.width * image.height <= BUDGET, `decoded ${image.width}x${image.height}`);
    assert.equal(image.rgba.length, image.width * image.height * 4);
  } catch (error) {
    assert.ok(error instanceof ImageError, `not an ImageError: ${String(error)}`);
    assert.ok(error.message.startsWith(`${NAME}:`), `does not name the file: ${error.message}`);
  }
  assert.ok(performance.now() - start < 2000, 'one input took over 2 s');
}

describe('image decoding under fuzzing', () => {
  it('PNG: every mutation is refused naming the file, or decodes to a consistent image', () => {
    fc.assert(
      fc.property(mutation, (m) => checkOutcome(mutate(PNG_FILE, m, PNG_SIZE_AT, 8))),
      { seed: SEED, numRuns: 400 },
    );
  });

  it('JPEG: every mutation is refused naming the file, or decodes to a consistent image', () => {
    const sizeAt = jpegSizeAt(JPEG_FILE);
    fc.assert(
      fc.property(mutation, (m) => checkOutcome(mutate(JPEG_FILE, m, sizeAt, 4))),
      { seed: SEED, numRuns: 400 },
    );
  });
});
