import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  MNIST_BOX_SIZE as BOX_SIZE,
  MNIST_FIELD_SIZE as FIELD_SIZE,
  backgroundLevels,
  detectPolarity,
  fitImage,
  mnistDigitFromImage as mnistDigitFromDrawing,
  prepareDigit,
} from '../../src/data/digit-preprocess.js';

const SIDE = 280;

/**
 * The MNIST-style preprocessing that `convnet predict` and the playground share
 * (src/data/digit-preprocess.ts): crop, 20x20 box, centre of mass, polarity, letterboxing.
 */
/** A blank 280x280 drawing with the given rectangles filled with 1. */
function drawing(rectangles: [x: number, y: number, width: number, height: number][]) {
  const data = new Float32Array(SIDE * SIDE);
  for (const [x0, y0, width, height] of rectangles) {
    for (let y = y0; y < y0 + height; y++) data.fill(1, y * SIDE + x0, y * SIDE + x0 + width);
  }
  return { width: SIDE, height: SIDE, data };
}

/** Bounding box [top, bottom, left, right] of the pixels above 0, and the centre of mass. */
function measure(field: Float32Array) {
  let [top, bottom, left, right] = [FIELD_SIZE, -1, FIELD_SIZE, -1];
  let [mass, mx, my] = [0, 0, 0];
  for (let y = 0; y < FIELD_SIZE; y++) {
    for (let x = 0; x < FIELD_SIZE; x++) {
      const v = field[y * FIELD_SIZE + x];
      if (v <= 0) continue;
      [top, bottom, left, right] = [
        Math.min(top, y),
        Math.max(bottom, y),
        Math.min(left, x),
        Math.max(right, x),
      ];
      mass += v;
      mx += v * (x + 0.5);
      my += v * (y + 0.5);
    }
  }
  return { height: bottom - top + 1, width: right - left + 1, mass, cx: mx / mass, cy: my / mass };
}

describe('mnistDigitFromImage', () => {
  it('gives null for an empty drawing or one below the threshold', () => {
    assert.equal(mnistDigitFromDrawing(drawing([])), null);
    const faint = drawing([]);
    faint.data.fill(0.01);
    assert.equal(mnistDigitFromDrawing(faint), null);
  });

  it('rejects data that does not match the size', () => {
    assert.throws(
      () => mnistDigitFromDrawing({ width: 3, height: 3, data: new Float32Array(8) }),
      /8 values for 3x3/,
    );
  });

  it('scales a filled square to the 20x20 box, area-averaged, in the middle of the field', () => {
    const field = mnistDigitFromDrawing(drawing([[17, 40, 150, 150]]));
    assert.ok(field !== null);
    assert.equal(field.length, FIELD_SIZE * FIELD_SIZE);
    const m = measure(field);
    assert.deepEqual([m.height, m.width], [BOX_SIZE, BOX_SIZE]);
    assert.ok(Math.abs(m.mass - BOX_SIZE * BOX_SIZE) < 1e-3, `mass ${m.mass}`);
    assert.ok(Math.abs(m.cx - 14) <= 0.5 && Math.abs(m.cy - 14) <= 0.5, `${m.cx}, ${m.cy}`);
  });

  it('keeps the aspect ratio of a tall stroke (a 1) and centres it by mass', () => {
    const field = mnistDigitFromDrawing(drawing([[200, 30, 20, 200]]));
    assert.ok(field !== null);
    const m = measure(field);
    assert.equal(m.height, BOX_SIZE);
    assert.equal(m.width, 2);
    assert.ok(Math.abs(m.cx - 14) <= 0.5 && Math.abs(m.cy - 14) <= 0.5, `${m.cx}, ${m.cy}`);
    assert.ok(field.every((v) => v >= 0 && v <= 1));
  });

  it('centres by mass, not by the bounding box, as far as the field allows', () => {
    // An L: a heavy vertical bar and a thin foot. Its mass sits left of the box's middle; the
    // box moves right of centre, to the field's edge and no further (the foot is not cropped).
    const field = mnistDigitFromDrawing(
      drawing([
        [50, 50, 40, 160],
        [50, 200, 160, 10],
      ]),
    );
    assert.ok(field !== null);
    const m = measure(field);
    assert.deepEqual([m.height, m.width], [BOX_SIZE, BOX_SIZE]);
    // The box is against the right edge (columns 8..27): centred by its box, cx would be near 8.
    assert.ok(field.subarray(0, FIELD_SIZE).every((v) => v === 0));
    assert.ok(m.cx > 11.5 && m.cx < 14, `cx ${m.cx}`);
    assert.ok(Math.abs(m.cy - 14) <= 0.5, `cy ${m.cy}`);
  });

  it('never crops a stroke: a digit whose mass is at one end stays inside the field', () => {
    // A 7: a heavy bar at the top and a thin stem. Centring its mass alone would push the stem's
    // bottom out of the 28x28 field.
    const field = mnistDigitFromDrawing(
      drawing([
        [40, 40, 200, 60],
        [130, 100, 6, 160],
      ]),
    );
    assert.ok(field !== null);
    const m = measure(field);
    assert.equal(m.height, BOX_SIZE, `the digit is ${m.height} rows high in the field`);
  });
});

/** A width x height gray image of `background` with the rectangles set to `ink`. */
function gray(
  width: number,
  height: number,
  background: number,
  ink: number,
  rectangles: [x: number, y: number, w: number, h: number][],
) {
  const data = new Float32Array(width * height).fill(background);
  for (const [x0, y0, w, h] of rectangles) {
    for (let y = y0; y < y0 + h; y++) data.fill(ink, y * width + x0, y * width + x0 + w);
  }
  return { width, height, data };
}

describe('polarity', () => {
  it('tells dark on light from light on dark by the border', () => {
    assert.equal(detectPolarity(gray(40, 40, 1, 0, [[15, 5, 8, 30]])), 'dark-on-light');
    assert.equal(detectPolarity(gray(40, 40, 0, 1, [[15, 5, 8, 30]])), 'light-on-dark');
    // Ink touching the border does not flip it.
    assert.equal(detectPolarity(gray(40, 40, 0.9, 0.1, [[0, 0, 40, 6]])), 'dark-on-light');
  });

  it('backgroundLevels is the median of the outermost rows and columns of each channel', () => {
    const x = new Float32Array(2 * 3 * 3);
    x.fill(1, 0, 9); // channel 0 all 1
    x[9 + 4] = 5; // channel 1: only the centre is set...
    x[9 + 0] = 0.5; // ...and one corner, a minority of the border
    assert.deepEqual(backgroundLevels(x, [2, 3, 3]), [1, 0]);
  });

  it('prepareDigit turns a black-on-white digit into the same MNIST digit as white-on-black', () => {
    const rects: [number, number, number, number][] = [
      [30, 20, 60, 12],
      [70, 20, 12, 90],
    ];
    const dark = prepareDigit(gray(120, 130, 0.95, 0.05, rects));
    const light = prepareDigit(gray(120, 130, 0, 1, rects));
    assert.equal(dark.inverted, true);
    assert.equal(light.inverted, false);
    assert.equal(dark.empty, false);
    const worst = Math.max(...dark.pixels.map((v, i) => Math.abs(v - light.pixels[i])));
    assert.ok(worst < 1e-5, `max difference ${worst}`);
    assert.equal(prepareDigit(gray(120, 130, 0, 1, rects), { polarity: 'invert' }).inverted, true);
    assert.equal(prepareDigit(gray(120, 130, 1, 0, rects), { polarity: 'as-is' }).inverted, false);
  });

  it('prepareDigit reports a blank picture as empty', () => {
    const blank = prepareDigit(gray(30, 30, 1, 1, []));
    assert.equal(blank.empty, true);
    assert.ok(blank.pixels.every((v) => v === 0));
  });
});

describe('fitImage', () => {
  it('keeps the aspect ratio of a wide image and pads with its background', () => {
    // A 2:1 image, background 0.2 with a white square in the middle: fitted into 8x8 it is 8
    // wide and 4 high, centred, and the padding is the background.
    const x = gray(20, 10, 0.2, 1, [[5, 0, 10, 10]]).data; // the square touches top and bottom
    const y = fitImage(x, [1, 10, 20], [8, 8]);
    assert.equal(y.length, 64);
    for (const row of [0, 1, 6, 7]) {
      assert.ok(
        y.subarray(row * 8, row * 8 + 8).every((v) => Math.abs(v - 0.2) < 1e-6),
        `row ${row} is padding`,
      );
    }
    // The square stays square: 4x4 bright in the middle rows, not stretched to 4x8.
    const bright = [...y].filter((v) => v > 0.9).length;
    assert.ok(bright >= 4 && bright <= 16, `${bright} bright pixels`);
    assert.ok(
      y[3 * 8 + 0] < 0.5 && y[3 * 8 + 7] < 0.5,
      'the sides of the middle row are background',
    );
  });

  it('only resizes an image of the same aspect ratio, and takes an explicit fill', () => {
    const x = Float32Array.from({ length: 3 * 4 * 4 }, (_, i) => (i % 7) / 7);
    assert.deepEqual(fitImage(x, [3, 4, 4], [4, 4]), Float32Array.from(x));
    const y = fitImage(new Float32Array(3 * 2 * 4).fill(0.5), [3, 2, 4], [4, 4], {
      fill: [0, 0.25, 1],
    });
    assert.deepEqual([y[0], y[16], y[32]], [0, 0.25, 1]);
    assert.throws(() => fitImage(x, [3, 4, 4], [2, 4], { fill: [0] }), /fill needs 3 values/);
  });
});
