import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertGradient } from '../../../src/check/gradient-check.js';
import { linearBackward, linearForward } from '../../../src/kernels/reference/linear.js';
import { Rng } from '../../../src/rng.js';
import { linearGeometry } from '../../../src/shape/linear.js';
import { Tensor } from '../../../src/tensor.js';
import { dot, randomArray } from '../../helpers.js';

describe('linear (fully connected) reference kernel', () => {
  it('computes y = x w^T + b', () => {
    const g = linearGeometry([1, 3], [2, 3], 2);
    const y = new Float64Array(2);
    linearForward(
      y,
      Float64Array.from([1, 2, 3]),
      Float64Array.from([1, 0, 0, 1, 1, 1]),
      Float64Array.from([0.5, -1]),
      g,
    );
    assert.deepEqual(Array.from(y), [1.5, 5]);
  });

  for (const [N, IN, OUT] of [
    [1, 5, 3],
    [4, 7, 10],
    [3, 1, 1],
  ]) {
    it(`gradient check: N=${N} IN=${IN} OUT=${OUT}`, () => {
      const rng = new Rng(N * 100 + IN * 10 + OUT);
      const g = linearGeometry([N, IN], [OUT, IN], OUT);
      const x = randomArray(rng, N * IN);
      const w = randomArray(rng, OUT * IN);
      const b = randomArray(rng, OUT);
      const y = new Float64Array(N * OUT);
      const dy = randomArray(rng, N * OUT);
      const loss = () => {
        linearForward(y, x, w, b, g);
        return dot(y, dy);
      };
      const dx = new Float64Array(x.length);
      const dw = new Float64Array(w.length);
      const db = new Float64Array(OUT);
      linearBackward(dx, null, null, dy, new Float64Array(0), w, g);
      linearBackward(null, dw, null, dy, x, new Float64Array(0), g);
      linearBackward(null, null, db, dy, new Float64Array(0), new Float64Array(0), g);
      assertGradient('dx', loss, x, dx);
      assertGradient('dw', loss, w, dw);
      assertGradient('db', loss, b, db);
    });
  }

  it('fused backward: all three at once equal each subset, and a null output is skipped', () => {
    const rng = new Rng(17);
    const [N, IN, OUT] = [3, 4, 5];
    const g = linearGeometry([N, IN], [OUT, IN], OUT);
    const x = randomArray(rng, N * IN);
    const w = randomArray(rng, OUT * IN);
    const b = randomArray(rng, OUT);
    const y = new Float64Array(N * OUT);
    const dy = randomArray(rng, N * OUT);
    const fresh = () => ({
      dx: new Float64Array(N * IN).fill(NaN),
      dw: new Float64Array(OUT * IN).fill(NaN),
      db: new Float64Array(OUT).fill(NaN),
    });
    const all = fresh();
    linearBackward(all.dx, all.dw, all.db, dy, x, w, g);
    const loss = () => {
      linearForward(y, x, w, b, g);
      return dot(y, dy);
    };
    assertGradient('dx (all at once)', loss, x, all.dx);
    assertGradient('dw (all at once)', loss, w, all.dw);
    assertGradient('db (all at once)', loss, b, all.db);
    const subsets: [boolean, boolean, boolean][] = [
      [true, true, false],
      [true, false, true],
      [false, true, true],
      [false, false, false],
    ];
    for (const [wantX, wantW, wantB] of subsets) {
      const some = fresh();
      linearBackward(
        wantX ? some.dx : null,
        wantW ? some.dw : null,
        wantB ? some.db : null,
        dy,
        x,
        w,
        g,
      );
      const label = `subset dx ${wantX} dw ${wantW} db ${wantB}`;
      for (const [want, got, expected] of [
        [wantX, some.dx, all.dx],
        [wantW, some.dw, all.dw],
        [wantB, some.db, all.db],
      ] as const) {
        if (want) assert.deepEqual(got, expected, label);
        else assert.ok(got.every(Number.isNaN), `${label}: a null output's buffer stays untouched`);
      }
    }
  });

  it('backward by hand: dx = dy w, dw = dy^T x, db = sum_n dy', () => {
    // x:(2,2) = [1,2;3,4], w:(1,2) = [10,100], dy:(2,1) = [1,-1].
    const g = linearGeometry([2, 2], [1, 2], 1);
    const dx = new Float64Array(4);
    const dw = new Float64Array(2);
    const db = new Float64Array(1);
    const x = Float64Array.from([1, 2, 3, 4]);
    linearBackward(dx, dw, db, Float64Array.from([1, -1]), x, Float64Array.from([10, 100]), g);
    assert.deepEqual(Array.from(dx), [10, 100, -10, -100]);
    assert.deepEqual(Array.from(dw), [1 - 3, 2 - 4]);
    assert.deepEqual(Array.from(db), [0]);
  });

  it('takes a flattened image batch: flatten is a view, and its backward a reshape', () => {
    const rng = new Rng(2);
    const images = new Tensor(randomArray(rng, 2 * 3 * 2 * 2), [2, 3, 2, 2]);
    const flat = images.flatten();
    assert.deepEqual(flat.shape, [2, 12]);
    const g = linearGeometry(flat.shape, [4, 12], null);
    const w = randomArray(rng, 48);
    const y = new Float64Array(8);
    const dy = randomArray(rng, 8);
    const dflat = new Float64Array(24);
    linearBackward(dflat, null, null, dy, new Float64Array(0), w, g);
    const dimages = new Tensor(dflat, flat.shape).reshape(images.shape);
    assert.deepEqual(dimages.shape, [2, 3, 2, 2]);
    assertGradient(
      'dimages',
      () => {
        linearForward(y, images.flatten().data, w, null, g);
        return dot(y, dy);
      },
      images.data as Float64Array,
      dimages.data,
    );
  });
});
