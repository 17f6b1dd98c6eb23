/**
 * GlobalAvgPool2d: the mean of each channel's whole feature map (AdaptiveAvgPool2d(1), or
 * Keras' GlobalAveragePooling2D with keepdims), calling the globalAvgPool2d op
 * (src/ops/global-avg-pool2d.ts). The usual bridge from convolutions to a classifier head that
 * works for any input size.
 */
import { globalAvgPool2d } from '../ops/global-avg-pool2d.js';
import { globalAvgPool2dGeometry } from '../shape/pool2d.js';
import type { Shape, Tensor } from '../tensor.js';
import { Layer } from './module.js';

/**
 * Averages each channel over its height and width.
 *
 * Shape:
 *   input (N, C, H, W) -> output (N, C, 1, 1); follow it with Flatten for (N, C).
 *
 * Example:
 *   new GlobalAvgPool2d().forward(Tensor.zeros([4, 64, 7, 7])).shape; // [4, 64, 1, 1]
 */
export class GlobalAvgPool2d extends Layer {
  forward(x: Tensor): Tensor {
    return globalAvgPool2d(x);
  }

  outputShape(inputShape: Shape): Shape {
    const g = globalAvgPool2dGeometry(inputShape);
    return [g.N, g.C, 1, 1];
  }
}
