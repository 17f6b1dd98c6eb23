/**
 * Linear: a fully connected layer (PyTorch's nn.Linear), calling the linear op
 * (src/ops/linear.ts):
 *
 *   y = x w^T + b        x:(..., IN) w:(OUT,IN) b:(OUT) -> y:(..., OUT)
 */
import { linear } from '../ops/linear.js';
import { linearGeometry, linearInput } from '../shape/linear.js';
import { checkInteger } from '../shape/shape-error.js';
import { Tensor, type Shape } from '../tensor.js';
import { defaultLayerInit, getDefaultRng, type ParameterOptions } from './init.js';
import { Layer } from './module.js';

export interface LinearLayerOptions extends ParameterOptions {
  /** Learn a bias per output; default true. */
  bias?: boolean;
}

/**
 * Applies y = x w^T + b to the last axis of the input.
 *
 * Args:
 *   inFeatures: IN, the size of the input's last axis.
 *   outFeatures: OUT, the size of the output's last axis.
 *   options: bias (default true), rng (initialisation) and dtype.
 *
 * Shape:
 *   input (..., IN) -> output (..., OUT); usually (N, IN) -> (N, OUT).
 *
 * Parameters:
 *   weight (OUT, IN) and bias (OUT), both U(-1/sqrt(IN), 1/sqrt(IN)), PyTorch's default.
 *
 * Example:
 *   const fc = new Linear(3136, 128, { rng: new Rng(0) });
 *   fc.forward(Tensor.zeros([8, 3136])).shape; // [8, 128]
 */
export class Linear extends Layer {
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  constructor(
    inFeatures: number,
    outFeatures: number,
    { bias = true, rng = getDefaultRng(), dtype = 'float32' }: LinearLayerOptions = {},
  ) {
    super();
    this.inFeatures = checkInteger(inFeatures, 'inFeatures', 'Linear');
    this.outFeatures = checkInteger(outFeatures, 'outFeatures', 'Linear');
    this.weight = this.registerParameter('weight', Tensor.zeros([outFeatures, inFeatures], dtype));
    this.bias = bias ? this.registerParameter('bias', Tensor.zeros([outFeatures], dtype)) : null;
    defaultLayerInit(this.weight, this.bias, rng);
  }

  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }

  outputShape(inputShape: Shape): Shape {
    const { lead, N, IN } = linearInput(inputShape);
    const biasLength = this.bias === null ? null : this.bias.size;
    // An empty batch (N = 0) still has an output shape, though no kernel runs on it.
    const g = linearGeometry([Math.max(N, 1), IN], this.weight.shape, biasLength);
    return [...lead, g.OUT];
  }

  protected override extraRepr(): string {
    const bias = this.bias === null ? ', bias=false' : '';
    return `inFeatures=${this.inFeatures}, outFeatures=${this.outFeatures}${bias}`;
  }
}
