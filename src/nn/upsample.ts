/**
 * Upsample (PyTorch's nn.Upsample): nearest-neighbour or bilinear resizing of (N,C,H,W) maps
 * to a given size or by a scale factor, calling the upsampleNearest2d and upsampleBilinear2d
 * ops (src/ops/). Used by decoders and segmentation heads; it may also shrink.
 */
import { upsampleBilinear2d } from '../ops/upsample-bilinear2d.js';
import { upsampleNearest2d } from '../ops/upsample-nearest2d.js';
import { formatPair, type Pair } from '../shape/shape-error.js';
import {
  upsample2dGeometry,
  upsample2dOutputShape,
  upsample2dTarget,
  type Upsample2dTarget,
} from '../shape/upsample2d.js';
import type { Shape, Tensor } from '../tensor.js';
import { Layer } from './module.js';

export type UpsampleMode = 'nearest' | 'bilinear';

export interface UpsampleLayerOptions {
  /** The output size (OH, OW). Give this or scaleFactor. */
  size?: Pair;
  /** OH = floor(H * scaleFactor), per axis or one for both. Give this or size. */
  scaleFactor?: number | readonly [number, number];
  /** Default 'nearest'. */
  mode?: UpsampleMode;
  /**
   * Bilinear only: align the corner pixels of input and output (src = i*(H-1)/(OH-1)) instead
   * of their centres (the default, false).
   */
  alignCorners?: boolean;
}

/**
 * Resizes the spatial axes of an (N,C,H,W) input.
 *
 * Args:
 *   options: exactly one of size and scaleFactor; mode ('nearest' or 'bilinear');
 *     alignCorners (bilinear only, default false).
 *
 * Shape:
 *   input (N, C, H, W) -> output (N, C, OH, OW), where OH = size[0], or
 *   OH = floor(H * scaleFactor[0]) (likewise OW).
 *
 * Example:
 *   const up = new Upsample({ scaleFactor: 2, mode: 'bilinear' });
 *   up.forward(Tensor.zeros([1, 8, 7, 7])).shape; // [1, 8, 14, 14]
 */
export class Upsample extends Layer {
  readonly size: [number, number] | null;
  readonly scaleFactor: readonly [number, number] | null;
  readonly mode: UpsampleMode;
  readonly alignCorners: boolean;
  /** What the ops take: { size } or { scaleFactor }. */
  private readonly target: Upsample2dTarget;

  constructor({ size, scaleFactor, mode = 'nearest', alignCorners }: UpsampleLayerOptions) {
    super();
    const layer = 'Upsample';
    if (mode !== 'nearest' && mode !== 'bilinear') {
      throw new RangeError(`${layer}: mode must be 'nearest' or 'bilinear', got '${String(mode)}'`);
    }
    if (mode === 'nearest' && alignCorners !== undefined) {
      throw new RangeError(`${layer}: alignCorners only applies to mode 'bilinear'`);
    }
    this.target = upsample2dTarget({ size, scaleFactor }, layer);
    this.size = this.target.size ?? null;
    this.scaleFactor = this.target.scaleFactor ?? null;
    this.mode = mode;
    this.alignCorners = alignCorners ?? false;
  }

  forward(x: Tensor): Tensor {
    if (this.mode === 'nearest') return upsampleNearest2d(x, this.target);
    return upsampleBilinear2d(x, { ...this.target, alignCorners: this.alignCorners });
  }

  outputShape(inputShape: Shape): Shape {
    const op = this.mode === 'nearest' ? 'upsampleNearest2d' : 'upsampleBilinear2d';
    return upsample2dOutputShape(upsample2dGeometry(inputShape, this.target, op));
  }

  protected override extraRepr(): string {
    const target =
      this.size !== null
        ? `size=${formatPair(this.size)}`
        : `scaleFactor=(${(this.scaleFactor ?? []).join(',')})`;
    const corners = this.alignCorners ? ', alignCorners=true' : '';
    return `${target}, mode='${this.mode}'${corners}`;
  }
}
