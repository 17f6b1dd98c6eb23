/**
 * ConvTranspose2d: a transposed 2-D convolution layer (PyTorch's nn.ConvTranspose2d), the
 * learned upsampling of decoders and segmentation heads. It holds the weight and bias and calls
 * the convTranspose2d op (src/ops/conv-transpose2d.ts): each input pixel scatters a weighted
 * copy of the kernel into the output, stride pixels apart.
 */
import { convTranspose2d } from '../ops/conv-transpose2d.js';
import { convTranspose2dArgs, convTranspose2dGeometry } from '../shape/conv-transpose2d.js';
import { checkGroups } from '../shape/conv2d.js';
import { checkInteger, checkPair, formatPair, type Pair } from '../shape/shape-error.js';
import { Tensor, type Shape } from '../tensor.js';
import { defaultLayerInit, getDefaultRng, type ParameterOptions } from './init.js';
import { Layer } from './module.js';

export interface ConvTranspose2dLayerOptions extends ParameterOptions {
  /** Step between the input's positions in the output; default 1. */
  stride?: Pair;
  /** dilation*(K-1) - padding zeros are (notionally) added on each side; default 0. */
  padding?: Pair;
  /** Extra rows and columns on the bottom and right, to reach sizes stride alone cannot; default 0. */
  outputPadding?: Pair;
  /** Spacing between kernel taps; default 1. */
  dilation?: Pair;
  /** Channel groups (inChannels and outChannels must divide by it); default 1. */
  groups?: number;
  /** Learn a bias per output channel; default true. */
  bias?: boolean;
}

/**
 * Applies a transposed 2-D convolution (the gradient of Conv2d with respect to its input,
 * used as a layer) over an (N,C,H,W) input.
 *
 * Args:
 *   inChannels: C, the channels of the input.
 *   outChannels: F, the channels of the output.
 *   kernelSize: KH and KW, one number for both or [KH, KW].
 *   options: stride, padding, outputPadding, dilation (each a number or [height, width]),
 *     groups, bias, rng (initialisation) and dtype. outputPadding must be smaller than the
 *     stride or the dilation along its axis.
 *
 * Shape:
 *   input (N, C, H, W) -> output (N, F, OH, OW), where
 *     OH = (H-1)*stride[0] - 2*padding[0] + dilation[0]*(KH-1) + outputPadding[0] + 1
 *     OW = (W-1)*stride[1] - 2*padding[1] + dilation[1]*(KW-1) + outputPadding[1] + 1
 *
 * Parameters:
 *   weight (C, F/groups, KH, KW) (input channels first, as in PyTorch) and bias (F), both
 *   U(-1/sqrt(fanIn), 1/sqrt(fanIn)) with fanIn = F/groups * KH * KW, PyTorch's default.
 *
 * Example:
 *   const up = new ConvTranspose2d(16, 8, 2, { stride: 2, rng: new Rng(0) });
 *   up.forward(Tensor.zeros([1, 16, 7, 7])).shape; // [1, 8, 14, 14]
 */
export class ConvTranspose2d extends Layer {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number];
  readonly outputPadding: [number, number];
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
      outputPadding = 0,
      dilation = 1,
      groups = 1,
      bias = true,
      rng = getDefaultRng(),
      dtype = 'float32',
    }: ConvTranspose2dLayerOptions = {},
  ) {
    super();
    const layer = 'ConvTranspose2d';
    this.inChannels = checkInteger(inChannels, 'inChannels', layer);
    this.outChannels = checkInteger(outChannels, 'outChannels', layer);
    this.kernelSize = checkPair(kernelSize, 'kernelSize', layer);
    const args = convTranspose2dArgs({ stride, padding, outputPadding, dilation, groups }, layer);
    this.stride = args.stride;
    this.padding = args.padding;
    this.outputPadding = args.outputPadding;
    this.dilation = args.dilation;
    this.groups = args.groups;
    checkGroups(inChannels, outChannels, groups, layer);
    const [KH, KW] = this.kernelSize;
    this.weight = this.registerParameter(
      'weight',
      Tensor.zeros([inChannels, outChannels / groups, KH, KW], dtype),
    );
    this.bias = bias ? this.registerParameter('bias', Tensor.zeros([outChannels], dtype)) : null;
    defaultLayerInit(this.weight, this.bias, rng);
  }

  private options() {
    return {
      stride: this.stride,
      padding: this.padding,
      outputPadding: this.outputPadding,
      dilation: this.dilation,
      groups: this.groups,
    };
  }

  forward(x: Tensor): Tensor {
    return convTranspose2d(x, this.weight, this.bias, this.options());
  }

  outputShape(inputShape: Shape): Shape {
    const biasLength = this.bias === null ? null : this.bias.size;
    const g = convTranspose2dGeometry(inputShape, this.weight.shape, this.options(), biasLength);
    return [g.N, g.F, g.OH, g.OW];
  }

  protected override extraRepr(): string {
    const parts = [
      `${this.inChannels}, ${this.outChannels}`,
      `kernelSize=${formatPair(this.kernelSize)}`,
    ];
    if (this.stride.some((s) => s !== 1)) parts.push(`stride=${formatPair(this.stride)}`);
    if (this.padding.some((p) => p !== 0)) parts.push(`padding=${formatPair(this.padding)}`);
    if (this.outputPadding.some((p) => p !== 0)) {
      parts.push(`outputPadding=${formatPair(this.outputPadding)}`);
    }
    if (this.dilation.some((d) => d !== 1)) parts.push(`dilation=${formatPair(this.dilation)}`);
    if (this.groups !== 1) parts.push(`groups=${this.groups}`);
    if (this.bias === null) parts.push('bias=false');
    return parts.join(', ');
  }
}
