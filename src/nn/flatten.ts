/**
 * Flatten (PyTorch's nn.Flatten), calling the flatten op (src/ops/reshape.ts): merges axes
 * startDim..endDim into one, a view of the same data. The defaults turn (N,C,H,W) into
 * (N,C*H*W), the bridge from convolutions to fully connected layers.
 */
import { flatten } from '../ops/reshape.js';
import { flattenShape } from '../shape/reshape.js';
import type { Shape, Tensor } from '../tensor.js';
import { Layer } from './module.js';

/**
 * Merges a range of axes into one.
 *
 * Args:
 *   startDim: the first axis to merge; default 1 (keep the batch axis).
 *   endDim: the last axis to merge, negative from the end; default -1.
 *
 * Shape:
 *   input (N, d1, ..., dk) -> output (N, d1*...*dk) with the defaults.
 *
 * Example:
 *   new Flatten().forward(Tensor.zeros([8, 64, 7, 7])).shape; // [8, 3136]
 */
export class Flatten extends Layer {
  readonly startDim: number;
  readonly endDim: number;

  constructor(startDim = 1, endDim = -1) {
    super();
    for (const [name, dim] of [
      ['startDim', startDim],
      ['endDim', endDim],
    ] as const) {
      if (!Number.isInteger(dim)) {
        throw new RangeError(`Flatten: ${name} must be an integer, got ${dim}`);
      }
    }
    this.startDim = startDim;
    this.endDim = endDim;
  }

  forward(x: Tensor): Tensor {
    return flatten(x, this.startDim, this.endDim);
  }

  outputShape(inputShape: Shape): Shape {
    return flattenShape(inputShape, this.startDim, this.endDim);
  }

  protected override extraRepr(): string {
    return `startDim=${this.startDim}, endDim=${this.endDim}`;
  }
}
