/**
 * Add: the elementwise sum of two or more tensors of one shape, the join of a residual
 * connection (y = x + F(x)). It calls the add op (src/ops/add.ts) pairwise, left to right.
 *
 *   y = x_0 + x_1 + ... + x_{k-1}        dx_t = dy for every t
 */
import { add } from '../ops/add.js';
import { requireSameShape, ShapeError } from '../shape/shape-error.js';
import type { Shape, Tensor } from '../tensor.js';
import { MergeLayer } from './merge-layer.js';

/**
 * Sums its inputs.
 *
 * Shape:
 *   inputs: two or more tensors of one shape (*) -> output (*). No broadcasting: a graph that
 *   adds tensors of different shapes is refused by name.
 *
 * Example:
 *   new Add().forward(x, conv.forward(x));   // a residual connection
 */
export class Add extends MergeLayer {
  forward(...xs: Tensor[]): Tensor {
    this.outputShape(xs.map((x) => x.shape));
    let y = xs[0];
    for (const x of xs.slice(1)) y = add(y, x);
    return y;
  }

  outputShape(inputShapes: readonly Shape[]): Shape {
    if (inputShapes.length < 2) {
      throw new ShapeError(`Add: needs at least 2 inputs, got ${inputShapes.length}`);
    }
    inputShapes.slice(1).forEach((shape, i) => {
      requireSameShape(inputShapes[0], shape, 'Add', 'input 0', `input ${i + 1}`);
    });
    return [...inputShapes[0]];
  }
}
