/**
 * Conv2d: a 2-D convolution layer (PyTorch's nn.Conv2d). It holds the weight and bias and
 * calls the conv2d op (src/ops/conv2d.ts).
 *
 *   y[n,f] = b[f] + sum over the channels c of group(f) of  w[f,c] ⋆ x[n,c]     (⋆: cross-correlation)
 */
import { conv2d } from '../ops/conv2d.js';
import { checkGroups, conv2dArgs, conv2dGeometry, conv2dOutputShape } from '../shape/conv2d.js';
import { checkInteger, checkPair, formatPair, type Pair } from '../shape/shape-error.js';
import { Tensor, type Shape } from '../tensor.js';
import { defaultLayerInit, getDefaultRng, type ParameterOptions } from './init.js';
import { Layer } from './module.js';

export interface Conv2dLayerOptions extends ParameterOptions {
  /** Step between windows; default 1. */
  stride?: Pair;
  /** Zeros added on each side; default 0. */
  padding?: Pair;
  /** Spacing between kernel taps; default 1. */
  dilation?: Pair;
  /** Channel groups (inChannels and outChannels must divide by it); groups = inChannels is depthwise. Default 1. */
  groups?: number;
  /** Learn a bias per output channel; default true. */
  bias?: boolean;
}

/**
 * Applies a 2-D convolution over an (N,C,H,W) input.
 *
 * Args:
 *   inChannels: C, the channels of the input.
 *   outChannels: F, the channels of the output (the number of filters).
 *   kernelSize: KH and KW, one number for both or [KH, KW].
 *   options: stride, padding, dilation (each a number or [height, width]), groups, bias,
 *     rng (initialisation) and dtype.
 *
 * Shape:
 *   input (N, C, H, W) -> output (N, F, OH, OW), where
 *     OH = floor((H + 2*padding[0] - dilation[0]*(KH-1) - 1) / stride[0]) + 1
 *     OW = floor((W + 2*padding[1] - dilation[1]*(KW-1) - 1) / stride[1]) + 1
 *
 * Parameters:
 *   weight (F, C/groups, KH, KW) and bias (F), both U(-1/sqrt(fanIn), 1/sqrt(fanIn)) with
 *   fanIn = C/groups * KH * KW (PyTorch's default initialisation; see init.ts).
 *
 * Example:
 *   const conv = new Conv2d(1, 32, 3, { padding: 1, rng: new Rng(0) });
 *   conv.forward(Tensor.zeros([8, 1, 28, 28])).shape; // [8, 32, 28, 28]
 */
export class Conv2d extends Layer {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number];
  readonly dilation: [number, number];
  readonly groups: number;
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: Pair,
    {
      stride = 1,
      padding = 0,
      dilation = 1,
      groups = 1,
      bias = true,
      rng = getDefaultRng(),
      dtype = 'float32',
    }: Conv2dLayerOptions = {},
  ) {
    super();
    const layer = 'Conv2d';
    this.inChannels = checkInteger(inChannels, 'inChannels', layer);
    this.outChannels = checkInteger(outChannels, 'outChannels', layer);
    this.kernelSize = checkPair(kernelSize, 'kernelSize', layer);
    const args = conv2dArgs({ stride, padding, dilation, groups }, layer);
    this.stride = args.stride;
    this.padding = args.padding;
    this.dilation = args.dilation;
    this.groups = args.groups;
    checkGroups(inChannels, outChannels, groups, layer);
    const [KH, KW] = this.kernelSize;
    this.weight = this.registerParameter(
      'weight',
      Tensor.zeros([outChannels, inChannels / groups, KH, KW], dtype),
    );
    this.bias = bias ? this.registerParameter('bias', Tensor.zeros([outChannels], dtype)) : null;
    defaultLayerInit(this.weight, this.bias, rng);
  }

  private options() {
    return {
      stride: this.stride,
      padding: this.padding,
      dilation: this.dilation,
      groups: this.groups,
    };
  }

  forward(x: Tensor): Tensor {
    return conv2d(x, this.weight, this.bias, this.options());
  }

  outputShape(inputShape: Shape): Shape {
    const biasLength = this.bias === null ? null : this.bias.size;
    return conv2dOutputShape(
      conv2dGeometry(inputShape, this.weight.shape, this.options(), biasLength),
    );
  }

  protected override extraRepr(): string {
    const parts = [
      `${this.inChannels}, ${this.outChannels}`,
      `kernelSize=${formatPair(this.kernelSize)}`,
    ];
    if (this.stride.some((s) => s !== 1)) parts.push(`stride=${formatPair(this.stride)}`);
    if (this.padding.some((p) => p !== 0)) parts.push(`padding=${formatPair(this.padding)}`);
    if (this.dilation.some((d) => d !== 1)) parts.push(`dilation=${formatPair(this.dilation)}`);
    if (this.groups !== 1) parts.push(`groups=${this.groups}`);
    if (this.bias === null) parts.push('bias=false');
    return parts.join(', ');
  }
}
