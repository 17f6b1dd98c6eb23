/**
 * Softmax (PyTorch's nn.Softmax): class scores to probabilities along one axis, calling the
 * softmax op (src/ops/softmax.ts). Training uses crossEntropy on the logits instead, which is
 * exact where softmax underflows; this layer is for a model that should output probabilities
 * (an exported graph, a segmenter's per-pixel class probabilities).
 *
 *   y[k] = exp(x[k] - max x) / sum_j exp(x[j] - max x)
 */
import { softmax } from '../ops/softmax.js';
import { normalizeAxis } from '../shape/axis.js';
import type { Shape, Tensor } from '../tensor.js';
import { Layer } from './module.js';

/**
 * Args:
 *   axis: the axis the probabilities sum to 1 along; default 1 (classes of (N,K) or (N,K,H,W)).
 *
 * Shape:
 *   input (*) -> output (*), the same shape.
 */
export class Softmax extends Layer {
  readonly axis: number;

  constructor(axis = 1) {
    super();
    if (!Number.isInteger(axis))
      throw new RangeError(`Softmax: axis must be an integer, got ${axis}`);
    this.axis = axis;
  }

  forward(x: Tensor): Tensor {
    return softmax(x, this.axis);
  }

  outputShape(inputShape: Shape): Shape {
    normalizeAxis(this.axis, inputShape.length, 'Softmax');
    return [...inputShape];
  }

  protected override extraRepr(): string {
    return `axis=${this.axis}`;
  }
}
