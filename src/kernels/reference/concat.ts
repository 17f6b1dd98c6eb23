/**
 * Concatenation along one axis, reference implementation.
 *
 * xs[t]:(outer, sizes[t], inner) -> y:(outer, total, inner), total = sum_t sizes[t]
 *
 *   y[o, start_t + k, i] = xs[t][o, k, i]        dxs[t][o, k, i] = dy[o, start_t + k, i]
 *
 * with start_t = sizes[0] + ... + sizes[t-1]. Both functions overwrite their outputs; a null
 * output in the backward is skipped.
 */
import type { ConcatGeometry } from '../../shape/concat.js';
import type { FloatArray } from '../../tensor.js';

export function concatForward(y: FloatArray, xs: readonly FloatArray[], g: ConcatGeometry): void {
  const { outer, inner, sizes, total } = g;
  let start = 0;
  for (let t = 0; t < xs.length; t++) {
    const block = sizes[t] * inner;
    for (let o = 0; o < outer; o++) {
      y.set(xs[t].subarray(o * block, (o + 1) * block), (o * total + start) * inner);
    }
    start += sizes[t];
  }
}

export function concatBackward(
  dxs: ReadonlyArray<FloatArray | null>,
  dy: FloatArray,
  g: ConcatGeometry,
): void {
  const { outer, inner, sizes, total } = g;
  let start = 0;
  for (let t = 0; t < dxs.length; t++) {
    const dx = dxs[t];
    const block = sizes[t] * inner;
    if (dx !== null) {
      for (let o = 0; o < outer; o++) {
        const from = (o * total + start) * inner;
        dx.set(dy.subarray(from, from + block), o * block);
      }
    }
    start += sizes[t];
  }
}
