/**
 * MaxPool2d: max pooling (PyTorch's nn.MaxPool2d), calling the maxPool2d op
 * (src/ops/max-pool2d.ts). Each output pixel is the largest input in its window; the gradient
 * goes to that input alone (the first one on ties).
 */
import { maxPool2d } from '../ops/max-pool2d.js';
import {
  pool2dArgs,
  pool2dGeometry,
  pool2dOutputShape,
  type Pool2dOptions,
} from '../shape/pool2d.js';
import { formatPair, type Pair } from '../shape/shape-error.js';
import type { Shape, Tensor } from '../tensor.js';
import { Layer } from './module.js';

export interface MaxPool2dLayerOptions {
  /** Step between windows; default: the kernel size (windows that do not overlap). */
  stride?: Pair;
  /** Implicit -infinity padding on each side, at most half the kernel; default 0. */
  padding?: Pair;
}

/**
 * Applies 2-D max pooling over an (N,C,H,W) input.
 *
 * Args:
 *   kernelSize: the window, KH and KW (one number for both or [KH, KW]).
 *   options: stride (default: the kernel size) and padding (default 0, at most half the
 *     kernel; padding never wins a max).
 *
 * Shape:
 *   input (N, C, H, W) -> output (N, C, OH, OW), where
 *     OH = floor((H + 2*padding[0] - KH) / stride[0]) + 1
 *     OW = floor((W + 2*padding[1] - KW) / stride[1]) + 1
 *
 * Example:
 *   new MaxPool2d(2).forward(Tensor.zeros([8, 32, 28, 28])).shape; // [8, 32, 14, 14]
 */
export class MaxPool2d extends Layer {
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number];

  constructor(kernelSize: Pair, { stride, padding = 0 }: MaxPool2dLayerOptions = {}) {
    super();
    const args = pool2dArgs({ kernelSize, stride, padding }, 'MaxPool2d');
    this.kernelSize = args.kernelSize;
    this.stride = args.stride;
    this.padding = args.padding;
  }

  private options(): Pool2dOptions {
    return { kernelSize: this.kernelSize, stride: this.stride, padding: this.padding };
  }

  forward(x: Tensor): Tensor {
    return maxPool2d(x, this.options());
  }

  outputShape(inputShape: Shape): Shape {
    return pool2dOutputShape(pool2dGeometry(inputShape, this.options(), 'maxPool2d'));
  }

  protected override extraRepr(): string {
    const parts = [
      `kernelSize=${formatPair(this.kernelSize)}`,
      `stride=${formatPair(this.stride)}`,
    ];
    if (this.padding.some((p) => p !== 0)) parts.push(`padding=${formatPair(this.padding)}`);
    return parts.join(', ');
  }
}
