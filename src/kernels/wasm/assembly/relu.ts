/**
 * ReLU, threaded over contiguous ranges: y = max(0, x), dx = dy * [x > 0]. Ranges start on
 * multiples of 4 elements so the f32x4 body stays aligned with the scalar tail at the end.
 */
import { shareStart } from './lib/geometry';

@inline
function range(count: i32, tid: i32, threads: i32, first: bool): i32 {
  const chunks = (count + 3) >> 2;
  return min(count, shareStart(chunks, first ? tid : tid + 1, threads) << 2);
}

export function reluForward(tid: i32, threads: i32, y: usize, x: usize, count: i32): void {
  const end = range(count, tid, threads, false);
  let i = range(count, tid, threads, true);
  const zero = f32x4.splat(0);
  for (; i + 4 <= end; i += 4) {
    // f32x4.max(x, 0) keeps NaN (as the reference does) and maps -0 to 0.
    v128.store(y + <usize>i * 4, f32x4.max(v128.load(x + <usize>i * 4), zero));
  }
  for (; i < end; i++) {
    const v = load<f32>(x + <usize>i * 4);
    store<f32>(y + <usize>i * 4, v > 0 || v != v ? v : 0);
  }
}

export function reluBackward(
  tid: i32,
  threads: i32,
  dx: usize,
  dy: usize,
  x: usize,
  count: i32,
): void {
  const end = range(count, tid, threads, false);
  let i = range(count, tid, threads, true);
  const zero = f32x4.splat(0);
  for (; i + 4 <= end; i += 4) {
    const mask = f32x4.gt(v128.load(x + <usize>i * 4), zero);
    v128.store(dx + <usize>i * 4, v128.and(v128.load(dy + <usize>i * 4), mask));
  }
  for (; i < end; i++) {
    store<f32>(
      dx + <usize>i * 4,
      load<f32>(x + <usize>i * 4) > 0 ? load<f32>(dy + <usize>i * 4) : 0,
    );
  }
}
