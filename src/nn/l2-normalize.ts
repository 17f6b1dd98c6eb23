/**
 * L2Normalize (PyTorch's F.normalize as a module): scales each fibre along an axis to unit
 * length, the last layer of an embedding network, so that a dot product is a cosine similarity.
 * Calls the l2Normalize op (src/ops/l2-normalize.ts).
 *
 *   y = x / max(||x||_2, eps)
 */
import { l2Normalize } from '../ops/l2-normalize.js';
import { normalizeAxis } from '../shape/axis.js';
import type { Shape, Tensor } from '../tensor.js';
import { Layer } from './module.js';

/**
 * Args:
 *   axis: the axis whose fibres get unit length; default 1 (the features of (N,D)).
 *   eps: the smallest norm divided by; default 1e-12.
 *
 * Shape:
 *   input (*) -> output (*), the same shape.
 */
export class L2Normalize extends Layer {
  readonly axis: number;
  readonly eps: number;

  constructor(axis = 1, eps = 1e-12) {
    super();
    if (!Number.isInteger(axis)) {
      throw new RangeError(`L2Normalize: axis must be an integer, got ${axis}`);
    }
    if (!(eps > 0 && Number.isFinite(eps))) {
      throw new RangeError(`L2Normalize: eps must be a positive number, got ${eps}`);
    }
    this.axis = axis;
    this.eps = eps;
  }

  forward(x: Tensor): Tensor {
    return l2Normalize(x, { axis: this.axis, eps: this.eps });
  }

  outputShape(inputShape: Shape): Shape {
    normalizeAxis(this.axis, inputShape.length, 'L2Normalize');
    return [...inputShape];
  }

  protected override extraRepr(): string {
    return `axis=${this.axis}`;
  }
}
