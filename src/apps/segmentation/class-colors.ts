/**
 * The colour of each class in pictures of a segmentation (overlay.ts, the playground): class 0
 * (background) none; classes 1..10 the Tableau 10 colours; beyond, Pascal VOC's colour map (the
 * bits of k spread over r, g and b from the top bit down).
 */
import type { Rgb } from '../../viz/png.js';

const TABLEAU_10: readonly Rgb[] = [
  [31, 119, 180],
  [255, 127, 14],
  [44, 160, 44],
  [214, 39, 40],
  [148, 103, 189],
  [140, 86, 75],
  [227, 119, 194],
  [127, 127, 127],
  [188, 189, 34],
  [23, 190, 207],
];

/** The colour of class k (k >= 1); class 0 is background and is not tinted. */
export function classColor(k: number): Rgb {
  if (k >= 1 && k <= TABLEAU_10.length) return TABLEAU_10[k - 1];
  let r = 0;
  let g = 0;
  let b = 0;
  for (let j = 7, c = k; j >= 0; j--, c >>= 3) {
    r |= (c & 1) << j;
    g |= ((c >> 1) & 1) << j;
    b |= ((c >> 2) & 1) << j;
  }
  return [r, g, b];
}
