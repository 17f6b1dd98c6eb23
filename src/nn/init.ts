/**
 * Weight initialisation (PyTorch's torch.nn.init), always from a seeded Rng: same seed, same
 * weights. Each function fills a tensor's data in place, element by element in row-major
 * order, and returns the tensor.
 *
 * Fans of a weight: for (OUT,IN) linear weights fanIn = IN, fanOut = OUT; for conv weights
 * (F,C,KH,KW) fanIn = C*KH*KW, fanOut = F*KH*KW (for a transposed conv's (C,F/groups,KH,KW)
 * weight the same formula, as PyTorch computes it).
 *
 *   kaimingUniform  U(-b, b),  b = gain * sqrt(3 / fan)         (He et al. 2015)
 *   kaimingNormal   N(0, s²),  s = gain / sqrt(fan)
 *   xavierUniform   U(-b, b),  b = gain * sqrt(6 / (fanIn + fanOut))   (Glorot & Bengio 2010)
 *   xavierNormal    N(0, s²),  s = gain * sqrt(2 / (fanIn + fanOut))
 *
 * gain (calculateGain): 1 for linear, conv and sigmoid; 5/3 for tanh; sqrt(2) for ReLU;
 * sqrt(2 / (1 + a²)) for leaky ReLU of negative slope a.
 *
 * Default initialisation of Conv2d, ConvTranspose2d and Linear (PyTorch's reset_parameters):
 * the weight is kaimingUniform with a = sqrt(5), which is U(-1/sqrt(fanIn), 1/sqrt(fanIn)), and
 * the bias U(-1/sqrt(fanIn), 1/sqrt(fanIn)). Layers draw from `options.rng`, or else from the
 * default Rng of this module, seeded with 0 and reseeded by manualSeed(seed) (as
 * torch.manual_seed): building the same layers in the same order after the same manualSeed
 * gives the same weights. The values are PyTorch's distributions, not its numbers (the
 * generators differ).
 */
import { Rng } from '../rng.js';
import type { DType, Shape, Tensor } from '../tensor.js';

let defaultRng = new Rng(0);

/** Reseeds the default Rng that layers draw from when no rng is given. */
export function manualSeed(seed: number): void {
  defaultRng = new Rng(seed);
}

/** The Rng layers draw from when no rng is given (seeded with 0 until manualSeed). */
export function getDefaultRng(): Rng {
  return defaultRng;
}

/** What every layer with parameters accepts. */
export interface ParameterOptions {
  /** Draws the initial weights; default: the module-level default Rng (see manualSeed). */
  rng?: Rng;
  /** The parameters' dtype; default 'float32'. */
  dtype?: DType;
}

export type FanMode = 'fanIn' | 'fanOut';

export type Nonlinearity =
  'linear' | 'conv2d' | 'convTranspose2d' | 'sigmoid' | 'tanh' | 'relu' | 'leakyRelu';

/**
 * The recommended gain for a nonlinearity (PyTorch's calculate_gain). param is leaky ReLU's
 * negative slope; default 0.01.
 */
export function calculateGain(nonlinearity: Nonlinearity, param = 0.01): number {
  switch (nonlinearity) {
    case 'linear':
    case 'conv2d':
    case 'convTranspose2d':
    case 'sigmoid':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.sqrt(2);
    case 'leakyRelu':
      if (!Number.isFinite(param)) {
        throw new RangeError(`calculateGain: negative slope must be a finite number, got ${param}`);
      }
      return Math.sqrt(2 / (1 + param * param));
  }
}

/** fanIn and fanOut of a weight of at least 2 dimensions (see the top of this file). */
export function computeFans(shape: Shape): { fanIn: number; fanOut: number } {
  if (shape.length < 2) {
    throw new RangeError(
      `computeFans: fan in and fan out need a tensor of at least 2 dimensions, got shape (${shape.join(',')})`,
    );
  }
  let receptiveField = 1;
  for (let i = 2; i < shape.length; i++) receptiveField *= shape[i];
  return { fanIn: shape[1] * receptiveField, fanOut: shape[0] * receptiveField };
}

export interface InitOptions {
  /** Draws the values; default: the module-level default Rng. */
  rng?: Rng;
}

export interface KaimingOptions extends InitOptions {
  /** Negative slope of the leaky ReLU that follows (used when nonlinearity is 'leakyRelu'); default 0. */
  a?: number;
  /** Preserve the variance of the forward pass ('fanIn', the default) or of the backward ('fanOut'). */
  mode?: FanMode;
  /** Default 'leakyRelu' (with a = 0, the same as 'relu'), as in PyTorch. */
  nonlinearity?: Nonlinearity;
}

export interface XavierOptions extends InitOptions {
  /** Scale factor; default 1. */
  gain?: number;
}

function kaimingScale(
  t: Tensor,
  { a = 0, mode = 'fanIn', nonlinearity = 'leakyRelu' }: KaimingOptions,
) {
  if (mode !== 'fanIn' && mode !== 'fanOut') {
    throw new RangeError(`kaiming init: mode must be 'fanIn' or 'fanOut', got '${String(mode)}'`);
  }
  const fans = computeFans(t.shape);
  const fan = mode === 'fanIn' ? fans.fanIn : fans.fanOut;
  return { gain: calculateGain(nonlinearity, a), fan };
}

/** Fills t with U(low, high). */
export function uniform(
  t: Tensor,
  low = 0,
  high = 1,
  { rng = defaultRng }: InitOptions = {},
): Tensor {
  if (!(low <= high)) throw new RangeError(`uniform: low ${low} must not exceed high ${high}`);
  for (let i = 0; i < t.data.length; i++) t.data[i] = rng.uniform(low, high);
  return t;
}

/** Fills t with N(mean, std²). */
export function normal(
  t: Tensor,
  mean = 0,
  std = 1,
  { rng = defaultRng }: InitOptions = {},
): Tensor {
  if (!(std >= 0)) throw new RangeError(`normal: std must be non-negative, got ${std}`);
  for (let i = 0; i < t.data.length; i++) t.data[i] = rng.normal(mean, std);
  return t;
}

export function constant(t: Tensor, value: number): Tensor {
  t.data.fill(value);
  return t;
}

export function zeros(t: Tensor): Tensor {
  return constant(t, 0);
}

export function ones(t: Tensor): Tensor {
  return constant(t, 1);
}

/** He uniform: U(-b, b), b = gain * sqrt(3 / fan). A tensor with no elements is left as is. */
export function kaimingUniform(t: Tensor, options: KaimingOptions = {}): Tensor {
  if (t.size === 0) return t;
  const { gain, fan } = kaimingScale(t, options);
  const bound = gain * Math.sqrt(3 / fan);
  return uniform(t, -bound, bound, options);
}

/** He normal: N(0, s²), s = gain / sqrt(fan). A tensor with no elements is left as is. */
export function kaimingNormal(t: Tensor, options: KaimingOptions = {}): Tensor {
  if (t.size === 0) return t;
  const { gain, fan } = kaimingScale(t, options);
  return normal(t, 0, gain / Math.sqrt(fan), options);
}

/** Glorot uniform: U(-b, b), b = gain * sqrt(6 / (fanIn + fanOut)). */
export function xavierUniform(t: Tensor, { gain = 1, rng }: XavierOptions = {}): Tensor {
  if (t.size === 0) return t;
  const { fanIn, fanOut } = computeFans(t.shape);
  const bound = gain * Math.sqrt(6 / (fanIn + fanOut));
  return uniform(t, -bound, bound, { rng });
}

/** Glorot normal: N(0, s²), s = gain * sqrt(2 / (fanIn + fanOut)). */
export function xavierNormal(t: Tensor, { gain = 1, rng }: XavierOptions = {}): Tensor {
  if (t.size === 0) return t;
  const { fanIn, fanOut } = computeFans(t.shape);
  return normal(t, 0, gain * Math.sqrt(2 / (fanIn + fanOut)), { rng });
}

/**
 * PyTorch's default for conv and linear layers: weight kaimingUniform with a = sqrt(5), i.e.
 * U(-1/sqrt(fanIn), 1/sqrt(fanIn)); bias (when given) U(-1/sqrt(fanIn), 1/sqrt(fanIn)).
 */
export function defaultLayerInit(weight: Tensor, bias: Tensor | null, rng: Rng): void {
  kaimingUniform(weight, { a: Math.sqrt(5), rng });
  if (bias === null) return;
  const { fanIn } = computeFans(weight.shape);
  const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
  uniform(bias, -bound, bound, { rng });
}
