/**
 * The one table of layer types a graph file can name: the op name as files write it (PyTorch's
 * class names), its config schema, and how to build and describe it. The graph schema, the JSON
 * Schema file, describing a model and rebuilding one all read this table; adding a layer to the
 * graph format is one entry here.
 */
import { z } from 'zod';
import { Add } from '../add.js';
import { AdaptiveAvgPool2d } from '../adaptive-avg-pool2d.js';
import { AvgPool2d } from '../avg-pool2d.js';
import { BatchNorm2d } from '../batch-norm2d.js';
import { Concat } from '../concat.js';
import { ConvTranspose2d } from '../conv-transpose2d.js';
import { Conv2d } from '../conv2d.js';
import { Dropout } from '../dropout.js';
import { Flatten } from '../flatten.js';
import { GELU } from '../gelu.js';
import { GlobalAvgPool2d } from '../global-avg-pool2d.js';
import { L2Normalize } from '../l2-normalize.js';
import { LeakyReLU } from '../leaky-relu.js';
import { Linear } from '../linear.js';
import { MaxPool2d } from '../max-pool2d.js';
import { ReLU } from '../relu.js';
import { Sigmoid } from '../sigmoid.js';
import { SiLU } from '../silu.js';
import { Softmax } from '../softmax.js';
import { Tanh } from '../tanh.js';
import { Upsample } from '../upsample.js';
import {
  axisIndex,
  finiteNumber,
  flag,
  pair,
  positiveInt,
  positiveNumber,
  probability,
} from './config-fields.js';
import { layerType, type GraphLayer, type LayerType } from './layer-type.js';

type Pair = number | [number, number];
const both = (p: Pair): [number, number] => (typeof p === 'number' ? [p, p] : p);
const area = (p: Pair): number => both(p)[0] * both(p)[1];
const pairOf = ([h, w]: readonly [number, number]): [number, number] => [h, w];

/** A layer without a config: `{ "op": "ReLU" }`. */
function stateless<L extends GraphLayer>(
  layerClass: new () => L,
  description: string,
  inputs: 'one' | 'many' = 'one',
): LayerType {
  return layerType({
    layerClass,
    config: z.strictObject({}),
    inputs,
    description,
    build: () => new layerClass(),
    describe: () => ({}),
  });
}

const convFields = {
  inChannels: positiveInt,
  outChannels: positiveInt,
  kernelSize: pair(1),
  stride: pair(1).default(1),
  padding: pair(0).default(0),
  dilation: pair(1).default(1),
  groups: positiveInt.default(1),
  bias: flag.default(true),
};

/** The fields a convolution and a transposed convolution share, as a layer holds them. */
function describeConv(l: Conv2d | ConvTranspose2d) {
  const { inChannels, outChannels, kernelSize, stride, padding, dilation, groups } = l;
  return {
    inChannels,
    outChannels,
    kernelSize,
    stride,
    padding,
    dilation,
    groups,
    bias: l.bias !== null,
  };
}

/** C*F/groups*KH*KW weights (either layout) and F biases. */
function convParameters(c: {
  inChannels: number;
  outChannels: number;
  kernelSize: Pair;
  groups: number;
  bias: boolean;
}): number {
  return (
    (c.inChannels * c.outChannels * area(c.kernelSize)) / c.groups + (c.bias ? c.outChannels : 0)
  );
}

const poolFields = {
  kernelSize: pair(1),
  /** null: the kernel size, as in PyTorch. */
  stride: pair(1).nullable().default(null),
  padding: pair(0).default(0),
};

/** Every layer type, by the op name a graph file gives it; the order the docs list them. */
export const LAYER_TYPES = {
  Conv2d: layerType({
    layerClass: Conv2d,
    config: z.strictObject(convFields),
    inputs: 'one',
    description: '2-D convolution (N,C,H,W) -> (N,F,OH,OW)',
    build: (c, { rng, dtype }) =>
      new Conv2d(c.inChannels, c.outChannels, c.kernelSize, { ...c, rng, dtype }),
    describe: describeConv,
    parameters: convParameters,
  }),
  ConvTranspose2d: layerType({
    layerClass: ConvTranspose2d,
    config: z.strictObject({ ...convFields, outputPadding: pair(0).default(0) }),
    inputs: 'one',
    description: '2-D transposed convolution, the gradient of a convolution: upsamples',
    build: (c, { rng, dtype }) =>
      new ConvTranspose2d(c.inChannels, c.outChannels, c.kernelSize, { ...c, rng, dtype }),
    describe: (l) => ({ ...describeConv(l), outputPadding: l.outputPadding }),
    parameters: convParameters,
  }),
  Linear: layerType({
    layerClass: Linear,
    config: z.strictObject({
      inFeatures: positiveInt,
      outFeatures: positiveInt,
      bias: flag.default(true),
    }),
    inputs: 'one',
    description: 'fully connected layer (N,in) -> (N,out)',
    build: (c, { rng, dtype }) =>
      new Linear(c.inFeatures, c.outFeatures, { bias: c.bias, rng, dtype }),
    describe: (l) => ({
      inFeatures: l.inFeatures,
      outFeatures: l.outFeatures,
      bias: l.bias !== null,
    }),
    parameters: (c) => c.outFeatures * c.inFeatures + (c.bias ? c.outFeatures : 0),
  }),
  BatchNorm2d: layerType({
    layerClass: BatchNorm2d,
    config: z.strictObject({
      numFeatures: positiveInt,
      eps: positiveNumber.default(1e-5),
      momentum: probability.nullable().default(0.1),
      affine: flag.default(true),
      trackRunningStats: flag.default(true),
    }),
    inputs: 'one',
    description: 'batch normalisation over the channels of (N,C,H,W)',
    build: (c, { dtype }) => new BatchNorm2d(c.numFeatures, { ...c, dtype }),
    describe: (l) => ({
      numFeatures: l.numFeatures,
      eps: l.eps,
      momentum: l.momentum,
      affine: l.weight !== null,
      trackRunningStats: l.runningMean !== null,
    }),
    parameters: (c) => (c.affine ? 2 * c.numFeatures : 0),
  }),
  MaxPool2d: layerType({
    layerClass: MaxPool2d,
    config: z.strictObject(poolFields),
    inputs: 'one',
    description: 'max pooling: each window gives its maximum',
    build: (c) =>
      new MaxPool2d(c.kernelSize, { stride: c.stride ?? undefined, padding: c.padding }),
    describe: (l) => ({ kernelSize: l.kernelSize, stride: l.stride, padding: l.padding }),
  }),
  AvgPool2d: layerType({
    layerClass: AvgPool2d,
    config: z.strictObject({ ...poolFields, countIncludePad: flag.default(true) }),
    inputs: 'one',
    description: 'average pooling: each window gives its mean',
    build: (c) =>
      new AvgPool2d(c.kernelSize, {
        stride: c.stride ?? undefined,
        padding: c.padding,
        countIncludePad: c.countIncludePad,
      }),
    describe: (l) => ({
      kernelSize: l.kernelSize,
      stride: l.stride,
      padding: l.padding,
      countIncludePad: l.countIncludePad,
    }),
  }),
  AdaptiveAvgPool2d: layerType({
    layerClass: AdaptiveAvgPool2d,
    config: z.strictObject({ outputSize: pair(1) }),
    inputs: 'one',
    description: 'average pooling to a fixed output size',
    build: (c) => new AdaptiveAvgPool2d(c.outputSize),
    describe: (l) => ({ outputSize: l.outputSize }),
  }),
  GlobalAvgPool2d: stateless(GlobalAvgPool2d, 'the mean of each channel: (N,C,H,W) -> (N,C,1,1)'),
  Flatten: layerType({
    layerClass: Flatten,
    config: z.strictObject({ startDim: axisIndex.default(1), endDim: axisIndex.default(-1) }),
    inputs: 'one',
    description: 'merges axes startDim..endDim into one: (N,C,H,W) -> (N,C*H*W)',
    build: (c) => new Flatten(c.startDim, c.endDim),
    describe: (l) => ({ startDim: l.startDim, endDim: l.endDim }),
  }),
  ReLU: stateless(ReLU, 'max(0, x)'),
  LeakyReLU: layerType({
    layerClass: LeakyReLU,
    config: z.strictObject({ negativeSlope: finiteNumber.default(0.01) }),
    inputs: 'one',
    description: 'x for x > 0, negativeSlope * x otherwise',
    build: (c) => new LeakyReLU(c.negativeSlope),
    describe: (l) => ({ negativeSlope: l.negativeSlope }),
  }),
  Sigmoid: stateless(Sigmoid, '1 / (1 + exp(-x))'),
  Tanh: stateless(Tanh, 'tanh(x)'),
  GELU: stateless(GELU, 'x * Phi(x), the exact (erf) form'),
  SiLU: stateless(SiLU, 'x * sigmoid(x)'),
  Softmax: layerType({
    layerClass: Softmax,
    config: z.strictObject({ axis: axisIndex.default(1) }),
    inputs: 'one',
    description: 'probabilities along an axis',
    build: (c) => new Softmax(c.axis),
    describe: (l) => ({ axis: l.axis }),
  }),
  L2Normalize: layerType({
    layerClass: L2Normalize,
    config: z.strictObject({ axis: axisIndex.default(1), eps: positiveNumber.default(1e-12) }),
    inputs: 'one',
    description: 'unit length along an axis (embeddings)',
    build: (c) => new L2Normalize(c.axis, c.eps),
    describe: (l) => ({ axis: l.axis, eps: l.eps }),
  }),
  Dropout: layerType({
    layerClass: Dropout,
    config: z.strictObject({ p: probability.default(0.5) }),
    inputs: 'one',
    description: 'zeroes each element with probability p in training (identity in evaluation)',
    build: (c, { dropoutRng }) => new Dropout(c.p, { rng: dropoutRng }),
    describe: (l) => ({ p: l.p }),
  }),
  Upsample: layerType({
    layerClass: Upsample,
    config: z
      .strictObject({
        size: pair(1).nullable().default(null),
        scaleFactor: z
          .union([positiveNumber, z.tuple([positiveNumber, positiveNumber])], {
            error: 'expected a positive number or [height, width] of them',
          })
          .nullable()
          .default(null),
        mode: z
          .enum(['nearest', 'bilinear'], { error: "expected 'nearest' or 'bilinear'" })
          .default('nearest'),
        alignCorners: flag.default(false),
      })
      .refine((c) => (c.size === null) !== (c.scaleFactor === null), {
        error: 'give exactly one of size and scaleFactor',
      }),
    inputs: 'one',
    description: 'nearest or bilinear upsampling to a size or by a scale factor',
    build: (c) =>
      new Upsample({
        size: c.size ?? undefined,
        scaleFactor: c.scaleFactor ?? undefined,
        mode: c.mode,
        alignCorners: c.mode === 'bilinear' ? c.alignCorners : undefined,
      }),
    describe: (l) => ({
      size: l.size,
      scaleFactor: l.scaleFactor === null ? null : pairOf(l.scaleFactor),
      mode: l.mode,
      alignCorners: l.alignCorners,
    }),
  }),
  Add: stateless(Add, 'the sum of two or more inputs of one shape (a residual join)', 'many'),
  Concat: layerType({
    layerClass: Concat,
    config: z.strictObject({ axis: positiveInt.default(1) }),
    inputs: 'many',
    description: 'joins two or more inputs along an axis (1: channels; a U-Net skip)',
    build: (c) => new Concat(c.axis),
    describe: (l) => ({ axis: l.axis }),
  }),
} satisfies Record<string, LayerType>;

export type LayerTypeName = keyof typeof LAYER_TYPES;

export function isLayerTypeName(name: string): name is LayerTypeName {
  return Object.hasOwn(LAYER_TYPES, name);
}

/** The op names, in the table's order. */
export const LAYER_TYPE_NAMES: readonly LayerTypeName[] = Object.freeze(
  Object.keys(LAYER_TYPES).filter(isLayerTypeName),
);

/** The op name of a module's exact class, or null for a class the table does not hold. */
export function layerTypeOf(module: GraphLayer): LayerTypeName | null {
  return LAYER_TYPE_NAMES.find((name) => LAYER_TYPES[name].owns(module)) ?? null;
}
