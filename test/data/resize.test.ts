import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resizeBilinear, resizeImage } from '../../src/data/resize.js';
import { upsampleBilinear2dForward } from '../../src/kernels/reference/upsample-bilinear2d.js';
import { Rng } from '../../src/rng.js';
import { upsample2dGeometry } from '../../src/shape/upsample2d.js';
import { compareArrays, formatComparison } from '../../src/check/compare.js';

/** A 6x8 test image, x[i] = i^2 mod 17. */
const IMAGE = Float32Array.from({ length: 48 }, (_, i) => (i * i) % 17);

/**
 * PIL 9.4's Image.resize((W, H), Image.BILINEAR) of IMAGE as a mode 'F' image (Debian's
 * python3-pil, rounded to 5 decimals): the antialiased filter when shrinking, plain bilinear
 * when enlarging. Made by:
 *   a = (np.arange(48, dtype=np.float32) ** 2 % 17).reshape(6, 8)
 *   np.asarray(Image.fromarray(a, mode='F').resize((w, h), Image.BILINEAR))
 */
const PIL_BILINEAR: [number, number, number[]][] = [
  [
    3,
    4,
    [
      6.20408, 7.28571, 10.44643, 7.91837, 7.33929, 7.01562, 9.10938, 9.33929, 6.81633, 7.98214,
      7.94643, 11.18367,
    ],
  ],
  [2, 3, [7.16776, 8.69048, 8.92763, 6.80263, 7.46726, 10.28947]],
  [
    4,
    5,
    [
      5.13068, 7.12037, 9.67708, 9.71759, 8.31818, 6.23737, 6.23045, 6.625, 12.24691, 5.80808,
      8.86869, 7.72016, 6.44444, 9.67901, 10.84343, 5.61364, 8.61574, 9.41146, 7.43519, 12.18182,
    ],
  ],
  [
    5,
    3,
    [
      4.31391, 9.59014, 8.46992, 8.40413, 8.16497, 8.81203, 7.28947, 8.25, 9.60526, 5.95489,
      5.59524, 11.04135, 8.68233, 9.94388, 9.79699,
    ],
  ],
];

function report(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tolerance: number,
  what: string,
): void {
  const result = compareArrays(actual, expected, { atol: tolerance, rtol: 0 });
  assert.ok(result.ok, formatComparison(what, result));
}

/** The reference kernel (PyTorch's bilinear, align_corners=false) on one image. */
function referenceResize(
  x: Float32Array,
  [C, H, W]: [number, number, number],
  [OH, OW]: [number, number],
): Float64Array {
  const y = new Float64Array(C * OH * OW);
  upsampleBilinear2dForward(
    y,
    Float64Array.from(x),
    upsample2dGeometry([1, C, H, W], { size: [OH, OW] }),
  );
  return y;
}

describe('bilinear resize', () => {
  it('leaves an image of the same size unchanged', () => {
    for (const antialias of [true, false]) {
      assert.deepEqual(resizeImage(IMAGE, [1, 6, 8], [6, 8], { antialias }), IMAGE);
    }
  });

  it('shrinks like PIL BILINEAR (antialiased) to 1e-4', () => {
    for (const [OH, OW, expected] of PIL_BILINEAR) {
      report(resizeImage(IMAGE, [1, 6, 8], [OH, OW]), expected, 1e-4, `6x8 -> ${OH}x${OW}`);
    }
  });

  it('matches the reference bilinear kernel when enlarging, and when shrinking without antialias', () => {
    const rng = new Rng(5);
    const cases: [[number, number, number], [number, number], boolean][] = [
      [[1, 6, 8], [12, 16], true],
      [[3, 5, 7], [11, 9], true],
      [[2, 1, 1], [3, 4], true],
      [[1, 6, 8], [12, 16], false],
      [[3, 9, 7], [4, 3], false],
      [[2, 28, 28], [10, 13], false],
      [[1, 5, 5], [1, 1], false],
    ];
    for (const [shape, size, antialias] of cases) {
      const x = Float32Array.from({ length: shape[0] * shape[1] * shape[2] }, () =>
        rng.uniform(-1, 1),
      );
      report(
        resizeImage(x, shape, size, { antialias }),
        referenceResize(x, shape, size),
        1e-6,
        `${shape} -> ${size} antialias ${antialias}`,
      );
    }
  });

  it('keeps a constant image constant, at any size', () => {
    const x = new Float32Array(3 * 13 * 17).fill(0.375);
    for (const size of [
      [1, 1],
      [4, 40],
      [13, 17],
      [26, 5],
      [100, 3],
    ] as const) {
      const y = resizeImage(x, [3, 13, 17], size);
      report(y, new Float32Array(y.length).fill(0.375), 1e-6, `constant -> ${size}`);
    }
  });

  it('rejects bad sizes and buffers', () => {
    assert.throws(
      () => resizeImage(IMAGE, [1, 6, 8], [0, 4]),
      /OH must be a positive integer, got 0/,
    );
    assert.throws(
      () => resizeImage(IMAGE, [1, 6, 8], [2.5, 4]),
      /OH must be a positive integer, got 2.5/,
    );
    assert.throws(
      () => resizeBilinear(new Float32Array(3), IMAGE, [1, 6, 8], [2, 2]),
      /\(1,6,8\) -> \(1,2,2\) needs 48 and 4 values, got 48 and 3/,
    );
  });
});
