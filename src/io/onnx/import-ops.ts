/**
 * How each ONNX op becomes a layer of the graph format, one converter per op type. A converter
 * checks every input and attribute it is given (an attribute it does not read is an error, see
 * AttributeReader.done), and either maps the node to a layer, passes its input through
 * (Identity, Dropout), or recognises a pattern of several nodes that one layer computes:
 *
 *   GELU         Div(x, sqrt 2) -> Erf -> Add(1) -> Mul(x) -> Mul(0.5)     (ours and PyTorch's)
 *   SiLU         Mul(x, Sigmoid(x))
 *   L2Normalize  Div(x, Max(ReduceL2(x), eps)) or with Clip(min eps) [-> Expand] (PyTorch's)
 *   Linear       Gemm(x, W, b), or MatMul(x, W^T) [-> Add(b)]
 *   normalize    Sub(input, mean) -> Div(std) right after a graph input
 *
 * Anything else is an error that names the node, the op and what is supported.
 */
import type { Shape } from '../../tensor.js';
import type { LayerTypeName } from '../../nn/graph/layer-table.js';
import type { AttributeReader } from './onnx-attributes.js';
import type { OnnxNode } from './onnx-proto.js';
import { shortestFloat32 } from './onnx-tensor.js';
import type { StaticValue } from './import-static.js';

/** A value computed from the input: the name of our node (or input) and its shape at batch 1. */
export interface DynamicValue {
  name: string;
  shape: Shape;
}

export interface Weight {
  dims: number[];
  data: Float32Array;
}

export type Conversion =
  | {
      kind: 'layer';
      op: LayerTypeName;
      config: Record<string, unknown>;
      inputs: DynamicValue[];
      /** Parameters and buffers by their name in the layer (weight, bias, runningMean, ...). */
      weights?: Record<string, Weight>;
      /** The node that writes the layer's output (the last of a pattern). */
      last: OnnxNode;
    }
  | { kind: 'alias'; value: DynamicValue; last: OnnxNode }
  | { kind: 'normalize'; input: DynamicValue; mean: number[]; std: number[]; last: OnnxNode };

/** What a converter sees of the graph being imported (import-onnx.ts implements it). */
export interface ImportNode {
  node: OnnxNode;
  attributes: AttributeReader;
  /** The default domain's opset version. */
  opset: number;
  dynamicOf(name: string): DynamicValue | undefined;
  staticOf(name: string): StaticValue | undefined;
  /** The one node that takes the value, or null (none, several, or a graph output). */
  soleConsumer(value: string): OnnxNode | null;
  /** Marks a later node as part of this one's pattern; returns its attributes' reader. */
  consume(node: OnnxNode): AttributeReader;
  isGraphInput(value: DynamicValue): boolean;
  fail(problem: string): never;
}

type Converter = (n: ImportNode) => Conversion;

const inputName = (node: OnnxNode, i: number): string => node.input?.[i] ?? '';
const outputName = (node: OnnxNode): string => node.output?.[0] ?? '';

function dynamic(n: ImportNode, i: number, rank?: number): DynamicValue {
  const name = inputName(n.node, i);
  const value = n.dynamicOf(name);
  if (value === undefined) {
    return n.fail(`input ${i} ('${name}') must be computed from the model's input, not a constant`);
  }
  if (rank !== undefined && value.shape.length !== rank) {
    n.fail(`input ${i} has rank ${value.shape.length}, expected ${rank}`);
  }
  return value;
}

function floats(n: ImportNode, i: number, what: string): Weight {
  const value = n.staticOf(inputName(n.node, i));
  if (value === undefined || value.kind !== 'float') {
    return n.fail(`input ${i} (${what}) must be a float constant (an initializer or Constant)`);
  }
  return { dims: value.dims, data: value.data };
}

const present = (n: ImportNode, i: number): boolean => inputName(n.node, i) !== '';

function scalar(n: ImportNode, name: string): number | undefined {
  const value = n.staticOf(name);
  return value?.kind === 'float' && value.data.length === 1 ? value.data[0] : undefined;
}

/** The other input of a two-input node, given one. */
function other(node: OnnxNode, one: string): string | undefined {
  const inputs = node.input ?? [];
  if (inputs.length !== 2) return undefined;
  return inputs[0] === one ? inputs[1] : inputs[1] === one ? inputs[0] : undefined;
}

function only(n: ImportNode, outputs: number): void {
  const used = (n.node.output ?? []).filter((o) => o !== '');
  if (used.length > outputs) {
    n.fail(`has ${used.length} outputs; only the first is supported (inference form)`);
  }
}

/** [ph, pw] from ONNX pads [top, left, bottom, right], which must be symmetric. */
function symmetricPads(n: ImportNode): [number, number] {
  const autoPad = n.attributes.stringOneOf('auto_pad', 'NOTSET', ['NOTSET', 'VALID']);
  const pads = n.attributes.ints('pads', [0, 0, 0, 0]);
  if (autoPad === 'VALID') return [0, 0];
  if (pads.length !== 4 || pads[0] !== pads[2] || pads[1] !== pads[3]) {
    n.fail(`pads [${pads}] are not supported (supported: 2-D, the same before and after)`);
  }
  return [pads[0], pads[1]];
}

function pair(n: ImportNode, name: string, fallback: [number, number]): [number, number] {
  const values = n.attributes.ints(name, fallback);
  if (values.length !== 2) n.fail(`attribute ${name} [${values}] must have 2 values (2-D)`);
  return [values[0], values[1]];
}

function layer(
  n: ImportNode,
  op: LayerTypeName,
  config: Record<string, unknown>,
  inputs: DynamicValue[],
  weights?: Record<string, Weight>,
  last: OnnxNode = n.node,
): Conversion {
  n.attributes.done();
  return { kind: 'layer', op, config, inputs, weights, last };
}

function conv(n: ImportNode, transpose: boolean): Conversion {
  const x = dynamic(n, 0, 4);
  const weight = floats(n, 1, 'the weight');
  if (weight.dims.length !== 4) n.fail(`weight has dims [${weight.dims}], expected 4 (2-D)`);
  const [a, b, KH, KW] = weight.dims;
  const kernel = pair(n, 'kernel_shape', [KH, KW]);
  if (kernel[0] !== KH || kernel[1] !== KW) {
    n.fail(`kernel_shape [${kernel}] does not match the weight's dims [${weight.dims}]`);
  }
  const groups = n.attributes.int('group', 1);
  const weights: Record<string, Weight> = { weight };
  if (present(n, 2)) weights.bias = floats(n, 2, 'the bias');
  const config: Record<string, unknown> = {
    inChannels: x.shape[1],
    outChannels: transpose ? b * groups : a,
    kernelSize: kernel,
    stride: pair(n, 'strides', [1, 1]),
    padding: symmetricPads(n),
    dilation: pair(n, 'dilations', [1, 1]),
    groups,
    bias: present(n, 2),
  };
  if (transpose) config.outputPadding = pair(n, 'output_padding', [0, 0]);
  return layer(n, transpose ? 'ConvTranspose2d' : 'Conv2d', config, [x], weights);
}

function pool(n: ImportNode, average: boolean): Conversion {
  const x = dynamic(n, 0, 4);
  only(n, 1);
  n.attributes.intOneOf('ceil_mode', 0, [0]);
  const dilations = n.attributes.ints('dilations', [1, 1]);
  if (dilations.some((d) => d !== 1))
    n.fail(`dilations [${dilations}] are not supported (supported: 1)`);
  const config: Record<string, unknown> = {
    kernelSize: pair(n, 'kernel_shape', [0, 0]),
    stride: pair(n, 'strides', [1, 1]),
    padding: symmetricPads(n),
  };
  if (average) config.countIncludePad = n.attributes.intOneOf('count_include_pad', 0, [0, 1]) === 1;
  else n.attributes.intOneOf('storage_order', 0, [0]);
  return layer(n, average ? 'AvgPool2d' : 'MaxPool2d', config, [x]);
}

/** Linear from W (out, in) and an optional bias of `out` values. */
function linear(
  n: ImportNode,
  x: DynamicValue,
  weight: Weight,
  bias: Weight | null,
  last: OnnxNode,
): Conversion {
  const [outFeatures, inFeatures] = weight.dims;
  if (bias !== null && bias.data.length !== outFeatures) {
    n.fail(`bias has dims [${bias.dims}], expected ${outFeatures} values`);
  }
  const weights: Record<string, Weight> = { weight };
  if (bias !== null) weights.bias = { dims: [outFeatures], data: bias.data };
  return layer(n, 'Linear', { inFeatures, outFeatures, bias: bias !== null }, [x], weights, last);
}

function transposed({ dims: [rows, cols], data }: Weight): Weight {
  const t = new Float32Array(data.length);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) t[c * rows + r] = data[r * cols + c];
  return { dims: [cols, rows], data: t };
}

function gemm(n: ImportNode): Conversion {
  const x = dynamic(n, 0, 2);
  n.attributes.intOneOf('transA', 0, [0]);
  const transB = n.attributes.intOneOf('transB', 0, [0, 1]);
  const alpha = n.attributes.float('alpha', 1);
  const beta = n.attributes.float('beta', 1);
  if (alpha !== 1 || (present(n, 2) && beta !== 1)) {
    n.fail(
      `alpha=${alpha}, beta=${beta} are not supported (supported: 1, as a Linear layer computes)`,
    );
  }
  const b = floats(n, 1, 'the weight');
  if (b.dims.length !== 2) n.fail(`weight has dims [${b.dims}], expected 2`);
  return linear(
    n,
    x,
    transB === 1 ? b : transposed(b),
    present(n, 2) ? floats(n, 2, 'the bias') : null,
    n.node,
  );
}

function matMul(n: ImportNode): Conversion {
  const x = dynamic(n, 0, 2);
  const b = floats(n, 1, 'the weight');
  if (b.dims.length !== 2) n.fail(`weight has dims [${b.dims}], expected 2`);
  const add = n.soleConsumer(outputName(n.node));
  const biasName = add?.opType === 'Add' ? other(add, outputName(n.node)) : undefined;
  const bias = biasName === undefined ? undefined : n.staticOf(biasName);
  if (add !== null && bias?.kind === 'float') {
    n.consume(add).done();
    return linear(n, x, transposed(b), { dims: bias.dims, data: bias.data }, add);
  }
  return linear(n, x, transposed(b), null, n.node);
}

function batchNorm(n: ImportNode): Conversion {
  const x = dynamic(n, 0, 4);
  only(n, 1);
  n.attributes.intOneOf('training_mode', 0, [0]);
  const eps = n.attributes.float('epsilon', 1e-5);
  const momentum = n.attributes.float('momentum', 0.9);
  if (!(momentum >= 0 && momentum <= 1)) n.fail(`momentum ${momentum} is not in [0, 1]`);
  const C = x.shape[1];
  const weights: Record<string, Weight> = {};
  const names = ['weight', 'bias', 'runningMean', 'runningVar'];
  names.forEach((name, i) => {
    const w = floats(n, i + 1, name);
    if (w.data.length !== C)
      n.fail(`${name} has ${w.data.length} values, the input has ${C} channels`);
    weights[name] = { dims: [C], data: w.data };
  });
  const config = {
    numFeatures: C,
    eps: shortestFloat32(eps),
    momentum: Number((1 - shortestFloat32(momentum)).toPrecision(12)),
  };
  return layer(n, 'BatchNorm2d', config, [x], weights);
}

function flatten(n: ImportNode): Conversion {
  const x = dynamic(n, 0);
  const axis = n.attributes.int('axis', 1);
  if (axis !== 1 && !(x.shape.length === 2 && axis === -1)) {
    n.fail(`axis=${axis} is not supported (supported: 1, which keeps the batch axis)`);
  }
  return layer(n, 'Flatten', { startDim: 1, endDim: -1 }, [x]);
}

function reshape(n: ImportNode): Conversion {
  const x = dynamic(n, 0);
  n.attributes.intOneOf('allowzero', 0, [0]);
  const target = n.staticOf(inputName(n.node, 1));
  if (target?.kind !== 'int') return n.fail('the shape must be a constant list of integers');
  const rest = x.shape.slice(1);
  const size = rest.reduce((a, b) => a * b, 1);
  const [batch, ...dims] = target.data;
  const keepsBatch =
    batch === 0 || batch === 'N' || (batch === -1 && !dims.some((d) => d === -1 || d === 'N'));
  if (!keepsBatch || dims.some((d) => d === 'N')) {
    n.fail(`shape [${target.data}] is not supported (supported: keeping the batch axis first)`);
  }
  const known = dims.map((d, i) => (d === 0 ? rest[i] : d)) as number[];
  const inferred = known.filter((d) => d === -1).length;
  const product = known.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  const shape = known.map((d) => (d === -1 ? size / product : d));
  if (inferred > 1 || shape.reduce((a, b) => a * b, 1) !== size) {
    n.fail(`shape [${target.data}] does not fit an input of shape (${x.shape})`);
  }
  for (let start = 1; start <= rest.length; start++) {
    for (let end = start; end <= rest.length; end++) {
      const merged = x.shape.slice(start, end + 1).reduce((a, b) => a * b, 1);
      const flat = [...x.shape.slice(1, start), merged, ...x.shape.slice(end + 1)];
      if (flat.length === shape.length && flat.every((d, i) => d === shape[i])) {
        if (start === end) {
          n.attributes.done();
          return { kind: 'alias', value: x, last: n.node };
        }
        return layer(n, 'Flatten', { startDim: start, endDim: end }, [x]);
      }
    }
  }
  return n.fail(
    `reshaping (${x.shape}) to (1,${shape}) is not supported (supported: merging consecutive axes, as Flatten does)`,
  );
}

function resize(n: ImportNode): Conversion {
  const x = dynamic(n, 0, 4);
  const mode = n.attributes.stringOneOf('mode', 'nearest', ['nearest', 'linear']);
  const transform = n.attributes.stringOneOf(
    'coordinate_transformation_mode',
    'half_pixel',
    mode === 'nearest' ? ['asymmetric'] : ['half_pixel', 'pytorch_half_pixel', 'align_corners'],
  );
  if (mode === 'nearest') n.attributes.stringOneOf('nearest_mode', 'round_prefer_floor', ['floor']);
  else n.attributes.string('nearest_mode', 'round_prefer_floor');
  n.attributes.float('cubic_coeff_a', -0.75);
  n.attributes.float('extrapolation_value', 0);
  n.attributes.intOneOf('exclude_outside', 0, [0]);
  n.attributes.intOneOf('antialias', 0, [0]);
  n.attributes.stringOneOf('keep_aspect_ratio_policy', 'stretch', ['stretch']);
  const [, C, H, W] = x.shape;
  const config: Record<string, unknown> = { mode: mode === 'nearest' ? 'nearest' : 'bilinear' };
  if (mode === 'linear') config.alignCorners = transform === 'align_corners';
  const scales = present(n, 2) ? n.staticOf(inputName(n.node, 2)) : undefined;
  const sizes = present(n, 3) ? n.staticOf(inputName(n.node, 3)) : undefined;
  let out: [number, number];
  if (scales !== undefined && scales.data.length > 0 && sizes === undefined) {
    const s = [...scales.data].map(Number);
    if (scales.kind !== 'float' || s.length !== 4 || s[0] !== 1 || s[1] !== 1) {
      n.fail(`scales [${s}] are not supported (supported: [1, 1, height, width])`);
    }
    const factors = [shortestFloat32(s[2]), shortestFloat32(s[3])];
    config.scaleFactor = factors;
    out = [Math.floor(H * s[2]), Math.floor(W * s[3])];
  } else if (
    sizes !== undefined &&
    sizes.kind === 'int' &&
    (scales === undefined || scales.data.length === 0)
  ) {
    const [batch, channels, OH, OW] = sizes.data;
    if (
      sizes.data.length !== 4 ||
      batch !== 'N' ||
      channels !== C ||
      typeof OH !== 'number' ||
      typeof OW !== 'number'
    ) {
      n.fail(
        `sizes [${sizes.data}] are not supported (supported: Concat(Shape(x)[0:2], [height, width]))`,
      );
    }
    config.size = [OH, OW];
    out = [OH, OW];
  } else {
    return n.fail('needs constant scales or sizes (exactly one of them)');
  }
  if (transform === 'pytorch_half_pixel' && (out[0] === 1 || out[1] === 1)) {
    n.fail(
      "'pytorch_half_pixel' to an output of height or width 1 is not supported (use 'half_pixel')",
    );
  }
  return layer(n, 'Upsample', config, [x]);
}

function tryGelu(n: ImportNode): Conversion | null {
  const [xName, divisor] = n.node.input ?? [];
  const x = n.dynamicOf(xName);
  const d = scalar(n, divisor);
  if (x === undefined || (d !== Math.fround(Math.SQRT2) && d !== Math.SQRT2)) return null;
  const erf = n.soleConsumer(outputName(n.node));
  if (erf?.opType !== 'Erf') return null;
  const add = n.soleConsumer(outputName(erf));
  if (add?.opType !== 'Add' || scalar(n, other(add, outputName(erf)) ?? '') !== 1) return null;
  const mul = n.soleConsumer(outputName(add));
  if (mul?.opType !== 'Mul' || other(mul, outputName(add)) !== xName) return null;
  const half = n.soleConsumer(outputName(mul));
  if (half?.opType !== 'Mul' || scalar(n, other(half, outputName(mul)) ?? '') !== 0.5) return null;
  for (const node of [erf, add, mul, half]) n.consume(node).done();
  return layer(n, 'GELU', {}, [x], undefined, half);
}

function trySilu(n: ImportNode, x: DynamicValue): Conversion | null {
  const mul = n.soleConsumer(outputName(n.node));
  if (mul?.opType !== 'Mul' || other(mul, outputName(n.node)) !== inputName(n.node, 0)) return null;
  n.consume(mul).done();
  return layer(n, 'SiLU', {}, [x], undefined, mul);
}

function l2Normalize(n: ImportNode): Conversion {
  const x = dynamic(n, 0);
  const axes =
    n.opset >= 18 && present(n, 1)
      ? (n.staticOf(inputName(n.node, 1))?.data ?? [])
      : n.attributes.ints('axes', []);
  n.attributes.intOneOf('keepdims', 1, [1]);
  if (n.opset >= 18) n.attributes.intOneOf('noop_with_empty_axes', 0, [0]);
  const unsupported = (): never =>
    n.fail(
      'is supported as L2 normalisation only: Div(x, Max(ReduceL2(x, one axis), eps)) or with Clip(min eps)',
    );
  if (axes.length !== 1 || typeof axes[0] !== 'number') return unsupported();
  const norm = outputName(n.node);
  const clamp = n.soleConsumer(norm);
  let eps: number | undefined;
  if (clamp?.opType === 'Max') eps = scalar(n, other(clamp, norm) ?? '');
  if (clamp?.opType === 'Clip' && (clamp.input ?? [])[0] === norm && inputName(clamp, 2) === '') {
    eps = scalar(n, inputName(clamp, 1));
  }
  if (clamp === null || eps === undefined) return unsupported();
  let divisor = outputName(clamp);
  const nodes = [clamp];
  const expand = n.soleConsumer(divisor);
  if (expand?.opType === 'Expand') {
    const shape = n.staticOf(inputName(expand, 1))?.data ?? [];
    const full = ['N', ...x.shape.slice(1)];
    if (shape.length !== full.length || shape.some((d, i) => d !== full[i] && d !== 1))
      return unsupported();
    nodes.push(expand);
    divisor = outputName(expand);
  }
  const div = n.soleConsumer(divisor);
  if (
    div?.opType !== 'Div' ||
    inputName(div, 0) !== inputName(n.node, 0) ||
    inputName(div, 1) !== divisor
  ) {
    return unsupported();
  }
  for (const node of [...nodes, div]) n.consume(node).done();
  return layer(n, 'L2Normalize', { axis: axes[0], eps: shortestFloat32(eps) }, [x], undefined, div);
}

function perChannel(
  n: ImportNode,
  value: StaticValue | undefined,
  C: number,
): number[] | undefined {
  if (value?.kind !== 'float' || value.data.length !== C) return undefined;
  const dims = value.dims.filter((d) => d !== 1);
  const rank = value.dims.length;
  if (C > 1 && (dims.length !== 1 || !(rank === 3 || rank === 4) || value.dims[rank - 3] !== C))
    return undefined;
  return Array.from(value.data, shortestFloat32);
}

function normalize(n: ImportNode): Conversion {
  const x = dynamic(n, 0, 4);
  const unsupported = (): never =>
    n.fail(
      'is supported only as the input normalisation Div(Sub(input, mean), std), per channel, right after a graph input',
    );
  if (!n.isGraphInput(x) || n.soleConsumer(inputName(n.node, 0)) !== n.node) return unsupported();
  const mean = perChannel(n, n.staticOf(inputName(n.node, 1)), x.shape[1]);
  const div = n.soleConsumer(outputName(n.node));
  if (mean === undefined || div?.opType !== 'Div' || inputName(div, 0) !== outputName(n.node))
    return unsupported();
  const std = perChannel(n, n.staticOf(inputName(div, 1)), x.shape[1]);
  if (std === undefined) return unsupported();
  n.consume(div).done();
  n.attributes.done();
  return { kind: 'normalize', input: x, mean, std, last: div };
}

function passThrough(n: ImportNode): Conversion {
  n.attributes.done();
  return { kind: 'alias', value: dynamic(n, 0), last: n.node };
}

function dropout(n: ImportNode): Conversion {
  n.attributes.int('seed', 0);
  if (present(n, 2)) {
    const training = n.staticOf(inputName(n.node, 2));
    if (training?.kind !== 'int' || training.data[0] !== 0)
      n.fail('training_mode must be a constant false');
  }
  if ((n.node.output ?? []).filter((o) => o !== '').length > 1) {
    n.fail('the mask output is not supported (inference form)');
  }
  return passThrough(n);
}

function merge(n: ImportNode, op: 'Add' | 'Concat'): Conversion {
  const inputs = (n.node.input ?? []).map((_, i) => dynamic(n, i));
  if (inputs.length < 2) n.fail(`needs at least 2 inputs computed from the model's input`);
  if (op === 'Add') return layer(n, 'Add', {}, inputs);
  const axis = n.attributes.int('axis', 1);
  const rank = inputs[0].shape.length;
  return layer(n, 'Concat', { axis: axis < 0 ? axis + rank : axis }, inputs);
}

function onlyIn(pattern: string): Converter {
  return (n) => n.fail(`is supported only as part of ${pattern}`);
}

export const IMPORTERS: Readonly<Record<string, Converter>> = {
  Conv: (n) => conv(n, false),
  ConvTranspose: (n) => conv(n, true),
  Gemm: gemm,
  MatMul: matMul,
  BatchNormalization: batchNorm,
  MaxPool: (n) => pool(n, false),
  AveragePool: (n) => pool(n, true),
  GlobalAveragePool: (n) => layer(n, 'GlobalAvgPool2d', {}, [dynamic(n, 0, 4)]),
  Flatten: flatten,
  Reshape: reshape,
  Relu: (n) => layer(n, 'ReLU', {}, [dynamic(n, 0)]),
  LeakyRelu: (n) => {
    const x = dynamic(n, 0);
    return layer(
      n,
      'LeakyReLU',
      { negativeSlope: shortestFloat32(n.attributes.float('alpha', 0.01)) },
      [x],
    );
  },
  Sigmoid: (n) => {
    const x = dynamic(n, 0);
    return trySilu(n, x) ?? layer(n, 'Sigmoid', {}, [x]);
  },
  Tanh: (n) => layer(n, 'Tanh', {}, [dynamic(n, 0)]),
  Softmax: (n) => {
    const x = dynamic(n, 0);
    return layer(n, 'Softmax', { axis: n.attributes.int('axis', -1) }, [x]);
  },
  ReduceL2: l2Normalize,
  Div: (n) =>
    tryGelu(n) ??
    onlyIn(
      'GELU (Div(x, sqrt 2) -> Erf -> Add(1) -> Mul(x) -> Mul(0.5)), L2 normalisation or the input normalisation',
    )(n),
  Sub: normalize,
  Mul: onlyIn('GELU or SiLU (x * Sigmoid(x))'),
  Erf: onlyIn('GELU'),
  Max: onlyIn('L2 normalisation'),
  Clip: onlyIn('L2 normalisation'),
  Expand: onlyIn('L2 normalisation'),
  Resize: resize,
  Add: (n) => merge(n, 'Add'),
  Sum: (n) => merge(n, 'Add'),
  Concat: (n) => merge(n, 'Concat'),
  Identity: passThrough,
  Dropout: dropout,
};
