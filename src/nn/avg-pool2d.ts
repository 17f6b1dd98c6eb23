/**
 * AvgPool2d: average pooling (PyTorch's nn.AvgPool2d), calling the avgPool2d op
 * (src/ops/avg-pool2d.ts). Each output pixel is the mean of its window; the gradient is spread
 * evenly over the window.
 */
import { avgPool2d } from '../ops/avg-pool2d.js';
import { pool2dArgs, pool2dGeometry, pool2dOutputShape } from '../shape/pool2d.js';
import { formatPair, type Pair } from '../shape/shape-error.js';
import type { Shape, Tensor } from '../tensor.js';
import { Layer } from './module.js';

export interface AvgPool2dLayerOptions {
  /** Step between windows; default: the kernel size (windows that do not overlap). */
  stride?: Pair;
  /** Zero padding on each side, at most half the kernel; default 0. */
  padding?: Pair;
  /** Divide by KH*KW, padding included (true, the default, as in PyTorch), or by the window's real inputs (false). */
  countIncludePad?: boolean;
}

/**
 * Applies 2-D average pooling over an (N,C,H,W) input.
 *
 * Args:
 *   kernelSize: the window, KH and KW (one number for both or [KH, KW]).
 *   options: stride (default: the kernel size), padding (default 0, at most half the kernel)
 *     and countIncludePad (default true).
 *
 * Shape:
 *   input (N, C, H, W) -> output (N, C, OH, OW), where
 *     OH = floor((H + 2*padding[0] - KH) / stride[0]) + 1
 *     OW = floor((W + 2*padding[1] - KW) / stride[1]) + 1
 *
 * Example:
 *   new AvgPool2d(2).forward(Tensor.zeros([8, 6, 28, 28])).shape; // [8, 6, 14, 14]
 */
export class AvgPool2d extends Layer {
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number];
  readonly countIncludePad: boolean;

  constructor(
    kernelSize: Pair,
    { stride, padding = 0, countIncludePad = true }: AvgPool2dLayerOptions = {},
  ) {
    super();
    const args = pool2dArgs({ kernelSize, stride, padding }, 'AvgPool2d');
    this.kernelSize = args.kernelSize;
    this.stride = args.stride;
    this.padding = args.padding;
    this.countIncludePad = countIncludePad;
  }

  forward(x: Tensor): Tensor {
    const { kernelSize, stride, padding, countIncludePad } = this;
    return avgPool2d(x, { kernelSize, stride, padding, countIncludePad });
  }

  outputShape(inputShape: Shape): Shape {
    const { kernelSize, stride, padding } = this;
    return pool2dOutputShape(
      pool2dGeometry(inputShape, { kernelSize, stride, padding }, 'avgPool2d'),
    );
  }

  protected override extraRepr(): string {
    const parts = [
      `kernelSize=${formatPair(this.kernelSize)}`,
      `stride=${formatPair(this.stride)}`,
    ];
    if (this.padding.some((p) => p !== 0)) parts.push(`padding=${formatPair(this.padding)}`);
    if (!this.countIncludePad) parts.push('countIncludePad=false');
    return parts.join(', ');
  }
}
