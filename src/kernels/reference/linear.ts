/**
 * Fully connected (affine) layer, reference implementation. Weights are stored (OUT,IN), as
 * in PyTorch's nn.Linear, so a row of w is one output unit's weights.
 *
 * x:(N,IN) w:(OUT,IN) b:(OUT) -> y:(N,OUT)
 *
 *   y[n,o]  = b[o] + sum_k x[n,k] * w[o,k]       (y = x w^T + b)
 *   dx[n,k] = sum_o dy[n,o] * w[o,k]             (dx = dy w)
 *   dw[o,k] = sum_n dy[n,o] * x[n,k]             (dw = dy^T x)
 *   db[o]   = sum_n dy[n,o]
 *
 * An image batch (N,C,H,W) is flattened to (N, C*H*W) first. Every function writes
 * (overwrites) its first argument.
 */
import type { LinearGeometry } from '../../shape/linear.js';
import type { FloatArray } from '../../tensor.js';

export function linearForward(
  y: FloatArray,
  x: FloatArray,
  w: FloatArray,
  b: FloatArray | null,
  g: LinearGeometry,
): void {
  const { N, IN, OUT } = g;
  for (let n = 0; n < N; n++) {
    for (let o = 0; o < OUT; o++) {
      let sum = b === null ? 0 : b[o];
      for (let k = 0; k < IN; k++) sum += x[n * IN + k] * w[o * IN + k];
      y[n * OUT + o] = sum;
    }
  }
}

function linearBackwardInput(
  dx: FloatArray,
  dy: FloatArray,
  w: FloatArray,
  g: LinearGeometry,
): void {
  const { N, IN, OUT } = g;
  for (let n = 0; n < N; n++) {
    for (let k = 0; k < IN; k++) {
      let sum = 0;
      for (let o = 0; o < OUT; o++) sum += dy[n * OUT + o] * w[o * IN + k];
      dx[n * IN + k] = sum;
    }
  }
}

function linearBackwardWeight(
  dw: FloatArray,
  dy: FloatArray,
  x: FloatArray,
  g: LinearGeometry,
): void {
  const { N, IN, OUT } = g;
  for (let o = 0; o < OUT; o++) {
    for (let k = 0; k < IN; k++) {
      let sum = 0;
      for (let n = 0; n < N; n++) sum += dy[n * OUT + o] * x[n * IN + k];
      dw[o * IN + k] = sum;
    }
  }
}

function linearBackwardBias(db: FloatArray, dy: FloatArray, g: LinearGeometry): void {
  const { N, OUT } = g;
  for (let o = 0; o < OUT; o++) {
    let sum = 0;
    for (let n = 0; n < N; n++) sum += dy[n * OUT + o];
    db[o] = sum;
  }
}

/** Whichever of dx, dw, db are not null, from one dy (the three kernels above, in turn). */
export function linearBackward(
  dx: FloatArray | null,
  dw: FloatArray | null,
  db: FloatArray | null,
  dy: FloatArray,
  x: FloatArray,
  w: FloatArray,
  g: LinearGeometry,
): void {
  if (dx !== null) linearBackwardInput(dx, dy, w, g);
  if (dw !== null) linearBackwardWeight(dw, dy, x, g);
  if (db !== null) linearBackwardBias(db, dy, g);
}
