/**
 * How each ONNX op becomes a layer of the graph format, one converter per op type. A converter
 * checks every input and attribute it is given (an attribute it does not read is an error, see
 * AttributeReader.done), and either maps the node to a layer, passes its input through
 * (Identity, Dropout), or recognises a pattern of several nodes that one layer computes:
 *
 *   GELU         Div(x, sqrt 2) -> Erf -> Add(1) -> Mul(x) -> Mul(0.5)     (ours and PyTorch's)
 *   SiLU         Mul(x, Sigmoid(x))
 *   L2Normalize  Div(x, Max(ReduceL2(x), eps)) or with Clip(min eps) [-> Expand] (PyTorch's)
 *   Linear       Gemm(x, W, b), or MatMul(x, W^T) [-> Add(b)]   (import-linear.ts)
 *   normalize    Sub(input, mean) -> Div(std) right after a graph input
 *
 * (the patterns in import-patterns.ts, their shared helpers in import-context.ts).
 * Anything else is an error that names the node, the op and what is supported.
 */
import {
  dynamic,
  floats,
  inputName,
  layer,
  only,
  pair,
  present,
  symmetricPads,
  type Conversion,
  type Converter,
  type ImportNode,
  type Weight,
} from './import-context.js';
import { gemm, matMul } from './import-linear.js';
import { l2Normalize, normalize, tryGelu, trySilu } from './import-patterns.js';
import { shortestFloat32 } from './onnx-tensor.js';

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

/** Pad with zero pads (PyTorch writes one before AveragePool): the identity. */
function pad(n: ImportNode): Conversion {
  n.attributes.stringOneOf('mode', 'constant', ['constant']);
  const pads = n.staticOf(inputName(n.node, 1));
  if (pads?.kind !== 'int' || pads.data.some((p) => p !== 0)) {
    n.fail('is supported with zero pads only (padding belongs to the Conv or pool that follows)');
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
  Pad: pad,
  Dropout: dropout,
};
