/**
 * Nearest-neighbour upsampling, threaded over rows. Same contract as the reference
 * (src/kernels/reference/upsample-nearest2d.ts):
 *
 *   x:(N,C,H,W) -> y:(N,C,OH,OW)    y[n,c,i,j] = x[n,c, rowSource[i], colSource[j]]
 *
 * The host computes the index maps (src/shape/upsample-taps.ts). The source index never
 * decreases, so the outputs copied from input row h are the run rowStart[h] .. rowStart[h+1]
 * (likewise columns), and the backward pass gathers each input pixel's copies in the order the
 * reference adds them, rows then columns, starting from 0:
 *
 *   dx[n,c,h,w] = sum_{i in rows(h)} sum_{j in cols(w)} dy[n,c,i,j]
 *
 * so both directions equal the reference on float32 bitwise. `pairs` says that output column j
 * reads input column j/2 and OW = 2W (scale factor 2): those rows run on f32x4 shuffles.
 * Every output row is written by one thread.
 */
import { shareStart, UpsampleGeometry } from './lib/geometry';

@inline
function index(table: usize, i: i32): i32 {
  return load<i32>(table + <usize>i * 4);
}

/** One output row: out[j] = src[colSource[j]]. */
@inline
function gatherRow(out: usize, src: usize, colSource: usize, OW: i32, pairs: bool): void {
  let j = 0;
  if (pairs) {
    for (; j + 8 <= OW; j += 8) {
      const v = v128.load(src + <usize>(j >> 1) * 4);
      v128.store(out + <usize>j * 4, i32x4.shuffle(v, v, 0, 0, 1, 1));
      v128.store(out + <usize>j * 4, i32x4.shuffle(v, v, 2, 2, 3, 3), 16);
    }
  }
  for (; j < OW; j++) {
    store<f32>(out + <usize>j * 4, load<f32>(src + <usize>index(colSource, j) * 4));
  }
}

export function upsampleNearest2dForward(
  tid: i32,
  threads: i32,
  geometry: usize,
  y: usize,
  x: usize,
  rowSource: usize,
  colSource: usize,
  pairs: i32,
): void {
  const g = changetype<UpsampleGeometry>(geometry);
  const rows = g.N * g.C * g.OH;
  const start = shareStart(rows, tid, threads);
  const end = shareStart(rows, tid + 1, threads);
  const rowBytes = <usize>g.OW * 4;
  for (let item = start; item < end; item++) {
    const plane = item / g.OH;
    const i = item % g.OH;
    const out = y + <usize>item * rowBytes;
    const h = index(rowSource, i);
    if (item > start && i > 0 && index(rowSource, i - 1) == h) {
      memory.copy(out, out - rowBytes, rowBytes); // the same input row as this thread's last
    } else {
      const src = x + <usize>((plane * g.H + h) * g.W) * 4;
      gatherRow(out, src, colSource, g.OW, pairs != 0);
    }
  }
}

export function upsampleNearest2dBackward(
  tid: i32,
  threads: i32,
  geometry: usize,
  dx: usize,
  dy: usize,
  rowStart: usize,
  colStart: usize,
  pairs: i32,
): void {
  const g = changetype<UpsampleGeometry>(geometry);
  const rows = g.N * g.C * g.H;
  const end = shareStart(rows, tid + 1, threads);
  for (let item = shareStart(rows, tid, threads); item < end; item++) {
    const plane = item / g.H;
    const h = item % g.H;
    const i0 = index(rowStart, h);
    const i1 = index(rowStart, h + 1);
    const out = dx + <usize>(item * g.W) * 4;
    const dyPlane = dy + <usize>(plane * g.OH * g.OW) * 4;
    let w = 0;
    if (pairs != 0) {
      for (; w + 4 <= g.W; w += 4) {
        let sum = f32x4.splat(0);
        for (let i = i0; i < i1; i++) {
          const at = dyPlane + <usize>(i * g.OW + 2 * w) * 4;
          const v0 = v128.load(at);
          const v1 = v128.load(at, 16);
          sum = f32x4.add(sum, i32x4.shuffle(v0, v1, 0, 2, 4, 6));
          sum = f32x4.add(sum, i32x4.shuffle(v0, v1, 1, 3, 5, 7));
        }
        v128.store(out + <usize>w * 4, sum);
      }
    }
    for (; w < g.W; w++) {
      const j0 = index(colStart, w);
      const j1 = index(colStart, w + 1);
      let sum: f32 = 0;
      for (let i = i0; i < i1; i++) {
        const row = dyPlane + <usize>(i * g.OW) * 4;
        for (let j = j0; j < j1; j++) sum += load<f32>(row + <usize>j * 4);
      }
      store<f32>(out + <usize>w * 4, sum);
    }
  }
}
