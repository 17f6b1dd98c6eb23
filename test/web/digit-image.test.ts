import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BOX_SIZE, FIELD_SIZE, mnistDigitFromDrawing } from '../../web/src/digit-image.js';

const SIDE = 280;

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

describe('mnistDigitFromDrawing', () => {
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

  it('centres by mass, not by the bounding box', () => {
    // An L: a heavy vertical bar and a thin foot. Its mass sits left of the box's middle.
    const field = mnistDigitFromDrawing(
      drawing([
        [50, 50, 40, 160],
        [50, 200, 160, 10],
      ]),
    );
    assert.ok(field !== null);
    const m = measure(field);
    assert.equal(Math.max(m.height, m.width), BOX_SIZE);
    assert.ok(Math.abs(m.cx - 14) <= 0.5 && Math.abs(m.cy - 14) <= 0.5, `${m.cx}, ${m.cy}`);
  });
});
