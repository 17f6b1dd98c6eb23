/**
 * Bilinear upsampling by exactly 2 on both axes with alignCorners false (the U-Net decoder's),
 * on fixed weights: no tap or weight tables. There the reference's sample coordinate of output
 * index i is max(i/2 - 1/4, 0), so with the index clamped to the axis, c(k) = min(max(k, 0),
 * size - 1), every output index blends two neighbours with weights 1/4 and 3/4:
 *
 *   out[2k]   = 1/4 in[c(k-1)] + 3/4 in[k]
 *   out[2k+1] = 3/4 in[k]      + 1/4 in[c(k+1)]
 *
 * (at the edges the two taps are the same pixel, weight 1, as in the reference). Separable:
 *
 *   x:(N,C,H,W) -> y:(N,C,2H,2W)
 *   h(r)     = the row x[r, :] widened as above, 2W floats
 *   y[2k]    = 1/4 h(c(k-1)) + 3/4 h(k),   y[2k+1] = 3/4 h(k) + 1/4 h(c(k+1))
 *
 * The backward is the transpose written as a gather: input index k receives output indices
 * 2k-1 and 2k+2 with weight 1/4 and 2k and 2k+1 with 3/4 (indices clamped to the output axis,
 * which gives the edges' weight 1), so, down the rows and then across:
 *
 *   v[j]     = 1/4 (dy[c(2r-1), j] + dy[c(2r+2), j]) + 3/4 (dy[2r, j] + dy[2r+1, j])
 *   dx[r, w] = 1/4 (v[c(2w-1)] + v[c(2w+2)]) + 3/4 (v[2w] + v[2w+1])
 *
 * Every output element is one fixed expression whichever thread computes it, so the results
 * are bitwise the same on any thread count. Both split the (plane, input row) pairs among the
 * threads: the forward writes output rows 2k and 2k+1 for each, keeping the three widened rows
 * h(k-1), h(k), h(k+1) in slots k % 3 so that a step down the rows widens one new row; the
 * backward writes dx row r, loading v only as the whole f32x4 vectors it stored (a load that
 * straddles two recent stores waits for them) and taking the shifted neighbours by shuffles.
 * Scratch per thread: three rows of 2W floats (forward); 2W + 8 floats (backward: v, with
 * v[-1] = v[0] and v[2W .. 2W+3] = v[2W-1] for the clamped indices).
 */
import { shareStart, UpsampleGeometry } from './lib/geometry';

const QUARTER: f32 = 0.25;
const THREE_QUARTERS: f32 = 0.75;

@inline
function at(base: usize, i: i32): usize {
  return base + <usize>i * 4;
}

/** 1/4 a + 3/4 b, lane by lane. */
@inline
function blend(a: v128, b: v128): v128 {
  return f32x4.add(f32x4.mul(f32x4.splat(QUARTER), a), f32x4.mul(f32x4.splat(THREE_QUARTERS), b));
}

/** out[2k], out[2k+1] from src[c(k-1)], src[k], src[c(k+1)]: one input pixel, scalar. */
@inline
function widenPixel(out: usize, src: usize, k: i32, W: i32): void {
  const before = load<f32>(at(src, max(k - 1, 0)));
  const here = THREE_QUARTERS * load<f32>(at(src, k));
  const after = load<f32>(at(src, min(k + 1, W - 1)));
  store<f32>(at(out, 2 * k), QUARTER * before + here);
  store<f32>(at(out, 2 * k + 1), here + QUARTER * after);
}

/**
 * out (2W floats) = the row src (W floats) widened: out[2k], out[2k+1] as above. The f32x4
 * stores land on the whole vectors of out that the blend down the rows loads.
 */
function widenRow(out: usize, src: usize, W: i32): void {
  const quarter = f32x4.splat(QUARTER);
  const threeQuarters = f32x4.splat(THREE_QUARTERS);
  let k = 0;
  for (; k + 4 <= W; k += 4) {
    const pixels = v128.load(at(src, k));
    const before = k > 0 ? v128.load(at(src, k - 1)) : i32x4.shuffle(pixels, pixels, 0, 0, 1, 2);
    const after = k + 4 < W ? v128.load(at(src, k + 1)) : i32x4.shuffle(pixels, pixels, 1, 2, 3, 3);
    const here = f32x4.mul(threeQuarters, pixels);
    const even = f32x4.add(f32x4.mul(quarter, before), here);
    const odd = f32x4.add(here, f32x4.mul(quarter, after));
    v128.store(at(out, 2 * k), i32x4.shuffle(even, odd, 0, 4, 1, 5));
    v128.store(at(out, 2 * k + 4), i32x4.shuffle(even, odd, 2, 6, 3, 7));
  }
  for (; k < W; k++) widenPixel(out, src, k, W);
}

export function upsampleBilinear2dX2Forward(
  tid: i32,
  threads: i32,
  geometry: usize,
  y: usize,
  x: usize,
  scratch: usize,
  scratchStride: i32,
): void {
  const g = changetype<UpsampleGeometry>(geometry);
  const H = g.H,
    W = g.W,
    OW = g.OW;
  const slots = scratch + <usize>(tid * scratchStride);
  const slotBytes = <usize>(((OW + 3) & ~3) * 4);
  const items = g.N * g.C * H;
  const start = shareStart(items, tid, threads);
  const end = shareStart(items, tid + 1, threads);
  for (let item = start; item < end; item++) {
    const k = item % H;
    const xPlane = x + <usize>((item - k) * W) * 4;
    const first = item == start || k == 0 ? max(k - 1, 0) : k + 1;
    for (let r = first; r <= min(k + 1, H - 1); r++) {
      widenRow(slots + <usize>(r % 3) * slotBytes, xPlane + <usize>(r * W) * 4, W);
    }
    const above = slots + <usize>(max(k - 1, 0) % 3) * slotBytes;
    const here = slots + <usize>(k % 3) * slotBytes;
    const below = slots + <usize>(min(k + 1, H - 1) % 3) * slotBytes;
    const even = y + <usize>(2 * item) * <usize>OW * 4;
    const odd = even + <usize>OW * 4;
    let j = 0;
    for (; j + 4 <= OW; j += 4) {
      const h = f32x4.mul(f32x4.splat(THREE_QUARTERS), v128.load(at(here, j)));
      const a = f32x4.mul(f32x4.splat(QUARTER), v128.load(at(above, j)));
      const b = f32x4.mul(f32x4.splat(QUARTER), v128.load(at(below, j)));
      v128.store(at(even, j), f32x4.add(a, h));
      v128.store(at(odd, j), f32x4.add(h, b));
    }
    for (; j < OW; j++) {
      const h = THREE_QUARTERS * load<f32>(at(here, j));
      store<f32>(at(even, j), QUARTER * load<f32>(at(above, j)) + h);
      store<f32>(at(odd, j), h + QUARTER * load<f32>(at(below, j)));
    }
  }
}

/** dx[w] = 1/4 (v[2w-1] + v[2w+2]) + 3/4 (v[2w] + v[2w+1]), scalar. */
@inline
function narrowPixel(out: usize, v: usize, w: i32): void {
  const outer = load<f32>(at(v, 2 * w - 1)) + load<f32>(at(v, 2 * w + 2));
  const inner = load<f32>(at(v, 2 * w)) + load<f32>(at(v, 2 * w + 1));
  store<f32>(at(out, w), QUARTER * outer + THREE_QUARTERS * inner);
}

export function upsampleBilinear2dX2Backward(
  tid: i32,
  threads: i32,
  geometry: usize,
  dx: usize,
  dy: usize,
  scratch: usize,
  scratchStride: i32,
): void {
  const g = changetype<UpsampleGeometry>(geometry);
  const H = g.H,
    W = g.W,
    OH = g.OH,
    OW = g.OW;
  const v = scratch + <usize>(tid * scratchStride) + 16; // v[-4] .. v[OW+3]
  const items = g.N * g.C * H;
  const end = shareStart(items, tid + 1, threads);
  for (let item = shareStart(items, tid, threads); item < end; item++) {
    const r = item % H;
    const dyPlane = dy + <usize>((item - r) * 2 * OW) * 4;
    const rowA = dyPlane + <usize>(max(2 * r - 1, 0) * OW) * 4;
    const rowB = dyPlane + <usize>(2 * r * OW) * 4;
    const rowC = rowB + <usize>OW * 4;
    const rowD = dyPlane + <usize>(min(2 * r + 2, OH - 1) * OW) * 4;
    let j = 0;
    for (; j + 4 <= OW; j += 4) {
      const outer = f32x4.add(v128.load(at(rowA, j)), v128.load(at(rowD, j)));
      const inner = f32x4.add(v128.load(at(rowB, j)), v128.load(at(rowC, j)));
      v128.store(at(v, j), blend(outer, inner));
    }
    for (; j < OW; j++) {
      const outer = load<f32>(at(rowA, j)) + load<f32>(at(rowD, j));
      const inner = load<f32>(at(rowB, j)) + load<f32>(at(rowC, j));
      store<f32>(at(v, j), QUARTER * outer + THREE_QUARTERS * inner);
    }
    store<f32>(at(v, -1), load<f32>(v));
    v128.store(at(v, OW), f32x4.splat(load<f32>(at(v, OW - 1))));
    const out = dx + <usize>(item * W) * 4;
    let w = 0;
    let before = f32x4.splat(load<f32>(v)); // lane 3: v[2w - 1]
    let m0 = v128.load(v);
    for (; w + 4 <= W; w += 4) {
      const m1 = v128.load(at(v, 2 * w + 4));
      const next = v128.load(at(v, 2 * w + 8));
      const even = i32x4.shuffle(m0, m1, 0, 2, 4, 6); // v[2w + 2m]
      const odd = i32x4.shuffle(m0, m1, 1, 3, 5, 7); // v[2w + 2m + 1]
      const sides = f32x4.add(
        i32x4.shuffle(before, odd, 3, 4, 5, 6), // v[2w + 2m - 1]
        i32x4.shuffle(even, next, 1, 2, 3, 4), // v[2w + 2m + 2]
      );
      v128.store(at(out, w), blend(sides, f32x4.add(even, odd)));
      before = odd;
      m0 = next;
    }
    for (; w < W; w++) narrowPixel(out, v, w);
  }
}
