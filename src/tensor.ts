import { isGradEnabled, runBackward, type BackwardOptions, type GradNode } from './autograd.js';
import type { Rng } from './rng.js';
import { formatShape, sizeOf, type Shape } from './shape/shape.js';

// Shapes live in the leaf module src/shape/shape.ts (shared with autograd and the geometry);
// they are re-exported here because most code meets them next to Tensor.
export { formatShape, sizeOf, type Shape };

/** Element types a tensor can hold. Kernels run in float32; gradient checks use float64. */
export type DType = 'float32' | 'float64';
export type FloatArray = Float32Array | Float64Array;

function checkShape(shape: Shape, where: string): void {
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i];
    if (!Number.isInteger(d) || d < 0) {
      throw new RangeError(
        `${where}: dimension ${i} of shape ${formatShape(shape)} must be a non-negative integer, got ${d}`,
      );
    }
  }
}

/**
 * Where new float32 tensor data comes from. Ordinarily plain JS memory; inside a fast backend's
 * step (see WasmBackend.runStep) the kernels' own memory, so kernels read and write it in place.
 */
export interface Float32Allocator {
  /** An array of `length` floats: zero-filled when `zeroed`, else holding any values. */
  allocate(length: number, zeroed: boolean): Float32Array;
}

let float32Allocator: Float32Allocator | null = null;

/** Runs fn with every new float32 tensor's data taken from `allocator`; restores the previous one. */
export function withFloat32Allocator<T>(allocator: Float32Allocator | null, fn: () => T): T {
  const previous = float32Allocator;
  float32Allocator = allocator;
  try {
    return fn();
  } finally {
    float32Allocator = previous;
  }
}

function allocate(dtype: DType, size: number, zeroed = true): FloatArray {
  if (dtype === 'float64') return new Float64Array(size);
  return float32Allocator === null
    ? new Float32Array(size)
    : float32Allocator.allocate(size, zeroed);
}

/**
 * A dense, contiguous, row-major tensor. Images are (N,C,H,W): batch, channels, height, width.
 * The data array is owned by the tensor; reshape returns a view that shares it.
 *
 * Autograd (src/autograd.ts): a tensor made by an op from inputs that require grad remembers
 * that op in gradFn; loss.backward() sends gradients back to the leaves. Parameters are leaves
 * made with requireGrad(): `Tensor.randn([4, 3, 3, 3], rng, 0.1).requireGrad()`.
 */
export class Tensor {
  readonly data: FloatArray;
  readonly shape: Shape;
  /** dL/dthis, accumulated by backward() until zeroed (as in PyTorch); null until then. */
  grad: Tensor | null = null;
  /** Whether autograd records the ops that use this tensor, so that it receives a .grad. */
  requiresGrad = false;
  /** The op that made this tensor, set by autograd; null for leaves (tensors made directly). */
  gradFn: GradNode | null = null;

  constructor(data: FloatArray, shape: Shape) {
    checkShape(shape, 'Tensor');
    const size = sizeOf(shape);
    if (data.length !== size) {
      throw new RangeError(
        `Tensor: shape ${formatShape(shape)} needs ${size} elements, but the data has ${data.length}`,
      );
    }
    this.data = data;
    this.shape = Object.freeze([...shape]);
  }

  static zeros(shape: Shape, dtype: DType = 'float32'): Tensor {
    checkShape(shape, 'Tensor.zeros');
    return new Tensor(allocate(dtype, sizeOf(shape)), shape);
  }

  /**
   * A tensor whose values are unspecified, for an output that a kernel overwrites entirely
   * (every Backend kernel does): in a fast backend's step memory it saves zeroing what the
   * kernel is about to write. In ordinary memory its values are zeros.
   */
  static empty(shape: Shape, dtype: DType = 'float32'): Tensor {
    checkShape(shape, 'Tensor.empty');
    return new Tensor(allocate(dtype, sizeOf(shape), false), shape);
  }

  static ones(shape: Shape, dtype: DType = 'float32'): Tensor {
    const t = Tensor.zeros(shape, dtype);
    t.data.fill(1);
    return t;
  }

  /** A 0-dimensional tensor holding one number. */
  static scalar(value: number, dtype: DType = 'float32'): Tensor {
    return Tensor.from([value], [], dtype);
  }

  /** Copies values into a new tensor of the given shape. */
  static from(values: ArrayLike<number>, shape: Shape, dtype: DType = 'float32'): Tensor {
    checkShape(shape, 'Tensor.from');
    const data = allocate(dtype, values.length);
    data.set(values);
    return new Tensor(data, shape);
  }

  /** Normal deviates with the given standard deviation, from a seeded Rng. */
  static randn(shape: Shape, rng: Rng, std = 1, dtype: DType = 'float32'): Tensor {
    const t = Tensor.zeros(shape, dtype);
    for (let i = 0; i < t.data.length; i++) t.data[i] = rng.normal(0, std);
    return t;
  }

  /** Uniform deviates in [low, high), from a seeded Rng. */
  static uniform(shape: Shape, rng: Rng, low = 0, high = 1, dtype: DType = 'float32'): Tensor {
    const t = Tensor.zeros(shape, dtype);
    for (let i = 0; i < t.data.length; i++) t.data[i] = rng.uniform(low, high);
    return t;
  }

  get dtype(): DType {
    return this.data instanceof Float64Array ? 'float64' : 'float32';
  }

  get size(): number {
    return this.data.length;
  }

  get rank(): number {
    return this.shape.length;
  }

  /** True for tensors not made by a recorded op: parameters, inputs, constants. */
  get isLeaf(): boolean {
    return this.gradFn === null;
  }

  /**
   * Marks a leaf as a parameter (or unmarks it): autograd then records the ops that use it and
   * backward() accumulates into its .grad. Returns this, for chaining after a creation helper.
   */
  requireGrad(requiresGrad = true): this {
    if (this.gradFn !== null) {
      throw new Error(
        `requireGrad: only a leaf tensor can change requiresGrad; this one was made by ${this.gradFn.op} (use detach() first)`,
      );
    }
    this.requiresGrad = requiresGrad;
    return this;
  }

  /** Forgets the accumulated gradient (PyTorch's zero_grad with set_to_none). */
  zeroGrad(): void {
    this.grad = null;
  }

  /** A leaf that shares this tensor's data but is outside the graph (no gradFn, no grad). */
  detach(): Tensor {
    return new Tensor(this.data, this.shape);
  }

  /**
   * Computes the gradient of this tensor with respect to every leaf that requires grad, and
   * adds it to their .grad. Without `gradient` this tensor must hold one element (a loss);
   * otherwise `gradient` is dL/dthis, of this tensor's shape. The graph is released afterwards
   * unless retainGraph is set.
   */
  backward(gradient?: Tensor, options: BackwardOptions = {}): void {
    if (!this.requiresGrad) {
      throw new Error(
        'backward: this tensor does not require grad (no input of the ops that made it requires grad, or it was made inside noGrad)',
      );
    }
    if (gradient === undefined && this.size !== 1) {
      throw new Error(
        `backward: a tensor of shape ${formatShape(this.shape)} is not a scalar; pass the gradient dL/dthis explicitly`,
      );
    }
    if (
      gradient !== undefined &&
      (gradient.rank !== this.rank || gradient.shape.some((d, i) => d !== this.shape[i]))
    ) {
      throw new Error(
        `backward: gradient of shape ${formatShape(gradient.shape)} for a tensor of shape ${formatShape(this.shape)}`,
      );
    }
    runBackward(this, gradient ?? Tensor.ones(this.shape, this.dtype), options);
  }

  /** The value of a one-element tensor. */
  item(): number {
    if (this.size !== 1) {
      throw new RangeError(
        `item: only a one-element tensor has a single value, got shape ${formatShape(this.shape)}`,
      );
    }
    return this.data[0];
  }

  /**
   * A view with a new shape over the same data. One dimension may be -1 (inferred). Not
   * recorded by autograd: for a tensor that requires grad, use the reshape op (src/ops).
   */
  reshape(shape: Shape): Tensor {
    if (this.requiresGrad && isGradEnabled()) {
      throw new Error(
        `Tensor.reshape: this tensor of shape ${formatShape(this.shape)} requires grad, and a raw view would cut it from the graph; use reshape(x, shape) or flatten(x) from the ops`,
      );
    }
    const inferred = shape.indexOf(-1);
    if (inferred !== -1) {
      if (shape.indexOf(-1, inferred + 1) !== -1) {
        throw new RangeError(`reshape: only one dimension may be -1, got ${formatShape(shape)}`);
      }
      const known = sizeOf(shape.filter((_, i) => i !== inferred));
      if (known === 0 || this.size % known !== 0) {
        throw new RangeError(
          `reshape: cannot reshape ${formatShape(this.shape)} (${this.size} elements) to ${formatShape(shape)}`,
        );
      }
      shape = shape.map((d, i) => (i === inferred ? this.size / known : d));
    }
    if (sizeOf(shape) !== this.size) {
      throw new RangeError(
        `reshape: cannot reshape ${formatShape(this.shape)} (${this.size} elements) to ${formatShape(shape)} (${sizeOf(shape)} elements)`,
      );
    }
    return new Tensor(this.data, shape);
  }

  /** (N, d1, d2, ...) -> (N, d1*d2*...): a view, since the data is contiguous. Not recorded by autograd. */
  flatten(): Tensor {
    if (this.rank < 1) throw new RangeError('flatten: a scalar has no batch dimension');
    return this.reshape([this.shape[0], this.shape[0] === 0 ? 0 : -1]);
  }

  /** A copy with its own data, optionally in another dtype; outside the graph, like detach(). */
  clone(dtype: DType = this.dtype): Tensor {
    return Tensor.from(this.data, this.shape, dtype);
  }

  /** The element at a multi-index, checked against the shape. */
  get(...index: number[]): number {
    if (index.length !== this.rank) {
      throw new RangeError(
        `get: expected ${this.rank} indices for shape ${formatShape(this.shape)}, got ${index.length}`,
      );
    }
    let offset = 0;
    for (let i = 0; i < index.length; i++) {
      const k = index[i];
      if (!Number.isInteger(k) || k < 0 || k >= this.shape[i]) {
        throw new RangeError(
          `get: index ${k} out of range for dimension ${i} of size ${this.shape[i]}`,
        );
      }
      offset = offset * this.shape[i] + k;
    }
    return this.data[offset];
  }

  toArray(): number[] {
    return Array.from(this.data);
  }
}
