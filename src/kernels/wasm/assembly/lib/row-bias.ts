/**
 * A fully connected layer's bias, added to its product's row after the sums (linear.ts's
 * addRowBias, linear-few-rows.ts): the same operation per output on every path, so one image's
 * outputs have the same bits as its row of a batch.
 */

/** row[j] += b[j] for from <= j < to. */
@inline
export function addBias(row: usize, b: usize, from: i32, to: i32): void {
  for (let j = from; j < to; j++) {
    const at = row + <usize>j * 4;
    store<f32>(at, load<f32>(at) + load<f32>(b + <usize>j * 4));
  }
}
