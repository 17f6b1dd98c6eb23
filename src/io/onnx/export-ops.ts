/**
 * How each layer type of the graph format becomes ONNX nodes (opset 17), one entry per type:
 * the table's type makes a missing entry a compile error. Each entry writes the evaluation
 * (inference) form of its layer and returns the name of the value holding the layer's output.
 *
 *   Conv2d, ConvTranspose2d   Conv, ConvTranspose (pads [ph,pw,ph,pw], group, dilations,
 *                             output_padding)
 *   Linear                    Gemm(x, W, b) with transB = 1: y = x W^T + b
 *   BatchNorm2d               BatchNormalization with the running statistics
 *   MaxPool2d, AvgPool2d      MaxPool, AveragePool (count_include_pad)
 *   AdaptiveAvgPool2d         GlobalAveragePool (output 1x1), or AveragePool with kernel =
 *                             stride = H/OH when the output divides the input; otherwise an error
 *   Flatten                   Flatten(axis 1) for (1, -1); a Reshape otherwise
 *   GELU                      0.5 x (1 + erf(x / sqrt 2)): Div, Erf, Add, Mul, Mul
 *   SiLU                      x * Sigmoid(x)
 *   L2Normalize               x / max(ReduceL2(x), eps): ReduceL2, Max, Div
 *   Upsample                  Resize: nearest 'asymmetric' + nearest_mode 'floor'; bilinear
 *                             'half_pixel' (or 'align_corners'); a scale factor as scales, a
 *                             size as sizes = Concat(Shape(x)[0:2], [OH, OW])
 *   Add                       Add (two inputs) or Sum (more)
 *   Dropout                   nothing: the identity in evaluation
 */
import type { Shape } from '../../tensor.js';
import { AdaptiveAvgPool2d } from '../../nn/adaptive-avg-pool2d.js';
import { AvgPool2d } from '../../nn/avg-pool2d.js';
import { BatchNorm2d } from '../../nn/batch-norm2d.js';
import { Concat } from '../../nn/concat.js';
import { ConvTranspose2d } from '../../nn/conv-transpose2d.js';
import { Conv2d } from '../../nn/conv2d.js';
import { Flatten } from '../../nn/flatten.js';
import type { GraphLayer } from '../../nn/graph/layer-type.js';
import type { LayerTypeName } from '../../nn/graph/layer-table.js';
import { L2Normalize } from '../../nn/l2-normalize.js';
import { LeakyReLU } from '../../nn/leaky-relu.js';
import { Linear } from '../../nn/linear.js';
import { MaxPool2d } from '../../nn/max-pool2d.js';
import { Softmax } from '../../nn/softmax.js';
import { Upsample } from '../../nn/upsample.js';
import { attribute } from './onnx-attributes.js';
import type { OnnxWriter } from './onnx-writer.js';

/** One node of our graph being written. */
export interface ExportStep {
  /** Our node's name: the ONNX value its output is written to. */
  name: string;
  layer: GraphLayer;
  /** The ONNX values holding the node's inputs. */
  inputs: readonly string[];
  /** Shapes of the inputs and the output for one example (batch 1). */
  inputShapes: readonly Shape[];
  outputShape: Shape;
  out: OnnxWriter;
  fail(problem: string): never;
}

type Exporter = (step: ExportStep) => string;

function layerOf<L extends GraphLayer>(
  step: ExportStep,
  layerClass: abstract new (...args: never[]) => L,
): L {
  if (!(step.layer instanceof layerClass)) step.fail(`expected a ${layerClass.name}`);
  return step.layer;
}

const pads = ([ph, pw]: readonly [number, number]): number[] => [ph, pw, ph, pw];

function conv(step: ExportStep, op: 'Conv' | 'ConvTranspose'): string {
  const l = op === 'Conv' ? layerOf(step, Conv2d) : layerOf(step, ConvTranspose2d);
  const { name, out } = step;
  const inputs = [step.inputs[0], out.tensor(`${name}.weight`, l.weight)];
  if (l.bias !== null) inputs.push(out.tensor(`${name}.bias`, l.bias));
  const attributes = [
    attribute.ints('kernel_shape', l.kernelSize),
    attribute.ints('strides', l.stride),
    attribute.ints('pads', pads(l.padding)),
    attribute.ints('dilations', l.dilation),
    attribute.int('group', l.groups),
  ];
  if (l instanceof ConvTranspose2d) {
    attributes.push(attribute.ints('output_padding', l.outputPadding));
  }
  return out.node(op, inputs, name, attributes);
}

function pool(step: ExportStep): string {
  const l = step.layer instanceof MaxPool2d ? step.layer : layerOf(step, AvgPool2d);
  const attributes = [
    attribute.ints('kernel_shape', l.kernelSize),
    attribute.ints('strides', l.stride),
    attribute.ints('pads', pads(l.padding)),
  ];
  if (l instanceof AvgPool2d) {
    attributes.push(attribute.int('count_include_pad', l.countIncludePad ? 1 : 0));
    return step.out.node('AveragePool', step.inputs, step.name, attributes);
  }
  return step.out.node('MaxPool', step.inputs, step.name, attributes);
}

/** An op of one input and no attributes. */
const unary =
  (op: string): Exporter =>
  (step) =>
    step.out.node(op, step.inputs, step.name);

function adaptiveAvgPool(step: ExportStep): string {
  const l = layerOf(step, AdaptiveAvgPool2d);
  const [, , H, W] = step.inputShapes[0];
  const [OH, OW] = l.outputSize;
  if (OH === 1 && OW === 1) return step.out.node('GlobalAveragePool', step.inputs, step.name);
  if (H % OH !== 0 || W % OW !== 0) {
    step.fail(
      `input (${H},${W}) to output (${OH},${OW}) has windows of different sizes, which no ONNX op computes exactly (an output size that divides the input size exports as AveragePool)`,
    );
  }
  const kernel = [H / OH, W / OW];
  return step.out.node('AveragePool', step.inputs, step.name, [
    attribute.ints('kernel_shape', kernel),
    attribute.ints('strides', kernel),
  ]);
}

function flatten(step: ExportStep): string {
  const l = layerOf(step, Flatten);
  const rank = step.inputShapes[0].length;
  const start = l.startDim < 0 ? l.startDim + rank : l.startDim;
  const end = l.endDim < 0 ? l.endDim + rank : l.endDim;
  if (start === 1 && end === rank - 1) {
    return step.out.node('Flatten', step.inputs, step.name, [attribute.int('axis', 1)]);
  }
  // Reshape: 0 copies the batch axis; a flatten that merges the batch axis gets -1 there.
  const shape = step.outputShape.map((d, i) => (i > 0 ? d : start === 0 ? -1 : 0));
  const target = step.out.int64s(`${step.name}/shape`, shape);
  return step.out.node('Reshape', [step.inputs[0], target], step.name);
}

function gelu({ name, inputs: [x], out }: ExportStep): string {
  const scaled = out.node('Div', [x, out.floats(`${name}/sqrt2`, [], [Math.SQRT2])], `${name}/div`);
  const erf = out.node('Erf', [scaled], `${name}/erf`);
  const plusOne = out.node('Add', [erf, out.floats(`${name}/one`, [], [1])], `${name}/add`);
  const product = out.node('Mul', [x, plusOne], `${name}/mul`);
  return out.node('Mul', [product, out.floats(`${name}/half`, [], [0.5])], name);
}

function l2Normalize(step: ExportStep): string {
  const l = layerOf(step, L2Normalize);
  const { name, out } = step;
  const x = step.inputs[0];
  const norm = out.node('ReduceL2', [x], `${name}/norm`, [
    attribute.ints('axes', [l.axis]),
    attribute.int('keepdims', 1),
  ]);
  const clamped = out.node('Max', [norm, out.floats(`${name}/eps`, [], [l.eps])], `${name}/max`);
  return out.node('Div', [x, clamped], name);
}

function upsample(step: ExportStep): string {
  const l = layerOf(step, Upsample);
  const { name, out } = step;
  const x = step.inputs[0];
  const [, , H, W] = step.inputShapes[0];
  const [, , OH, OW] = step.outputShape;
  const attributes =
    l.mode === 'nearest'
      ? [
          attribute.string('mode', 'nearest'),
          attribute.string('coordinate_transformation_mode', 'asymmetric'),
          attribute.string('nearest_mode', 'floor'),
        ]
      : [
          attribute.string('mode', 'linear'),
          attribute.string(
            'coordinate_transformation_mode',
            l.alignCorners ? 'align_corners' : 'half_pixel',
          ),
        ];
  if (l.scaleFactor !== null) {
    // An axis whose size does not change is copied as is (ours, as PyTorch): scale 1 there.
    const [fh, fw] = l.scaleFactor;
    const scales = [1, 1, OH === H ? 1 : fh, OW === W ? 1 : fw];
    const scalesName = out.floats(`${name}/scales`, [4], scales);
    return out.node('Resize', [x, '', scalesName], name, attributes);
  }
  const shape = out.node('Shape', [x], `${name}/shape`);
  const batchAndChannels = out.node(
    'Slice',
    [shape, out.int64s(`${name}/start`, [0]), out.int64s(`${name}/end`, [2])],
    `${name}/nc`,
  );
  const sizes = out.node(
    'Concat',
    [batchAndChannels, out.int64s(`${name}/size`, [OH, OW])],
    `${name}/sizes`,
    [attribute.int('axis', 0)],
  );
  return out.node('Resize', [x, '', '', sizes], name, attributes);
}

export const EXPORTERS: Readonly<Record<LayerTypeName, Exporter>> = {
  Conv2d: (step) => conv(step, 'Conv'),
  ConvTranspose2d: (step) => conv(step, 'ConvTranspose'),
  Linear: (step) => {
    const l = layerOf(step, Linear);
    const { name, out } = step;
    const inputs = [step.inputs[0], out.tensor(`${name}.weight`, l.weight)];
    if (l.bias !== null) inputs.push(out.tensor(`${name}.bias`, l.bias));
    return out.node('Gemm', inputs, name, [attribute.int('transB', 1)]);
  },
  BatchNorm2d: (step) => {
    const l = layerOf(step, BatchNorm2d);
    const { name, out } = step;
    const { runningMean, runningVar } = l;
    if (runningMean === null || runningVar === null) {
      return step.fail(
        'has no running statistics (trackRunningStats false): it normalises with each batch, which has no inference form in ONNX',
      );
    }
    const C = l.numFeatures;
    const scale =
      l.weight === null
        ? out.floats(`${name}/scale`, [C], new Float32Array(C).fill(1))
        : out.tensor(`${name}.weight`, l.weight);
    const bias =
      l.bias === null
        ? out.floats(`${name}/bias`, [C], new Float32Array(C))
        : out.tensor(`${name}.bias`, l.bias);
    const mean = out.tensor(`${name}.runningMean`, runningMean);
    const variance = out.tensor(`${name}.runningVar`, runningVar);
    const attributes = [attribute.float('epsilon', l.eps)];
    if (l.momentum !== null) attributes.push(attribute.float('momentum', 1 - l.momentum));
    return out.node(
      'BatchNormalization',
      [step.inputs[0], scale, bias, mean, variance],
      name,
      attributes,
    );
  },
  MaxPool2d: pool,
  AvgPool2d: pool,
  AdaptiveAvgPool2d: adaptiveAvgPool,
  GlobalAvgPool2d: unary('GlobalAveragePool'),
  Flatten: flatten,
  ReLU: unary('Relu'),
  LeakyReLU: (step) =>
    step.out.node('LeakyRelu', step.inputs, step.name, [
      attribute.float('alpha', layerOf(step, LeakyReLU).negativeSlope),
    ]),
  Sigmoid: unary('Sigmoid'),
  Tanh: unary('Tanh'),
  GELU: gelu,
  SiLU: ({ name, inputs: [x], out }) =>
    out.node('Mul', [x, out.node('Sigmoid', [x], `${name}/sigmoid`)], name),
  Softmax: (step) =>
    step.out.node('Softmax', step.inputs, step.name, [
      attribute.int('axis', layerOf(step, Softmax).axis),
    ]),
  L2Normalize: l2Normalize,
  Dropout: (step) => step.inputs[0],
  Upsample: upsample,
  Add: (step) => step.out.node(step.inputs.length === 2 ? 'Add' : 'Sum', step.inputs, step.name),
  Concat: (step) =>
    step.out.node('Concat', step.inputs, step.name, [
      attribute.int('axis', layerOf(step, Concat).axis),
    ]),
};
