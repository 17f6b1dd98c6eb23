/**
 * Whether two blocks of the kernels' memory hold the same bytes (1) or not (0), 16 at a time:
 * how the host checks that weights are unchanged since it kept something made from them
 * (src/kernels/wasm/weight-cache.ts), bitwise, NaN payloads included.
 */
export function bytesEqual(a: usize, b: usize, bytes: i32): i32 {
  let i = 0;
  for (; i + 16 <= bytes; i += 16) {
    const same = i8x16.eq(v128.load(a + <usize>i), v128.load(b + <usize>i));
    if (!i8x16.all_true(same)) return 0;
  }
  for (; i < bytes; i++) {
    if (load<u8>(a + <usize>i) != load<u8>(b + <usize>i)) return 0;
  }
  return 1;
}
