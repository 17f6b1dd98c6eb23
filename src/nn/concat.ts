/**
 * Concat: joins tensors along one axis (PyTorch's torch.cat as a module), by default the
 * channels of (N,C,H,W) feature maps: a U-Net's skip connection. Calls the concat op
 * (src/ops/concat.ts), whose backward hands each input its slice of dy.
 *
 *   xs[t]:(N, C_t, H, W) -> y:(N, C_0 + C_1 + ..., H, W)
 */
import { concat } from '../ops/concat.js';
import { concatGeometry } from '../shape/concat.js';
import { ShapeError } from '../shape/shape-error.js';
import type { Shape, Tensor } from '../tensor.js';
import { MergeLayer } from './merge-layer.js';

/**
 * Concatenates its inputs along `axis`.
 *
 * Args:
 *   axis: the axis to join along, counted with the batch axis (1: channels); default 1.
 *
 * Shape:
 *   inputs: two or more tensors equal in every axis but `axis` -> the sum along it.
 *
 * Example:
 *   new Concat().forward(skip, up).shape; // (N, C_skip + C_up, H, W)
 */
export class Concat extends MergeLayer {
  readonly axis: number;

  constructor(axis = 1) {
    super();
    if (!Number.isInteger(axis) || axis < 1) {
      throw new RangeError(
        `Concat: axis must be an integer >= 1 (not the batch axis), got ${axis}`,
      );
    }
    this.axis = axis;
  }

  forward(...xs: Tensor[]): Tensor {
    this.outputShape(xs.map((x) => x.shape));
    return concat(xs, this.axis);
  }

  outputShape(inputShapes: readonly Shape[]): Shape {
    if (inputShapes.length < 2) {
      throw new ShapeError(`Concat: needs at least 2 inputs, got ${inputShapes.length}`);
    }
    return [...concatGeometry(inputShapes, this.axis, 'Concat').shape];
  }

  protected override extraRepr(): string {
    return `axis=${this.axis}`;
  }
}
