/**
 * AdaptiveAvgPool2d: average pooling to a given output size (PyTorch's nn.AdaptiveAvgPool2d),
 * calling the adaptiveAvgPool2d op (src/ops/adaptive-avg-pool2d.ts). Output pixel (i,j)
 * averages the input rows floor(i*H/OH) .. ceil((i+1)*H/OH)-1 and likewise the columns, so the
 * same layer takes inputs of any size.
 */
import { adaptiveAvgPool2d } from '../ops/adaptive-avg-pool2d.js';
import { adaptivePool2dGeometry, adaptivePool2dSize } from '../shape/adaptive-pool2d.js';
import { formatPair, type Pair } from '../shape/shape-error.js';
import type { Shape, Tensor } from '../tensor.js';
import { Layer } from './module.js';

/**
 * Applies adaptive 2-D average pooling over an (N,C,H,W) input.
 *
 * Args:
 *   outputSize: (OH, OW), or one number for both. 1 is global average pooling.
 *
 * Shape:
 *   input (N, C, H, W) -> output (N, C, OH, OW), whatever H and W are.
 *
 * Example:
 *   const pool = new AdaptiveAvgPool2d([2, 3]);
 *   pool.forward(Tensor.zeros([4, 16, 7, 9])).shape; // [4, 16, 2, 3]
 */
export class AdaptiveAvgPool2d extends Layer {
  readonly outputSize: [number, number];

  constructor(outputSize: Pair) {
    super();
    this.outputSize = adaptivePool2dSize(outputSize, 'AdaptiveAvgPool2d');
  }

  forward(x: Tensor): Tensor {
    return adaptiveAvgPool2d(x, this.outputSize);
  }

  outputShape(inputShape: Shape): Shape {
    const g = adaptivePool2dGeometry(inputShape, this.outputSize);
    return [g.N, g.C, g.OH, g.OW];
  }

  protected override extraRepr(): string {
    return `outputSize=${formatPair(this.outputSize)}`;
  }
}
